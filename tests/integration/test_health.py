"""Issue 9: ``GET /healthz`` answers while the process runs; ``GET /readyz`` only while the database
answers too, else 503 (api-contract.md, "Security and privacy"). Neither needs a sign-in, and the
503 says nothing about the database (no host, user or password) in the answer or the log."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

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
