"""django-helpdesk 2.6.1 as a benchmark peer: run its runner in the peer's own venv.

    run_helpdesk("create-tickets", "--n", "500", timeout=600)
    run_helpdesk("api-list", "--tickets", "1000", "--requests", "20", timeout=600)
    run_helpdesk("email-ingest", "--dir", "/tmp/mails", timeout=600)

Options that belong before the subcommand (`--database-url URL`) go in `database_url`.
No Django import here: the peer's Django is another install in another process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from shomer.bench.peers import ensure_peer_venv

PEER_NAME = "django-helpdesk"
PEER_VERSION = "2.6.1"
# django-helpdesk and everything it needs, pinned exactly (resolved once with pip and
# frozen); Django is the same 5.2 LTS release as Shomer's, psycopg is for PostgreSQL runs.
HELPDESK_REQUIREMENTS = [
    f"django-helpdesk=={PEER_VERSION}",
    "Django==5.2.19",
    "asgiref==3.13.0",
    "sqlparse==0.6.1",
    "beautifulsoup4==4.15.0",
    "soupsieve==4.1.2",
    "django-cleanup==9.0.0",
    "django-model-utils==5.0.0",
    "djangorestframework==3.18.3",
    "email-reply-parser==0.5.12",
    "Markdown==3.11.3",
    "nh3==0.3.8",
    "oauthlib==4.0.1",
    "requests-oauthlib==2.0.0",
    "requests==2.34.2",
    "certifi==2026.10.18",
    "charset-normalizer==3.5.2",
    "idna==3.20",
    "urllib3==2.8.0",
    "typing_extensions==4.16.0",
    "psycopg[binary]==3.3.9",
]
RUNNER = Path(__file__).resolve().parent / "peer_helpdesk" / "runner.py"
COMMANDS = ("create-tickets", "api-list", "email-ingest")


class PeerRunError(RuntimeError):
    """The peer's runner failed, timed out, or printed something that is not one JSON object."""


def helpdesk_python() -> Path:
    """The peer venv's python, building the venv on first use."""
    return ensure_peer_venv("helpdesk", HELPDESK_REQUIREMENTS)


def run_helpdesk(
    command: str, *args: str, timeout: float, database_url: str | None = None
) -> dict[str, Any]:
    """Run `runner.py [--database-url URL] COMMAND ARGS...` in the peer venv; its JSON.

    `timeout` bounds the whole subprocess (venv build excluded). Raises PeerRunError with
    the tail of the runner's stderr when it fails.
    """
    if command not in COMMANDS:
        raise ValueError(f"unknown helpdesk peer command {command!r}; known: {COMMANDS}")
    python = helpdesk_python()
    argv = [str(python), str(RUNNER)]
    if database_url:
        argv += ["--database-url", database_url]
    argv += [command, *args]
    # The peer must see none of Shomer's Django settings or packages.
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    try:
        completed = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr or ""
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        raise PeerRunError(
            f"helpdesk peer {command} did not finish in {timeout:g} s\n{_tail(stderr)}"
        ) from None
    if completed.returncode != 0:
        raise PeerRunError(
            f"helpdesk peer {command} failed (exit {completed.returncode})\n"
            f"{_tail(completed.stderr)}"
        )
    lines = [text for text in completed.stdout.splitlines() if text.strip()]
    try:
        if len(lines) != 1:
            raise ValueError(f"expected one line, got {len(lines)}")
        result = json.loads(lines[0])
        if not isinstance(result, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        raise PeerRunError(
            f"helpdesk peer {command} printed no single JSON object ({error}):\n"
            f"{completed.stdout[-2000:]}\n{_tail(completed.stderr)}"
        ) from None
    return result


def _tail(stderr: str, lines: int = 25) -> str:
    return "\n".join(stderr.rstrip().splitlines()[-lines:])


def main(argv: list[str]) -> int:
    """`python -m shomer.bench.helpdesk COMMAND ARGS...` for a quick look by hand."""
    if not argv:
        print(f"usage: python -m shomer.bench.helpdesk {{{','.join(COMMANDS)}}} ARGS...")
        return 2
    print(json.dumps(run_helpdesk(argv[0], *argv[1:], timeout=3600), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
