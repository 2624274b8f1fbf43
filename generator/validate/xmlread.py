"""Read a solution's XML into an ElementTree, in bounded time and memory for any input.

expat is fed the document a piece at a time, so elements are counted before a huge tree is
built. But expat parses an unfinished tag, comment or instruction again from its start on each
piece that does not finish it, so one long token (a tag of 300,000 attributes, a comment full of
`>`) costs the square of its length. The reader therefore notes, per piece, whether expat reported
anything (an element, text, a comment, an instruction); a run of more than ``MAX_MARKUP`` bytes
with nothing reported is one token that long, and the document is refused. Text, CDATA and
entity references are reported as they stream, so long element text (where solutions keep their
blobs) is read at any length. A DOCTYPE, in any encoding, is refused as expat meets it: no entity
is ever declared or expanded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

from generator.errors import ConnectorReadError
from generator.limits import MAX_XML_ELEMENTS

CHUNK = 64 * 1024
MAX_MARKUP = 256 * 1024


class _Refused(Exception):
    """Raised from inside an expat handler; ``_read`` turns it into a ConnectorReadError."""


@dataclass
class _Progress:
    """What expat reported during the current piece."""

    elements: int = 0
    reported: bool = False


def read_xml(data: bytes, name: str) -> ET.Element:
    """The root element of ``data`` (a file named ``name`` in messages), or ConnectorReadError."""
    try:
        return _read(data)
    except _Refused as exc:
        raise ConnectorReadError(f"{name}: {exc}; it is not read") from None
    except expat.ExpatError as exc:
        raise ConnectorReadError(f"{name}: not well-formed XML: {_expat_message(exc)}") from None


def _read(data: bytes) -> ET.Element:
    builder = ET.TreeBuilder()
    progress = _Progress()
    parser = _parser(builder, progress)
    quiet = 0  # bytes fed since expat last reported anything
    for start in range(0, len(data), CHUNK):
        piece = data[start : start + CHUNK]
        progress.reported = False
        parser.Parse(piece, False)
        if progress.elements > MAX_XML_ELEMENTS:
            raise _Refused(f"more than {MAX_XML_ELEMENTS:,} XML elements")
        quiet = 0 if progress.reported else quiet + len(piece)
        if quiet > MAX_MARKUP:
            raise _Refused(
                f"a tag, comment or instruction longer than {MAX_MARKUP:,} bytes (nothing ends "
                f"between bytes {start + len(piece) - quiet:,} and {start + len(piece):,})"
            )
    parser.Parse(b"", True)
    return builder.close()


def _parser(builder: ET.TreeBuilder, progress: _Progress) -> expat.XMLParserType:
    """An expat parser that builds into ``builder`` with ElementTree's names ({uri}local)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True  # text of many entity references comes in one call, not one each
    parser.buffer_size = CHUNK

    def start(tag: str, attributes: dict[str, str]) -> None:
        progress.elements += 1
        progress.reported = True
        builder.start(_qualified(tag), {_qualified(k): v for k, v in attributes.items()})

    def end(tag: str) -> None:
        progress.reported = True
        builder.end(_qualified(tag))

    def text(data: str) -> None:
        progress.reported = True
        builder.data(data)

    def other(*_: object) -> None:  # a comment, an instruction, a CDATA mark: read, not kept
        progress.reported = True

    def doctype(*_: object) -> None:
        raise _Refused("a DOCTYPE is not allowed in a solution file")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.CommentHandler = other
    parser.ProcessingInstructionHandler = other
    parser.StartCdataSectionHandler = other
    parser.EndCdataSectionHandler = other
    parser.DefaultHandlerExpand = other  # the XML declaration, white space around the root
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _qualified(name: str) -> str:
    """expat's ``uri}local`` as ElementTree spells it, ``{uri}local``."""
    return "{" + name if "}" in name else name


def _expat_message(exc: expat.ExpatError) -> str:
    return f"{expat.ErrorString(exc.code)}: line {exc.lineno}, column {exc.offset}"
