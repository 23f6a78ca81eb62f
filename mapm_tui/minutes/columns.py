"""Table column widths from what the cells hold, and long rows cut into continued rows (pure; no Word).

Fixed percentages gave the action plan's Addresses column so little room that rows ran a page tall, and
due dates wrapped over three lines. Here each column gets at least its longest word (or, for a column of
short values such as a number or a date, its longest value, so "Fri 20 Nov 2026" never wraps), and the
room left goes to the columns with the most text. Widths are in characters of 9-pt Arial; the writer
scales them to the page.

A row too tall for a third of a page is cut at paragraph (else sentence, else word) boundaries into a
first row and continued rows; the continued rows repeat the columns that say what the row is (the
action's number, its owner), so a reader turning the page still knows whose action it is. No text is
ever dropped or shortened.
"""

from __future__ import annotations

import math
import re

#: 9-pt Arial across the 17 cm of an A4 page with 2 cm margins: about 110 characters (measured in
#: LibreOffice: "Fri 27 Nov 2026" needs 2.2 cm of text room).
PAGE_CHARS = 110
#: A cell's left and right margins (0.19 cm each) and a little slack, in characters.
PADDING = 3
#: A value this short stays on one line (numbers, dates, "Partly done").
NOWRAP = 16
#: Beyond this a column's lines are long enough; more width would only add white space.
LINE_CAP = 60
#: Estimated lines above which a row is cut into continued rows (a page holds about 60 lines of 9 pt).
#: Rows never split across a page by themselves: a split row showed empty No. and Owner cells on the next
#: page. So a row moves whole to the next page (leaving at most a third of a page blank), and a longer
#: one is cut here into rows that each say whose action they continue.
ROW_LINES = 28

#: How the text of a continued row starts.
CONTINUED = "(continued) "

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _lines(cell: str) -> list[str]:
    return cell.split("\n") if cell else [""]


def content_widths(columns, rows, total: int = PAGE_CHARS) -> tuple[int, ...]:
    """Widths (in characters, summing to about `total`) that fit the content of each column."""
    n = len(columns)
    longest_word = [0] * n
    longest_line = [0] * n
    volume = [0] * n
    for r in [tuple(columns), *rows]:
        for i, cell in enumerate(r[:n]):
            for line in _lines(cell):
                longest_line[i] = max(longest_line[i], len(line))
                longest_word[i] = max(longest_word[i], max((len(w) for w in line.split()), default=0))
    for r in rows:
        for i, cell in enumerate(r[:n]):
            volume[i] += len(cell)
    cells = max(len(rows), 1)
    nowrap = [longest_line[i] <= NOWRAP for i in range(n)]
    least = [(max(longest_line[i], 3) if nowrap[i] else min(max(longest_word[i], 6), 16)) + PADDING for i in range(n)]
    if sum(least) >= total:  # squeeze the columns that wrap anyway; numbers and dates keep their line
        fixed = sum(w for w, keep in zip(least, nowrap, strict=True) if keep)
        flexible = sum(least) - fixed
        scale = max(total - fixed, n) / max(flexible, 1)
        return tuple(w if keep else max(3, round(w * scale)) for w, keep in zip(least, nowrap, strict=True))
    most = [max(least[i], min(longest_line[i] + PADDING, LINE_CAP)) for i in range(n)]
    widths: list[float] = list(least)
    spare = total - sum(widths)
    # give the spare room to the columns that still wrap, in proportion to how much text they hold
    while spare > 0.5:
        wanting = [i for i in range(n) if widths[i] < most[i]]
        if not wanting:
            break
        # the square root: a column with much text gets more room, without starving the others
        weight = {i: math.sqrt(max(volume[i] / cells, 1.0)) for i in wanting}
        total_weight = sum(weight.values())
        given = 0.0
        for i in wanting:
            add = min(spare * weight[i] / total_weight, most[i] - widths[i])
            widths[i] += add
            given += add
        spare -= given
        if given < 0.01:
            break
    if spare > 0.5:  # everything fits on one line: share what is left evenly
        widths = [w + spare / n for w in widths]
    return tuple(max(1, round(w)) for w in widths)


def estimated_lines(cell: str, width: float) -> int:
    per_line = max(int(width) - PADDING, 4)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in _lines(cell))


def _chunks(cell: str, width: float, limit: int) -> list[str]:
    """`cell` cut into chunks of about `limit` lines each, joined back with the breaks they had."""
    chunks: list[str] = []
    current = ""
    for para in _lines(cell):
        pieces = _SENTENCE.split(para) if estimated_lines(para, width) > limit else [para]
        for k, piece in enumerate(pieces):
            sep = "\n" if k == 0 else " "
            candidate = f"{current}{sep}{piece}" if current else piece
            if current and estimated_lines(candidate, width) > limit:
                chunks.append(current)
                current = piece
            else:
                current = candidate
    chunks.append(current)
    return chunks


def split_long_rows(rows, widths, repeat: dict[int, str], *, limit: int = ROW_LINES) -> tuple[tuple[str, ...], ...]:
    """Rows taller than `limit` estimated lines cut into a first row and continued rows.

    `repeat` maps a column to how it reads on a continued row ("{}" repeats the value as it is). Other
    columns carry on their own text, marked "(continued)"; no text is lost.
    """
    out: list[tuple[str, ...]] = []
    for row in rows:
        tall = max(estimated_lines(c, w) for c, w in zip(row, widths, strict=True))
        if tall <= limit:
            out.append(tuple(row))
            continue
        parts = [[c] if i in repeat else _chunks(c, widths[i], limit) for i, c in enumerate(row)]
        count = max(len(p) for p in parts)
        for k in range(count):
            cells = []
            for i, c in enumerate(row):
                if i in repeat:
                    cells.append(c if k == 0 else repeat[i].format(c))
                else:
                    piece = parts[i][k] if k < len(parts[i]) else ""
                    cells.append(f"{CONTINUED}{piece}" if k and piece else piece)
            out.append(tuple(cells))
    return tuple(out)
