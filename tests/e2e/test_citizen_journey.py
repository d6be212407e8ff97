"""Issue 10, point 7 in the browser: Bo is told that his interview was moved and puts it in his
calendar from the case page; Carla finds her compensation card on her home page and changes whom it
is shared with; an employer checks Carla's card by typing its code, without signing in. axe-core at
a desktop's width (1280 px) and a phone's (375 px), and no sideways scrolling at 320 px.

The journeys move Bo's interview and change Carla's sharing choice, which the journeys of the other
files rely on: they run in a served demo of their own (as test_queue_at_scale.py does)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import served
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_promise_journeys import at_every_width

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
IMPAIRMENT = "Nedsat gangfunktion"  # Carla's impairment summary in the demo


@pytest.fixture(scope="module")
def own_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(sqlite_template, tmp_path_factory.mktemp("citizen")) as app:
        yield str(app.config["FORTRIN_BASE_URL"])


def sign_out(page: Any) -> None:
    page.click("header button:has-text('Log ud')")
    page.wait_for_url(re.compile(r".*/login$"))


def test_bo_is_told_of_the_moved_interview_and_adds_it_to_his_calendar(
    page: Any, own_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, own_url, "hr@kk.example")
    page.click("text=Administrativ medarbejder, Teknik- og Miljøforvaltningen")
    page.click("text=Bo Berg")
    page.fill("#interview-scheduled-starts-at", "2026-12-07T13:30")
    page.fill("#interview-scheduled-location", "Rådhuspladsen 1, lokale 12")
    page.click("text=Gem samtalen")
    assert "Indkald til samtale: registreret." in page.inner_text("[role=status]")
    main = page.inner_text("main")
    assert "7. december 2026 kl. 13:30, Rådhuspladsen 1, lokale 12" in main
    link = page.locator("a:has-text('Læg samtalen i din kalender')")
    href = link.get_attribute("href")
    assert href is not None and href.endswith("/samtale.ics")
    ics = page.request.get(f"{own_url}{href}")
    assert ics.status == 200
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    body = ics.text()
    assert "DTSTART;TZID=Europe/Copenhagen:20261207T133000" in body
    assert "LOCATION:Rådhuspladsen 1\\, lokale 12" in body
    at_every_width(page, "citizen-employer-interview")
    sign_out(page)

    sign_in(page, own_url, "bo@borger.example")
    inbox = page.inner_text("#inbox-heading + ul")
    assert "Din ansættelsessamtale er flyttet til 7. december 2026 kl. 13:30" in inbox
    at_every_width(page, "citizen-applicant-home")
    page.click("text=Administrativ medarbejder, Teknik- og Miljøforvaltningen")
    assert "Læg samtalen i din kalender" in page.inner_text("main")
    ics = page.request.get(f"{own_url}{href}")
    assert ics.status == 200 and "20261207T133000" in ics.text()
    at_every_width(page, "citizen-applicant-interview")
    # Another applicant cannot read Bo's interview.
    sign_out(page)
    sign_in(page, own_url, "anna@borger.example")
    assert page.request.get(f"{own_url}{href}").status == 404


def test_carla_finds_her_card_and_an_employer_checks_it_without_signing_in(
    page: Any, own_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, own_url, "carla@borger.example")
    cards = page.locator("section[aria-labelledby=cards-heading]")
    listed = cards.inner_text()
    assert "Kompensationskort fra Jobcenter Frederiksberg" in listed
    assert "Delt med arbejdsgivere i dine sager" in listed
    cards.get_by_role(
        "link", name="Kompensationskort fra Jobcenter Frederiksberg", exact=True
    ).click()
    assert page.locator("h1").inner_text() == "Kompensationskort"
    assert page.is_checked("#share-yes")
    match = CODE.search(page.inner_text("main"))
    assert match is not None
    code = match.group(0)
    page.check("#share-no")
    page.click("text=Gem mit valg")
    assert "Dit valg om deling er gemt." in page.inner_text("[role=status]")
    assert page.is_checked("#share-no")
    assert "Kortet er ikke delt med arbejdsgivere." in page.inner_text("main")
    at_every_width(page, "citizen-card-holder")
    page.click("header nav a:has-text('Forside')")
    assert "Ikke delt" in page.inner_text("section[aria-labelledby=cards-heading]")
    sign_out(page)

    # From the sign-in page, without signing in: the code typed as people type it.
    page.click("text=Tjek et kompensationskort")
    assert page.locator("h1").inner_text() == "Tjek et kompensationskort"
    at_every_width(page, "citizen-card-check")
    page.fill("#card-code", " ".join(code.lower().split("-")))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/kort/tjek\?kode=.*"))
    result = page.inner_text("main")
    assert "Kortet er gyldigt til og med" in result
    assert "Carla Christensen" in result and "Jobcenter Frederiksberg" in result
    assert IMPAIRMENT not in page.content()
    assert page.title().startswith("Kortet er gyldigt")
    at_every_width(page, "citizen-card-check-valid")

    page.fill("#card-code", "ZZZZ ZZZZ ZZZZ ZZZZ")
    page.click("button:has-text('Tjek kortet')")
    assert "Ingen kort har koden ZZZZ-ZZZZ-ZZZZ-ZZZZ" in page.inner_text("main")
    at_every_width(page, "citizen-card-check-unknown")

    page.fill("#card-code", "7K3M")
    page.click("button:has-text('Tjek kortet')")
    page.locator("#error-summary:focus").wait_for()  # fortrin.js focuses it once loaded
    assert "Koden har 16 tegn" in page.inner_text("#error-summary")
    assert page.title().startswith("Fejl:")
    at_every_width(page, "citizen-card-check-error")

    # The employer finds the check on its home page too.
    sign_in(page, own_url, "hr@kk.example")
    page.click("main a:has-text('Tjek et kompensationskort')")
    page.fill("#card-code", code.replace("-", ""))
    page.click("button:has-text('Tjek kortet')")
    assert "Kortet er gyldigt til og med" in page.inner_text("main")
