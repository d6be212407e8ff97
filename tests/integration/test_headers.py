"""Issue 9: the security headers of every response (api-contract.md, "Security and privacy").

The issue counted 42 header checks, all missing. Here every check is made on a set of pages and API
answers, signed in and not, including error answers: nosniff, a same-origin Referrer-Policy, a CSP
with ``frame-ancestors 'none'`` and no inline script, X-Frame-Options DENY, ``no-store`` (static
files excepted) and no HSTS outside production; HSTS in production over HTTPS. The pages' HTML holds
nothing that such a CSP would block (no inline script, event handler or style attribute).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from fortrin import create_app, db
from tests.conftest import test_settings as settings_for
from tests.integration.conftest import Api, World, apply, drive, vacancy
from tests.integration.test_web import sign_in

STRICT_REFERRER = {"same-origin", "no-referrer"}


def csp(response: Response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def header_checks(response: Response, static: bool = False) -> dict[str, bool]:
    """Each check of one response, by name."""
    policy = csp(response)
    scripts = policy.get("script-src", policy.get("default-src", []))
    return {
        "nosniff": response.headers.get("X-Content-Type-Options") == "nosniff",
        "referrer": response.headers.get("Referrer-Policy") in STRICT_REFERRER,
        "frame-ancestors": policy.get("frame-ancestors") == ["'none'"],
        "no inline script": bool(scripts)
        and not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts),
        "x-frame-options": response.headers.get("X-Frame-Options") == "DENY",
        "no-store": static or "no-store" in response.headers.get("Cache-Control", ""),
        "no hsts outside production": "Strict-Transport-Security" not in response.headers,
    }


class InlineCode(HTMLParser):
    """What a strict CSP would block in a page: inline scripts, event handlers, style attributes,
    style elements and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline <script>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def responses(app: Flask, world: World) -> dict[str, TestResponse]:
    """The pages and API answers checked, signed in and not, successes and errors."""
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    out: dict[str, TestResponse] = {}
    anonymous = app.test_client()
    for path in ("/login", "/cards/verify/XXXX-XXXX-XXXX-XXXX", "/nowhere", "/healthz", "/readyz"):
        out[f"anonymous {path}"] = anonymous.get(path)
    out["anonymous /api/v1/openapi.json"] = api.get("/api/v1/openapi.json")
    out["anonymous /api/v1/me (401)"] = api.get("/api/v1/me")
    out["anonymous POST /api/v1/auth/token (422)"] = api.post("/api/v1/auth/token", json={})
    pages = {
        "applicant": [
            "/",
            f"/applications/{case['id']}",
            f"/applications/{case['id']}/ankestyrelsen",
        ],
        "employer": ["/", f"/vacancies/{v['id']}", "/vacancies/new"],
        "cw_aarhus": ["/", f"/applicants/{world.applicant.id}", "/breaches"],
        "admin": ["/", "/admin/users", "/admin/routing"],
    }
    for who, paths in pages.items():
        client = app.test_client()
        assert sign_in(client, getattr(world, who).email).status_code == 302
        for path in paths:
            out[f"web {who} {path}"] = client.get(path)
    calls = {
        "applicant": [
            f"/api/v1/applications/{case['id']}",
            f"/api/v1/applications/{case['id']}/interview.ics",
            "/api/v1/me/notifications",
            "/api/v1/me/calendar-feed",
        ],
        "cw_aarhus": [f"/api/v1/applicants/{world.applicant.id}/profile", "/api/v1/vacancies/nope"],
        "employer": [f"/api/v1/applicants/{world.applicant.id}/profile"],  # 403 or 404
    }
    for who, paths in calls.items():
        for path in paths:
            out[f"api {who} {path}"] = api.get(path, getattr(world, who))
    feed = dict(out["api applicant /api/v1/me/calendar-feed"].json or {})["url"]
    out["anonymous calendar feed"] = anonymous.get(feed.removeprefix("http://fortrin.test"))
    return out


def test_every_header_check_passes_on_every_page_and_answer(app: Flask, world: World) -> None:
    checked = responses(app, world)
    statuses = {name: r.status_code for name, r in checked.items()}
    assert {401, 403, 404, 422} & set(statuses.values()) and 200 in statuses.values()
    assert all(status < 500 for status in statuses.values()), statuses
    results = {
        (name, check): passed
        for name, response in checked.items()
        for check, passed in header_checks(response).items()
    }
    failed = sorted(key for key, passed in results.items() if not passed)
    assert len(results) >= 42
    assert failed == [], f"{len(failed)} of {len(results)} header checks failed: {failed}"


def test_no_page_holds_code_the_csp_would_block(app: Flask, world: World) -> None:
    checked = responses(app, world)
    html = {n: r for n, r in checked.items() if r.mimetype == "text/html"}
    assert len(html) >= 12
    blocked = {name: inline_code(r.get_data(as_text=True)) for name, r in html.items()}
    assert {name: found for name, found in blocked.items() if found} == {}


def test_the_templates_hold_no_inline_script_handler_or_style() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    offending = {}
    for template in sorted(templates.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        found = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", text)
        if found:
            offending[template.name] = found
    assert offending == {}


def test_static_files_carry_the_headers_and_may_be_cached(app: Flask) -> None:
    client = app.test_client()
    for path in ("/static/fortrin.js", "/static/fortrin.css"):
        with client.get(path) as response:
            assert response.status_code == 200
            checks = header_checks(response, static=True)
            assert all(checks.values()), (path, checks)
            assert "no-store" not in response.headers.get("Cache-Control", "")
            if path.endswith(".js"):
                assert "DKFDS.init" in response.get_data(as_text=True)


@pytest.fixture
def production_app(database_url: str) -> Any:
    settings = settings_for(database_url)
    settings.update(
        FORTRIN_ENV="production",
        FORTRIN_NOW="",
        FORTRIN_SECRET_KEY="p" * 40,
        FORTRIN_BASE_URL="https://fortrin.example",
        FORTRIN_CPR_KEYS=Fernet.generate_key().decode(),
        FORTRIN_CPR_INDEX_KEY="i" * 40,
    )
    application = create_app(settings)
    yield application
    with application.app_context():
        db.engine().dispose()


def test_production_sends_hsts_over_https(production_app: Flask) -> None:
    client = production_app.test_client()
    for path in ("/login", "/healthz", "/api/v1/openapi.json", "/api/v1/me"):
        secure = client.get(path, base_url="https://fortrin.example")
        hsts = secure.headers.get("Strict-Transport-Security", "")
        assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts), (path, hsts)
        assert int(hsts.split("=")[1].split(";")[0]) >= 365 * 24 * 3600
        checks = header_checks(secure)
        del checks["no hsts outside production"]
        assert all(checks.values()), (path, checks)
        proxied = client.get(path, headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" in proxied.headers, path
    login = production_app.test_client().get("/login", base_url="https://fortrin.example")
    cookie = login.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_sends_no_hsts_over_plain_http(production_app: Flask) -> None:
    """Browsers ignore HSTS over HTTP, and it would be a lie there: TLS ends at the proxy, which
    must say so with X-Forwarded-Proto."""
    response = production_app.test_client().get("/login")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_each_app_keeps_its_own_header_settings(production_app: Flask, app: Flask) -> None:
    """A production app and a development-like app in one process (as in these tests, or a
    tool that builds two) do not share HSTS or cookie settings."""
    secure = production_app.test_client().get("/healthz", base_url="https://fortrin.example")
    assert "Strict-Transport-Security" in secure.headers
    other = app.test_client().get("/healthz", base_url="https://fortrin.example")
    assert "Strict-Transport-Security" not in other.headers
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is False
