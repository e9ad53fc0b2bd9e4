"""Reading .eml files, folders, mbox files and maildirs."""

from __future__ import annotations

import mailbox
from pathlib import Path

from shomer.channels.email import iter_sources
from tests.channels.mail_corpus import compose, raw


def message(number: int) -> bytes:
    return raw(compose(f"message {number}", message_id=f"<m{number}@example.co.il>"))


def test_it_reads_files_folders_mbox_and_maildir(tmp_path: Path) -> None:
    (tmp_path / "single.eml").write_bytes(message(1))
    folder = tmp_path / "folder" / "nested"
    folder.mkdir(parents=True)
    (folder / "b.eml").write_bytes(message(2))
    (folder / "notes.txt").write_text("not mail")
    box = mailbox.mbox(tmp_path / "box.mbox")
    for number in (3, 4):
        box.add(message(number))
    box.close()
    maildir = mailbox.Maildir(tmp_path / "maildir")
    key = maildir.add(message(5))
    maildir.close()
    subfolder = (tmp_path / "maildir").joinpath("cur")
    name = next(iter((tmp_path / "maildir" / "new").iterdir())).name
    labels = [
        (source.label, source.error)
        for source in iter_sources(
            [
                tmp_path / "single.eml",
                tmp_path / "folder",
                tmp_path / "box.mbox",
                tmp_path / "maildir",
                tmp_path / "missing.eml",
            ]
        )
    ]
    assert key and subfolder.is_dir()
    assert labels == [
        (f"{tmp_path}/single.eml", None),
        (f"{tmp_path}/folder/nested/b.eml", None),
        (f"{tmp_path}/box.mbox#1", None),
        (f"{tmp_path}/box.mbox#2", None),
        (f"{tmp_path}/maildir/new/{name}", None),
        (f"{tmp_path}/missing.eml", "no such file or folder"),
    ]


def test_the_raw_bytes_are_the_message(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(message(1))
    box = mailbox.mbox(tmp_path / "Inbox")  # Thunderbird names mboxes without a suffix
    box.add(message(2))
    box.close()
    sources = list(iter_sources([tmp_path]))
    assert [source.label for source in sources] == [f"{tmp_path}/Inbox#1", f"{tmp_path}/a.eml"]
    assert sources[1].raw == message(1)
    assert b"message 2" in sources[0].raw
    assert not sources[0].raw.startswith(b"From ")


def test_a_maildir_folder_named_directly_is_read(tmp_path: Path) -> None:
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(message(1))
    maildir.close()
    new = tmp_path / "Maildir" / "new"
    [name] = [path.name for path in new.iterdir()]
    sources = list(iter_sources([new]))
    assert [(source.label, source.raw) for source in sources] == [(f"{new}/{name}", message(1))]
