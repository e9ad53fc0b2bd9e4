"""Where raw messages come from: .eml files, folders of them, mbox files, maildirs.

Pure of Django; reads the file system only. `iter_sources(paths)` yields one `Source`
per message, labelled so a person can find it again: "path/to/file.eml",
"box.mbox#12" (1-based position in the mbox), "maildir/cur/1700000000.x:2,S". A path
that cannot be read yields one Source with `error` set, and the walk goes on.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Files bigger than this are not read into memory: the parser would refuse them anyway.
MAX_SOURCE_BYTES = 256 * 1024 * 1024
MESSAGE_SUFFIXES = frozenset([".eml", ".msg822", ".mail"])
MBOX_SUFFIXES = frozenset([".mbox", ".mbx"])
# Mail servers keep their own files inside maildirs; they are not messages.
_MAILDIR_METADATA_PREFIXES = ("dovecot", "courier", "maildirfolder", "subscriptions", ".")


@dataclass(frozen=True)
class Source:
    """One raw message and where it came from; `error` set when it could not be read."""

    label: str
    raw: bytes
    error: str | None = None


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _read(path: Path, label: str) -> Source:
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            return Source(label, b"", f"file is {size} bytes, over the {MAX_SOURCE_BYTES} limit")
        return Source(label, path.read_bytes())
    except OSError as error:
        return Source(label, b"", f"cannot read: {error.strerror or error}")


def _starts_like_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _iter_mbox(path: Path, label: str) -> Iterator[Source]:
    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as error:
        yield Source(label, b"", f"cannot read mbox: {error}")
        return
    try:
        for number, key in enumerate(keys, start=1):
            try:
                yield Source(f"{label}#{number}", box.get_bytes(key))
            except (OSError, KeyError) as error:
                yield Source(f"{label}#{number}", b"", f"cannot read: {error}")
    finally:
        box.close()


def _iter_maildir(path: Path, label: str) -> Iterator[Source]:
    # A maildir is plain files in new/ and cur/ (tmp/ holds deliveries in progress);
    # reading them directly keeps each file's name as its label.
    for folder in ("new", "cur"):
        directory = path / folder
        try:
            names = sorted(os.listdir(directory))
        except OSError as error:
            yield Source(f"{label}/{folder}", b"", f"cannot list: {error.strerror or error}")
            continue
        for name in names:
            if name.startswith("."):
                continue
            file_path = directory / name
            if file_path.is_file():
                yield _read(file_path, f"{label}/{folder}/{name}")
    # Maildir++ keeps sub-folders as ".Name" beside cur/new/tmp.
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") and child.is_dir() and is_maildir(child):
            yield from _iter_maildir(child, f"{label}/{child.name}")


def _iter_file(path: Path, label: str, *, explicit: bool) -> Iterator[Source]:
    suffix = path.suffix.lower()
    if suffix in MBOX_SUFFIXES or (suffix not in MESSAGE_SUFFIXES and _starts_like_mbox(path)):
        yield from _iter_mbox(path, label)
    elif explicit or suffix in MESSAGE_SUFFIXES:
        yield _read(path, label)


def _iter_directory(path: Path, label: str) -> Iterator[Source]:
    if is_maildir(path):
        yield from _iter_maildir(path, label)
        return
    if path.name in ("cur", "new") and is_maildir(path.parent):
        # One folder of a maildir named directly: its files are messages, suffix or not.
        for child in sorted(path.iterdir()):
            if child.is_file() and not child.name.startswith("."):
                yield _read(child, f"{label}/{child.name}")
        return
    try:
        children = sorted(path.iterdir())
    except OSError as error:
        yield Source(label, b"", f"cannot list: {error.strerror or error}")
        return
    for child in children:
        if child.name.startswith(_MAILDIR_METADATA_PREFIXES):
            continue
        child_label = f"{label}/{child.name}"
        if child.is_symlink():
            continue  # a link loop must not walk forever; name links explicitly
        if child.is_dir():
            yield from _iter_directory(child, child_label)
        elif child.is_file():
            yield from _iter_file(child, child_label, explicit=False)


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source]:
    """Every message under `paths`, in a stable order (names sorted).

    A file named on the command line is always read (as an mbox when it is one); in
    folders, `.eml`/`.mail` files, `.mbox`/`.mbx` files, files that start like an mbox
    ("From ") and maildirs (cur/ and new/, Maildir++ sub-folders) are read.
    """
    for item in paths:
        path = Path(item)
        label = str(item).rstrip("/") or str(item)
        if path.is_dir():
            yield from _iter_directory(path, label)
        elif path.is_file():
            yield from _iter_file(path, label, explicit=True)
        else:
            yield Source(label, b"", "no such file or folder")
