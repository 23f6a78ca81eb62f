"""Subject access (issue 12): every meeting that names the person, and nothing else, two people sharing a
surname kept apart; exact subject matches first, then attendance and mentions with the text around them;
the full minutes (read back from the .docx) and the bundle for each; the review line; the audit."""

from __future__ import annotations

import csv
import json

import pytest
from docx import Document

from mapm_tui import audit, cli, sar
from mapm_tui.bundle import import_bundle
from mapm_tui.settings import Settings
from tests import keys
from tests.samples import load_sample


@pytest.fixture
def people(store, templates):
    """Maisie Thornbury (b. 2019) is the subject of m-maisie and named in an entry of m-adult; Jack
    Thornbury is the subject of m-jack and attends m-adult; another Maisie Thornbury (b. 2012) is the
    subject of m-other-maisie. m-maisie also says "Ms Thornbury" (their mother), naming neither; m-jack says
    "Maisie" without her surname (possibly her: listed, not written out)."""
    maisie = load_sample("hampshire-planning.json")
    maisie["meeting"]["id"] = "m-maisie"
    import_bundle(store, maisie, templates)

    jack = load_sample("hampshire-two-part.json")
    jack["meeting"]["id"] = "m-jack"
    jack["meeting"]["subjects"][0].update(name="Jack Thornbury", date_of_birth="2016-07-02")
    jack["meeting"]["entries"].append(
        {"id": "ent-99", "kind": "information", "text": "Jack's cousin Maisie stays over."}
    )
    import_bundle(store, jack, templates)

    adult = load_sample("calderdale-adult-disagreement.json")
    adult["meeting"]["id"] = "m-adult"
    adult["meeting"]["attendees"].append(
        {"id": "att-99", "name": "Jack  thornbury", "role": "Grandson", "attendance": "present", "is_family": True}
    )
    adult["meeting"]["entries"].append(
        {
            "id": "ent-99",
            "kind": "information",
            "text": "Mr Pell looks after Maisie Thornbury on Tuesdays after school.",
        }
    )
    import_bundle(store, adult, templates)

    other = load_sample("hampshire-planning.json")
    other["meeting"].update(id="m-other-maisie", case_ref="EH-2026-0999", title="Planning meeting")
    other["meeting"]["subjects"][0]["date_of_birth"] = "2012-01-30"
    import_bundle(store, other, templates)
    return store


def _rows(folder) -> list[list[str]]:
    with open(folder / "index.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_person_with_the_date_of_birth_and_nothing_else(people, tmp_path, capsys):
    folder = tmp_path / "sar-maisie"
    code = cli.main(["--db", keys.db_of(people), "sar", "Maisie Thornbury", "--dob", "14/03/2019", "-o", str(folder)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "2 meeting(s) written" in out.out and "1 of the same name left out" in out.out
    assert "1 meeting(s) name the first name and surname apart" in out.out
    assert "Review before release" in out.out
    rows = _rows(folder)
    assert rows[0] == [sar.REVIEW_LINE] and rows[1][0] == "Match"
    table = [(r[0], r[1], r[4]) for r in rows[2:]]
    assert table == [
        ("subject", "m-maisie", "Subject"),
        ("mention", "m-maisie", "Title"),  # mentions by date: Wed 18 Nov, then Thu 19 Nov
        ("mention", "m-adult", "Entry (information)"),
        ("possible", "m-jack", "Entry (information)"),  # "Maisie" and "Thornbury" apart: listed, not written
        ("not included", "m-other-maisie", "Subject"),
    ]
    assert "looks after Maisie Thornbury on Tuesdays" in rows[4][5]
    assert rows[2][3] == "Wed 18 Nov 2026" and rows[5][6] == rows[6][6] == "(not written out)"
    assert "cousin Maisie stays over" in rows[5][5]
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 5 and "index.csv" in written
    assert not any("m-jack" in n or "m-other-maisie" in n for n in written)
    docx = next(folder.glob("*m-maisie.docx"))
    text = "\n".join(p.text for p in Document(docx).paragraphs)
    assert "Maisie Thornbury" in text
    bundle = json.loads(next(folder.glob("*m-adult.json")).read_text(encoding="utf-8"))
    assert bundle["meeting"]["id"] == "m-adult"
    # the request is audited, per meeting written out and once for the request, without the name asked for
    assert audit.events(people, "m-maisie")[-1].kind == "disclosed"
    assert audit.events(people, "m-adult")[-1].kind == "disclosed"
    assert "disclosed" not in [e.kind for e in audit.events(people, "m-jack")]
    request = audit.events(people, audit.NO_MEETING)
    assert [e.kind for e in request] == ["subject_access"] and "Maisie" not in (request[0].detail or "")
    assert cli.main(["--db", keys.db_of(people), "audit", "requests"]) == 0
    assert f"subject access request answered: 2 meeting(s) written to {folder}" in capsys.readouterr().out
    assert audit.verify(people).ok


def test_the_other_person_of_the_same_surname(people):
    found = sar.find(people, "jack thornbury")
    assert [(a.match, a.meeting_id, a.where) for a in found] == [
        ("subject", "m-jack", "Subject"),
        ("attendee", "m-adult", "Attendee (Grandson)"),
    ]


def test_without_a_date_of_birth_both_of_the_same_name_are_included(people):
    found = sar.find(people, "Maisie Thornbury")
    subjects = [a.meeting_id for a in found if a.match == "subject"]
    assert sorted(subjects) == ["m-maisie", "m-other-maisie"]
    assert [(a.match, a.meeting_id) for a in found if not a.included] == [("possible", "m-jack")]


@pytest.mark.parametrize(
    "args, words",
    [
        (["", "-o", "{folder}"], "Give the person's name"),
        (["Maisie Thornbury", "--dob", "31/02/2019", "-o", "{folder}"], "--dob"),
        (["Maisie Thornbury", "-o", "{full}"], "not an empty folder"),
    ],
)
def test_bad_requests_are_one_sentence_and_exit_2(people, tmp_path, capsys, args, words):
    full = tmp_path / "full"
    full.mkdir()
    (full / "x.txt").write_text("x")
    args = [a.format(folder=tmp_path / "new", full=full) for a in args]
    assert cli.main(["--db", keys.db_of(people), "sar", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_an_answer_that_cannot_be_audited_is_not_left_behind(people, tmp_path, monkeypatch):
    from mapm_tui.store import StoreError

    def refuse(*args, **kwargs):
        raise StoreError("The database is busy in another window; try again in a moment.")

    monkeypatch.setattr(sar.audit, "append", refuse)
    with pytest.raises(StoreError, match="busy"):
        sar.write(people, Settings(), {}, "Jack Thornbury", tmp_path / "sar")
    assert not (tmp_path / "sar").exists()
