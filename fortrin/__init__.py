"""Fortrin: preferential access (fortrinsadgang) for applicants with disabilities."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from werkzeug.datastructures import Headers
from werkzeug.routing import IntegerConverter

from fortrin import config, db, errors, validation
from fortrin.blueprints.api import bp as api_bp
from fortrin.blueprints.feeds import bp as feeds_bp
from fortrin.blueprints.health import bp as health_bp
from fortrin.blueprints.web import bp as web_bp
from fortrin.blueprints.web import login_manager
from fortrin.cli import register as register_cli

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
csrf = CSRFProtect()
babel = Babel()

# Content-Security-Policy: everything from this origin only, no inline script or style (the one
# script that starts DKFDS is static/fortrin.js), no plug-ins, and no page may frame ours.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "browsing-topics": "()",
}


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` ids stop at PostgreSQL's ``integer`` (2^31 - 1): a larger one is a 404 like any
    id that does not exist, never a database error."""

    def __init__(
        self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(
            map, fixed_digits=fixed_digits, min=min, max=2**31 - 1 if max is None else max
        )


def _locale() -> str:
    """Danish first: English only for those who choose it (the switch in the footer)."""
    if not has_request_context():
        return "da"  # the scheduler's process: notices choose each recipient's language themselves
    chosen = session.get("lang")
    return str(chosen) if chosen in ("da", "en") else "da"


def _secret_key(settings: dict[str, Any]) -> str:
    if settings.get("FORTRIN_SECRET_KEY"):
        return str(settings["FORTRIN_SECRET_KEY"])
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
    # Refused with a message: an unknown FORTRIN_ENV; in production a short or missing secret key,
    # FLASK_DEBUG or FORTRIN_NOW.
    config.check(settings)
    if settings["FORTRIN_NOW"]:
        log.warning("FORTRIN_NOW=%s: the clock is frozen", settings["FORTRIN_NOW"])

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    app.session_interface = _SessionInterface()
    app.url_map.merge_slashes = False  # "/a//b" is a 404, not a redirect to somewhere else
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
    _harden(app, production=settings["FORTRIN_ENV"] == "production")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_locale)

    csrf.exempt(api_bp)  # the API takes bearer tokens and never reads cookies
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(health_bp)
    login_manager.init_app(app)
    register_cli(app)
    return app


class _Talisman(Talisman):
    """flask-talisman with its headers worked out once (issue 12): this app gives no view options of
    its own and uses no CSP nonce, so every response gets the same policies, and Talisman's
    per-request work (four look-ups of the view's options, the policies parsed again) only costs
    time. HSTS still depends on the request (HTTPS or not) and is decided per response; a view
    given options by the ``talisman`` decorator would get Talisman's own handling."""

    _fixed: list[tuple[str, str]] | None = None

    def _force_https(self) -> Any:
        return super()._force_https() if self.force_https else None

    def _make_nonce(self) -> None:
        if self.content_security_policy_nonce_in:
            super()._make_nonce()

    def _set_response_headers(self, response: Response) -> Response:
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "talisman_view_options", None):
            result: Response = super()._set_response_headers(response)
            return result
        if self._fixed is None:
            options = self._get_local_options()
            headers = Headers()
            self._set_feature_policy_headers(headers, options)
            self._set_permissions_policy_headers(headers, options)
            self._set_document_policy_headers(headers, options)
            self._set_frame_options_headers(headers, options)
            self._set_content_security_policy_headers(headers, options)
            self._set_referrer_policy_headers(headers)
            self._fixed = list(headers.items())
        for name, value in self._fixed:
            response.headers[name] = value
        self._set_hsts_headers(response.headers)
        return response


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie's signer for a request that
    carries no session cookie (every API call: bearer tokens, no cookies; issue 12)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def _harden(app: Flask, production: bool) -> None:
    """The HTTP security headers of every response (flask-talisman), ``Cache-Control: no-store`` on
    everything but static files, and NUL characters refused (422) before any view runs.

    HTTPS itself is the reverse proxy's job (it terminates TLS), so Talisman does not redirect; HSTS
    is sent in production only, and only over HTTPS (directly or ``X-Forwarded-Proto: https``),
    where browsers honour it.
    """
    # One Talisman per app: it keeps the app and its options on itself.
    app.extensions["talisman"] = _Talisman(
        app,
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        strict_transport_security_include_subdomains=True,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        permissions_policy=PERMISSIONS_POLICY,
        session_cookie_secure=production,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        x_content_type_options=True,
    )
    app.before_request(validation.refuse_nul_in_request)

    @app.after_request
    def _no_store(response: Response) -> Response:
        # Health data and personal data must stay in no browser's or proxy's cache: every answer
        # but a static file is no-store (signed in or not: the sign-in page carries a CSRF token).
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
