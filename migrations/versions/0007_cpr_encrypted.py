"""CPR numbers encrypted at rest (issue 9, point 4): the column holds a Fernet token, and
``cpr_index`` a keyed HMAC for an exact match. Existing numbers are encrypted in place with the
configured keys (fortrin/crypto.py); the downgrade decrypts them again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 00:18:59.770610
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from fortrin import crypto

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cpr_index", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.alter_column(
            "cpr", existing_type=sa.VARCHAR(length=11), type_=sa.Text(), existing_nullable=True
        )
        batch_op.create_index(batch_op.f("ix_user_cpr_index"), ["cpr_index"], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.select(_USER.c.id, _USER.c.cpr).where(_USER.c.cpr.is_not(None)))
    for user_id, plain in rows.all():
        connection.execute(
            _USER.update()
            .where(_USER.c.id == user_id)
            .values(cpr=crypto.encrypt(plain), cpr_index=crypto.cpr_index(plain))
        )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_USER.c.id, _USER.c.cpr).where(_USER.c.cpr.is_not(None)))
    for user_id, token in rows.all():
        connection.execute(
            _USER.update().where(_USER.c.id == user_id).values(cpr=crypto.decrypt(token)[:11])
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_cpr_index"))
        batch_op.alter_column(
            "cpr", existing_type=sa.Text(), type_=sa.VARCHAR(length=11), existing_nullable=True
        )
        batch_op.drop_column("cpr_index")


_USER = sa.table(
    "user", sa.column("id", sa.String), sa.column("cpr", sa.Text), sa.column("cpr_index", sa.String)
)
