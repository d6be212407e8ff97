"""The legal records (the timeline, the change log, the audit trail) cannot be edited, deleted or,
on PostgreSQL, truncated: the database refuses, whoever asks (issue 9, point 3)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fortrin import clock, db
from fortrin.models import AuditEvent
from tests.integration.conftest import Api, World, apply, vacancy


def test_the_audit_trail_refuses_update_and_delete(app: Flask) -> None:
    with app.app_context(), db.unit_of_work() as session:
        session.add(
            AuditEvent(
                at=clock.now(),
                actor_role="admin",
                action="read",
                entity="application",
                entity_id="x",
            )
        )
    with app.app_context(), db.engine().connect() as connection:
        for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError):
                connection.execute(text(statement))
            connection.rollback()
        assert connection.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1


@pytest.mark.parametrize("table", ["application_event", "reference_change", "audit_event"])
def test_truncate_of_a_legal_record_is_refused_on_postgresql(
    app: Flask, api: Api, world: World, table: str
) -> None:
    apply(api, world.applicant, vacancy(api, world.employer)["id"])
    with app.app_context(), db.engine().connect() as connection:
        if connection.dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE")
        with pytest.raises(DBAPIError, match="TRUNCATE refused"):
            connection.execute(text(f"TRUNCATE {table} CASCADE"))
        connection.rollback()
