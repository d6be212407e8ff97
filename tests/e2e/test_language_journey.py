"""Issue 10 in the browser: Bo chooses English once and the service writes to him in English from
then on (the page after signing in again, the notice of his moved interview), while the employer
keeps Danish; a caseworker takes Bo's case and finds it under "Mine sager". axe-core at 1280 and
375 px, no sideways scrolling at 320 px. A served demo of its own: the journeys change Bo's case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import served
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_promise_journeys import at_every_width


def sign_out(page: Any) -> None:
    """ "Log ud" or "Sign out": the header's button, in either language."""
    page.click("header form[action$='/logout'] button")
    page.wait_for_url(re.compile(r".*/login$"))


@pytest.fixture(scope="module")
def own_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(sqlite_template, tmp_path_factory.mktemp("language")) as app:
        yield str(app.config["FORTRIN_BASE_URL"])


def test_bo_chooses_english_and_is_told_of_his_moved_interview_in_english(
    page: Any, own_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, own_url, "bo@borger.example")
    page.click("footer a:has-text('English')")
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_attribute("html", "lang") == "en"
    sign_out(page)

    sign_in(page, own_url, "hr@kk.example")  # the employer's pages stay Danish
    assert page.get_attribute("html", "lang") == "da"
    page.click("text=Administrativ medarbejder, Teknik- og Miljøforvaltningen")
    page.click("text=Bo Berg")
    page.fill("#interview-scheduled-starts-at", "2026-12-07T13:30")
    page.fill("#interview-scheduled-location", "Rådhuspladsen 1, lokale 12")
    page.click("text=Gem samtalen")
    assert "Indkald til samtale: registreret." in page.inner_text("[role=status]")
    sign_out(page)

    sign_in(page, own_url, "bo@borger.example")  # English again, from his account
    assert page.get_attribute("html", "lang") == "en"
    main = page.inner_text("main")
    assert "Your job interview has been moved to 7 December 2026 at 13:30" in main
    assert "Din ansættelsessamtale er flyttet" not in main
    at_every_width(page, "language-citizen-english")


def test_a_caseworker_takes_the_case_and_finds_it_under_mine(page: Any, own_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, own_url, "sagsbehandler.kbh@fortrin.example")
    page.click("text=Bo Berg: Administrativ medarbejder")
    assert "Ingen har taget sagen endnu." in page.inner_text("#assignee")
    at_every_width(page, "language-caseworker-case")
    page.click("#assignee button:has-text('Tag sagen')")
    assert "Du har taget sagen." in page.inner_text("[role=status]")
    assert "Du har taget sagen." in page.inner_text("#assignee")
    page.goto(f"{own_url}/")
    assert "Mine sager: 1" in page.inner_text("#queue-totals")
    page.check("#queue-mine")
    page.click("button:has-text('Vis sager')")
    assert "mine=1" in page.url
    assert page.inner_text("#queue-count") == "Viser 1 sag"
    assert "Bo Berg: Administrativ medarbejder" in page.inner_text("table")
    at_every_width(page, "language-caseworker-mine")
