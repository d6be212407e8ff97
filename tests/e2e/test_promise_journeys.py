"""Issue 8 in the browser: the new actions on the pages, with the same rules as the API (domain.md
section 12). These journeys run after test_journeys.py and test_more_journeys.py on the same demo
database, and build on them (Bo has applied for the market stall). Each page is checked with axe-core
and, on a phone's width, for sideways scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.test_journeys import assert_accessible, sign_in


def phone_menu_works(page: Any, name: str) -> None:
    """Below 992 px (a phone, 200 % zoom): DKFDS's menu button opens the drawer with the menu and
    "Log ud" (WCAG 1.4.10), and "Luk" closes it again."""
    menu = page.locator("header button.js-menu-open")
    assert menu.is_visible(), name
    menu.click()
    drawer = page.locator(".mobile-drawer")
    drawer.wait_for(state="visible")
    assert drawer.locator("nav a").first.is_visible(), name
    assert drawer.locator("form[action$='/logout'] button").is_visible(), name  # "Log ud"
    drawer.locator("button.js-menu-close").click()
    drawer.wait_for(state="hidden")


def at_every_width(page: Any, name: str) -> None:
    """axe-core at a desktop's (1280 px) and a phone's (375 px) width; at 375 and 320 px nothing
    scrolls sideways, and a signed-in page's menu opens."""
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{name}-{width}")
    for width in (375, 320):
        page.set_viewport_size({"width": width, "height": 800})
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"{name}: {scrolled}px wide at {width}px"
        if page.locator("header button.js-menu-open").count():  # signed in
            phone_menu_works(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def fits_a_phone(page: Any, name: str) -> None:
    """At 375 px (a phone) and 320 px (WCAG 1.4.10 reflow: 1280 px at 400 %) nothing makes the
    page scroll sideways, and the navigation is still there."""
    for viewport in (375, 320):
        page.set_viewport_size({"width": viewport, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport, f"{name}: {width}px wide at {viewport}px"
        phone_menu_works(page, name)
    page.set_viewport_size({"width": 1200, "height": 900})


def test_an_employer_records_that_the_applicant_did_not_attend(
    page: Any, live_url: str, live_clock: Callable[[str], None]
) -> None:
    sign_in(page, live_url, "hr@kk.example")
    page.click("text=Administrativ medarbejder, Teknik- og Miljøforvaltningen")
    page.click("text=Bo Berg")
    assert "Samtale aftalt" in page.inner_text("main")
    # The interview is moved to half an hour from the demo's clock (1 December, 09:00)...
    page.fill("#interview-scheduled-starts-at", "2026-12-01T09:30")
    page.fill("#interview-scheduled-location", "Rådhuspladsen 1, lokale 12")
    page.click("text=Gem samtalen")
    assert "Indkald til samtale: registreret." in page.inner_text("[role=status]")
    assert "Kan registreres fra samtalens aftalte tidspunkt" in page.inner_text("main")
    # ... and once it has begun without Bo, the employer records that he did not attend.
    live_clock("2026-12-01T09:45:00+01:00")
    page.reload()
    assert_accessible(page, "employer-interview-missed")
    page.fill("#interview-missed-notes", "Bo mødte ikke op og svarede ikke, da vi ringede.")
    page.click("text=Registrér udeblivelsen")
    assert "Ansøgeren mødte ikke op: registreret." in page.inner_text("[role=status]")
    main = page.inner_text("main")
    assert "Ansøgeren mødte ikke op til samtalen; afventer arbejdsgiverens beslutning" in main
    assert "Beslutning efter samtalen" in main  # the decision and its duties follow
    fits_a_phone(page, "employer-interview-missed")


def test_a_caseworker_reads_and_adds_to_the_breach_register(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "sagsbehandler.aarhus@fortrin.example")
    page.click("header nav >> text=Overtrædelser")
    assert page.locator("h1").inner_text() == "Overtrædelser af pligterne"
    table = page.inner_text("table")
    assert "Region Midtjylland" in table and "Ankestyrelsen" in table
    assert "vikariat under et år" in table
    assert_accessible(page, "caseworker-breaches")
    fits_a_phone(page, "caseworker-breaches")
    page.click("text=Registrér overtrædelsen")
    assert page.locator("#error-summary").is_visible()
    assert page.get_attribute("#breach-summary", "aria-invalid") == "true"
    assert_accessible(page, "caseworker-breaches-errors")
    page.select_option("#breach-organisation", label="Region Midtjylland")
    page.fill("#breach-found-on", "2026-11-28")
    page.fill(
        "#breach-summary",
        "En stilling som portør i Viborg blev besat uden samtale med ansøgeren med fortrinsadgang.",
    )
    page.click("text=Registrér overtrædelsen")
    assert "Overtrædelsen er registreret." in page.inner_text("[role=status]")
    assert "portør i Viborg" in page.inner_text("table")
    assert "28. november 2026" in page.inner_text("table")


def test_an_employer_moves_the_deadline_and_withdraws_the_vacancy(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "hr@kk.example")
    page.click("text=Stadeplads, Israels Plads")
    assert "0 af 1 besat" in page.inner_text("main")
    assert_accessible(page, "employer-vacancy-forms")
    fits_a_phone(page, "employer-vacancy-forms")
    page.fill("#new-deadline", "2026-12-02")
    page.click("button:has-text('Flyt fristen')")
    assert page.locator("#error-summary").is_visible()
    assert "kan kun flyttes senere" in page.inner_text("#error-summary")
    assert page.get_attribute("#new-deadline", "aria-invalid") == "true"
    assert_accessible(page, "employer-vacancy-deadline-error")
    page.fill("#new-deadline", "2027-01-15")
    page.click("button:has-text('Flyt fristen')")
    assert "Ansøgningsfristen er flyttet." in page.inner_text("[role=status]")
    assert "15. januar 2027" in page.inner_text("dl")
    page.click("button:has-text('Træk stillingen tilbage')")
    assert page.get_attribute("#withdraw-reason", "aria-invalid") == "true"
    page.fill("#withdraw-reason", "Pladsen nedlægges, fordi torvet skal renoveres.")
    page.click("button:has-text('Træk stillingen tilbage')")
    # It cannot be undone: first the answers and what follows (issue 10, point 5).
    assert page.title().startswith("Træk stillingen tilbage?")
    assert "Det kan ikke fortrydes." in page.inner_text("#consequences")
    assert_accessible(page, "employer-withdraw-confirm")
    fits_a_phone(page, "employer-withdraw-confirm")
    page.click("button:has-text('Ja, træk stillingen tilbage')")
    assert "Stillingen er trukket tilbage." in page.inner_text("[role=status]")
    main = page.inner_text("main")
    assert "Trukket tilbage" in main
    # Bo applied directly, so the employer had his application: a refusal is owed to him.
    bo = page.locator("tr", has_text="Bo Berg")
    assert "Arbejdsgiveren skal sende et begrundet afslag" in bo.inner_text()
    assert page.locator("text=Flyt fristen").count() == 0  # nothing more to do on it


def test_bo_finds_how_to_ask_ankestyrelsen_with_and_without_a_refusal(
    page: Any, live_url: str
) -> None:
    sign_in(page, live_url, "bo@borger.example")
    assert_accessible(page, "applicant-home-refusals")
    fits_a_phone(page, "applicant-home-refusals")
    # The occupational therapist post: refused by Digital Post, the 4 weeks run.
    row = page.locator("tr", has_text="Ergoterapeut")
    row.locator("text=Bed Ankestyrelsen om en udtalelse").click()
    main = page.inner_text("main")
    assert "Sidste frist:" in main and "Vedlæg afslaget fra" in main
    assert "ast@ast.dk" in main and "sikkermail@ast.dk" in main
    assert "Ergoterapeut" in page.input_value("#request-text")
    # Where, how, with what: the case reference, the refusal to enclose, a copy button.
    reference = page.inner_text(".case-reference")
    assert len(reference) == 32 and reference in page.input_value("#request-text")
    assert "Vedlæg afslaget fra" in main and "Fortrin sender ikke anmodningen for dig." in main
    page.click("text=Se afslaget, du skal vedlægge")
    assert page.inner_text(".refusal-text").strip()
    page.click("button:has-text('Kopiér teksten')")
    page.locator("#copy-status:has-text('Teksten er kopieret')").wait_for()
    assert "Teksten er kopieret" in page.inner_text("#copy-status")
    assert_accessible(page, "applicant-ankestyrelsen-refused")
    fits_a_phone(page, "applicant-ankestyrelsen-refused")
    # The market stall, withdrawn: the written refusal is still owed, and Bo may ask already.
    page.goto(f"{live_url}/")
    row = page.locator("tr", has_text="Stadeplads")
    assert "Afslaget mangler" in row.inner_text()
    row.locator("text=Bed Ankestyrelsen om en udtalelse").click()
    main = page.inner_text("main")
    assert "Du kan bede om udtalelsen nu" in main and "Sidste frist" not in main
    assert "Ankestyrelsen afgør, om din anmodning er kommet i tide" in main
    assert "Jeg har ikke fået et skriftligt" in page.input_value("#request-text")
    assert_accessible(page, "applicant-ankestyrelsen-refusal-owed")
    # Step 3 on the same page: a date in the future is refused, said how to fix, focus-able.
    page.fill("#opinion-requested-requested-on", "2099-01-01")
    page.click("button:has-text('Jeg har sendt anmodningen')")
    assert page.title().startswith("Fejl:")
    assert "Der er fejl i formularen" in page.inner_text("#error-summary")
    page.fill("#opinion-requested-requested-on", "2026-12-01")
    page.click("button:has-text('Jeg har sendt anmodningen')")
    main = page.inner_text("main")
    assert "Du bad om en udtalelse den 1. december 2026" in main
    # Nothing urges Bo to ask again: no draft, no form, no "Du kan bede om udtalelsen nu".
    assert page.locator("#request-text").count() == 0 and "Du kan bede om" not in main
    assert_accessible(page, "applicant-ankestyrelsen-requested")
    fits_a_phone(page, "applicant-ankestyrelsen-requested")
    page.click("text=Tilbage til sagen")
    main = page.inner_text("main")
    assert "Ankestyrelsen blev bedt om en udtalelse den 1. december 2026" in main
    assert "Du kan allerede nu bede Ankestyrelsen om en udtalelse" not in main
    assert "Ankestyrelsen er bedt om en udtalelse" in main


def test_an_admin_records_an_organisations_top_official(page: Any, live_url: str) -> None:
    sign_in(page, live_url, "admin@fortrin.example")
    page.click("text=Organisationer")
    entry = page.locator("section.org-entry", has_text="Region Midtjylland")
    assert "Regionsrådet, Region Midtjylland" in entry.inner_text()
    entry.locator("summary").click()
    assert_accessible(page, "admin-top-official")
    entry.locator("input[name=top_official_name]").fill("Regionsrådet (formandskabet)")
    entry.locator("button:has-text('Gem øverste ledelse')").click()
    assert "Den øverste ledelse er gemt." in page.inner_text("[role=status]")
    entry = page.locator("section.org-entry", has_text="Region Midtjylland")
    assert "Regionsrådet (formandskabet)" in entry.inner_text()
    fits_a_phone(page, "admin-organisations")
