"""The schedule of each case (issue 12): ``reminder_due_at``, when the reminder pass next looks at
it, and ``queue_due_on``, the day the caseworker queue sorts it by; with the indexes that read a
jobcentre's cases newest first and its queue in order, by key, and the timeline's entries of a type
in a period (the figures, issue 11).

Existing open cases are marked due now: the first reminder pass after the upgrade computes both
columns for each of them (with the service's configured thresholds), in batches. Until it has run,
those cases sort last in the queue.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import fortrin.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FINAL = ("hired", "not_suitable", "not_eligible", "withdrawn", "closed")  # pa.TERMINAL


def upgrade() -> None:
    op.add_column(
        "application", sa.Column("reminder_due_at", fortrin.db.UTCDateTime(), nullable=True)
    )
    op.add_column("application", sa.Column("queue_due_on", sa.Date(), nullable=True))
    op.create_index("ix_application_reminder_due_at", "application", ["reminder_due_at"])
    op.create_index(
        "ix_application_jobcentre_created",
        "application",
        ["handling_jobcentre_code", "created_at", "id"],
    )
    op.create_index(
        "ix_application_jobcentre_queue",
        "application",
        ["handling_jobcentre_code", "queue_due_on", "state_since", "id"],
    )
    op.create_index(
        "ix_application_jobcentre_scope",
        "application",
        ["handling_jobcentre_code", "state", "state_since", "opinion_due", "erased_at"],
    )
    op.create_index("ix_application_event_type_at", "application_event", ["type", "at"])
    application = sa.table(
        "application",
        sa.column("state", sa.String()),
        sa.column("reminder_due_at", fortrin.db.UTCDateTime()),
    )
    op.execute(
        application.update()
        .where(application.c.state.not_in(_FINAL))
        .values(reminder_due_at=sa.func.current_timestamp())
    )


def downgrade() -> None:
    op.drop_index("ix_application_event_type_at", table_name="application_event")
    op.drop_index("ix_application_jobcentre_scope", table_name="application")
    op.drop_index("ix_application_jobcentre_queue", table_name="application")
    op.drop_index("ix_application_jobcentre_created", table_name="application")
    op.drop_index("ix_application_reminder_due_at", table_name="application")
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        guards = connection.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name != 'application' AND sql LIKE '%application%'"
            )
        ).all()
        for name, _ in guards:
            op.execute(f"DROP TRIGGER {name}")
        with op.batch_alter_table("application") as batch_op:
            batch_op.drop_column("queue_due_on")
            batch_op.drop_column("reminder_due_at")
        for _, sql in guards:
            op.execute(sql)
    else:
        op.drop_column("application", "queue_due_on")
        op.drop_column("application", "reminder_due_at")
