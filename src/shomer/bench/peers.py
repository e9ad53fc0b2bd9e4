"""Separate virtual environments for the benchmark peers (django-helpdesk and the like).

A peer runs in its own venv so that its pins never touch Shomer's. The venv lives under
`$SHOMER_HOME/peers/<name>`, is built once and reused while its requirements stay the same:
a marker file holds a hash of the requirements and of the interpreter that built it.
No Django import here: this runs before any settings exist.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

MARKER_NAME = ".shomer-requirements"
# `name==1.2.3`, optionally with extras: `psycopg[binary]==3.3.9`.
PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?==[A-Za-z0-9.+!-]+$")
PEER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class PeerInstallError(RuntimeError):
    """The peer's venv could not be built (venv creation or pip failed)."""


def shomer_home() -> Path:
    return Path(os.environ.get("SHOMER_HOME", str(Path.home() / ".shomer"))).expanduser()


def requirements_hash(requirements: list[str]) -> str:
    """Same requirements (in any order) on the same interpreter give the same hash."""
    version = ".".join(str(part) for part in sys.version_info[:3])
    text = "\n".join([f"python {version}", *sorted(requirements)])
    return hashlib.sha256(text.encode()).hexdigest()


def check_requirements(requirements: list[str]) -> None:
    """Every requirement must be pinned exactly, so that a peer's figures are repeatable."""
    if not requirements:
        raise ValueError("a peer needs at least one requirement")
    loose = [item for item in requirements if not PINNED.match(item.strip())]
    if loose:
        raise ValueError(f"peer requirements must be pinned with ==, not: {', '.join(loose)}")


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_peer_venv(name: str, requirements: list[str]) -> Path:
    """Build (once) the venv `$SHOMER_HOME/peers/<name>` and return its python.

    Idempotent: a venv whose marker matches the requirements is returned as it is. A lock
    file keeps two processes from building the same venv at once. Progress goes to stderr.
    """
    if not PEER_NAME.match(name):
        raise ValueError(f"peer name must be lower-case letters, digits, - or _: {name!r}")
    check_requirements(requirements)
    venv = shomer_home() / "peers" / name
    wanted = requirements_hash(requirements)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        marker = venv / MARKER_NAME
        python = venv_python(venv)
        if marker.exists() and marker.read_text().strip() == wanted and python.exists():
            return python
        _build(venv, requirements, name)
        marker.write_text(wanted + "\n")
        return python


def _build(venv: Path, requirements: list[str], name: str) -> None:
    _say(f"peer {name}: creating a virtual environment in {venv}")
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)], f"peer {name}: could not create {venv}")
    requirements_file = venv / "requirements.txt"
    requirements_file.write_text("\n".join(requirements) + "\n")
    _say(f"peer {name}: installing {len(requirements)} pinned packages (this runs once)")
    _run(
        [
            str(venv_python(venv)),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--progress-bar",
            "off",
            "-r",
            str(requirements_file),
        ],
        f"peer {name}: pip could not install {requirements_file}",
    )
    _say(f"peer {name}: ready")


def _run(command: list[str], failure: str) -> None:
    # pip's own output goes to our stderr line by line, so a slow install shows progress.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    assert process.stdout is not None
    tail: list[str] = []
    for output_line in process.stdout:
        sys.stderr.write(output_line)
        tail = [*tail[-39:], output_line.rstrip()]
    if process.wait() != 0:
        detail = "\n".join(tail[-15:])
        raise PeerInstallError(f"{failure} (exit {process.returncode}):\n{detail}")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
