"""The few bits of WordprocessingML that python-docx 1.2 has no API for.

PAGE / NUMPAGES fields, a table header row that repeats on every page, cell shading, rows that do
not split across pages, the document language, and copying a missing style from python-docx's
default template into a letterhead; and table rows and bullet lists written as text and parsed once
(python-docx's proxies cost most of a big export). Only imported from the export's call path.
"""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TEMPLATE_CONTENT_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)


def add_field(paragraph, instruction: str, placeholder: str = "1"):
    """Append a complex field (e.g. 'PAGE', 'NUMPAGES') to `paragraph`; Word fills in the value.

    Written as begin / instrText / separate / result / end runs, the form Word itself writes, with a
    placeholder result so that readers which do not update fields still show a number.
    """

    def run_with(child) -> None:
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")  # no w:dirty: Word would ask the reader to update fields
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    text = OxmlElement("w:t")
    text.text = placeholder
    run_with(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def field_runs_font_size(paragraph, half_points: int) -> None:
    """Give every run of `paragraph` (including field runs added as raw XML) a font size."""
    for r in paragraph._p.findall(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            r.insert(0, rpr)
        if rpr.find(qn("w:sz")) is None:
            set_size(r, half_points)


def set_size(run, half_points: int) -> None:
    """A run's font size for every script: `w:sz` and `w:szCs` together (python-docx's font.size sets only
    `w:sz`, so Arabic, Hebrew and other complex scripts kept Word's default size in a 9-pt table)."""
    r = getattr(run, "_r", run)
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        r.insert(0, rpr)
    for tag in ("w:sz", "w:szCs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    # schema order inside rPr: ... w:color, w:spacing, w:w, w:kern, w:position, w:sz, w:szCs, w:highlight, ...
    later = (
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
        "w:eastAsianLayout",
        "w:specVanish",
        "w:oMath",
    )
    anchor = next((rpr.find(qn(t)) for t in later if rpr.find(qn(t)) is not None), None)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(half_points))
        if anchor is not None:
            anchor.addprevious(el)
        else:
            rpr.append(el)


def _tr_pr(row):
    tr = row._tr
    trpr = tr.find(qn("w:trPr"))
    if trpr is None:
        trpr = OxmlElement("w:trPr")
        # trPr follows tblPrEx (if any) and comes before the cells
        tblprex = tr.find(qn("w:tblPrEx"))
        if tblprex is not None:
            tblprex.addnext(trpr)
        else:
            tr.insert(0, trpr)
    return trpr


def repeat_as_header(row) -> None:
    """Mark a table row as a header row, repeated at the top of every page (`w:tblHeader`)."""
    trpr = _tr_pr(row)
    if trpr.find(qn("w:tblHeader")) is None:
        el = OxmlElement("w:tblHeader")
        trpr.append(el)


def cant_split(row) -> None:
    """Keep a row on one page when it fits (`w:cantSplit`)."""
    trpr = _tr_pr(row)
    if trpr.find(qn("w:cantSplit")) is None:
        # cantSplit precedes tblHeader in the schema's sequence
        el = OxmlElement("w:cantSplit")
        header = trpr.find(qn("w:tblHeader"))
        if header is not None:
            header.addprevious(el)
        else:
            trpr.append(el)


def shade(cell, fill: str) -> None:
    """Background colour of a cell (hex, e.g. 'D9D9D9')."""
    tcpr = cell._tc.get_or_add_tcPr()
    old = tcpr.find(qn("w:shd"))
    if old is not None:
        tcpr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # tcPr children order: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, ... vAlign
    after = None
    for tag in ("w:tcBorders", "w:vMerge", "w:gridSpan", "w:tcW"):
        after = tcpr.find(qn(tag))
        if after is not None:
            break
    if after is not None:
        after.addnext(shd)
    else:
        tcpr.insert(0, shd)


def set_language(document, lang: str = "en-GB") -> None:
    """Set the default proofing language (document defaults in styles.xml)."""
    styles = document.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is None:
        doc_defaults = OxmlElement("w:docDefaults")
        styles.insert(0, doc_defaults)
    rpr_default = doc_defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        doc_defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)


def copy_style(target_doc, source_doc, name: str) -> bool:
    """Copy style `name` (and the styles it is based on / linked to) from source into target.

    Used when a letterhead lacks a built-in style we use (Word writes only the styles a document uses).
    Returns False when the source has no such style.
    """
    try:
        style = source_doc.styles[name]
    except KeyError:
        return False
    target = target_doc.styles.element
    have = {s.get(qn("w:styleId")) for s in target.findall(qn("w:style"))}
    todo = [style.element]
    while todo:
        el = todo.pop()
        sid = el.get(qn("w:styleId"))
        if sid in have:
            continue
        target.append(copy.deepcopy(el))
        have.add(sid)
        for ref in ("w:basedOn", "w:link", "w:next"):
            r = el.find(qn(ref))
            if r is None:
                continue
            ref_id = r.get(qn("w:val"))
            if ref_id in have:
                continue
            src = next(
                (s for s in source_doc.styles.element.findall(qn("w:style")) if s.get(qn("w:styleId")) == ref_id),
                None,
            )
            if src is not None:
                todo.append(src)
    return True


def main_content_type(path: Path) -> str | None:
    """The content type of the main document part of an OOXML package (None if not found).

    Raises zipfile.BadZipFile / OSError / KeyError for a file that is not a package.
    """
    import re

    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode("utf-8", "replace")
    for m in re.finditer(r"<Override\b[^>]*>", types):
        tag = m.group(0)
        if 'PartName="/word/document.xml"' in tag or "wordprocessingml" in tag and ".main+xml" in tag:
            ct = re.search(r'ContentType="([^"]+)"', tag)
            if ct and ".main+xml" in ct.group(1):
                return ct.group(1)
    return None


# -- body content as text ----------------------------------------------------------------------------
# python-docx builds a paragraph, run or table row through proxy objects whose setters search and
# validate the XML on every call: for a big meeting that was most of the export. Rows and bullet lists
# are written instead as WordprocessingML text, the same elements python-docx would make, and parsed
# once per table or list (`append_xml`). Text must already be clean (text.clean): this escapes, it
# does not filter.

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def esc(text: str) -> str:
    return text.translate(_ESCAPES)


def _t(text: str) -> str:
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{esc(text)}</w:t>'
    return f"<w:t>{esc(text)}</w:t>"


def run_xml(
    text: str, *, bold: bool = False, italic: bool = False, color: str | None = None, half_points: int | None = None
) -> str:
    """A `w:r` as python-docx's `add_run(text)` makes it: a tab is `w:tab`, a line break `w:br`."""
    props = ""
    if bold or italic or color or half_points:
        props = (
            "<w:rPr>"
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + (f'<w:color w:val="{color}"/>' if color else "")
            + (f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>' if half_points else "")
            + "</w:rPr>"
        )
    parts: list[str] = []
    buf: list[str] = []
    for ch in text:
        if ch == "\t" or ch in "\r\n":
            if buf:
                parts.append(_t("".join(buf)))
                buf = []
            parts.append("<w:tab/>" if ch == "\t" else "<w:br/>")
        else:
            buf.append(ch)
    if buf:
        parts.append(_t("".join(buf)))
    return f"<w:r>{props}{''.join(parts)}</w:r>"


def paragraph_xml(runs: str = "", *, style_id: str | None = None, keep_next: bool = False) -> str:
    props = ""
    if style_id or keep_next:
        props = (
            "<w:pPr>"
            + (f'<w:pStyle w:val="{esc(style_id)}"/>' if style_id else "")
            + ("<w:keepNext/>" if keep_next else "")
            + "</w:pPr>"
        )
    return f"<w:p>{props}{runs}</w:p>"


def cell_xml(width: str, paragraphs: str, fill: str | None = None) -> str:
    """A `w:tc` of `width` twips (as python-docx's add_row gives it), optionally shaded."""
    shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shd}</w:tcPr>{paragraphs}</w:tc>'


def row_xml(cells: str, *, cant_split: bool = True) -> str:
    """A `w:tr`; by default one that does not split across pages (`cant_split`)."""
    if not cant_split:
        return f"<w:tr>{cells}</w:tr>"
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"


def grid_widths(table) -> list[str]:
    """The column widths of a python-docx table's grid, in twips, as written."""
    return [col.get(qn("w:w")) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def append_xml(parent, xml: str, *, before=None) -> None:
    """Parse `xml` (sibling elements in the w namespace) once and append them to `parent`, or insert
    them before its child `before`."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{xml}</w:body>")
    for el in list(wrapper):
        if before is not None:
            before.addprevious(el)
        else:
            parent.append(el)
