"""The benchmark's yardstick (``make bench``): a bare Flask app that answers a small JSON, served by
the same gunicorn configuration as Fortrin (``gunicorn -c gunicorn.conf.py --pythonpath scripts
bare_app:app``). Fortrin's pages are measured as a fraction of its requests per second."""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

app = Flask(__name__)


@app.get("/")
def index() -> ResponseReturnValue:
    return jsonify(status="ok", service="bare")


@app.get("/readyz")
def ready() -> ResponseReturnValue:
    return jsonify(status="ok")
