"""End-to-end: the demo served on loopback, driven in Debian's headless Chromium by Playwright, with
axe-core run on every page. The journeys share one demo database and build on each other in file
order, as people using one service would, so they all run on one pytest-xdist worker, in file order
(tests/conftest.py, ``pytest_xdist_make_scheduler``). Without Chromium (or Playwright) these tests
skip, loudly (tests/conftest.py writes the summary); `.ci/run` installs Chromium when it is missing."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from flask import Flask
from werkzeug.serving import make_server

from fortrin import create_app, db, demo
from tests.conftest import BROWSER_SKIPPED, test_settings

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The README's screenshots are retaken only when asked (`make screenshots`); a test run writes its
# screenshots to a temporary folder, so `make test` leaves the work tree as it was.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("FORTRIN_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "fortrin-screenshots"
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _closed_before_sent(app: WSGIApplication) -> WSGIApplication:
    """The app, handing the server each response's whole body with the response already closed.
    Werkzeug's development server closes a response only after it has drained the socket, which
    fails when the browser drops the connection (a tab closed while a font or an icon is on its
    way): the response's open file then leaks, and its ResourceWarning, an error here, fails
    whichever test runs next. More likely the busier the machine, so on a loaded one, and under
    pytest-xdist, now and then."""

    def buffered(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = app(environ, start_response)
        try:
            return list(response)
        finally:
            if hasattr(response, "close"):
                response.close()

    return buffered


@contextmanager
def served(
    sqlite_template: Path, folder: Path, seed: Callable[[Flask], None] | None = None
) -> Iterator[Flask]:
    """A service of its own on loopback, on a copy of the migrated template database: the demo,
    then ``seed`` (for a journey that must not change the shared demo, or needs more data)."""
    path = folder / "fortrin.sqlite3"
    shutil.copy(sqlite_template, path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = test_settings(f"sqlite:///{path}")
    settings["FORTRIN_BASE_URL"] = f"http://127.0.0.1:{port}"
    app = create_app(settings)
    app.testing = False  # serve error pages as a user sees them
    with app.app_context(), db.unit_of_work() as session:
        demo.load(session)
    if seed is not None:
        seed(app)
    server = make_server("127.0.0.1", port, _closed_before_sent(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        with app.app_context():
            db.engine().dispose()


@pytest.fixture(scope="session")
def live_app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo's app, served on loopback in this process (a journey may move its frozen clock)."""
    with served(sqlite_template, tmp_path_factory.mktemp("e2e")) as app:
        yield app


@pytest.fixture(scope="session")
def live_url(live_app: Flask) -> str:
    return str(live_app.config["FORTRIN_BASE_URL"])


@pytest.fixture
def live_clock(live_app: Flask) -> Iterator[Callable[[str], None]]:
    """Move the served demo's frozen clock (as time passes between two steps of a journey); the
    clock is put back afterwards, so the journeys after this one see the demo's time."""
    before = live_app.config["FORTRIN_NOW"]

    def move(instant: str) -> None:
        live_app.config["FORTRIN_NOW"] = instant

    yield move
    live_app.config["FORTRIN_NOW"] = before


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"{BROWSER_SKIPPED}Playwright is not installed")
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.skip(
            f"{BROWSER_SKIPPED}Chromium or axe-core is missing (make setup; apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A tab under the service's own Content-Security-Policy (never bypassed). axe-core is put in
    every page as an init script, which the CSP does not apply to (an inline script tag would be
    refused), and a CSP violation on any page of a journey fails the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="da-DK")
    context.add_init_script(path=str(AXE))
    tab = context.new_page()
    violations: list[str] = []
    tab.on(
        "console",
        lambda message: (
            violations.append(f"{tab.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield tab
    context.close()
    assert violations == [], violations
