"""PostgreSQL roles: the service connects as a role that does not own the tables (issue 9, point 6).

Migrations run as the owner (``FORTRIN_MIGRATION_DATABASE_URL``); the web workers and the scheduler
connect as the service role (``FORTRIN_DATABASE_URL``), which may read and write the working tables
but only read and append to the legal records: it cannot UPDATE (but for retention's erasing
columns, see ``ERASABLE_COLUMNS``), DELETE or TRUNCATE the timeline, the change log or the audit
trail, nor ALTER or DROP any table (only an owner can). The triggers of
migrations 0001 and 0006 refuse the same to the owner too, except TRUNCATE by a superuser with
triggers switched off.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

# Append-only: the service may read them and add rows, nothing else, except the columns retention
# erases (fortrin/retention.py), which the triggers of migration 0008 let change only by erasing:
# a timeline entry of an erased case loses free texts and the applicant as actor, an audit row about
# an erased object loses its data subject.
LEGAL_RECORDS = frozenset({"application_event", "reference_change", "audit_event"})
ERASABLE_COLUMNS = {"application_event": ("data", "actor_id"), "audit_event": ("subject_id",)}


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def grant_service_role(connection: Connection, role: str) -> list[str]:
    """GRANT the service role what it needs on the current schema; returns the statements run.
    Idempotent; run as the owner after each migration (``flask --app fortrin db grant``)."""
    if connection.dialect.name != "postgresql":
        raise ValueError("roles and grants exist on PostgreSQL only")
    who = _quoted(connection, role)
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    statements = [f"GRANT USAGE ON SCHEMA {_quoted(connection, schema)} TO {who}"]
    for table in sorted(inspect(connection).get_table_names(schema=schema)):
        name = _quoted(connection, table)
        statements.append(f"REVOKE ALL ON {name} FROM {who}")
        if table in LEGAL_RECORDS:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {who}")
            if table in ERASABLE_COLUMNS:
                columns = ", ".join(_quoted(connection, c) for c in ERASABLE_COLUMNS[table])
                statements.append(f"GRANT UPDATE ({columns}) ON {name} TO {who}")
        elif table == "alembic_version":
            statements.append(f"GRANT SELECT ON {name} TO {who}")
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {who}")
    statements.append(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {_quoted(connection, schema)} TO {who}"
    )
    for statement in statements:
        connection.execute(text(statement))
    return statements
