"""The django-helpdesk benchmark peer: its venv, its runner and its generated mail.

The tests marked `needs_peer_venv` build (once) a real venv with django-helpdesk 2.6.1 and
run its runner; they run only with SHOMER_TEST_PEERS=1. The rest are fast and pure.
"""

from __future__ import annotations

import email
import os
from email import policy
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shomer.bench import peers
from shomer.bench.helpdesk import HELPDESK_REQUIREMENTS, PeerRunError, run_helpdesk
from shomer.bench.peer_helpdesk import corpus

needs_peer_venv = pytest.mark.skipif(
    os.environ.get("SHOMER_TEST_PEERS") != "1",
    reason="installs a peer venv; set SHOMER_TEST_PEERS=1 to run",
)


# --- pure: requirements, venv marker, corpus -------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "pinned"),
    [
        ("django-helpdesk==2.6.1", True),
        ("psycopg[binary]==3.3.9", True),
        ("typing_extensions==4.16.0", True),
        ("Django>=5.2", False),
        ("Django", False),
        ("Django~=5.2.0", False),
        ("Django==5.2.*; python_version>'3'", False),
    ],
)
def test_only_exact_pins_are_accepted(requirement: str, pinned: bool) -> None:
    if pinned:
        peers.check_requirements([requirement])
    else:
        with pytest.raises(ValueError, match="pinned"):
            peers.check_requirements([requirement])


def test_helpdesk_requirements_are_all_pinned_and_include_the_peer() -> None:
    peers.check_requirements(HELPDESK_REQUIREMENTS)
    assert "django-helpdesk==2.6.1" in HELPDESK_REQUIREMENTS
    assert any(item.startswith("Django==5.2.") for item in HELPDESK_REQUIREMENTS)


@given(st.permutations(HELPDESK_REQUIREMENTS))
def test_requirements_hash_ignores_order(order: list[str]) -> None:
    assert peers.requirements_hash(order) == peers.requirements_hash(HELPDESK_REQUIREMENTS)


def test_requirements_hash_changes_with_a_version() -> None:
    bumped = [item.replace("==2.6.1", "==2.6.2") for item in HELPDESK_REQUIREMENTS]
    assert peers.requirements_hash(bumped) != peers.requirements_hash(HELPDESK_REQUIREMENTS)


def test_a_venv_with_a_matching_marker_is_reused_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOMER_HOME", str(tmp_path))
    venv = tmp_path / "peers" / "demo"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    requirements = ["nh3==0.3.8"]
    (venv / peers.MARKER_NAME).write_text(peers.requirements_hash(requirements) + "\n")
    assert peers.ensure_peer_venv("demo", requirements) == venv / "bin" / "python"
    # Nothing was rebuilt: the placeholder python is still the empty file written above.
    assert (venv / "bin" / "python").read_text() == ""
    assert sorted(path.name for path in venv.iterdir()) == [peers.MARKER_NAME, "bin"]


@pytest.mark.parametrize("name", ["", "Helpdesk", "../escape", "a b"])
def test_peer_names_are_plain(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOMER_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="peer name"):
        peers.ensure_peer_venv(name, ["nh3==0.3.8"])
    assert list(tmp_path.iterdir()) == []


def test_shomer_home_defaults_to_dot_shomer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOMER_HOME", raising=False)
    assert peers.shomer_home() == Path.home() / ".shomer"


def test_unknown_runner_command_is_refused_before_any_install() -> None:
    with pytest.raises(ValueError, match="unknown helpdesk peer command"):
        run_helpdesk("drop-everything", timeout=1)


def test_generated_mails_cycle_through_every_kind(tmp_path: Path) -> None:
    paths = corpus.write_sample_mails(tmp_path, 12, seed=3)
    kinds = [path.name.split("-", 1)[1].removesuffix(".eml") for path in paths]
    assert kinds == [*corpus.MAIL_KINDS, *corpus.MAIL_KINDS[:2]]
    assert corpus.write_sample_mails(tmp_path / "again", 12, seed=3)[5].read_bytes() == (
        paths[5].read_bytes()
    )


@pytest.mark.parametrize(
    ("index", "charset"),
    [(1, "windows-1255"), (2, "iso-8859-8-i"), (9, "iso-8859-8")],
)
def test_hebrew_legacy_charsets_carry_hebrew_text(index: int, charset: str) -> None:
    kind, raw = corpus.sample_message(index, seed=0)
    message = email.message_from_bytes(raw, policy=policy.compat32)
    assert kind == f"plain-{charset}"
    assert message.get_content_charset() == charset
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    # iso-8859-8-i is iso-8859-8 in logical order; Python knows only the latter name.
    text = payload.decode("iso-8859-8" if charset.startswith("iso") else charset)
    assert any("\u05d0" <= letter <= "\u05ea" for letter in text)


def test_reply_threads_onto_the_message_six_places_back() -> None:
    _, first = corpus.sample_message(0, seed=4)
    kind, reply = corpus.sample_message(6, seed=4)
    assert kind == "reply"
    first_id = email.message_from_bytes(first, policy=policy.default)["Message-ID"]
    assert email.message_from_bytes(reply, policy=policy.default)["In-Reply-To"] == first_id


def test_ticket_texts_mix_hebrew_and_english() -> None:
    texts = corpus.ticket_texts(60, seed=5)
    hebrew = [subject for subject, _ in texts if any("\u05d0" <= c <= "\u05ea" for c in subject)]
    assert 0 < len(hebrew) < 60
    assert corpus.ticket_texts(60, seed=5) == texts


# --- the real peer, in its own venv -----------------------------------------------------


@needs_peer_venv
def test_helpdesk_creates_tickets_through_its_staff_form() -> None:
    result = run_helpdesk("create-tickets", "--n", "20", timeout=600)
    assert result["tickets"] == 20
    assert result["via"] == "form"
    assert result["database"] == "sqlite3"
    assert result["seconds"] > 0
    assert result["per_second"] == pytest.approx(20 / result["seconds"], rel=1e-3)


@needs_peer_venv
def test_helpdesk_creates_tickets_through_its_api() -> None:
    result = run_helpdesk("create-tickets", "--n", "20", "--via", "api", timeout=600)
    assert result["tickets"] == 20
    assert result["via"] == "api"


@needs_peer_venv
def test_helpdesk_api_list_runs_a_query_per_ticket_in_the_table() -> None:
    result = run_helpdesk("api-list", "--tickets", "200", "--requests", "4", timeout=600)
    assert result["tickets"] == 200
    assert result["requests"] == 4
    assert result["timed_out"] is False
    assert 0 < result["p50_ms"] <= result["p95_ms"]
    # The known fault being benchmarked: set_custom_field_values() for every ticket.
    assert result["queries_per_request"] >= 200


@needs_peer_venv
def test_helpdesk_api_list_stops_at_its_time_budget() -> None:
    result = run_helpdesk(
        "api-list", "--tickets", "50", "--requests", "1000000", "--timeout-seconds", "1",
        timeout=600,
    )  # fmt: skip
    assert result["timed_out"] is True
    assert 0 < result["requests"] < 1000000


@needs_peer_venv
def test_helpdesk_email_ingest_counts_stored_and_failed_messages(tmp_path: Path) -> None:
    paths = corpus.write_sample_mails(tmp_path, 5)
    assert [path.name for path in paths] == [
        "00000-plain-utf8-english.eml",
        "00001-plain-windows-1255.eml",
        "00002-plain-iso-8859-8-i.eml",
        "00003-base64-utf8-hebrew.eml",
        "00004-alternative-html.eml",
    ]
    result = run_helpdesk("email-ingest", "--dir", str(tmp_path), timeout=600)
    assert result["messages"] == 5
    # django-helpdesk 2.6.1 cannot decode the iso-8859-8-i body: the one failure.
    assert result["stored"] == 4
    assert result["errors"] == 1
    assert result["timeouts"] == 0
    assert result["tickets"] == 4
    assert len(result["error_samples"]) == 1
    assert result["error_samples"][0].startswith("00002-plain-iso-8859-8-i.eml: LookupError")


@needs_peer_venv
def test_a_message_over_its_budget_counts_as_a_timeout_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    for index in (0, 1, 3, 4):  # no iso-8859-8-i here: that one fails before any budget
        kind, raw = corpus.sample_message(index)
        (tmp_path / f"{index}-{kind}.eml").write_bytes(raw)
    # A millisecond is far below what one message takes (a ticket, a follow-up, an e-mail).
    result = run_helpdesk(
        "email-ingest", "--dir", str(tmp_path), "--message-timeout", "0.001", timeout=600
    )
    assert result["messages"] == 4
    assert result["timeouts"] == 4
    assert result["errors"] == 4
    assert result["stored"] == 0
    # Each timed-out message was rolled back whole.
    assert result["tickets"] == 0
    assert result["followups"] == 0
    assert result["error_samples"][0] == "0-plain-utf8-english.eml: timeout"


@needs_peer_venv
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs DATABASE_URL pointing at a PostgreSQL server",
)
def test_helpdesk_runs_on_a_postgresql_database_of_its_own_and_drops_it() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    result = run_helpdesk("create-tickets", "--n", "5", timeout=600, database_url=url)
    assert result["tickets"] == 5
    assert result["database"] == "postgresql"
    with psycopg.connect(url) as connection:
        left = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'helpdesk_bench_%'"
        ).fetchall()
    assert left == []


@needs_peer_venv
def test_a_pin_pip_cannot_install_fails_clearly_and_marks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOMER_HOME", str(tmp_path))
    with pytest.raises(peers.PeerInstallError, match="pip could not install") as raised:
        peers.ensure_peer_venv("broken", ["nh3==0.0.0"])
    assert "nh3==0.0.0" in str(raised.value)
    assert not (tmp_path / "peers" / "broken" / peers.MARKER_NAME).exists()


@needs_peer_venv
def test_a_runner_failure_raises_with_its_stderr(tmp_path: Path) -> None:
    with pytest.raises(PeerRunError, match="is not a folder"):
        run_helpdesk("email-ingest", "--dir", str(tmp_path / "missing"), timeout=600)
