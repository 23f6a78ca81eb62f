"""Rendering a `Layout` into a Word document with python-docx (imported only by `export_minutes`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from ..text import clean
from . import ooxml
from .blocks import Fields, Group, Layout, Para, Section, Subheading, Table

STYLES_USED = ("Heading 1", "Heading 2", "Table Grid", "List Bullet")
#: The document title's paragraph style. Named "Heading" (the name LibreOffice gives the style its headings
#: and title are based on) rather than Word's "Title": readers that turn the minutes into HTML or speech,
#: such as mammoth, know "Heading" and warned "Unrecognised paragraph style: Title".
TITLE_STYLE = "Heading"
HEADER_FILL = "D9D9D9"
LABEL_FILL = "F2F2F2"
BULLET = "•\t"
META_COLOR = "404040"


class LetterheadError(Exception):
    """The letterhead cannot be used; the message is one sentence."""


def _c(text) -> str:
    """Every string that reaches python-docx goes through text.clean (control characters, surrogates)."""
    if text is None:
        return ""
    return clean(text if isinstance(text, str) else str(text))


def open_letterhead(path: Path):
    """The letterhead .docx as a python-docx Document, or LetterheadError with one sentence."""
    suffix = path.suffix.lower()
    if suffix in (".dotx", ".dotm", ".dot"):
        raise LetterheadError(
            f"The letterhead {path.name} is a Word template ({suffix}); save it as a .docx document and use that."
        )
    if not path.is_file():
        raise LetterheadError(f"The letterhead {path} does not exist or is not a file; check the path.")
    try:
        content_type = ooxml.main_content_type(path)
    except Exception:  # a damaged or hostile file fails in zipfile, the XML parser or python-docx, in any way
        raise LetterheadError(
            f"The letterhead {path.name} is not a readable Word .docx file; open it in Word and save it as .docx."
        ) from None
    if content_type in ooxml.TEMPLATE_CONTENT_TYPES:
        raise LetterheadError(
            f"The letterhead {path.name} is a Word template saved under another name; "
            "save it as a .docx document and use that."
        )
    try:
        return docx.Document(str(path))
    except Exception:  # the same: python-docx reading a damaged file may raise any error (KeyError, lxml's …)
        raise LetterheadError(
            f"The letterhead {path.name} is not a readable Word .docx file; open it in Word and save it as .docx."
        ) from None


class _Writer:
    def __init__(self, layout: Layout, letterhead: Path | None):
        self.layout = layout
        if letterhead is not None:
            self.doc = open_letterhead(letterhead)
            self._ensure_styles()
        else:
            self.doc = docx.Document()
            self._house_style()
        self.has_bullets = "List Bullet" in [s.name for s in self.doc.styles]
        sec = self.doc.sections[-1]
        try:
            width = sec.page_width - sec.left_margin - sec.right_margin
        except TypeError:  # a section that leaves sizes to Word's defaults
            width = None
        self.text_width = width if width and width > Cm(5) else Cm(17)

    # ----------------------------------------------------------------- document set-up
    def _house_style(self) -> None:
        """A4, UK English, a plain readable body font: how a local authority's minutes look."""
        for sec in self.doc.sections:
            sec.page_width, sec.page_height = Cm(21), Cm(29.7)
            sec.left_margin = sec.right_margin = Cm(2)
            sec.top_margin = sec.bottom_margin = Cm(2)
            sec.header_distance = sec.footer_distance = Cm(1)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        for name, size in (("Heading 1", 14), ("Heading 2", 12)):
            st = self.doc.styles[name]
            st.font.name = "Arial"
            st.font.size = Pt(size)
        self._title_style()
        ooxml.set_language(self.doc, "en-GB")

    def _title_style(self) -> None:
        """Our title style, unless the document (a letterhead) has its own by that name."""
        from docx.enum.style import WD_STYLE_TYPE

        if TITLE_STYLE in {s.name for s in self.doc.styles}:
            return
        st = self.doc.styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = self.doc.styles["Normal"]
        st.font.name = "Arial"
        st.font.size = Pt(22)
        st.font.bold = True
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.keep_with_next = True

    def _ensure_styles(self) -> None:
        """Give a letterhead the built-in styles we use that it does not define (its own ones win)."""
        names = {s.name for s in self.doc.styles}
        missing = [n for n in STYLES_USED if n not in names and n != "List Bullet"]
        if missing:
            source = docx.Document()
            for name in missing:
                ooxml.copy_style(self.doc, source, name)
        self._title_style()

    def _core_properties(self) -> None:
        cp = self.doc.core_properties
        cp.title = _c(self.layout.doc_title)
        cp.author = _c(self.layout.author)
        cp.last_modified_by = _c(self.layout.author)
        cp.subject = "Minutes of a multi-agency professionals' meeting"
        cp.keywords = _c(self.layout.marking)
        cp.comments = ""
        cp.category = _c(self.layout.marking)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        cp.created = now
        cp.modified = now
        cp.revision = 1

    # ----------------------------------------------------------------- headers and footers
    def _headers_footers(self) -> None:
        """Marking, case reference and page X of Y on every page, after any letterhead content."""
        doc = self.doc
        even = doc.settings.odd_and_even_pages_header_footer
        done: set[str] = set()
        for sec in doc.sections:
            kinds = [("header", sec.header), ("footer", sec.footer)]
            if sec.different_first_page_header_footer:
                kinds += [("header", sec.first_page_header), ("footer", sec.first_page_footer)]
            if even:
                kinds += [("header", sec.even_page_header), ("footer", sec.even_page_footer)]
            for what, hf in kinds:
                part = hf.part  # the definition in force (adds one to the first section if none)
                if str(part.partname) in done:
                    continue
                done.add(str(part.partname))
                if what == "header":
                    self._fill_header(hf)
                else:
                    self._fill_footer(hf)

    @staticmethod
    def _next_paragraph(hf):
        """An empty paragraph to write into: the lone empty one of a fresh header, else a new one."""
        paras = hf.paragraphs
        if len(paras) == 1 and not hf.tables and not paras[0]._p.xpath(".//w:r"):
            return paras[0]
        return hf.add_paragraph()

    def _marking_paragraph(self, hf):
        p = self._next_paragraph(hf)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(_c(self.layout.marking))
        r.bold = True
        ooxml.set_size(r, 20)
        return p

    def _fill_header(self, hf) -> None:
        self._marking_paragraph(hf)
        p = hf.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        bits = [f"Case reference {self.layout.case_ref}" if self.layout.case_ref else "Case reference not recorded"]
        if self.layout.date_short:
            bits.append(f"Minutes of the meeting on {self.layout.date_short}")
        if self.layout.family:
            bits.append("Family copy")
        r = p.add_run(_c(" · ".join(bits)))
        ooxml.set_size(r, 18)

    def _fill_footer(self, hf) -> None:
        p = self._next_paragraph(hf)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("Page ")
        ooxml.add_field(p, "PAGE")
        p.add_run(" of ")
        ooxml.add_field(p, "NUMPAGES")
        ref = self.layout.case_ref
        if ref:
            p.add_run(_c(f" · Case reference {ref}"))
        ooxml.field_runs_font_size(p, 18)
        mp = hf.add_paragraph()
        mp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = mp.add_run(_c(self.layout.marking))
        r.bold = True
        ooxml.set_size(r, 20)

    # ----------------------------------------------------------------- body
    def _style(self, name: str):
        """A style object, looked up once: python-docx finds a style by name by scanning every style in
        the document, which was most of the time of a large export."""
        cache = self.__dict__.setdefault("_style_cache", {})
        if name not in cache:
            cache[name] = self.doc.styles[name]
        return cache[name]

    def _add_paragraph(self, text: str = "", style: str | None = None):
        """doc.add_paragraph with the style set by its id: python-docx's style setter scans every style
        of the document on each call (to compare with the default), which dominated large exports."""
        p = self.doc.add_paragraph(text)
        if style:
            p._p.style = self._style(style).style_id
        return p

    def _para(self, text: str, *, style: str | None = None, italic: bool = False):
        p = self._add_paragraph(style=style)
        r = p.add_run(_c(text))
        if italic:
            r.italic = True
        return p

    def _heading(self, text: str, level: int):
        return self._add_paragraph(_c(text), f"Heading {level}")

    def _table(self, columns, widths, *, header: bool, half_points: int | None = None):
        doc = self.doc
        table = doc.add_table(rows=1 if header else 0, cols=len(columns))
        table.style = self._style("Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        total = sum(widths) or 1
        emus = [int(self.text_width * w / total) for w in widths]
        for col, w in zip(table.columns, emus, strict=True):
            col.width = w
        if header:
            row = table.rows[0]
            ooxml.repeat_as_header(row)
            ooxml.cant_split(row)
            for cell, name, w in zip(row.cells, columns, emus, strict=True):
                cell.width = w
                ooxml.shade(cell, HEADER_FILL)
                p = cell.paragraphs[0]
                p.paragraph_format.keep_with_next = True  # never a header row alone at the foot of a page
                r = p.add_run(_c(name))
                r.bold = True
                if half_points:
                    ooxml.set_size(r, half_points)
        return table

    @staticmethod
    def _cell_xml(
        width: str, text: str, *, bold: bool = False, half_points: int | None = None, fill: str | None = None
    ) -> str:
        """What `_fill` writes into a new row's cell, as text: a paragraph per line, a run per non-empty line."""
        paragraphs = "".join(
            ooxml.paragraph_xml(ooxml.run_xml(line, bold=bold, half_points=half_points) if line else "")
            for line in (_c(text).split("\n") or [""])
        )
        return ooxml.cell_xml(width, paragraphs, fill)

    def _add_rows(self, table, rows: list[str]) -> None:
        """Append rows (`ooxml.row_xml` text) to a table, parsed in one go (python-docx's add_row and
        cell setters cost more than the rest of a big export)."""
        ooxml.append_xml(table._tbl, "".join(rows))

    def _write_table(self, t: Table) -> None:
        widths = t.widths or tuple(1 for _ in t.columns)
        small = 18 if t.small or len(t.columns) >= 6 else None  # 9 pt, in half points
        table = self._table(t.columns, widths, header=True, half_points=small)
        grid = ooxml.grid_widths(table)
        self._add_rows(
            table,
            [
                ooxml.row_xml(
                    "".join(self._cell_xml(w, value, half_points=small) for w, value in zip(grid, values, strict=True)),
                    cant_split=not t.can_split,
                )
                for values in t.rows
            ],
        )
        self.doc.add_paragraph()  # breathing space after a table

    def _write_fields(self, f: Fields) -> None:
        if f.as_table:
            table = self._table(("", ""), (30, 70), header=False)
            label_w, value_w = ooxml.grid_widths(table)
            self._add_rows(
                table,
                [
                    ooxml.row_xml(
                        self._cell_xml(label_w, label, bold=True, fill=LABEL_FILL) + self._cell_xml(value_w, value)
                    )
                    for label, value in f.rows
                ],
            )
            self.doc.add_paragraph()
            return
        for label, value in f.rows:
            p = self.doc.add_paragraph()
            r = p.add_run(_c(label) + ": ")
            r.bold = True
            p.add_run(_c(value))

    def _write_group(self, g: Group) -> None:
        self._heading(g.title, 2)
        if self.has_bullets:
            # the list as text, parsed once (see _add_rows)
            style_id = self._style("List Bullet").style_id
            body = self.doc.element.body
            ooxml.append_xml(
                body,
                "".join(
                    ooxml.paragraph_xml(
                        ooxml.run_xml(_c(item.text))
                        + (ooxml.run_xml(_c(f" — {item.meta}"), italic=True, color=META_COLOR) if item.meta else ""),
                        style_id=style_id,
                    )
                    for item in g.items
                ),
                before=body.sectPr,
            )
            return
        for item in g.items:
            p = self.doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.63)
            p.paragraph_format.first_line_indent = Cm(-0.63)
            p.add_run(BULLET)
            p.add_run(_c(item.text))
            if item.meta:
                r = p.add_run(_c(f" — {item.meta}"))
                r.italic = True
                r.font.color.rgb = RGBColor.from_string(META_COLOR)

    def _write_section(self, s: Section) -> None:
        title = f"{s.number}. {s.title}" if s.number else s.title
        self._heading(title, 1)
        for b in s.blocks:
            if isinstance(b, Para):
                for line in b.text.split("\n") if b.text else [""]:
                    self._para(line, italic=b.italic)
            elif isinstance(b, Subheading):
                self._heading(b.text, 2)
            elif isinstance(b, Fields):
                self._write_fields(b)
            elif isinstance(b, Group):
                self._write_group(b)
            elif isinstance(b, Table):
                self._write_table(b)

    def write(self):
        lay = self.layout
        self._core_properties()
        self._headers_footers()
        self._para(lay.title, style=TITLE_STYLE)
        if lay.subtitle:
            p = self._add_paragraph()
            ooxml.set_size(p.add_run(_c(lay.subtitle)), 26)
        if lay.handling:  # G-54: under the title, where the marking is first read
            p = self._add_paragraph()
            r = p.add_run(_c(lay.handling))
            r.italic = True
            ooxml.set_size(r, 18)
        if lay.opening:
            self._heading("About these minutes", 2)
            for para in lay.opening:
                self._para(para.text)
        self._write_fields(lay.details)
        for s in lay.sections:
            self._write_section(s)
        return self.doc


def render(layout: Layout, letterhead: Path | None = None):
    """The python-docx Document for `layout` (on the letterhead when given). Raises LetterheadError."""
    return _Writer(layout, letterhead).write()
