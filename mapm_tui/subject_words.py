"""Who the meeting is about, in words: the child or the adult, the family or their carers.

Every prompt, question, finding and heading that names the subject or their family takes its words from
here, so an adult-at-risk meeting never asks "Were the parents told…" and a finding never says "the adult
attends part two" when it was the adult's son (G-05, G-06, G-07, G-12).

What decides: the meeting's subjects when there are any (all adults at risk: adult; all children: child;
both: both), else the template's `subject_kind` (child, adult, or child_or_adult).

Template prompts may use placeholders filled here: `{subject}` (the child / the adult / the child or
adult), `{subject's}`, `{family}` (the family / the adult or their family) and `{carers}` (the parents or
carers / the adult and their family or carers). Anything else in braces is left as written.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the template subject kinds a template may declare (`subject_kind` in its TOML)
TEMPLATE_SUBJECT_KINDS = ("child", "adult", "child_or_adult")
#: one subject's kind (the bundle's enum) as a label: setup's list of subjects, the minutes' details
SUBJECT_KIND_LABELS = {"child": "Child", "adult_at_risk": "Adult at risk"}


def is_adult(kind: object) -> bool:
    """Whether a subject of this kind (the bundle's `kind`) is an adult at risk; any other kind, or none,
    is a child (G-05: the safer reading, with the child's questions and the longer retention)."""
    return kind == "adult_at_risk"


@dataclass(frozen=True)
class SubjectWords:
    #: child, adult or both
    kind: str
    #: "the child" / "the adult" / "the child or adult"
    subject: str
    #: "the child's" / "the adult's" / "the child's or adult's"
    subjects: str
    #: who "the family" is, as the subject of a singular verb: "the family" / "the adult or their family"
    family: str
    #: who is told and invited, as the subject of a plural verb: "the parents or carers" …
    carers: str

    @property
    def voice_title(self) -> str:
        """The heading of what the subject said (G-12): "Voice of the child" …"""
        return f"Voice of {self.subject}"

    @property
    def subject_kind(self) -> str:
        """The kind a new subject takes when none is typed or told by age (setup): adult_at_risk for an
        adults' meeting, else child."""
        return "adult_at_risk" if self.kind == "adult" else "child"

    def fill(self, text: str) -> str:
        """`text` with its placeholders replaced; text without them is returned unchanged."""
        if "{" not in text:
            return text
        for name, value in (
            ("{subject's}", self.subjects),
            ("{subject}", self.subject),
            ("{family}", self.family),
            ("{carers}", self.carers),
        ):
            text = text.replace(name, value)
        return text

    def cap(self, text: str) -> str:
        """`fill`, with a capital first letter (for a placeholder at the start of a sentence)."""
        text = self.fill(text)
        return text[:1].upper() + text[1:]


#: kind -> its words (the fields in order: kind, subject, subject's, family, carers)
WORDS = {
    "child": SubjectWords("child", "the child", "the child's", "the family", "the parents or carers"),
    "adult": SubjectWords(
        "adult", "the adult", "the adult's", "the adult or their family", "the adult and their family or carers"
    ),
    "both": SubjectWords(
        "both", "the child or adult", "the child's or adult's", "the family", "the parents, carers or the adult"
    ),
}


def subject_kind(meeting: dict | None, template_kind: str | None = "child") -> str:
    """child, adult or both: from the subjects recorded, else from the template."""
    subjects = [s for s in (meeting or {}).get("subjects") or [] if isinstance(s, dict)]
    kinds = {"adult" if is_adult(s.get("kind")) else "child" for s in subjects}
    if len(kinds) == 1:
        return kinds.pop()
    if kinds:
        return "both"
    return {"child": "child", "adult": "adult"}.get(template_kind or "child", "both")


def words_for(meeting: dict | None, template=None) -> SubjectWords:
    """The words for this meeting (`template`: an agenda Template, or None for a child's meeting)."""
    return WORDS[subject_kind(meeting, getattr(template, "subject_kind", "child"))]
