"""Real mail servers for the channel tests: Dovecot (IMAP) and an aiosmtpd sink (SMTP).

Dovecot is Debian's (`apt-get install dovecot-imapd`), started on a free loopback port with
a configuration of its own in a temporary folder: maildirs there, users in a passwd-file,
plaintext login allowed (loopback only), no TLS, logs in the folder. Run as root it needs
Debian's `dovecot`/`dovenull` users for its internal and login processes (it refuses to
run them as root); run as anyone else, everything runs as that user.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.servers import free_port, unavailable, wait_for_port

PASSWORD = "correct-horse-imap"
ACCOUNTS = 500


@dataclass
class Dovecot:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    users: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_account(self) -> str:
        """A fresh user with an empty mailbox (from the pool written before the start:
        Dovecot's passwd-file reload on change is too lazy to rely on)."""
        with self.lock:
            self.users += 1
            if self.users > ACCOUNTS:
                raise RuntimeError(f"more than {ACCOUNTS} IMAP accounts asked for")
            return f"support{self.users}"

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _config(folder: Path, port: int) -> str:
    if os.geteuid() == 0:
        try:
            internal, login = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        except KeyError:
            unavailable("Dovecot as root needs the dovecot and dovenull users (Debian's package)")
        internal_user, internal_group = internal.pw_name, grp.getgrgid(internal.pw_gid).gr_name
        login_user, mail_uid, mail_gid = login.pw_name, internal.pw_uid, internal.pw_gid
    else:
        me = pwd.getpwuid(os.geteuid())
        internal_user, internal_group = me.pw_name, grp.getgrgid(me.pw_gid).gr_name
        login_user, mail_uid, mail_gid = me.pw_name, me.pw_uid, me.pw_gid
    for sub in ("mail", "home"):
        (folder / sub).mkdir()
        if os.geteuid() == 0:
            os.chown(folder / sub, mail_uid, mail_gid)
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
# Trusted: no anvil penalty after the tests' deliberate login failures.
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{folder}/mail/%u
first_valid_uid = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


def start_dovecot() -> Dovecot:
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if binary is None:
        unavailable("Dovecot is not installed (apt-get install dovecot-imapd)")
    folder = Path(tempfile.mkdtemp(prefix="shomer-dovecot-"))
    folder.chmod(0o755)  # Dovecot's own users must reach the maildirs inside
    (folder / "users").write_text(
        "".join(f"support{n}:{{PLAIN}}{PASSWORD}::::::\n" for n in range(1, ACCOUNTS + 1))
    )
    (folder / "users").chmod(0o644)
    port = free_port()
    (folder / "dovecot.conf").write_text(_config(folder, port))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, timeout=15)
    except TimeoutError:
        process.terminate()
        stderr = process.communicate(timeout=10)[1].decode(errors="replace")
        log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"Dovecot did not start: {stderr[-1000:]} {log[-1000:]}")
    return Dovecot(folder, port, process)


def stop_dovecot(server: Dovecot) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)
    shutil.rmtree(server.folder, ignore_errors=True)


class SmtpSink:
    """An SMTP server (aiosmtpd) in a thread that keeps what it receives; `fail_next` makes
    it refuse the next messages with a temporary error."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.fail_next = 0
        self.arrived = threading.Event()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
                if sink.fail_next:
                    sink.fail_next -= 1
                    return "451 4.3.0 Try again later"
                sink.received.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
                )
                sink.arrived.set()
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def messages(self) -> list[Message]:
        return [message_from_bytes(raw) for _, _, raw in self.received]
