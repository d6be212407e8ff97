"""Issue 9, point 6: the service connects as a role that cannot alter, truncate, update or delete
the legal records; the owner runs the migrations. PostgreSQL only (SQLite has no roles)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from fortrin import create_app, db, dbroles
from tests.conftest import test_settings as settings_for
from tests.integration.conftest import PASSWORD, Api, World, apply, vacancy

ROLE = "fortrin_service_test"


@pytest.fixture
def service_url(app: Flask) -> Iterator[str]:
    owner_url = str(app.config["FORTRIN_DATABASE_URL"])
    if not owner_url.startswith("postgresql"):
        pytest.skip("roles exist on PostgreSQL only")
    with app.app_context(), db.engine().begin() as connection:
        # The role is the cluster's, shared by every pytest-xdist worker (each on its own schema):
        # two workers creating it at once must both go on.
        connection.execute(
            text(
                f"DO $$ BEGIN CREATE ROLE {ROLE} LOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        )
        dbroles.grant_service_role(connection, ROLE)
    yield make_url(owner_url).set(username=ROLE).render_as_string(hide_password=False)


def test_the_service_role_works_the_cases_but_cannot_touch_the_legal_records(
    app: Flask, api: Api, world: World, service_url: str
) -> None:
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    engine = create_engine(service_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM application_event")).scalar()
            for statement in (
                "TRUNCATE application_event",
                "UPDATE application_event SET type = 'forged'",
                "DELETE FROM audit_event",
                "TRUNCATE audit_event",
                "UPDATE reference_change SET reason = 'x'",
                "ALTER TABLE application_event DISABLE TRIGGER ALL",
                "DROP TABLE audit_event",
            ):
                with pytest.raises(DBAPIError, match=r"permission denied|must be owner"):
                    connection.execute(text(statement))
                connection.rollback()
        # The service itself runs on that role: a case moves on, its timeline grows.
        service = create_app({**settings_for(service_url), "FORTRIN_SECRET_KEY": "test-secret"})
        token = service.test_client().post(
            "/api/v1/auth/token", json={"email": world.employer.email, "password": PASSWORD}
        )
        assert token.status_code == 200, token.json
        bearer = dict(token.json or {})["token"]
        moved = service.test_client().post(
            f"/api/v1/applications/{case['id']}/events",
            headers={"Authorization": f"Bearer {bearer}"},
            json={
                "type": "eligibility_check",
                "eligible": True,
                "reasoning": "Ansøgeren har den uddannelse, opslaget kræver.",
            },
        )
        assert moved.status_code == 200, moved.json
        with service.app_context():
            db.engine().dispose()
    finally:
        engine.dispose()


def test_db_grant_gives_the_service_role_its_rights(app: Flask, service_url: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", "grant", "--role", ROLE])
    assert result.exit_code == 0, result.output
    engine = create_engine(service_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM audit_event"))
            with pytest.raises(DBAPIError, match="permission denied"):
                connection.execute(text("DELETE FROM application_event"))
    finally:
        engine.dispose()


def test_retention_runs_as_the_service_role(
    app: Flask, api: Api, world: World, service_url: str
) -> None:
    """The service role may erase (migration 0008 lets exactly that through), nothing more."""
    from datetime import date

    from fortrin import retention
    from tests.integration.test_retention import DAYS, hired_case

    case = hired_case(api, world)
    engine = create_engine(service_url)
    try:
        with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="append-only"):  # a live case: the trigger
                connection.execute(text("UPDATE application_event SET data = '{}'"))
            connection.rollback()
        done = retention.run(engine, date(2029, 12, 2), DAYS)
        assert done.cases == [case["id"]] and done.failed == 0
        with engine.connect() as connection:
            left = connection.execute(
                text(
                    "SELECT count(*) FROM audit_event WHERE entity_id = :id AND subject_id IS NOT NULL"
                ),
                {"id": case["id"]},
            ).scalar()
            assert left == 0
    finally:
        engine.dispose()
