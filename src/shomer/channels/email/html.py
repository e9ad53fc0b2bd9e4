"""HTML mail: sanitise for display (nh3) and extract readable text. Pure: no Django import.

Both steps go through nh3 (html5ever, in Rust): it is linear on any input, so a hostile
body cannot make Python's html.parser go quadratic. Text is then read from nh3's
well-formed output with one regex; `<blockquote>` lines come out prefixed with "> " so
that quoted history in HTML is stripped like quoted history in plain text.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

MAX_HTML_CHARS = 2_000_000
# html5ever checks the stack of open elements for some start tags, so its cost grows
# with nesting depth times tag count (10^8 took about a second here). Past this budget
# the HTML is not rendered and its text is read by stripping tags.
MAX_HTML_WORK = 20_000_000
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd tr td th "  # noqa: SIM905
    "option tbody thead tfoot colgroup".split()
)
_TAG_SCAN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})")
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")

# What an agent's browser may render: nh3's defaults (no script, no event handlers,
# no javascript: URLs), plus `cid:` images, `dir`/`lang` for right-to-left text and a
# few harmless style properties that carry meaning in Hebrew mail.
_DISPLAY_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()
}
_DISPLAY_ATTRIBUTES["*"] = {"dir", "lang", "title", "style", "align"}
_DISPLAY_CLEANER = nh3.Cleaner(
    attributes=_DISPLAY_ATTRIBUTES,
    url_schemes=set(nh3.ALLOWED_URL_SCHEMES) | {"cid"},
    clean_content_tags={"script", "style", "title", "noscript", "template"},
    filter_style_properties={
        "direction",
        "text-align",
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "text-decoration",
    },
    strip_comments=True,
    link_rel="noopener noreferrer nofollow",
)

_BLOCK_TAGS = frozenset(
    ["p", "div", "br", "li", "tr", "pre", "hr", "ul", "ol", "table", "blockquote", "dt", "dd"]
    + [f"h{level}" for level in range(1, 7)]
)
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(_BLOCK_TAGS) | {"td", "th"},
    attributes={},
    clean_content_tags={"script", "style", "title", "noscript", "template", "head"},
    strip_comments=True,
    link_rel=None,
)
_TOKEN = re.compile(r"<(/?)([a-z0-9]+)[^>]*>|([^<]+)")
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def is_html_affordable(source: str) -> bool:
    """False for HTML whose nesting would make sanitising slow (hostile or broken)."""
    source = source[:MAX_HTML_CHARS]
    depth = deepest = tags = 0
    for match in _TAG_SCAN.finditer(source):
        tags += 1
        name = match.group(2).lower()
        if match.group(1):
            depth = max(0, depth - 1)
        elif name not in _VOID_TAGS:
            depth += 1
            deepest = max(deepest, depth)
    return deepest * tags <= MAX_HTML_WORK


def sanitise_html(source: str) -> str:
    """HTML safe to show an agent: no script, no handlers, no remote code.

    "" when the HTML is too costly to sanitise (see `is_html_affordable`)."""
    if not is_html_affordable(source):
        return ""
    return str(_DISPLAY_CLEANER.clean(source[:MAX_HTML_CHARS])).strip()


def _strip_tags(source: str) -> str:
    text = html_lib.unescape(_ANY_TAG.sub(" ", source[:MAX_HTML_CHARS]))
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def html_to_text(source: str) -> str:
    """Readable text of an HTML body; blockquoted lines prefixed with "> "."""
    if not is_html_affordable(source):
        return _strip_tags(source)
    cleaned = str(_TEXT_CLEANER.clean(source[:MAX_HTML_CHARS]))
    lines: list[str] = []
    current: list[str] = []
    depth = 0
    line_depth = 0
    in_pre = 0

    def flush() -> None:
        nonlocal line_depth
        text = "".join(current).strip(" ")
        current.clear()
        if text or (lines and lines[-1] != ""):
            lines.append(("> " * line_depth + text) if text else "")
        line_depth = depth

    for match in _TOKEN.finditer(cleaned):
        closing, tag, text = match.group(1), match.group(2), match.group(3)
        if text is not None:
            text = html_lib.unescape(text)
            if in_pre:
                parts = text.split("\n")
                for part in parts[:-1]:
                    current.append(part)
                    flush()
                current.append(parts[-1])
            else:
                collapsed = _SPACES.sub(" ", text)
                if collapsed.strip():
                    line_depth = max(line_depth, depth)
                current.append(collapsed)
            continue
        if tag in ("td", "th"):
            if closing:
                current.append(" ")
            continue
        if tag == "pre":
            in_pre = max(0, in_pre + (-1 if closing else 1))
        if tag == "blockquote":
            flush()
            depth = max(0, depth + (-1 if closing else 1))
            line_depth = depth
            continue
        if tag in _BLOCK_TAGS:
            flush()
            if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") and closing:
                lines.append("")
    flush()
    text = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", text).strip()
