"""The export baseline: python-docx writing the same text as plain paragraphs, with no logic of ours.

`docx_text` reads every paragraph of a document (body, then the cells of its tables, in order);
`write_plain` writes those strings as plain paragraphs of a new default document.
"""

from __future__ import annotations

from pathlib import Path


def docx_text(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:  # a merged cell is listed once per column it spans
                    continue
                seen.add(id(cell._tc))
                out.extend(p.text for p in cell.paragraphs)
    return out


def write_plain(paragraphs: list[str], path: Path) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path
