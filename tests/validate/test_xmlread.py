"""The solution XML reader: ElementTree's tree for any real document, a clear refusal for markup
that would cost expat the square of its length, and no DOCTYPE in any encoding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ConnectorReadError
from generator.limits import MAX_XML_ELEMENTS
from generator.validate.xmlread import CHUNK, MAX_MARKUP, read_xml

DOCUMENTS = [
    b"<a/>",
    b'<?xml version="1.0"?>\n<ImportExportXml v="9.2"><b x="1">t</b></ImportExportXml>',
    b'<a xmlns="urn:x" xmlns:p="urn:p" p:k="v"><b>t<!--c-->u</b><![CDATA[<z>]]>&amp;&#x10000;</a>',
    b"<a>" + b"&lt;" * 100_000 + b"</a>",
    '<?xml version="1.0" encoding="UTF-16"?><a b="\u00e9">\u30ad</a>'.encode("utf-16"),
    b"<a>" + b"<b>" * 300 + b"x" * (3 * CHUNK) + b"</b>" * 300 + b"</a>",
]


@pytest.mark.parametrize("data", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_it_reads_what_elementtree_reads(data: bytes) -> None:
    assert ET.tostring(read_xml(data, "x.xml")) == ET.tostring(ET.fromstring(data))


LONG_BUT_CHEAP = {
    "text": b"<a>" + b"x" * (20 * MAX_MARKUP) + b"</a>",
    "cdata": b"<a><![CDATA[" + b"<]>" * (5 * MAX_MARKUP) + b"]]></a>",
    "entities": b"<a>" + b"&amp;" * (3 * MAX_MARKUP) + b"</a>",
    "white space after the root": b"<a/>" + b" " * (3 * MAX_MARKUP),
}


@pytest.mark.parametrize("data", LONG_BUT_CHEAP.values(), ids=LONG_BUT_CHEAP.keys())
def test_long_text_of_any_kind_is_read_whole(data: bytes) -> None:
    root = read_xml(data, "x.xml")
    assert root.tag == "a"
    assert root.text == ET.fromstring(data).text


LONG_TOKENS = {
    "attributes": b"<a " + b" ".join(b"x%d='1'" % i for i in range(40_000)) + b"/>",
    "a > in an attribute value": b"<a x='" + b">" * (2 * MAX_MARKUP) + b"'/>",
    "a comment full of >": b"<a><!--" + b">" * (2 * MAX_MARKUP) + b"--></a>",
    "an instruction full of >": b"<a><?pi " + b">" * (2 * MAX_MARKUP) + b"?></a>",
    "a tag name": b"<" + b"a" * (2 * MAX_MARKUP) + b"/>",
    "an end tag": b"<a></a" + b" " * (2 * MAX_MARKUP) + b">",
}


@pytest.mark.parametrize("data", LONG_TOKENS.values(), ids=LONG_TOKENS.keys())
def test_markup_longer_than_the_limit_is_refused(data: bytes) -> None:
    with pytest.raises(ConnectorReadError, match=r"^x\.xml: a tag, comment or instruction longer"):
        read_xml(data, "x.xml")


def test_markup_just_under_the_limit_is_read() -> None:
    comment = b"<!--" + b">" * (MAX_MARKUP - CHUNK - 8) + b"-->"
    assert read_xml(b"<a>" + comment + b"</a>", "x.xml").tag == "a"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_doctype_is_refused_in_any_encoding(encoding: str) -> None:
    data = f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'
    with pytest.raises(ConnectorReadError, match=r"^x\.xml: a DOCTYPE is not allowed"):
        read_xml(data.encode(encoding), "x.xml")


def test_elements_are_counted_as_they_are_parsed() -> None:
    data = b"<a>" + b"<b/>" * (MAX_XML_ELEMENTS + 1) + b"</a>"
    with pytest.raises(ConnectorReadError, match=f"more than {MAX_XML_ELEMENTS:,} XML elements"):
        read_xml(data, "x.xml")


@pytest.mark.parametrize(
    "data", [b"", b"<a>", b"<a></b>", b"<" * 1000 + b">", b"\xff\xfe<\x00", b"<a>\x00</a>"]
)
def test_malformed_xml_is_named_with_its_place(data: bytes) -> None:
    place = r"^x\.xml: not well-formed XML: .+: line \d+, column \d+$"
    with pytest.raises(ConnectorReadError, match=place):
        read_xml(data, "x.xml")


# ---- any document: the same tree as ElementTree ---------------------------------------------

_names = st.sampled_from(["a", "b", "Connector", "p:x", "q"])
_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20)


def _escaped(text: str, how: str) -> str:
    if how == "cdata" and "]]>" not in text:
        return f"<![CDATA[{text}]]>"
    if how == "comment" and "--" not in text and not text.endswith("-"):
        return f"<!--{text}-->"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&#62;")


def _quoted(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


_content = st.builds(_escaped, _text, st.sampled_from(["text", "cdata", "comment"]))


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(_names)
    keys = draw(st.lists(st.sampled_from(["k", "v", "p:k"]), unique=True, max_size=3))
    attributes = "".join(f' {k}="{_quoted(draw(_text))}"' for k in keys)
    inner = _element(depth + 1) if depth < 3 else _content
    children = draw(st.lists(_content | inner, max_size=4))
    return f"<{tag}{attributes}>{''.join(children)}</{tag}>"


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(root=_element(), encoding=st.sampled_from(["utf-8", "utf-16"]))
def test_any_document_reads_as_elementtree_reads_it(root: str, encoding: str) -> None:
    document = f'<?xml version="1.0" encoding="{encoding}"?><w xmlns:p="urn:p">{root}</w>'
    data = document.encode(encoding)
    assert ET.tostring(read_xml(data, "x.xml")) == ET.tostring(ET.fromstring(data))
