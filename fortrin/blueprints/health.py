"""Probes for the process supervisor and the load balancer (no sign-in, no personal data).

``GET /healthz``: the process answers (liveness; it never touches the database, so a database outage
does not get the web workers restarted). ``GET /readyz``: the database answers a query too
(readiness); 503 while it does not, so the load balancer sends no one to a worker that can only fail.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fortrin import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _answer(status: int, body: dict[str, str]) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


@bp.get("/healthz")
def healthz() -> Response:
    return _answer(200, {"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1")).scalar_one()
    except (SQLAlchemyError, OSError) as error:
        # The class only: a driver's message can carry the host, the user or a query's parameters.
        log.warning("readiness: the database does not answer (%s)", error.__class__.__name__)
        return _answer(503, {"status": "unavailable", "database": "unreachable"})
    return _answer(200, {"status": "ok", "database": "ok"})
