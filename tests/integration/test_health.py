"""Issue 9: ``GET /healthz`` answers while the process runs; ``GET /readyz`` only while the database
answers too, else 503 (api-contract.md, "Security and privacy"). Neither needs a sign-in, and the
503 says nothing about the database (no host, user or password) in the answer or the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine

from fortrin import create_app, db
from tests.conftest import test_settings as settings_for

UNREACHABLE_PG = "postgresql+psycopg://fortrin:s3cret-pw@127.0.0.1:1/fortrin"


def test_both_probes_answer_200_while_the_database_answers(app: Flask) -> None:
    client = app.test_client()
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "database": "ok"}
    assert ready.headers["Cache-Control"] == "no-store"


def test_readiness_fails_while_the_database_is_gone_and_returns_with_it(app: Flask) -> None:
    """The app's own database (SQLite or PostgreSQL) goes away and comes back."""
    client = app.test_client()
    engine = app.extensions["fortrin_engine"]
    app.extensions["fortrin_engine"] = db.make_engine(UNREACHABLE_PG)
    try:
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200  # the process itself is fine
    finally:
        app.extensions["fortrin_engine"].dispose()
        app.extensions["fortrin_engine"] = engine
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_readiness_is_503_without_a_database(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # PostgreSQL: nothing listens on port 1. SQLite: the "file" is a directory.
    url = UNREACHABLE_PG if kind == "postgresql" else f"sqlite:///{tmp_path}"
    app = create_app(settings_for(url))
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.mimetype == "application/json"
    assert ready.json == {"status": "unavailable", "database": "unreachable"}
    for secret in ("s3cret-pw", "127.0.0.1", str(tmp_path)):
        assert secret not in ready.get_data(as_text=True)
        assert secret not in caplog.text
    assert "readiness" in caplog.text
    assert client.get("/healthz").status_code == 200
    for header in ("X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options"):
        assert header in ready.headers
    with app.app_context():
        db.engine().dispose()


def test_the_probes_need_no_token_and_take_no_other_method(app: Flask) -> None:
    client = app.test_client()
    for path in ("/healthz", "/readyz"):
        assert client.get(path, headers={"Authorization": "Bearer nonsense"}).status_code == 200
        assert client.post(path).status_code == 405


def _backend_pid(app: Flask) -> int:
    with app.app_context(), db.engine().connect() as connection:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_a_pooled_connection_is_pinged_only_after_it_was_idle(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: no round trip for a ping on a connection that served a request a moment ago; a
    connection idle for longer is pinged, and one the server dropped meanwhile is replaced before
    the request gets it (as ``pool_pre_ping`` did, which pinged on every request)."""
    if not app.config["FORTRIN_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("PostgreSQL's pool: SQLite has no server to drop a connection")
    with app.app_context():
        dialect = db.engine().dialect
    pings: list[object] = []
    real_ping = dialect.do_ping

    def counted_ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return bool(real_ping(dbapi_connection))

    monkeypatch.setattr(dialect, "do_ping", counted_ping)

    first = _backend_pid(app)
    before = len(pings)
    assert _backend_pid(app) == first  # reused at once: not pinged
    assert len(pings) == before

    # The server drops the idle connection (a restart, a failover); after the idle time the pool
    # pings it, finds it gone and connects afresh: the request never sees the dead connection.
    admin = create_engine(app.config["FORTRIN_DATABASE_URL"])
    with admin.connect() as other:
        other.exec_driver_sql(f"SELECT pg_terminate_backend({first})")
    admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    assert _backend_pid(app) != first
    assert len(pings) > before
    assert app.test_client().get("/readyz").status_code == 200
