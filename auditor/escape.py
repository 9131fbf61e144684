"""One sanitiser per output format, for anything a user supplied (ids, file names, group names,
texts) that reaches a terminal, a CI log, an XML or CSV file or a link.

>>> one_line("x\\n::error file=a::forged")
'x\\\\n::error file=a::forged'
>>> one_line("invoice\u202efdp.exe")
'invoice\\\\u202efdp.exe'
>>> github_data("x\\n::error::forged")
'x%0A::error::forged'
>>> xml_text("bell\\x07 and nul\\x00")
'bell\\\\x07 and nul\\\\x00'
>>> csv_cell("=HYPERLINK(1)"), csv_cell("-3.5")
("'=HYPERLINK(1)", '-3.5')
>>> relative_link("javascript:alert(1).html"), relative_link("brand copy.html")
(None, 'brand%20copy.html')
"""

from __future__ import annotations

import re
from urllib.parse import quote

# C0 and C1 control characters, DEL, the Unicode line and paragraph separators, and the
# bidirectional controls that reorder what a reader sees (right-to-left override, isolates, marks)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# what XML 1.0 cannot hold at all (tabs and newlines it can)
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _visible(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return named.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


def one_line(value: object) -> str:
    """Text for a terminal or a log line: every control character and line break shown as an
    escape (``\\n``, ``\\x07``), so one value is always one line and can start no new command."""
    return _CONTROL.sub(lambda m: _visible(m.group()), str(value))


def github_data(value: object) -> str:
    """The message part of a GitHub workflow command (``::error ...::MESSAGE``): '%', CR and LF
    percent-encoded as the runner expects, other control characters made visible."""
    text = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _CONTROL.sub(lambda m: _visible(m.group()), text)


def github_property(value: object) -> str:
    """A property value of a workflow command (``file=…,title=…``): also ':' and ','."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


def xml_text(value: object) -> str:
    """Text XML 1.0 can hold: characters it forbids (NUL, BEL, …) shown as escapes."""
    return _XML_INVALID.sub(lambda m: _visible(m.group()), str(value))


def csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula: text starting with = + - @ TAB or CR gets a
    leading apostrophe (numbers, including negative ones, stay numbers)."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START) or _NUMBER.match(value):
        return value
    return "'" + value


def markdown_cell(value: object) -> str:
    """Text for one cell of a Markdown table: one line, pipes escaped, no HTML tags."""
    return one_line(value).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def uri_reference(path: str) -> str:
    """A file path as a relative URI reference (SARIF's ``artifactLocation.uri``): every
    character a URI reserves percent-encoded but the slashes, so ``c#d.md``, ``e%20f.md`` and
    ``javascript:x.md`` stay file names.

    >>> uri_reference("c#d.md"), uri_reference("e%20f.md"), uri_reference("javascript:x.md")
    ('c%23d.md', 'e%2520f.md', 'javascript%3Ax.md')
    """
    return quote(path, safe="/")


def relative_link(name: str) -> str | None:
    """A link to a file in the same folder: the name percent-encoded, or None when it is not a
    plain relative file name (a scheme such as ``javascript:``, a path, or a parent folder)."""
    if not name or name in {".", ".."} or any(c in name for c in "/\\:") or _CONTROL.search(name):
        return None
    return quote(name)
