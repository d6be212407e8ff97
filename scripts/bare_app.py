"""The benchmark's yardstick (``make bench``): a bare Flask app that answers a small JSON, served by
the same gunicorn configuration as Fortrin (``gunicorn -c gunicorn.conf.py --pythonpath scripts
bare_app:app``). Fortrin's pages are measured as a fraction of its requests per second.

Two more yardsticks read one case by its primary key from the bench database
(``FORTRIN_DATABASE_URL``) and answer three of its columns, with nothing else around them (no
sign-in, no audit row, no hooks): ``/row/driver/<id>`` through psycopg alone, a connection per
worker, and ``/row/orm/<id>`` through the stack Fortrin is built on, a SQLModel session per request
on SQLAlchemy's pool (``Session.get``). What a single indexed read costs at each layer, beside
Fortrin's case read, which also checks the token, writes its audit row and presents the case."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, abort, jsonify
from flask.typing import ResponseReturnValue

app = Flask(__name__)
_opened: dict[str, Any] = {}  # per worker process: opened on first use, after gunicorn's fork


@app.get("/")
def index() -> ResponseReturnValue:
    return jsonify(status="ok", service="bare")


@app.get("/readyz")
def ready() -> ResponseReturnValue:
    return jsonify(status="ok")


def _database_url() -> str:
    url = os.environ.get("FORTRIN_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        abort(404)
    return url


@app.get("/row/driver/<case_id>")
def row_by_driver(case_id: str) -> ResponseReturnValue:
    import psycopg

    connection = _opened.get("driver")
    if connection is None:
        url = _database_url().replace("postgresql+psycopg://", "postgresql://")
        connection = _opened["driver"] = psycopg.connect(url, autocommit=True)
    row = connection.execute(
        "SELECT id, state, updated_at FROM application WHERE id = %s", (case_id,)
    ).fetchone()
    if row is None:
        abort(404)
    return jsonify(id=row[0], state=row[1], updated_at=row[2].isoformat())


@app.get("/row/orm/<case_id>")
def row_by_orm(case_id: str) -> ResponseReturnValue:
    from sqlmodel import Session

    from fortrin.db import make_engine
    from fortrin.models import Application

    engine = _opened.get("orm")
    if engine is None:
        engine = _opened["orm"] = make_engine(_database_url())
    with Session(engine) as session:
        case = session.get(Application, case_id)
        if case is None:
            abort(404)
        return jsonify(id=case.id, state=case.state, updated_at=case.updated_at.isoformat())
