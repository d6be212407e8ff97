"""The person's chosen language, notices in both languages, and the case's assignee (issue 10).

- ``user.language``: ``da`` or ``en``, None for Danish. Pages, notices and e-mails follow it.
- ``application.assignee_id``: the caseworker who has taken the case, for the queue's "Mine".
- ``notification.subject_en`` and ``body_en``: each notice is written in Danish and in English, so
  it is shown and sent in the language its reader chose, also after they change it.

Both columns are nullable and added in place (``ADD COLUMN``; on SQLite with the foreign key inline),
so neither table is rebuilt and the guards of migrations 0006 and 0008 stay as they are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 04:19:32.938464
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Alembic would rebuild the table to add a foreign key; SQLite takes it inline.
        op.execute(
            "ALTER TABLE application ADD COLUMN assignee_id VARCHAR(32) "
            'CONSTRAINT fk_application_assignee_id_user REFERENCES "user" (id)'
        )
    else:
        op.add_column("application", sa.Column("assignee_id", sa.String(length=32)))
        op.create_foreign_key(
            "fk_application_assignee_id_user", "application", "user", ["assignee_id"], ["id"]
        )
    op.create_index("ix_application_assignee_id", "application", ["assignee_id"])
    op.add_column("user", sa.Column("language", sa.String(length=2), nullable=True))
    op.add_column("notification", sa.Column("subject_en", sa.String(length=300), nullable=True))
    op.add_column("notification", sa.Column("body_en", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("notification", "body_en")
    op.drop_column("notification", "subject_en")
    op.drop_column("user", "language")
    op.drop_index("ix_application_assignee_id", table_name="application")
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        # The table is rebuilt without the column (and so without its inline foreign key). The
        # guards of other tables that name it (0008) are set aside meanwhile, then put back as
        # they were.
        guards = connection.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name != 'application' AND sql LIKE '%application%'"
            )
        ).all()
        for name, _ in guards:
            op.execute(f"DROP TRIGGER {name}")
        with op.batch_alter_table("application") as batch_op:
            batch_op.drop_column("assignee_id")
        for _, sql in guards:
            op.execute(sql)
    else:
        op.drop_constraint("fk_application_assignee_id_user", "application", type_="foreignkey")
        op.drop_column("application", "assignee_id")
