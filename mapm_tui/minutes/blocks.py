"""The blocks a Layout is made of: small frozen records that `docx_writer` renders and tests read.

A `Layout` is the title page and the ordered `Section`s; each section holds blocks (paragraphs, headings,
label/value fields, groups of entries, tables). No Word here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Para:
    """A paragraph of body text (newlines become separate paragraphs)."""

    text: str
    italic: bool = False


@dataclass(frozen=True)
class Subheading:
    """A Heading 2 inside a section."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label / value pairs: paragraphs with a bold label, or (as_table) a two-column table."""

    rows: tuple[tuple[str, str], ...]
    as_table: bool = False

    def get(self, label: str) -> str | None:
        return next((v for k, v in self.rows if k == label), None)


@dataclass(frozen=True)
class Item:
    """One captured entry: its text, and who said it / fact or opinion (`meta`)."""

    text: str
    meta: str = ""
    entry_id: str = ""


@dataclass(frozen=True)
class Group:
    """A Heading 2 and a bulleted list of entries."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row repeated on every page. `kind` says what it is (for tests, styling)."""

    kind: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = ()
    #: 9 pt text (every table of a kind is one size: the action plan, the annex, the distribution list)
    small: bool = False
    #: rows may split across pages (none do: long rows are cut into continued rows by `split_long_rows`)
    can_split: bool = False


Block = Para | Subheading | Fields | Group | Table


@dataclass
class Section:
    """A Heading 1 and its blocks. `key` is the step key, or attendance/actions/other/distribution/annex
    for sections that are not (or not only) a template step."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    step_kind: str | None = None
    #: agenda steps are numbered 1..n in the order shown; other sections are not.
    number: int | None = None

    def entry_ids(self) -> list[str]:
        return [i.entry_id for b in self.blocks if isinstance(b, Group) for i in b.items]

    def groups(self) -> list[Group]:
        return [b for b in self.blocks if isinstance(b, Group)]

    def tables(self, kind: str | None = None) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table) and (kind is None or b.kind == kind)]

    def texts(self) -> list[str]:
        """Every string in the section, heading first (for tests and searching)."""
        out = [self.title]
        for b in self.blocks:
            out.extend(block_texts(b))
        return out


def block_texts(b: Block) -> list[str]:
    if isinstance(b, (Para, Subheading)):
        return [b.text]
    if isinstance(b, Fields):
        return [s for row in b.rows for s in row]
    if isinstance(b, Group):
        return [b.title] + [s for i in b.items for s in (i.text, i.meta) if s]
    if isinstance(b, Table):
        return list(b.columns) + [c for r in b.rows for c in r]
    return []


@dataclass
class Layout:
    family: bool
    title: str
    subtitle: str
    details: Fields
    sections: list[Section]
    marking: str
    case_ref: str
    date_short: str
    doc_title: str
    author: str
    #: the family copy's plain-English opening (empty in the full copy)
    opening: tuple[Para, ...] = ()
    #: G-54: the handling and onward-sharing statement, printed under the marking on the first page
    handling: str = ""

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def texts(self) -> list[str]:
        out = [self.title, self.subtitle, *(p.text for p in self.opening), *block_texts(self.details)]
        for s in self.sections:
            out.extend(s.texts())
        return out


def table(kind: str, columns, rows, *, repeat: dict[int, str] | None = None, small: bool = True) -> Table:
    """A table whose column widths come from its content; with `repeat`, long rows are cut into continued
    rows that repeat those columns (see `columns`)."""
    from .columns import content_widths, split_long_rows

    columns, rows = tuple(columns), tuple(tuple(r) for r in rows)
    widths = content_widths(columns, rows)
    if repeat is not None:
        rows = split_long_rows(rows, widths, repeat)
    return Table(kind, columns, rows, widths, small=small)


def headed_table(heading: str, kind: str, columns, rows, **options) -> list[Block]:
    """A Heading 2 and the table under it (`table`'s options)."""
    return [Subheading(heading), table(kind, columns, rows, **options)]
