"""`parse_email(raw) -> ParsedEmail`: one inbound message, read the way real mail is.

Pure: no Django import, no clock, no I/O. The parser either returns a `ParsedEmail`
(with `errors` and `defects` saying what it had to repair or leave out) or raises
`UnparseableEmail(reason)`, which the caller quarantines with the raw bytes. Nothing
else escapes, whatever the input: that is what the fuzz tests hold it to.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email
import email.message
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from shomer.channels.email.charsets import decode_bytes
from shomer.channels.email.classify import Kind, classify
from shomer.channels.email.headers import (
    decode_header_value,
    decode_words,
    parse_addresses,
    parse_date,
    parse_ids,
    raw_header_text,
)
from shomer.channels.email.html import html_to_text, is_html_affordable, sanitise_html
from shomer.channels.email.quotes import strip_quotes
from shomer.channels.email.threads import is_forward_subject, ticket_token

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one message may cost. A message past `max_message_bytes` is unparseable;
    an attachment past `max_attachment_bytes` or of a blocked type is kept in the list
    with a `rejected_reason` and no payload (the raw message still holds it)."""

    max_message_bytes: int = 50 * MIB
    max_attachment_bytes: int = 25 * MIB
    max_depth: int = 64
    max_parts: int = 500
    max_text_chars: int = 1_000_000
    # Lines times nesting levels the stdlib parser may walk: it checks every line
    # against every enclosing boundary, so deep nesting in a big message is quadratic.
    max_boundary_work: int = 20_000_000
    blocked_extensions: frozenset[str] = frozenset(
        "exe scr com pif bat cmd js jse vbs vbe wsf wsh msi msp hta cpl jar ps1 lnk reg dll "  # noqa: SIM905
        "sys apk app gadget inf scf".split()
    )
    blocked_types: frozenset[str] = frozenset(
        [
            "application/x-msdownload",
            "application/x-dosexec",
            "application/x-msdos-program",
            "application/x-ms-installer",
            "application/javascript",
            "text/javascript",
            "application/x-javascript",
            "application/hta",
            "application/vnd.microsoft.portable-executable",
        ]
    )


DEFAULT_LIMITS = Limits()


class UnparseableEmail(Exception):
    """The message cannot be read at all; keep its raw bytes in quarantine with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    size: int
    is_inline: bool
    content_id: str | None
    rejected_reason: str | None = None

    @property
    def is_rejected(self) -> bool:
        return self.rejected_reason is not None


@dataclass(frozen=True)
class ForwardedEmail:
    """A message attached as message/rfc822 (a forward, or the original in a bounce)."""

    message_id: str | None
    subject: str
    from_name: str
    from_address: str
    date: dt.datetime | None
    text: str


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    message_id_synthesised: bool
    in_reply_to: str | None
    references: list[str]
    subject: str
    from_name: str
    from_address: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    date: dt.datetime | None
    kind: Kind
    kind_reasons: list[str]
    text: str
    full_text: str
    html: str
    attachments: list[ParsedAttachment]
    forwarded: list[ForwardedEmail]
    ticket_token: int | None
    headers: dict[str, str]
    size: int
    errors: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def from_display(self) -> str:
        """'Name <address>', or the bare address when there is no name."""
        if self.from_name and self.from_address:
            return f"{self.from_name} <{self.from_address}>"
        return self.from_address or self.from_name


# Headers kept on ParsedEmail.headers (lower-case names, decoded values).
KEPT_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "precedence",
    "return-path",
    "x-failed-recipients",
    "list-id",
    "list-unsubscribe",
    "x-auto-response-suppress",
    "x-ms-exchange-inbox-rules-loop",
    "delivered-to",
    "x-original-to",
    "content-type",
    "x-mailer",
    "user-agent",
    "x-spam-flag",
)
_TRACE_HEADERS = frozenset(
    [b"received", b"return-path", b"delivered-to", b"x-original-to", b"x-received"]
)
_SYNTHETIC_DOMAIN = "synthesised.shomer.invalid"
_BOUNDARY_PARAM = re.compile(rb"boundary\s*=", re.IGNORECASE)
_PATH_SEPARATORS = re.compile(r"[/\\]")
_FILENAME_JUNK = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/=]")
_BODY_TEXT_TYPES = frozenset(["text/plain", "text/enriched", "text/markdown", "text/x-markdown"])


# --- Entry point -----------------------------------------------------------------------


def parse_email(raw: bytes, *, limits: Limits = DEFAULT_LIMITS) -> ParsedEmail:
    """Parse one raw message; raises only `UnparseableEmail`."""
    if not raw.strip():
        raise UnparseableEmail("empty message")
    if len(raw) > limits.max_message_bytes:
        raise UnparseableEmail(
            f"message is {len(raw)} bytes, over the {limits.max_message_bytes} byte limit"
        )
    boundaries = len(_BOUNDARY_PARAM.findall(raw))
    if boundaries * (raw.count(b"\n") + 1) > limits.max_boundary_work:
        raise UnparseableEmail(f"{boundaries} multipart boundaries in a message this large")
    try:
        return _parse(raw, limits)
    except UnparseableEmail:
        raise
    except RecursionError:
        raise UnparseableEmail("MIME nesting too deep to parse") from None
    except MemoryError:
        raise UnparseableEmail("message too large to parse in memory") from None
    except Exception as error:  # the last guard: the caller must never see another type
        raise UnparseableEmail(f"parser failure: {type(error).__name__}: {error}") from error


def _parse(raw: bytes, limits: Limits) -> ParsedEmail:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = _raw_headers(message)
    if not headers:
        raise UnparseableEmail("no mail headers found")
    errors: list[str] = []
    defects: list[str] = []
    envelope = _read_envelope(headers, defects, errors)

    walk = _Walk(limits)
    walk.walk(message)
    errors.extend(walk.errors)
    defects.extend(_defects(message))

    body = walk.body_text()
    forwarded_texts = [_forward_block(forward) for forward in walk.forwarded]
    full_text = "\n\n".join(part for part in [body, *forwarded_texts] if part)
    text = strip_quotes(body, keep_forwarded=is_forward_subject(envelope.subject))
    if not text and walk.forwarded:
        text = "\n\n".join(forward.text for forward in walk.forwarded if forward.text)

    message_id_values = parse_ids(headers.get("message-id", [""])[0])
    synthesised = not message_id_values
    message_id = message_id_values[0] if message_id_values else _synthesise_id(raw)
    if synthesised:
        defects.append("no Message-ID; one synthesised from the message's content")

    kept = {
        name: decode_header_value(headers[name][0])[0] for name in KEPT_HEADERS if name in headers
    }
    kind, reasons = classify(
        kept,
        from_address=envelope.from_address,
        subject=envelope.subject,
        content_types=frozenset(walk.content_types),
        report_type=_report_type(message),
    )
    return ParsedEmail(
        message_id=message_id,
        message_id_synthesised=synthesised,
        in_reply_to=envelope.in_reply_to,
        references=envelope.references,
        subject=envelope.subject,
        from_name=envelope.from_name,
        from_address=envelope.from_address,
        to=envelope.to,
        cc=envelope.cc,
        reply_to=envelope.reply_to,
        date=envelope.date,
        kind=kind,
        kind_reasons=reasons,
        text=text,
        full_text=full_text,
        html=walk.html(),
        attachments=walk.attachments,
        forwarded=walk.forwarded,
        ticket_token=ticket_token(envelope.subject),
        headers=kept,
        size=len(raw),
        errors=errors,
        defects=defects,
    )


# --- Headers -----------------------------------------------------------------------------


def _raw_headers(message: email.message.Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(str(name).strip().lower(), []).append(str(value))
    return headers


@dataclass
class _Envelope:
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)
    date: dt.datetime | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)


def _read_envelope(
    headers: dict[str, list[str]], defects: list[str], errors: list[str]
) -> _Envelope:
    envelope = _Envelope()
    for name in ("from", "subject", "date", "message-id", "in-reply-to"):
        if len(headers.get(name, [])) > 1:
            defects.append(f"{len(headers[name])} {name} headers; the first is used")
    subject, notes = decode_header_value(headers.get("subject", [None])[0])
    envelope.subject = subject
    defects.extend(f"Subject: {note}" for note in notes)
    senders, notes = parse_addresses(headers.get("from", [None])[0])
    defects.extend(f"From: {note}" for note in notes)
    if senders:
        envelope.from_name, envelope.from_address = senders[0]
    else:
        sender = headers.get("sender", [None])[0]
        fallback, _ = parse_addresses(sender)
        if fallback:
            envelope.from_name, envelope.from_address = fallback[0]
        else:
            errors.append("no sender address")
    for name, attribute in (("to", "to"), ("cc", "cc"), ("reply-to", "reply_to")):
        values = ", ".join(headers.get(name, []))
        pairs, notes = parse_addresses(values or None)
        defects.extend(f"{name}: {note}" for note in notes)
        setattr(envelope, attribute, list(dict.fromkeys(address for _, address in pairs)))
    envelope.date, notes = parse_date(headers.get("date", [None])[0])
    errors.extend(notes)
    in_reply_to = parse_ids(headers.get("in-reply-to", [None])[0])
    envelope.in_reply_to = in_reply_to[0] if in_reply_to else None
    envelope.references = parse_ids(" ".join(headers.get("references", [])))
    return envelope


def _synthesise_id(raw: bytes) -> str:
    """A stable id for a message without one: a hash of its content, trace headers left
    out so the same message delivered by two routes gets the same id."""
    head, separator, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    kept: list[bytes] = []
    skipping = False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        skipping = name in _TRACE_HEADERS or line.startswith(b"From ")
        if not skipping:
            kept.append(line)
    digest = hashlib.sha256(b"\n".join(kept) + separator + body).hexdigest()
    return f"{digest[:40]}@{_SYNTHETIC_DOMAIN}"


def _report_type(message: email.message.Message) -> str:
    if message.get_content_type() != "multipart/report":
        return ""
    value = message.get_param("report-type")
    return value if isinstance(value, str) else ""


def _defects(message: email.message.Message) -> list[str]:
    found: list[str] = []
    for part in _iter_parts(message, 0):
        for defect in getattr(part, "defects", []):
            name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
            found.append(name.removesuffix(" defect"))
            if len(found) >= 50:
                return [*found, "more defects not listed"]
    return list(dict.fromkeys(found))


def _iter_parts(part: email.message.Message, depth: int) -> Iterator[email.message.Message]:
    yield part
    if depth >= 60:
        return
    payload = _raw_payload(part)
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, email.message.Message):
                yield from _iter_parts(child, depth + 1)


# --- Body --------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One body section: its plain text, its HTML, or both (multipart/alternative)."""

    plain: str | None = None
    html: str | None = None

    def text(self) -> str:
        if self.plain is not None and self.plain.strip():
            return self.plain
        return html_to_text(self.html) if self.html else (self.plain or "")


class _Walk:
    """Walks the MIME tree once, collecting body chunks, attachments and forwards."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chunks: list[_Chunk] = []
        self.attachments: list[ParsedAttachment] = []
        self.forwarded: list[ForwardedEmail] = []
        self.errors: list[str] = []
        self.content_types: set[str] = set()
        self.parts_seen = 0
        self.depth_noted = False

    def body_text(self) -> str:
        return "\n\n".join(text for chunk in self.chunks if (text := chunk.text().strip()))

    def html(self) -> str:
        html_parts = [chunk.html for chunk in self.chunks if chunk.html]
        return sanitise_html("\n".join(html_parts)) if html_parts else ""

    def walk(self, message: email.message.Message, *, depth: int = 0) -> None:
        """Walk a whole message (or a forwarded one at `depth`); its body lands in chunks."""
        self.chunks = self._visit(message, depth=depth, related_root=True)

    def _visit(
        self, part: email.message.Message, *, depth: int, related_root: bool
    ) -> list[_Chunk]:
        self.parts_seen += 1
        if self.parts_seen > self.limits.max_parts:
            if self.parts_seen == self.limits.max_parts + 1:
                self.errors.append(
                    f"more than {self.limits.max_parts} MIME parts; the rest not read"
                )
            return []
        if depth > self.limits.max_depth:
            if not self.depth_noted:
                self.errors.append(
                    f"MIME nesting deeper than {self.limits.max_depth} levels; inner parts not read"
                )
                self.depth_noted = True
            return []
        content_type = part.get_content_type()
        self.content_types.add(content_type)
        payload = _raw_payload(part)
        if isinstance(payload, list):
            children = [child for child in payload if isinstance(child, email.message.Message)]
            if content_type in ("message/rfc822", "message/global"):
                self._forward(children, depth)
                return []
            return self._multipart(children, content_type, depth)
        params = _content_params(part)
        if related_root and self._is_body(part, content_type, params):
            data = self._decoded(part)
            text = self._text(data, params)
            if content_type == "text/html":
                if not is_html_affordable(text):
                    self.errors.append("HTML nested too deeply to render; its text is kept")
                return [_Chunk(html=text)]
            if params.get("format", "").lower() == "flowed":
                text = unflow(text, delete_space=params.get("delsp", "").lower() == "yes")
            return [_Chunk(plain=text)]
        self._attachment(part, content_type, params, related_root=related_root)
        return []

    def _multipart(
        self, children: list[email.message.Message], content_type: str, depth: int
    ) -> list[_Chunk]:
        if content_type == "multipart/alternative":
            chosen = _Chunk()
            for child in children:
                for chunk in self._visit(child, depth=depth + 1, related_root=True):
                    # Later alternatives are the richer ones (RFC 2046 §5.1.4).
                    if chunk.plain is not None and chunk.plain.strip():
                        chosen.plain = chunk.plain
                    if chunk.html:
                        chosen.html = chunk.html
            return [chosen] if chosen.plain is not None or chosen.html else []
        chunks: list[_Chunk] = []
        for index, child in enumerate(children):
            # In multipart/related only the root (first) part is body; the rest are
            # resources it refers to (inline images).
            is_root = content_type != "multipart/related" or index == 0
            chunks.extend(self._visit(child, depth=depth + 1, related_root=is_root))
        return chunks

    def _is_body(
        self, part: email.message.Message, content_type: str, params: dict[str, str]
    ) -> bool:
        if content_type not in _BODY_TEXT_TYPES and content_type != "text/html":
            return False
        disposition = _disposition(part)
        return disposition != "attachment" and not _filename(part, params)

    def _decoded(self, part: email.message.Message) -> bytes:
        data, note = decode_transfer(_payload_bytes(part), _transfer_encoding(part))
        if note:
            self.errors.append(note)
        return data

    def _text(self, data: bytes, params: dict[str, str]) -> str:
        charset = params.get("charset") or None
        decoded = decode_bytes(data, charset)
        self.errors.extend(note for note in decoded.notes if note.startswith(("undecodable",)))
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        if len(text) > self.limits.max_text_chars:
            self.errors.append(f"text cut at {self.limits.max_text_chars} characters")
            text = text[: self.limits.max_text_chars]
        return text

    def _forward(self, payload: list[email.message.Message], depth: int) -> None:
        if not payload:
            return
        inner = payload[0]
        headers = _raw_headers(inner)
        notes: list[str] = []
        envelope = _read_envelope(headers, notes, notes)
        walk = _Walk(self.limits)
        walk.parts_seen = self.parts_seen
        walk.walk(inner, depth=depth + 1)
        self.parts_seen = walk.parts_seen
        self.attachments.extend(walk.attachments)
        self.forwarded.extend(walk.forwarded)
        self.errors.extend(walk.errors)
        self.content_types |= walk.content_types
        ids = parse_ids(headers.get("message-id", [None])[0])
        self.forwarded.insert(
            len(self.forwarded) - len(walk.forwarded),
            ForwardedEmail(
                message_id=ids[0] if ids else None,
                subject=envelope.subject,
                from_name=envelope.from_name,
                from_address=envelope.from_address,
                date=envelope.date,
                text=walk.body_text(),
            ),
        )

    def _attachment(
        self,
        part: email.message.Message,
        content_type: str,
        params: dict[str, str],
        *,
        related_root: bool,
    ) -> None:
        limits = self.limits
        encoded = _payload_bytes(part)
        encoding = _transfer_encoding(part)
        filename = _filename(part, params) or _default_filename(
            content_type, len(self.attachments) + 1
        )
        content_id = _content_id(part)
        disposition = _disposition(part)
        is_inline = disposition == "inline" or (
            disposition == "" and (not related_root or content_id is not None)
        )
        estimated = len(encoded) * 3 // 4 if encoding == "base64" else len(encoded)
        rejected: str | None = None
        payload = b""
        size = estimated
        if estimated > limits.max_attachment_bytes:
            rejected = f"larger than {limits.max_attachment_bytes} bytes"
        else:
            payload, note = decode_transfer(encoded, encoding)
            if note:
                self.errors.append(f"{filename}: {note}")
            size = len(payload)
            if size > limits.max_attachment_bytes:
                rejected = f"larger than {limits.max_attachment_bytes} bytes"
        if rejected is None:
            rejected = _blocked_reason(filename, content_type, limits)
        if rejected is not None:
            payload = b""
            self.errors.append(f"attachment {filename!r} rejected: {rejected}")
        self.attachments.append(
            ParsedAttachment(
                filename=filename,
                content_type=content_type,
                payload=payload,
                size=size,
                is_inline=is_inline,
                content_id=content_id,
                rejected_reason=rejected,
            )
        )


def _forward_block(forward: ForwardedEmail) -> str:
    lines = ["---------- Forwarded message ----------"]
    if forward.from_address:
        sender = forward.from_address
        lines.append(
            f"From: {forward.from_name} <{sender}>" if forward.from_name else f"From: {sender}"
        )
    if forward.date is not None:
        lines.append(f"Date: {forward.date.isoformat()}")
    if forward.subject:
        lines.append(f"Subject: {forward.subject}")
    return "\n".join(lines) + "\n\n" + forward.text


# --- Parts -------------------------------------------------------------------------------


def _raw_payload(part: email.message.Message) -> object:
    # The stored payload itself: compat32's get_payload() without decode=True turns
    # 8-bit bytes into U+FFFD using the declared charset, which is the thing mail lies
    # about (and raises on a charset name with a NUL in it).
    return getattr(part, "_payload", None)


def _payload_bytes(part: email.message.Message) -> bytes:
    payload = _raw_payload(part)
    if not isinstance(payload, str):
        return b""
    try:
        return payload.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return payload.encode("utf-8", "surrogateescape")


def _transfer_encoding(part: email.message.Message) -> str:
    value = part.get("content-transfer-encoding", "")
    return str(value).strip().strip("\"'").lower()


def _content_params(part: email.message.Message) -> dict[str, str]:
    """Content-Type parameters by lower-case name, RFC 2231 values collapsed; read once
    per part (the stdlib re-parses the header on every get_param)."""
    try:
        pairs = part.get_params() or []
    except Exception:
        return {}
    params: dict[str, str] = {}
    for name, value in pairs[1:]:  # the first pair is the type itself
        if isinstance(value, tuple):
            value = email.utils.collapse_rfc2231_value(value)
        params.setdefault(str(name).strip().lower(), str(value).strip() if value else "")
    return params


def _disposition(part: email.message.Message) -> str:
    value = part.get("content-disposition")
    if not value:
        return ""
    return str(value).split(";", 1)[0].strip().lower()


def _filename(part: email.message.Message, params: dict[str, str]) -> str:
    name: object = ""
    if "content-disposition" in part:
        try:
            name = part.get_param("filename", None, "content-disposition") or ""
        except Exception:
            name = ""
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    name = name or params.get("name", "")
    if not name:
        return ""
    name, _ = raw_header_text(str(name))
    name, _ = decode_words(name)
    name = _PATH_SEPARATORS.split(name)[-1]
    name = _FILENAME_JUNK.sub("", name).strip().strip(".")
    return name[:200]


def _default_filename(content_type: str, number: int) -> str:
    extension = mimetypes.guess_extension(content_type, strict=False) or ".bin"
    return f"attachment-{number}{extension}"


def _content_id(part: email.message.Message) -> str | None:
    value = part.get("content-id")
    if not value:
        return None
    text, _ = raw_header_text(str(value))
    cleaned = _FILENAME_JUNK.sub("", text).strip().strip("<>").strip()
    return cleaned[:250] or None


def _blocked_reason(filename: str, content_type: str, limits: Limits) -> str | None:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in limits.blocked_extensions:
        return f"blocked file type .{extension}"
    if content_type in limits.blocked_types:
        return f"blocked content type {content_type}"
    return None


def decode_transfer(data: bytes, encoding: str) -> tuple[bytes, str | None]:
    """Undo a Content-Transfer-Encoding; tolerant of broken base64 and quoted-printable."""
    if encoding == "base64":
        return _decode_base64(data)
    if encoding == "quoted-printable":
        try:
            return binascii.a2b_qp(data), None
        except (binascii.Error, ValueError):
            return data, "quoted-printable undecodable; kept as written"
    if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
        return _decode_uu(data)
    return data, None


def _decode_base64(data: bytes) -> tuple[bytes, str | None]:
    clean = _BASE64_JUNK.sub(b"", data)
    body = clean.rstrip(b"=")
    note = None
    if b"=" in body:
        # Padding inside the data: a mailer encoded each line on its own. Decode by lines.
        pieces = [piece for piece in re.split(rb"(?<==)(?=[^=])", clean) if piece]
        decoded = b"".join(_decode_base64_piece(piece) for piece in pieces)
        return decoded, "base64 padded mid-stream; decoded piece by piece"
    if len(body) % 4 == 1:
        body = body[:-1]
        note = "base64 with a stray trailing character"
    elif len(clean) % 4:
        note = "base64 with broken padding"
    return _decode_base64_piece(body), note


def _decode_base64_piece(piece: bytes) -> bytes:
    piece = piece.rstrip(b"=")
    if len(piece) % 4 == 1:
        piece = piece[:-1]
    piece += b"=" * (-len(piece) % 4)
    try:
        return binascii.a2b_base64(piece)
    except binascii.Error:
        return b""


def _decode_uu(data: bytes) -> tuple[bytes, str | None]:
    out = bytearray()
    for line in data.split(b"\n"):
        line = line.rstrip(b"\r")
        if not line or line.startswith((b"begin ", b"end")):
            continue
        try:
            out.extend(binascii.a2b_uu(line))
        except binascii.Error:
            return bytes(out), "uuencoded data broken; decoded up to the fault"
    return bytes(out), None


def unflow(text: str, *, delete_space: bool = False) -> str:
    """Join format=flowed soft line breaks (RFC 3676) and undo space-stuffing."""
    out: list[str] = []
    buffer = ""
    buffer_depth = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        is_soft = content.endswith(" ") and content != "-- "
        if buffer_depth not in (-1, depth):
            out.append(">" * buffer_depth + (" " if buffer_depth else "") + buffer)
            buffer, buffer_depth = "", -1
        if is_soft and delete_space:
            content = content[:-1]
        buffer += content
        buffer_depth = depth
        if not is_soft:
            out.append(">" * depth + (" " if depth else "") + buffer)
            buffer, buffer_depth = "", -1
    if buffer_depth != -1:
        out.append(">" * buffer_depth + (" " if buffer_depth else "") + buffer)
    return "\n".join(out)
