"""More journeys: applying, posting a vacancy, writing and printing a card, the routing table."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_journeys import assert_accessible, sign_in


def test_an_applicant_applies_with_preferential_access(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "bo@borger.example")
    page.click("nav >> text=Ledige stillinger")
    assert_accessible(page, "applicant-vacancies")
    # The vacancy's page, the route, the answers checked, then sent (issue 10, point 9).
    page.click("main a:has-text('Stadeplads, Israels Plads')")
    page.click("label[for=route-direct]")
    page.click("button:has-text('Fortsæt')")
    page.click("button:has-text('Send ansøgningen')")
    assert "Ansøgningen er sendt" in page.inner_text("main")
    page.click("text=Gå til sagen")
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
    # The citizen found once by name, then the vacancy's page, via the jobcentre (issue 10, 9).
    page.fill("#citizen-search", "Anna")
    page.click("button:has-text('Søg efter borgeren')")
    page.click("main a:has-text('Anna Andersen')")
    page.click("main a:has-text('Stadeplads, Israels Plads')")
    page.click("label[for=route-via-jobcentre]")
    page.click("button:has-text('Fortsæt')")
    page.click("button:has-text('Send ansøgningen')")
    page.click("text=Gå til sagen")
    page.click("main >> a >> nth=0")  # the citizen's page from the case
    page.wait_for_url(f"{live_url}/applicants/**")
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
    # On paper (issue 10, point 1): the service's typeface, not DKFDS's Georgia, a QR code of 4 cm
    # (151 CSS px) that a phone reads from paper, and the issue date.
    page.emulate_media(media="print")
    font = page.evaluate(
        "getComputedStyle(document.querySelector('.compensation-card')).fontFamily"
    )
    assert "IBM Plex Sans" in font and "Georgia" not in font
    qr = page.evaluate("document.querySelector('.card-qr svg').getBoundingClientRect().width")
    assert qr >= 150, qr
    assert "Udstedt" in page.inner_text(".compensation-card")
    page.emulate_media(media="screen")


def test_an_admin_changes_the_routing_table_and_sees_the_history(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "admin@fortrin.example")
    assert_accessible(page, "admin-home")
    page.goto(f"{live_url}/no-such-page")
    assert "Siden findes ikke" in page.inner_text("main")
    assert_accessible(page, "error-404")
    page.goto(f"{live_url}/")
    page.click("nav >> text=Nabojobcentre")
    assert page.locator("tbody tr").count() >= 98
    assert_accessible(page, "admin-routing")
    page.click("text=Ret nabojobcenter for Aarhus")
    assert_accessible(page, "admin-routing-edit")
    page.select_option("#neighbour", "727")
    page.click("button:has-text('Gem')")
    assert page.locator("#error-summary").is_visible()  # the reason is required
    page.select_option("#neighbour", "727")
    page.fill("#reason", "Beskæftigelsesministeriets oversigt")
    page.click("button:has-text('Gem')")
    assert "Nabojobcenteret for Aarhus er gemt." in page.inner_text("[role=status]")
    assert "Beskæftigelsesministeriets oversigt" in page.inner_text("main")


def test_an_admin_maintains_users_organisations_rates_templates_and_limits(
    page: Any, live_url: str
) -> None:
    sign_in(page, live_url, "admin@fortrin.example")
    page.click("text=Brugere")
    assert_accessible(page, "admin-users")
    page.fill("#u-email", "ny.sagsbehandler@fortrin.example")
    page.fill("#u-name", "Nina Ny")
    page.fill("#u-password", "en-god-adgangskode")
    page.select_option("#u-role", "caseworker")
    page.select_option("#u-jobcentre", "751")
    page.click("button:has-text('Opret bruger')")
    assert "Brugeren er oprettet." in page.inner_text("[role=status]")
    page.fill("#u-email", "ny.sagsbehandler@fortrin.example")  # taken: refused, nothing created
    page.fill("#u-password", "en-god-adgangskode")
    page.select_option("#u-role", "caseworker")
    page.select_option("#u-jobcentre", "751")
    page.click("button:has-text('Opret bruger')")
    assert "Ikke gemt." in page.inner_text("[role=alert]")
    assert page.locator("td", has_text="Nina Ny").count() == 1
    page.goto(f"{live_url}/admin/organisations")
    assert_accessible(page, "admin-organisations")
    page.goto(f"{live_url}/admin/rates")
    assert_accessible(page, "admin-rates")
    page.goto(f"{live_url}/admin/templates")
    assert_accessible(page, "admin-templates")
    page.goto(f"{live_url}/admin/jobcentres")
    assert_accessible(page, "admin-jobcentres")
    page.fill("#limit-751", "75000")
    page.locator("tr", has_text="Jobcenter Aarhus").locator("button").click()
    assert "Bevillingsrammen er gemt." in page.inner_text("[role=status]")
    assert page.input_value("#limit-751") == "75000"


def test_a_caseworker_registers_and_runs_the_fast_track(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "sagsbehandler.frb@fortrin.example")
    page.click("text=Carla Christensen: Administrativ medarbejder, Teknik- og Miljøforvaltningen")
    page.click("main >> a >> text=Carla Christensen")
    page.click("text=Ret registreringen")
    page.fill("#profile-education", "Kontoruddannelse (EUD)")
    page.click("text=Gem registreringen")
    assert "Registreringen er gemt." in page.inner_text("[role=status]")
    page.click("text=Kort gyldigt til")
    page.fill("#employer-name", "Frederiksberg Kommune")
    page.fill("#starts-on", "2026-12-07")
    page.click("text=Registrér ansættelsen")
    assert "det hurtige spor er åbnet" in page.inner_text("[role=status]")
    assert_accessible(page, "caseworker-fast-track")
    page.goto(f"{live_url}/")
    assert "Åbn kortet" in page.inner_text("main")
    page.click("text=Åbn kortet")
    page.click("text=Markér som behandlet")
    assert "Bevillingen er markeret som behandlet." in page.inner_text("[role=status]")
    assert "(til tiden)" in page.inner_text("main")
