"""Counted cases (issue 12, fortrin/tally.py): ``application.ends_on``, the Copenhagen day a case
ended (its final state's day, or its opinion window's last day; NULL while open), and ``case_tally``,
the number of live cases per handling jobcentre, state and ``ends_on``, kept by triggers on
``application`` on both databases, so that a list's total is a sum over a few rows.

Written by hand. ``ends_on`` of the existing cases is computed here (PostgreSQL in SQL; SQLite, which
has no time zones, row by row in Python), then the tally is counted from them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 07:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FINAL = ("hired", "not_suitable", "not_eligible", "withdrawn", "closed")  # pa.TERMINAL
_OPEN = "9999-12-31"  # tally.OPEN
_KEY = "handling_jobcentre_code, state, ends_on"

# An update moves a case from its old row to its new one. The two rows are locked in the order of
# their keys (the new one first when it sorts first), so that two transactions moving cases in
# opposite directions wait for each other instead of deadlocking.
_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION fortrin_case_tally() RETURNS trigger AS $$
DECLARE
    added boolean := false;
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.erased_at IS NULL AND (TG_OP = 'INSERT'
        OR ROW(NEW.handling_jobcentre_code, NEW.state, COALESCE(NEW.ends_on, DATE '{_OPEN}'))
        < ROW(OLD.handling_jobcentre_code, OLD.state, COALESCE(OLD.ends_on, DATE '{_OPEN}'))) THEN
        INSERT INTO case_tally AS t ({_KEY}, cases)
        VALUES (NEW.handling_jobcentre_code, NEW.state, COALESCE(NEW.ends_on, DATE '{_OPEN}'), 1)
        ON CONFLICT ({_KEY}) DO UPDATE SET cases = t.cases + 1;
        added := true;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.erased_at IS NULL THEN
        UPDATE case_tally SET cases = cases - 1
        WHERE handling_jobcentre_code = OLD.handling_jobcentre_code AND state = OLD.state
        AND ends_on = COALESCE(OLD.ends_on, DATE '{_OPEN}');
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.erased_at IS NULL AND NOT added THEN
        INSERT INTO case_tally AS t ({_KEY}, cases)
        VALUES (NEW.handling_jobcentre_code, NEW.state, COALESCE(NEW.ends_on, DATE '{_OPEN}'), 1)
        ON CONFLICT ({_KEY}) DO UPDATE SET cases = t.cases + 1;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""
_CHANGED = (
    "OLD.handling_jobcentre_code IS DISTINCT FROM NEW.handling_jobcentre_code "
    "OR OLD.state IS DISTINCT FROM NEW.state OR OLD.ends_on IS DISTINCT FROM NEW.ends_on "
    "OR (OLD.erased_at IS NULL) <> (NEW.erased_at IS NULL)"
)
_POSTGRES_TRIGGERS = (
    "CREATE TRIGGER application_tally AFTER INSERT OR DELETE ON application "
    "FOR EACH ROW EXECUTE FUNCTION fortrin_case_tally()",
    f"CREATE TRIGGER application_tally_update AFTER UPDATE ON application FOR EACH ROW "
    f"WHEN ({_CHANGED}) EXECUTE FUNCTION fortrin_case_tally()",
)


def _sqlite_add(row: str) -> str:
    return (
        f"INSERT INTO case_tally ({_KEY}, cases) SELECT {row}.handling_jobcentre_code, {row}.state, "
        f"COALESCE({row}.ends_on, '{_OPEN}'), 1 WHERE {row}.erased_at IS NULL "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET cases = cases + 1;"
    )


def _sqlite_remove(row: str) -> str:
    return (
        f"UPDATE case_tally SET cases = cases - 1 WHERE {row}.erased_at IS NULL "
        f"AND handling_jobcentre_code = {row}.handling_jobcentre_code AND state = {row}.state "
        f"AND ends_on = COALESCE({row}.ends_on, '{_OPEN}');"
    )


_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER application_tally_insert AFTER INSERT ON application BEGIN "
    f"{_sqlite_add('NEW')} END",
    f"CREATE TRIGGER application_tally_delete AFTER DELETE ON application BEGIN "
    f"{_sqlite_remove('OLD')} END",
    f"CREATE TRIGGER application_tally_update AFTER UPDATE ON application WHEN {_CHANGED} BEGIN "
    f"{_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
)
_TRIGGER_NAMES = {
    "postgresql": ("application_tally", "application_tally_update"),
    "sqlite": ("application_tally_insert", "application_tally_delete", "application_tally_update"),
}


def _fill_ends_on_sqlite(connection: sa.Connection) -> None:
    copenhagen = ZoneInfo("Europe/Copenhagen")
    rows = connection.execute(
        sa.text(
            "SELECT id, state, state_since, opinion_due FROM application "
            "WHERE state = 'opinion_window' OR state IN :final"
        ).bindparams(sa.bindparam("final", expanding=True)),
        {"final": list(_FINAL)},
    ).all()
    changes = []
    for case_id, state, since, due in rows:
        if state == "opinion_window":
            ends = due
        else:
            moment = since if isinstance(since, datetime) else datetime.fromisoformat(since)
            ends = moment.replace(tzinfo=UTC).astimezone(copenhagen).date().isoformat()
        if isinstance(ends, date):
            ends = ends.isoformat()
        changes.append({"id": case_id, "ends": ends})
    if changes:
        connection.execute(
            sa.text("UPDATE application SET ends_on = :ends WHERE id = :id"), changes
        )


def upgrade() -> None:
    op.add_column("application", sa.Column("ends_on", sa.Date(), nullable=True))
    op.create_table(
        "case_tally",
        sa.Column("handling_jobcentre_code", sa.String(length=3), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("handling_jobcentre_code", "state", "ends_on"),
    )
    op.create_index(
        "ix_case_tally_jobcentre_ends",
        "case_tally",
        ["handling_jobcentre_code", "ends_on"],
        postgresql_include=["cases"],
    )
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(
            sa.text(
                "UPDATE application SET ends_on = CASE WHEN state = 'opinion_window' "
                "THEN opinion_due ELSE (state_since AT TIME ZONE 'Europe/Copenhagen')::date END "
                "WHERE state = 'opinion_window' OR state IN :final"
            ).bindparams(sa.bindparam("final", value=list(_FINAL), expanding=True))
        )
        op.execute(_POSTGRES_FUNCTION)
        for statement in _POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        _fill_ends_on_sqlite(connection)
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute(
        sa.text(
            f"INSERT INTO case_tally ({_KEY}, cases) "
            f"SELECT handling_jobcentre_code, state, COALESCE(ends_on, :open), count(*) "
            f"FROM application WHERE erased_at IS NULL "
            f"GROUP BY handling_jobcentre_code, state, COALESCE(ends_on, :open)"
        ).bindparams(open=date.fromisoformat(_OPEN))
    )


def downgrade() -> None:
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    for name in _TRIGGER_NAMES["postgresql" if postgres else "sqlite"]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON application" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS fortrin_case_tally()")
    op.drop_table("case_tally")
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
            batch_op.drop_column("ends_on")
        for _, sql in guards:
            op.execute(sql)
    else:
        op.drop_column("application", "ends_on")
