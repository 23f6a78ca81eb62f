"""The minutes' rows and bullet lists are written as WordprocessingML text (ooxml.run_xml …) for speed;
they must be the very elements python-docx's own API makes for the same text."""

from __future__ import annotations

import pytest
from lxml import etree

docx = pytest.importorskip("docx")

from docx.shared import RGBColor  # noqa: E402

from mapm_tui.minutes import ooxml  # noqa: E402

TEXTS = [
    "plain",
    "  leading and trailing  ",
    "tab\tinside",
    "\tstarts with a tab",
    "line\nbreak and\r\nwindows break",
    "Tom & Jerry <not a tag> \"quoted\" 'single'",
    "Zoë Ångström — ‘quotes’ … ☺",
    "",
]


def c14n(el) -> bytes:
    return etree.tostring(el, method="c14n")


def parsed(xml: str):
    body = docx.Document().element.body
    ooxml.append_xml(body, xml, before=body.sectPr)
    return body[0]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style", [dict(), dict(bold=True), dict(italic=True, color="404040"), dict(half_points=18)])
def test_run_xml_is_what_add_run_makes(text, style):
    document = docx.Document()
    p = document.add_paragraph()
    r = p.add_run(text)
    if style.get("bold"):
        r.bold = True
    if style.get("italic"):
        r.italic = True
    if style.get("color"):
        r.font.color.rgb = RGBColor.from_string(style["color"])
    if style.get("half_points"):
        ooxml.set_size(r, style["half_points"])  # w:sz and w:szCs, as the minutes write them
    ours = parsed(ooxml.paragraph_xml(ooxml.run_xml(text, **style)))
    assert c14n(ours) == c14n(p._p)


def test_rows_are_what_add_row_makes():
    document = docx.Document()
    table = document.add_table(rows=0, cols=2)
    row = table.add_row()
    ooxml.cant_split(row)
    ooxml.shade(row.cells[0], "F2F2F2")
    row.cells[0].paragraphs[0].add_run("Label").bold = True
    row.cells[1].paragraphs[0].add_run("first line")
    row.cells[1].add_paragraph()
    widths = ooxml.grid_widths(table)
    xml = ooxml.row_xml(
        ooxml.cell_xml(widths[0], ooxml.paragraph_xml(ooxml.run_xml("Label", bold=True)), "F2F2F2")
        + ooxml.cell_xml(widths[1], ooxml.paragraph_xml(ooxml.run_xml("first line")) + ooxml.paragraph_xml())
    )
    ooxml.append_xml(table._tbl, xml)
    made, ours = table._tbl.findall(ooxml.qn("w:tr"))
    assert c14n(ours) == c14n(made)
    assert [c.text for c in table.rows[1].cells] == ["Label", "first line\n"]


def test_style_ids_are_escaped():
    assert 'w:val="a&quot;b"' in ooxml.paragraph_xml(style_id='a"b')
