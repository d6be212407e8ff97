"""Issue 10, point 9 in the browser: from the list of vacancies to a vacancy's page, the choice
between applying directly and via the jobcentre with what each means, the answers checked, sent, and
a confirmation that leads to the case; a vacancy applied for says so. A caseworker finds the citizen
once by name. Every page passes axe-core at 1280 and 375 px and never scrolls sideways at 320 px.

The journeys apply in a served demo of their own: this file runs before the others in
alphabetical order, and the journeys after it build on the shared demo as it was loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import served
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_promise_journeys import at_every_width


@pytest.fixture(scope="module")
def apply_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(sqlite_template, tmp_path_factory.mktemp("apply-journey")) as app:
        yield str(app.config["FORTRIN_BASE_URL"])


def vacancy_entry(page: Any, title: str) -> Any:
    return page.locator("main section", has=page.locator(f"h2:has-text('{title}')"))


def test_an_applicant_chooses_the_route_checks_the_answers_and_finds_the_case(
    page: Any, apply_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, apply_url, "bo@borger.example")
    page.click("nav >> text=Ledige stillinger")
    # Bo's open case is marked, and no form is offered on the list.
    admin_job = "Administrativ medarbejder, Teknik- og Miljøforvaltningen"
    assert "Du har søgt" in vacancy_entry(page, admin_job).inner_text()
    assert "Du har søgt" not in vacancy_entry(page, "Stadeplads, Israels Plads").inner_text()
    assert page.locator("main form").count() == 0
    at_every_width(page, "apply-vacancies")
    page.click(f"main a:has-text('{admin_job}')")
    main = page.inner_text("main")
    assert "Du har søgt denne stilling" in main and "Samtale aftalt" in main
    assert page.locator("input[name=route]").count() == 0
    page.go_back()

    page.click("main a:has-text('Stadeplads, Israels Plads')")
    assert page.locator("h1").inner_text() == "Stadeplads, Israels Plads"
    main = page.inner_text("main")
    assert "Københavns Kommune" in main and "Stadeplads" in main and "Arbejdssted" in main
    assert "Søg direkte hos arbejdsgiveren" in main and "Søg via jobcenteret" in main
    assert "åbenbart ringere kvalificeret" in main  # a licence: not the formal education test
    at_every_width(page, "apply-vacancy")
    # Nothing chosen: said in the error summary, which takes the focus.
    page.click("button:has-text('Fortsæt')")
    assert page.title().startswith("Fejl:")
    page.locator("#error-summary:focus").wait_for()  # fortrin.js focuses it once loaded
    assert "Vælg, hvordan du vil søge." in page.inner_text("#error-summary")
    at_every_width(page, "apply-vacancy-error")
    page.click("#error-summary a")
    page.keyboard.press("Space")  # the link put the focus on the first choice
    page.click("button:has-text('Fortsæt')")

    # Check your answers; "Ret" comes back with the answer kept.
    assert page.locator("h1").inner_text() == "Tjek oplysningerne, før ansøgningen sendes"
    assert "Søg direkte hos arbejdsgiveren" in page.inner_text("main")
    at_every_width(page, "apply-check")
    page.click("main a:has-text('Ret')")
    assert page.is_checked("#route-direct")
    page.click("label[for=route-via-jobcentre]")
    page.click("button:has-text('Fortsæt')")
    assert "Søg via jobcenteret" in page.inner_text("main")
    assert "Jobcenteret vurderer først" in page.inner_text("main")
    page.click("button:has-text('Send ansøgningen')")

    # The confirmation, and the case.
    assert page.locator("h1").inner_text() == "Ansøgningen er sendt"
    assert "Du har søgt Stadeplads, Israels Plads hos Københavns Kommune" in page.inner_text("main")
    at_every_width(page, "apply-sent")
    page.click("text=Gå til sagen")
    assert "Afventer jobcenterets vurdering" in page.inner_text("main")
    page.click("nav >> text=Ledige stillinger")
    assert "Du har søgt" in vacancy_entry(page, "Stadeplads, Israels Plads").inner_text()


def test_a_caseworker_finds_the_citizen_once_and_applies_for_them(
    page: Any, apply_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, apply_url, "sagsbehandler.kbh@fortrin.example")
    page.click("nav >> text=Ledige stillinger")
    assert page.locator("main select").count() == 0
    page.fill("#citizen-search", "anna")
    page.click("button:has-text('Søg efter borgeren')")
    assert page.locator("main li a").count() == 1  # Anna; no one from other areas
    at_every_width(page, "apply-caseworker-search")
    page.click("main a:has-text('Anna Andersen')")
    assert "Du søger på vegne af Anna Andersen" in page.inner_text("main")
    # Anna got the market stall earlier: marked, and her ended case is named on its page.
    assert "Anna Andersen har søgt før" in page.inner_text("main")
    at_every_width(page, "apply-caseworker-vacancies")

    # A post at Anna's own jobcentre is handled by the § 7 neighbour: the page says so.
    page.click("main a:has-text('Sagsbehandler, Jobcenter København')")
    page.click("label[for=route-direct]")
    page.click("button:has-text('Fortsæt')")
    assert page.title().startswith("Fejl:")
    assert "Et andet jobcenter skal behandle sagen" in page.inner_text("#error-summary")
    at_every_width(page, "apply-caseworker-refused")
    page.go_back()
    page.go_back()

    page.click("main a:has-text('Administrativ medarbejder, Teknik- og Miljøforvaltningen')")
    assert "Du søger på vegne af Anna Andersen" in page.inner_text("main")
    at_every_width(page, "apply-caseworker-vacancy")
    page.click("label[for=route-via-jobcentre]")
    page.click("button:has-text('Fortsæt')")
    main = page.inner_text("main")
    assert "Anna Andersen" in main and "Søg via jobcenteret" in main
    page.click("button:has-text('Send ansøgningen')")
    assert "Anna Andersen har søgt Administrativ medarbejder" in page.inner_text("main")
    at_every_width(page, "apply-caseworker-sent")
    page.click("text=Gå til sagen")
    assert "Afventer jobcenterets vurdering" in page.inner_text("main")
