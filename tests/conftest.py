"""Test harness: every integration test runs on SQLite and on PostgreSQL.

The schema is built by the Alembic migrations (never ``create_all``). SQLite: one migrated template
file, copied per test. PostgreSQL (``FORTRIN_TEST_POSTGRES_URL``, set by ``.ci/run``): a dedicated
schema migrated and seeded once per session, emptied and refilled from a copy per test. Without the
URL the PostgreSQL runs skip, and the summary says so loudly.

``make test`` runs the suite on every core (pytest-xdist): each worker has its own SQLite template
(``tmp_path_factory`` is per worker) and its own PostgreSQL database (``<database>_gw0``, ...), and
the browser tests stay together, in order, on one worker (``pytest_xdist_make_scheduler``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from fortrin import create_app, db, migrate
from fortrin.reference import load_reference_data

PG_URL = os.environ.get("FORTRIN_TEST_POSTGRES_URL", "")
PG_SCHEMA = "fortrin_test"
# The pytest-xdist worker ("gw0", "gw1", ...; unset when the suite runs in one process). Each has a
# database of its own beside the one configured (<database>_gw0, ...): not only a schema, since a
# database-wide statement in one worker (synth's ANALYZE, in one transaction) deadlocked with a
# migration or synth's ALTER TABLEs in another worker's schema.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
FROZEN_NOW = "2026-12-01T09:00:00+01:00"  # a Tuesday

# A skip whose reason starts so is counted in the summary's warning. The skips happen in the
# workers; the summary is written by the controller, which reads the reason from the skip reports.
PG_SKIPPED = "PostgreSQL not tested: "
BROWSER_SKIPPED = "Browser tests not run: "  # tests/e2e/conftest.py


def _pg_database_url() -> str:
    """The database of this process's tests: FORTRIN_TEST_POSTGRES_URL's, or the worker's."""
    if not _WORKER:
        return PG_URL
    url = make_url(PG_URL)
    return url.set(database=f"{url.database}_{_WORKER}").render_as_string(hide_password=False)


def _pg_url() -> str:
    database = _pg_database_url()
    separator = "&" if "?" in database else "?"
    return f"{database}{separator}options=-csearch_path%3D{PG_SCHEMA}"


def _create_worker_database(admin: Connection) -> None:
    """The worker's database, made when missing, with the configured database's encoding and
    locale (sorting follows the collation); from template0, to which no one is ever connected."""
    name = make_url(_pg_database_url()).database
    known = text("SELECT 1 FROM pg_database WHERE datname = :name")
    if admin.execute(known, {"name": name}).first() is not None:
        return
    model = admin.execute(
        text("SELECT to_jsonb(d) FROM pg_database d WHERE datname = current_database()")
    ).scalar_one()
    encoding = admin.execute(text("SELECT pg_encoding_to_char(:e)"), {"e": model["encoding"]})
    options = (
        f"TEMPLATE template0 ENCODING '{encoding.scalar_one()}' "
        f"LC_COLLATE '{model['datcollate']}' LC_CTYPE '{model['datctype']}'"
    )
    if model.get("datlocprovider") == "i":  # ICU (PostgreSQL 15 and later)
        icu = model.get("daticulocale") or model.get("datlocale")
        options += f" LOCALE_PROVIDER icu ICU_LOCALE '{icu}'"
    try:
        admin.execute(text(f'CREATE DATABASE "{name}" {options}'))
    except DBAPIError:  # made meanwhile by another run of the suite
        if admin.execute(known, {"name": name}).first() is None:
            raise


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
        pytest.skip(f"{PG_SKIPPED}FORTRIN_TEST_POSTGRES_URL is not set")
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    admin = create_engine(_pg_database_url())
    try:
        if _WORKER:
            with server.connect() as connection:
                _create_worker_database(connection)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA}_seed CASCADE"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as error:  # the server is not there: skip, loudly
        pytest.skip(f"{PG_SKIPPED}cannot reach {PG_URL}: {error.__class__.__name__}")
    finally:
        server.dispose()
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


class _CompiledTemplates(BytecodeCache):
    """The templates compiled once per test process, not once per app: each test makes its own app,
    which would otherwise parse and compile every page it renders anew (a tenth of a web test's
    time). Jinja checks each template's source before it uses its compiled code."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(test_settings(database_url))
    application.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    yield application
    with application.app_context():
        db.engine().dispose()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``-n`` (``--dist load``, the default), each test goes to whichever worker is free, but the
    browser tests, which share one demo and build on each other, go to one worker together, in file
    order (the largest unit, so it is handed out first). Not ``--dist loadgroup`` and an
    ``xdist_group`` mark: pytest-xdist 3.8 groups by rewriting the node id, which pytest 9.2 ignores
    (pytest-xdist issue 1386), and the group silently falls apart."""
    if config.getvalue("dist") != "load":
        return None  # another mode, chosen on the command line: pytest-xdist's own scheduler
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/e2e" if nodeid.startswith("tests/e2e/") else nodeid

    return BrowserTestsTogether(config, log)


def skip_reasons(terminalreporter: Any, prefix: str) -> list[str]:
    """The reasons, after ``prefix``, of the skips reported to this process (with pytest-xdist, the
    controller: the workers send it every report)."""
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        message = str(longrepr[2]) if isinstance(longrepr, tuple | list) else str(longrepr)
        if prefix in message:
            reasons.append(message.split(prefix, 1)[1])
    return reasons


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped_pg = skip_reasons(terminalreporter, PG_SKIPPED)
    if skipped_pg:
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"Reason: {skipped_pg[0]}. Only SQLite was tested. "
            "Run `make test` with FORTRIN_TEST_POSTGRES_URL=postgresql+psycopg://... to test both."
        )
    skipped_browser = skip_reasons(terminalreporter, BROWSER_SKIPPED)
    if skipped_browser:
        terminalreporter.write_sep("!", "Browser tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(f"Reason: {skipped_browser[0]}.")
