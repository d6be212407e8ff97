"""More journeys: applying, posting a vacancy, writing and printing a card, the routing table."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_journeys import assert_accessible, sign_in


def test_an_applicant_applies_with_preferential_access(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "bo@borger.example")
    page.click("nav >> text=Ledige stillinger")
    assert_accessible(page, "applicant-vacancies")
    section = page.locator("section", has_text="Stadeplads, Israels Plads")
    section.locator("text=Søg med fortrinsadgang").click()
    assert "Ansøgningen med fortrinsadgang er oprettet." in page.inner_text("[role=status]")
    assert "Afventer arbejdsgiverens kontrol af uddannelseskrav" in page.inner_text("main")
    assert_accessible(page, "applicant-case")


def test_an_employer_posts_a_vacancy_and_is_told_what_is_wrong(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "hr@kk.example")
    page.click("nav >> text=Opret stilling")
    page.click("button:has-text('Opret')")
    assert page.locator("#error-summary").is_visible()
    assert page.get_attribute("#vacancy-title", "aria-invalid") == "true"
    assert_accessible(page, "employer-new-vacancy-errors")
    page.fill("#vacancy-title", "Pedel, Rådhuset")
    page.select_option("#vacancy-kind", "job")
    page.fill("#vacancy-application-deadline", "2026-12-20")
    page.select_option("#vacancy-workplace-municipality-code", "101")
    page.click("button:has-text('Opret')")
    assert "Stillingen er oprettet." in page.inner_text("[role=status]")
    assert page.locator("h1").inner_text() == "Pedel, Rådhuset"


def test_a_caseworker_writes_and_issues_a_card_in_one_screen(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "sagsbehandler.kbh@fortrin.example")
    page.goto(f"{live_url}/vacancies")
    page.locator("section", has_text="Stadeplads").locator("text=Søg med fortrinsadgang").click()
    page.click("main >> a >> nth=0")  # the citizen's page from the case
    assert_accessible(page, "caseworker-citizen")
    page.click("text=Gem samtalen")
    assert "Samtalen er gemt." in page.inner_text("[role=status]")
    page.click("text=Skriv kompensationskort")
    page.select_option("#card-template", "hearing")
    assert_accessible(page, "caseworker-write-card")
    page.click("text=Gem og udsted kortet")
    assert "Kortet er udstedt." in page.inner_text("[role=status]")
    assert page.locator(".card-qr svg").count() == 1
    assert "Gyldigt til og med" in page.inner_text("main")
    assert_accessible(page, "card-printable")


def test_an_admin_changes_the_routing_table_and_sees_the_history(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "admin@fortrin.example")
    page.click("nav >> text=Nabojobcentre")
    assert page.locator("tbody tr").count() >= 98
    assert_accessible(page, "admin-routing")
    page.click("text=Ret nabojobcenter for Aarhus")
    page.select_option("#neighbour", "727")
    page.click("button:has-text('Gem')")
    assert page.locator("#error-summary").is_visible()  # the reason is required
    page.select_option("#neighbour", "727")
    page.fill("#reason", "Beskæftigelsesministeriets oversigt")
    page.click("button:has-text('Gem')")
    assert "Nabojobcenteret for Aarhus er gemt." in page.inner_text("[role=status]")
    assert "Beskæftigelsesministeriets oversigt" in page.inner_text("main")
