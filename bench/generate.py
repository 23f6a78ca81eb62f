"""Large, fictional, reproducible databases for the benchmarks.

Everything here is made up: names, agencies, places and what was said are drawn from the word lists
below with a seeded `random.Random`, so the same arguments always give the same meetings (a test checks
it). Each generated meeting is a valid bundle `meeting` object (the smoke test exports one and runs the
importer's checks on it).

The databases are written once and cached outside the repository, in `$MAPM_BENCH_CACHE` or
`~/.cache/mapm-bench/`. The file name carries the generator version, the schema revision (migration
HEAD), the sizes and the seed, so a new migration (a full-text index, say) gives a new file instead of
a stale one. Rows are written with SQLAlchemy Core in large transactions, through the app's own engine
(`open_store`: same schema, triggers and migrations), which is much faster than one import per meeting
and leaves the same rows an import would.

    python bench/generate.py --meetings 1000 --entries 100000     # prints the cached path
    python bench/generate.py --meetings 10000 --entries 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

GEN_VERSION = 1
DEFAULT_SEED = 20261124

# -- word lists (all fictional) -------------------------------------------------------------------
FIRST = [
    "Amy",
    "Ben",
    "Cara",
    "Dylan",
    "Ella",
    "Finn",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kian",
    "Lily",
    "Mason",
    "Nia",
    "Oscar",
    "Poppy",
    "Quinn",
    "Rosa",
    "Sami",
    "Tia",
    "Umar",
    "Vera",
    "Will",
    "Xena",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Callum",
    "Dora",
    "Eshan",
    "Fern",
    "Gethin",
    "Hana",
    "Ivo",
    "Jade",
    "Kofi",
    "Leah",
    "Milo",
    "Noor",
    "Owen",
    "Priya",
    "Rhys",
    "Sian",
    "Tomasz",
    "Uma",
    "Vik",
    "Wren",
    "Yara",
    "Zain",
]
SURNAMES = [
    "Ashdown",
    "Bellamy",
    "Carrow",
    "Delacey",
    "Ellery",
    "Fairweather",
    "Gallant",
    "Hartigan",
    "Inchley",
    "Jessop",
    "Kilbride",
    "Lowther",
    "Merriman",
    "Northcott",
    "Okafor",
    "Pennant",
    "Quarrie",
    "Rushworth",
    "Stanway",
    "Thackeray",
    "Underhill",
    "Vantreight",
    "Wickham",
    "Yardley",
    "Zielinski",
    "Abara",
    "Brightwell",
    "Cosgrove",
    "Dunmore",
    "Eastleigh",
    "Fenwick",
    "Greaves",
    "Holloway",
    "Ibbotson",
]
TOWNS = [
    "Ashcombe",
    "Brackley",
    "Cresswell",
    "Dunmere",
    "Elmstead",
    "Farrowby",
    "Glenholt",
    "Harwick",
    "Ivesley",
    "Kettleby",
]
AGENCY_KINDS = (
    ("Primary School", "Headteacher"),
    ("Academy", "Designated safeguarding lead"),
    ("Health Visiting", "Health visitor"),
    ("Medical Practice", "GP"),
    ("Children's Services", "Social worker"),
    ("Adult Services", "Social worker"),
    ("Police", "Detective constable"),
    ("Housing", "Housing officer"),
    ("Family Hub", "Family support worker"),
    ("Mental Health Team", "Community psychiatric nurse"),
    ("Probation", "Probation officer"),
    ("Youth Service", "Youth worker"),
)
RELATIVES = ("mother", "father", "grandmother", "grandfather", "aunt", "uncle", "older sister", "stepfather")
STRENGTH = (
    "attends school every day and arrives on time",
    "has a warm relationship with {rel}",
    "enjoys football club on Saturdays",
    "is doing well in reading and writing",
    "has a settled bedtime routine at {rel}'s house",
    "speaks fondly about the trampoline park trips",
    "is registered with a dentist and attends appointments",
    "has friends in class and is included at playtime",
    "keeps in touch with the youth worker every week",
    "takes medication as prescribed",
)
NEED = (
    "needs a stable bedtime routine",
    "needs support with speech and language",
    "needs help to manage anger at school",
    "needs a quiet place to do homework",
    "needs a referral to the school nurse about weight",
    "needs transport to appointments in {town}",
    "needs someone to talk to about the separation",
    "needs glasses; the prescription has lapsed",
    "needs the housing repairs finished before winter",
    "needs help with budgeting and food bank vouchers",
)
RISK = (
    "damp and mould in the children's bedroom",
    "{rel} has been drinking heavily at weekends",
    "police were called to a domestic incident on {date}",
    "missed three health appointments since the summer",
    "unexplained bruising noticed at nursery",
    "an older boy has been seen collecting {name} from school",
    "rent arrears and a notice seeking possession",
    "was found alone at home late in the evening",
    "online contact with an adult not known to the family",
    "self-harm disclosed to the school counsellor",
)
INFORMATION = (
    "attendance this term is {pct}%",
    "the family moved to a new address in {town}",
    "a referral to the family hub was accepted on {date}",
    "the GP letter confirms the asthma review took place",
    "the school reports no concerns since half term",
    "the health visitor visited on {date} and saw both children",
    "the tenancy has been transferred to {rel}",
    "a carer's assessment is booked for next month",
)
VOICE = (
    "said she likes her new class and her teacher",
    "told the youth worker he feels safe at home",
    "says bedtime is scary when the shouting starts",
    "wants to keep seeing {rel} at weekends",
    "drew a picture of the family with the dog",
    "would like to go back to swimming lessons",
)
ADDRESS = (
    "a parenting course at the family hub",
    "weekly visits from the family support worker",
    "a referral to the school counsellor",
    "a joint home visit by housing and health",
    "a budgeting session with the welfare rights adviser",
    "a sleep plan agreed with the health visitor",
)
EXTRA = (
    "",
    "",
    "",
    " This was confirmed by the school.",
    " {rel} agreed with this.",
    " It was raised at the last review as well.",
    " The family were told about it on {date}.",
    " No one in the meeting disagreed.",
    " This needs checking with {agency}.",
    " The chair asked for it to be recorded as said.",
)
KINDS_BY_STEP = {
    "known_before": ("strength", "need", "risk"),
    "new_information": ("information", "voice_of_subject", "referral"),
    "identified_during": ("strength", "need", "risk"),
    "addressing_needs": ("how_to_address", "already_tried", "decision"),
    "needs_strengths_risks": ("need", "strength", "risk"),
    "individual_information": ("voice_of_subject", "family_view"),
    "plan_views": ("family_view", "decision"),
}
STEPS = {
    "hampshire": ("known_before", "new_information", "identified_during", "addressing_needs"),
    "calderdale": ("needs_strengths_risks", "new_information", "individual_information", "plan_views"),
}


def _day_month(d: dt.date) -> str:
    return f"{d.day} {d:%B}"


class _Words:
    """Seeded phrase maker for one meeting."""

    def __init__(self, rng: random.Random, day: dt.date, attendees: list[dict], subjects: list[dict]):
        self.rng = rng
        self.day = day
        self.attendees = attendees
        self.subjects = subjects

    def fill(self, phrase: str) -> str:
        rng = self.rng
        if "{" not in phrase:
            return phrase
        return phrase.format(
            rel=rng.choice(RELATIVES),
            town=rng.choice(TOWNS),
            date=_day_month(self.day - dt.timedelta(days=rng.randint(3, 120))),
            pct=rng.randint(61, 99),
            name=rng.choice(self.subjects)["name"].split()[0],
            agency=rng.choice(self.attendees)["agency"] if self.attendees else "the school",
        )

    def entry_text(self, kind: str) -> str:
        rng = self.rng
        child = rng.choice(self.subjects)["name"].split()[0]
        if kind == "strength":
            core = f"{child} {rng.choice(STRENGTH)}"
        elif kind == "need":
            core = f"{child} {rng.choice(NEED)}"
        elif kind == "risk":
            core = rng.choice(RISK)
            core = core[0].upper() + core[1:]
        elif kind in ("information", "referral"):
            core = "Reported that " + rng.choice(INFORMATION)
        elif kind == "voice_of_subject":
            core = f"{child} {rng.choice(VOICE)}"
        elif kind == "family_view":
            core = (
                f"The {rng.choice(RELATIVES)} feels the plan is "
                f"{rng.choice(('fair', 'too much', 'helpful', 'unclear'))}"
            )
        elif kind == "how_to_address":
            core = "Offer " + rng.choice(ADDRESS)
        elif kind == "already_tried":
            core = "Already tried " + rng.choice(ADDRESS)
        else:  # decision and the rest
            core = "Agreed to arrange " + rng.choice(ADDRESS)
        return self.fill(core + "." + rng.choice(EXTRA))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"


def make_meeting(
    rng: random.Random,
    number: int,
    *,
    entries: int,
    attendees: int | None = None,
    actions: int | None = None,
    template: str | None = None,
    status: str | None = None,
    day: dt.date | None = None,
    id_prefix: str = "m-bench",
) -> dict:
    """One fictional meeting, shaped like the bundle's `meeting` object."""
    template = template or ("hampshire" if rng.random() < 0.7 else "calderdale")
    status = status or rng.choices(("final", "in_review", "in_progress", "draft"), (70, 15, 5, 10))[0]
    day = day or dt.date(2021, 1, 4) + dt.timedelta(days=rng.randint(0, 5 * 365))
    family_name = rng.choice(SURNAMES)
    subject_kind = "child" if template == "hampshire" or rng.random() < 0.6 else "adult_at_risk"
    subjects = [
        {"name": f"{rng.choice(FIRST)} {family_name}", "kind": subject_kind}
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))
    ]
    n_att = attendees if attendees is not None else rng.randint(5, 14)
    people = []
    for i in range(n_att):
        town = rng.choice(TOWNS)
        agency_kind, role = rng.choice(AGENCY_KINDS)
        attendance = rng.choices(
            ("present", "apologies", "written_contribution", "substitute", "absent"), (80, 10, 4, 4, 2)
        )[0]
        person = {
            "id": f"att-{i + 1}",
            "name": _person(rng),
            "role": role,
            "agency": f"{town} {agency_kind}",
            "attendance": attendance,
        }
        if attendance == "substitute":
            person["substitute_for"] = _person(rng)
        people.append(person)
    words = _Words(rng, day, people, subjects)
    steps = STEPS[template]
    stage_of = {
        "known_before": "before_meeting",
        "identified_during": "during_meeting",
        "new_information": "during_meeting",
    }
    entry_list = []
    for i in range(entries):
        step = rng.choice(steps)
        kind = rng.choice(KINDS_BY_STEP[step])
        entry = {"id": f"ent-{i + 1}", "kind": kind, "text": words.entry_text(kind), "step": step}
        if step in stage_of and template == "hampshire":
            entry["stage"] = stage_of[step]
        if people and rng.random() < 0.7:
            source = rng.choice(people)
            entry["source_attendee_id"] = source["id"]
            entry["source_agency"] = source["agency"]
        entry["basis"] = rng.choice(("fact", "opinion", "unverified", "fact"))
        entry["share_with_family"] = rng.random() < 0.6
        entry["created_at"] = f"{day.isoformat()}T{9 + i * 2 // max(entries, 1):02d}:{rng.randint(0, 59):02d}:00+00:00"
        entry_list.append(entry)
    n_act = actions if actions is not None else rng.randint(2, 9)
    action_list = []
    for i in range(n_act):
        owner = rng.choice(people) if people else None
        action = {
            "id": f"act-{i + 1}",
            "description": words.fill("Arrange " + rng.choice(ADDRESS) + rng.choice(EXTRA)),
            "due_date": (day + dt.timedelta(days=rng.randint(7, 90))).isoformat(),
            "success_measure": words.fill(
                rng.choice(("Confirmed at the review", "Seen on a home visit", "Letter received by {agency}"))
            ),
            "status": rng.choice(("open", "open", "done", "partly_done")),
            "share_with_family": rng.random() < 0.8,
        }
        if owner:
            action["owner_attendee_id"] = owner["id"]
            action["agency"] = owner["agency"]
        if entry_list and rng.random() < 0.7:
            action["addresses"] = sorted(
                {rng.choice(entry_list)["id"] for _ in range(rng.randint(1, 3))}, key=lambda x: int(x[4:])
            )
        action_list.append(action)
    chair = {"name": _person(rng), "role": "Chair", "agency": f"{rng.choice(TOWNS)} Children's Services"}
    meeting = {
        "id": f"{id_prefix}-{number:05d}",
        "case_ref": f"BENCH/{day.year}/{number:05d}",
        "title": f"Meeting about {subjects[0]['name']}",
        "template": template,
        "meeting_type": rng.choice(("planning", "planning", "professional_disagreement", "other")),
        "status": status,
        "date": day.isoformat(),
        "start_time": f"{rng.randint(9, 15):02d}:{rng.choice(('00', '30'))}",
        "venue": f"Meeting room {rng.randint(1, 6)}, {rng.choice(TOWNS)} Civic Centre",
        "convening_agency": chair["agency"],
        "chair": chair,
        "reasons": sorted(
            set(rng.sample(("uncertainty", "drift", "needs_unmet", "discussion_needed", "significant_event"), 2))
        ),
        "aim": f"To agree a plan that keeps {subjects[0]['name'].split()[0]} safe and well.",
        "subjects": subjects,
        "family": {"informed_beforehand": True, "attending": rng.choice(("no", "part_two", "whole"))},
        "attendees": people,
        "entries": entry_list,
        "actions": action_list,
        "lead_practitioner": {"name": people[0]["name"], "agency": people[0]["agency"], "changed": False}
        if people
        else {"name": _person(rng)},
        "minutes_sharing": {"share_with_family": True},
        "next_review": {"required": True, "date": (day + dt.timedelta(days=rng.randint(28, 120))).isoformat()},
    }
    if status in ("in_review", "final"):
        meeting["end_time"] = f"{int(meeting['start_time'][:2]) + 1:02d}:{meeting['start_time'][3:]}"
    if status == "final":
        meeting["finalised_at"] = f"{(day + dt.timedelta(days=2)).isoformat()}T10:00:00+00:00"
        meeting["finalised_by"] = chair["name"]
    if template == "hampshire":
        meeting["family_meeting"] = {"considered": rng.random() < 0.5}
    return meeting


def entry_counts(count: int, total: int, rng: random.Random) -> list[int]:
    """`count` numbers that vary around total/count and add up to exactly `total`."""
    base, extra = divmod(total, count)
    counts = [base + (1 if i < extra else 0) for i in range(count)]
    for i in range(0, count - 1, 2):
        d = rng.randint(0, base // 2)
        counts[i] += d
        counts[i + 1] -= d
    rng.shuffle(counts)
    return counts


def meetings(count: int, total_entries: int, seed: int = DEFAULT_SEED) -> Iterator[dict]:
    """The meetings of a generated database, in order (the same for the same arguments)."""
    rng = random.Random(seed)
    counts = entry_counts(count, total_entries, rng)
    for number, n in enumerate(counts, start=1):
        yield make_meeting(rng, number, entries=n)


def big_meeting(
    seed: int = DEFAULT_SEED,
    *,
    attendees: int = 40,
    entries: int = 300,
    actions: int = 80,
    status: str = "in_progress",
    template: str = "hampshire",
) -> dict:
    """The one big meeting of the typing, step change and export benchmarks (40 / 300 / 80 by default)."""
    rng = random.Random(seed + 1)
    meeting = make_meeting(
        rng,
        1,
        entries=entries,
        attendees=attendees,
        actions=actions,
        template=template,
        status=status,
        day=dt.date(2026, 11, 20),
        id_prefix="m-big",
    )
    meeting.pop("finalised_at", None)
    meeting.pop("finalised_by", None)
    return meeting


def fingerprint(count: int, total_entries: int, seed: int = DEFAULT_SEED) -> str:
    """SHA-256 of the generated meetings as JSON: equal for equal arguments (tests/test_bench_smoke.py)."""
    h = hashlib.sha256()
    for m in meetings(count, total_entries, seed):
        h.update(json.dumps(m, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


# -- writing a database ---------------------------------------------------------------------------
def cache_dir() -> Path:
    folder = Path(os.environ.get("MAPM_BENCH_CACHE") or Path.home() / ".cache" / "mapm-bench")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _schema_head() -> str:
    from mapm_tui import migrations

    return migrations.HEAD


def db_name(count: int, total_entries: int, seed: int = DEFAULT_SEED) -> str:
    return f"bench-g{GEN_VERSION}-s{_schema_head()}-m{count}-e{total_entries}-r{seed}.db"


def write_meetings(store, items, chunk: int = 250) -> int:
    """Write already valid meeting dicts into `store` with Core bulk inserts; returns how many."""
    from sqlalchemy import text

    from mapm_tui.agenda import shipped_templates
    from mapm_tui.convert import TIMESTAMP_FIELDS, _in_ts, meeting_columns
    from mapm_tui.models import CHILD_LISTS, Meeting

    templates = shipped_templates()
    snapshots = {k: t.to_dict() for k, t in templates.items()}
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    written = 0

    def flush(batch: list[dict]) -> None:
        meeting_rows = []
        child: dict[str, list[dict]] = {k: [] for k in CHILD_LISTS}
        for data in batch:
            cols = meeting_columns(data)
            cols.update(
                template_snapshot=snapshots[data["template"]],
                created_at=now,
                updated_at=now,
                status="in_review" if data["status"] == "final" else data["status"],  # final last (0005 moves)
            )
            meeting_rows.append(cols)
            for key, (_model, fields) in CHILD_LISTS.items():
                for position, item in enumerate(data.get(key) or []):
                    values = {f: item.get(f) for f in fields}
                    for f in TIMESTAMP_FIELDS & set(fields):
                        values[f] = _in_ts(values[f])
                    child[key].append({"meeting_id": data["id"], "position": position, **values})
        with store.engine.begin() as conn:
            conn.execute(Meeting.__table__.insert(), meeting_rows)
            for key, rows in child.items():
                if rows:
                    conn.execute(CHILD_LISTS[key][0].__table__.insert(), rows)
            conn.execute(
                text("UPDATE meeting SET status = :status WHERE id = :id"),
                [{"status": d["status"], "id": d["id"]} for d in batch],
            )

    batch: list[dict] = []
    for data in items:
        batch.append(data)
        if len(batch) >= chunk:
            flush(batch)
            written += len(batch)
            batch = []
    if batch:
        flush(batch)
        written += len(batch)
    return written


def build_db(path: Path, count: int, total_entries: int, seed: int = DEFAULT_SEED) -> Path:
    """Write a database of `count` meetings and `total_entries` entries at `path` (replaced if there)."""
    from mapm_tui.clock import FixedClock
    from mapm_tui.store import open_store

    path = Path(path)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(path, FixedClock(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)))
    try:
        write_meetings(store, meetings(count, total_entries, seed))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return path


def ensure_db(count: int, total_entries: int, seed: int = DEFAULT_SEED, *, quiet: bool = False) -> Path:
    """The cached database for these sizes, generated first if it is not there yet."""
    folder = cache_dir()
    final = folder / db_name(count, total_entries, seed)
    if final.exists():
        return final
    tmp = folder / (".tmp-" + final.name)
    started = time.perf_counter()
    if not quiet:
        print(f"generating {final.name} (once; cached in {folder}) …", file=sys.stderr, flush=True)
    build_db(tmp, count, total_entries, seed)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    os.replace(tmp, final)
    if not quiet:
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return final


#: the passphrase of the benchmarks' encrypted databases (fictional data; MAPM_BENCH_ENCRYPTED in workers.py)
BENCH_PASSPHRASE = "bench kettle orchard blue tram"


def ensure_encrypted_db(count: int, total_entries: int, seed: int = DEFAULT_SEED, *, quiet: bool = False) -> Path:
    """The same database as `ensure_db`, encrypted with BENCH_PASSPHRASE (`mapm encrypt`'s code), and
    opened once by the store (so its one-time settings, such as FTS5 secure-delete, are already made)."""
    from mapm_tui import crypto
    from mapm_tui.store import open_store

    plain = ensure_db(count, total_entries, seed, quiet=quiet)
    final = plain.with_name(plain.stem + "-encrypted.db")
    if final.exists():
        return final
    tmp = plain.with_name(".tmp-" + final.name)
    shutil.copyfile(plain, tmp)
    key = crypto.encrypt_file(tmp, BENCH_PASSPHRASE)
    open_store(tmp, key=key).close()
    os.replace(tmp, final)
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    print(ensure_db(args.meetings, args.entries, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
