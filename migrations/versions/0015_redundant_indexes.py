"""Four indexes that another index already is (issue 12): each covered only a column that leads a
composite index of the same table, which finds the same rows by it. Every insert, and every update
of a case's state, wrote them for nothing, and the synthetic load rebuilt them.

- ``ix_application_event_application_id``: the unique ``(application_id, seq)`` of the timeline.
- ``ix_notification_recipient_id``: ``ix_notification_recipient_created``.
- ``ix_application_handling_jobcentre_code``: ``ix_application_jobcentre_created`` (and the queue's).
- ``ix_vacancy_organisation_id``: ``ix_vacancy_organisation_created``.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_application_event_application_id": ("application_event", ["application_id"]),
    "ix_notification_recipient_id": ("notification", ["recipient_id"]),
    "ix_application_handling_jobcentre_code": ("application", ["handling_jobcentre_code"]),
    "ix_vacancy_organisation_id": ("vacancy", ["organisation_id"]),
}


def upgrade() -> None:
    for name, (table, _columns) in _INDEXES.items():
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)
