"""Test harness: every integration test runs on SQLite and on PostgreSQL.

The schema is built by the Alembic migrations (never ``create_all``). SQLite: one migrated template
file, copied per test. PostgreSQL (``FORTRIN_TEST_POSTGRES_URL``, set by ``.ci/run``): a dedicated
schema migrated and seeded once per session, emptied and refilled from a copy per test. Without the
URL the PostgreSQL runs skip, and the summary says so loudly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from fortrin import create_app, db, migrate
from fortrin.reference import load_reference_data

PG_URL = os.environ.get("FORTRIN_TEST_POSTGRES_URL", "")
PG_SCHEMA = "fortrin_test"
FROZEN_NOW = "2026-12-01T09:00:00+01:00"  # a Tuesday

_skipped_pg: list[str] = []


def _pg_url() -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{PG_SCHEMA}"


def test_settings(url: str) -> dict[str, Any]:
    return {
        "FORTRIN_ENV": "test",
        "FORTRIN_DATABASE_URL": url,
        "FORTRIN_NOW": FROZEN_NOW,
        "FORTRIN_ARGON2_TIME_COST": 1,
        "FORTRIN_ARGON2_MEMORY_KIB": 8,
        "FORTRIN_SECRET_KEY": "test-secret",
        "FORTRIN_BASE_URL": "http://fortrin.test",
    }


def _seed(app: Flask) -> None:
    with app.app_context(), db.unit_of_work() as session:
        load_reference_data(session)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    app = create_app(test_settings(f"sqlite:///{path}"))
    with app.app_context():
        migrate.upgrade(db.engine())
        db.engine().dispose()
    _seed(app)
    with app.app_context():
        db.engine().dispose()
    return path


class _PostgresReset:
    """Puts the test schema back as the migrations and the reference data left it, before each test:
    one round trip on a kept connection that empties every table and refills the seeded ones from a
    copy taken once (the schema ``<PG_SCHEMA>_seed``), the sequences set back to where they were.
    As the SQLite template copied per test; 3-5 ms, where TRUNCATE and reseeding took 0.3 s."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        seed = f"{PG_SCHEMA}_seed"
        with self.engine.begin() as connection:
            tables = (
                connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                )
                .scalars()
                .all()
            )
            sequences = (
                connection.execute(
                    text(
                        "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema() "
                        "ORDER BY sequencename"
                    )
                )
                .scalars()
                .all()
            )
            # The legal records refuse DELETE and TRUNCATE (their triggers); the harness, as the
            # superuser, empties them with triggers (and so the foreign keys' checks) off, for its
            # own transaction only.
            statements = ["SET LOCAL session_replication_role = replica"]
            connection.execute(text(f"CREATE SCHEMA {seed}"))
            for table in tables:
                statements.append(f'DELETE FROM "{table}"')
                if connection.execute(text(f'SELECT EXISTS (SELECT FROM "{table}")')).scalar():
                    connection.execute(text(f'CREATE TABLE {seed}."{table}" AS TABLE "{table}"'))
                    statements.append(f'INSERT INTO "{table}" TABLE {seed}."{table}"')
            for sequence in sequences:
                value, called = connection.execute(
                    text(f'SELECT last_value, is_called FROM "{sequence}"')
                ).one()
                statements.append(f"SELECT setval('\"{sequence}\"', {value}, {called})")
        self.statement = ";\n".join(statements)

    def __call__(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.statement)


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    if not PG_URL:
        _skipped_pg.append("FORTRIN_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured: set FORTRIN_TEST_POSTGRES_URL")
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA}_seed CASCADE"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as error:  # the server is not there: skip, loudly
        _skipped_pg.append(f"cannot reach {PG_URL}: {error.__class__.__name__}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    finally:
        admin.dispose()
    url = _pg_url()
    app = create_app(test_settings(url))
    with app.app_context():
        migrate.upgrade(db.engine())
        db.engine().dispose()
    _seed(app)
    with app.app_context():
        db.engine().dispose()
    return url


@pytest.fixture(scope="session")
def postgres_reset(postgres_ready: str) -> Iterator[_PostgresReset]:
    reset = _PostgresReset(postgres_ready)
    yield reset
    reset.engine.dispose()


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Overrides pytest-flask's fixture of this name, which keeps one request context pushed for the
    whole test: then every request would share one ``g`` (and one database session), unlike
    production, where each request has its own."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "fortrin.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    reset: _PostgresReset = request.getfixturevalue("postgres_reset")
    reset()
    return reset.url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(test_settings(database_url))
    yield application
    with application.app_context():
        db.engine().dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped_pg:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"Reason: {_skipped_pg[0]}. Only SQLite was tested. "
            "Run `make test` with FORTRIN_TEST_POSTGRES_URL=postgresql+psycopg://... to test both."
        )
