"""The first schema: meetings and their subjects, attendees, entries, actions and records.

Written out in full (not generated at run time from the models) so that later model changes never
change what this revision did to a user's database.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditevent",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.Column("by", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=20000), nullable=True),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(op.f("ix_auditevent_meeting_id"), "auditevent", ["meeting_id"], unique=False)
    op.create_table(
        "meeting",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_ref", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("template", sa.String(length=300), nullable=False),
        sa.Column("template_snapshot", sa.Text(), nullable=True),
        sa.Column("meeting_type", sa.String(length=40), nullable=False),
        sa.Column("other_procedure", sa.String(length=40), nullable=True),
        sa.Column("other_procedure_reason", sa.String(length=20000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("end_time", sa.String(length=5), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=True),
        sa.Column("convening_agency", sa.String(length=300), nullable=True),
        sa.Column("chair_name", sa.String(length=300), nullable=True),
        sa.Column("chair_role", sa.String(length=300), nullable=True),
        sa.Column("chair_agency", sa.String(length=300), nullable=True),
        sa.Column("minute_taker_name", sa.String(length=300), nullable=True),
        sa.Column("minute_taker_role", sa.String(length=300), nullable=True),
        sa.Column("minute_taker_agency", sa.String(length=300), nullable=True),
        sa.Column("authorised_by_name", sa.String(length=300), nullable=True),
        sa.Column("authorised_by_role", sa.String(length=300), nullable=True),
        sa.Column("authorised_by_agency", sa.String(length=300), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("reasons_detail", sa.String(length=20000), nullable=True),
        sa.Column("aim", sa.String(length=20000), nullable=True),
        sa.Column("introductions", sa.String(length=20000), nullable=True),
        sa.Column("existing_plan_reviewed", sa.String(length=20000), nullable=True),
        sa.Column("legislation_considered", sa.String(length=20000), nullable=True),
        sa.Column("family_informed_beforehand", sa.Boolean(), nullable=True),
        sa.Column("family_not_informed_reason", sa.String(length=20000), nullable=True),
        sa.Column("family_agencies_agreed_not_to_inform", sa.Boolean(), nullable=True),
        sa.Column("family_objected", sa.Boolean(), nullable=True),
        sa.Column("family_objection_response", sa.String(length=20000), nullable=True),
        sa.Column("family_attending", sa.String(length=20), nullable=True),
        sa.Column("family_not_attending_rationale", sa.String(length=20000), nullable=True),
        sa.Column("family_meeting_considered", sa.Boolean(), nullable=True),
        sa.Column("family_meeting_outcome", sa.String(length=20000), nullable=True),
        sa.Column("lead_name", sa.String(length=300), nullable=True),
        sa.Column("lead_agency", sa.String(length=300), nullable=True),
        sa.Column("lead_changed", sa.Boolean(), nullable=True),
        sa.Column("lead_note", sa.String(length=20000), nullable=True),
        sa.Column("disagreement_any", sa.Boolean(), nullable=True),
        sa.Column("disagreement_summary", sa.String(length=20000), nullable=True),
        sa.Column("disagreement_escalation", sa.String(length=20000), nullable=True),
        sa.Column("feedback_by_attendee_id", sa.String(length=64), nullable=True),
        sa.Column("feedback_by_name", sa.String(length=300), nullable=True),
        sa.Column("feedback_by_date", sa.String(length=10), nullable=True),
        sa.Column("feedback_method", sa.String(length=300), nullable=True),
        sa.Column("feedback_not_needed_reason", sa.String(length=20000), nullable=True),
        sa.Column("sharing_share_with_family", sa.Boolean(), nullable=True),
        sa.Column("sharing_reason_not_shared", sa.String(length=20000), nullable=True),
        sa.Column("sharing_fii_concern", sa.Boolean(), nullable=True),
        sa.Column("sharing_senior_consulted", sa.String(length=300), nullable=True),
        sa.Column("review_required", sa.Boolean(), nullable=True),
        sa.Column("review_date", sa.String(length=10), nullable=True),
        sa.Column("review_time", sa.String(length=5), nullable=True),
        sa.Column("review_venue", sa.String(length=300), nullable=True),
        sa.Column("review_reason_not_required", sa.String(length=20000), nullable=True),
        sa.Column("previous_meeting_id", sa.String(length=64), nullable=True),
        sa.Column("finalised_at", sa.String(length=40), nullable=True),
        sa.Column("finalised_by", sa.String(length=300), nullable=True),
        sa.Column("protective_marking", sa.String(length=300), nullable=True),
        sa.Column("extensions", sa.Text(), nullable=True),
        sa.Column("bundle_extensions", sa.Text(), nullable=True),
        sa.Column("started_at", sa.String(length=40), nullable=True),
        sa.Column("ended_at", sa.String(length=40), nullable=True),
        sa.Column("part_two_started_at", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_meeting_case_ref"), "meeting", ["case_ref"], unique=False)
    op.create_index(op.f("ix_meeting_date"), "meeting", ["date"], unique=False)
    op.create_index(op.f("ix_meeting_previous_meeting_id"), "meeting", ["previous_meeting_id"], unique=False)
    op.create_index(op.f("ix_meeting_status"), "meeting", ["status"], unique=False)
    op.create_table(
        "action",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=20000), nullable=False),
        sa.Column("owner_attendee_id", sa.String(length=64), nullable=True),
        sa.Column("owner_name", sa.String(length=300), nullable=True),
        sa.Column("agency", sa.String(length=300), nullable=True),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("success_measure", sa.String(length=20000), nullable=True),
        sa.Column("addresses", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("progress_note", sa.String(length=20000), nullable=True),
        sa.Column("carried_from_action_id", sa.String(length=64), nullable=True),
        sa.Column("share_with_family", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("meeting_id", "id"),
    )
    op.create_index(op.f("ix_action_carried_from_action_id"), "action", ["carried_from_action_id"], unique=False)
    op.create_index(op.f("ix_action_due_date"), "action", ["due_date"], unique=False)
    op.create_index(op.f("ix_action_meeting_id"), "action", ["meeting_id"], unique=False)
    op.create_table(
        "amendment",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.Column("by", sa.String(length=300), nullable=True),
        sa.Column("field", sa.String(length=300), nullable=False),
        sa.Column("old", sa.String(length=20000), nullable=True),
        sa.Column("new", sa.String(length=20000), nullable=True),
        sa.Column("reason", sa.String(length=20000), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(op.f("ix_amendment_meeting_id"), "amendment", ["meeting_id"], unique=False)
    op.create_table(
        "attendee",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=300), nullable=True),
        sa.Column("agency", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("attendance", sa.String(length=30), nullable=False),
        sa.Column("substitute_for", sa.String(length=300), nullable=True),
        sa.Column("is_expert", sa.Boolean(), nullable=True),
        sa.Column("parts", sa.String(length=20), nullable=True),
        sa.Column("is_family", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("meeting_id", "id"),
    )
    op.create_index(op.f("ix_attendee_meeting_id"), "attendee", ["meeting_id"], unique=False)
    op.create_table(
        "distribution",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("version", sa.String(length=10), nullable=True),
        sa.Column("sent_at", sa.String(length=40), nullable=True),
        sa.Column("method", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(op.f("ix_distribution_meeting_id"), "distribution", ["meeting_id"], unique=False)
    op.create_table(
        "entry",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.String(length=20000), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=True),
        sa.Column("step", sa.String(length=300), nullable=True),
        sa.Column("source_agency", sa.String(length=300), nullable=True),
        sa.Column("source_attendee_id", sa.String(length=64), nullable=True),
        sa.Column("basis", sa.String(length=20), nullable=True),
        sa.Column("part", sa.String(length=20), nullable=True),
        sa.Column("share_with_family", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("meeting_id", "id"),
    )
    op.create_index(op.f("ix_entry_meeting_id"), "entry", ["meeting_id"], unique=False)
    op.create_table(
        "findingoverride",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=20000), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=True),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(op.f("ix_findingoverride_meeting_id"), "findingoverride", ["meeting_id"], unique=False)
    op.create_table(
        "stepprogress",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("step_key", sa.String(length=300), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("meeting_id", "step_key"),
    )
    op.create_index(op.f("ix_stepprogress_meeting_id"), "stepprogress", ["meeting_id"], unique=False)
    op.create_table(
        "subject",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date_of_birth", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(op.f("ix_subject_meeting_id"), "subject", ["meeting_id"], unique=False)
    # ### end Alembic commands ###
    op.create_table(
        "draft",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("text", sa.String(length=20000), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("meeting_id", "key"),
    )
    op.create_index(op.f("ix_draft_meeting_id"), "draft", ["meeting_id"], unique=False)
