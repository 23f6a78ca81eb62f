"""Alembic environment: always called with a live connection by `store.migrate`."""

from alembic import context
from sqlmodel import SQLModel

from mapm_tui import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from mapm_tui.migrations import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True, include_name=include_name
)
with context.begin_transaction():
    context.run_migrations()
