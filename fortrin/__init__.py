"""Fortrin: preferential access (fortrinsadgang) for applicants with disabilities."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from fortrin import config, db, errors
from fortrin.blueprints.api import bp as api_bp
from fortrin.blueprints.feeds import bp as feeds_bp
from fortrin.blueprints.web import bp as web_bp
from fortrin.blueprints.web import login_manager
from fortrin.cli import register as register_cli

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
csrf = CSRFProtect()
babel = Babel()


def _locale() -> str:
    """Danish first: English only for those who choose it (the switch in the footer)."""
    chosen = session.get("lang")
    return str(chosen) if chosen in ("da", "en") else "da"


def _secret_key(settings: dict[str, Any]) -> str:
    if settings.get("FORTRIN_SECRET_KEY"):
        return str(settings["FORTRIN_SECRET_KEY"])
    if settings["FORTRIN_ENV"] == "production":
        raise RuntimeError("FORTRIN_SECRET_KEY must be set in production")
    # Development and tests: a key kept beside the SQLite file, so sessions survive a restart.
    key_file = config.INSTANCE_DIR / "secret_key"
    if settings["FORTRIN_ENV"] == "test":
        return secrets.token_hex(32)
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The application: settings from FORTRIN_* (``overrides`` win), extensions, blueprints."""
    settings = config.from_environment()
    settings.update(overrides or {})
    if settings["FORTRIN_NOW"]:
        if settings["FORTRIN_ENV"] == "production":
            raise RuntimeError("FORTRIN_NOW freezes the clock and is refused in production")
        log.warning("FORTRIN_NOW=%s: the clock is frozen", settings["FORTRIN_NOW"])

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        TESTING=settings["FORTRIN_ENV"] == "test",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["FORTRIN_ENV"] == "production",
        MAX_CONTENT_LENGTH=1024 * 1024,
        BABEL_DEFAULT_LOCALE="da",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).resolve().parent / "translations"),
        BABEL_DEFAULT_TIMEZONE="Europe/Copenhagen",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if settings["FORTRIN_DATABASE_URL"].startswith("sqlite:///"):
        Path(settings["FORTRIN_DATABASE_URL"].removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )

    db.init_app(app)
    errors.register(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_locale)

    csrf.exempt(api_bp)  # the API takes bearer tokens and never reads cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(feeds_bp)
    login_manager.init_app(app)
    register_cli(app)
    return app
