"""Issue 10, point 3 in the browser: each timeline entry opens to what was written on it, with the
keyboard, and shows each reader what the API gives that reader. Dennis's case in the demo (refused
by letter after the negotiation) is only read, never changed, so the journeys before this file do
not matter. Every page passes axe-core at 1280 and 375 px and never scrolls sideways at 320 px."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_journeys import sign_in
from tests.e2e.test_promise_journeys import at_every_width as accessible_at_every_width

REFUSAL = "fordi en anden ansøger har mere erfaring med journalføring i Sundhedsplatformen"
MINUTES = "Forhandlet med afdelingsledelsen"
NEGOTIATION = "Referat af forhandlingen"


def tab_to(page: Any, text: str) -> Any:
    """Move the focus with Tab, from the first entry of the timeline, to the entry named ``text``."""
    page.focus(".case-timeline .accordion-button >> nth=0")
    for _ in range(40):
        if text in page.evaluate("document.activeElement.innerText"):
            return page.locator(".case-timeline .accordion-button", has_text=text)
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the entry {text!r}")


def test_a_refused_applicant_reads_the_reasons_and_opens_the_minutes_with_the_keyboard(
    page: Any, live_url: str
) -> None:
    sign_in(page, live_url, "dennis@borger.example")
    page.click("main a:has-text('Lægesekretær, Aarhus Universitetshospital')")
    # The reasons for the refusal come first, and its entry in the timeline is open.
    focus = page.locator("section.focus-entry")
    assert "Skriftligt afslag med klagevejledning" in focus.inner_text()
    assert REFUSAL in focus.inner_text() and "Almindeligt brev" in focus.inner_text()
    refusal = page.locator(".case-timeline .accordion-button", has_text="Skriftligt afslag")
    assert refusal.get_attribute("aria-expanded") == "true"
    # The minutes are there, closed; opened with the keyboard they are read in full.
    button = tab_to(page, NEGOTIATION)
    assert button.get_attribute("aria-expanded") == "false"
    content = page.locator(f"#{button.get_attribute('aria-controls')}")
    assert not content.is_visible()
    assert MINUTES not in page.inner_text("main")
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert content.is_visible()
    text = content.inner_text()
    assert MINUTES in text
    assert "Arbejdsgiveren fastholder afslaget" in text  # the outcome by its Danish name
    assert "Arbejdsredskaber og mindre arbejdspladsindretning" in text  # schemes by their names
    assert "1. Er ansøgerens kompetencer taget i betragtning?\nJa" in text
    assert "no_hire" not in text and "assistive_devices" not in text
    accessible_at_every_width(page, "applicant-timeline")  # (opens and closes the phone menu)
    button.focus()
    page.keyboard.press("Space")  # the same button closes it again
    assert button.get_attribute("aria-expanded") == "false" and not content.is_visible()


def test_the_employer_opens_the_same_entry_without_the_jobcentres_minutes(
    page: Any, live_url: str
) -> None:
    sign_in(page, live_url, "hr@rm.example")
    page.click("main a:has-text('Lægesekretær, Aarhus Universitetshospital')")
    page.click("main a:has-text('Dennis Dahl')")
    button = tab_to(page, NEGOTIATION)
    page.keyboard.press("Enter")
    content = page.locator(f"#{button.get_attribute('aria-controls')}")
    assert content.is_visible()
    text = content.inner_text()
    assert "Arbejdsgiveren fastholder afslaget" in text and "Referat\n" not in text
    # Neither the minutes nor the jobcentre's assessment reasoning is anywhere in the page.
    html = page.content()
    assert MINUTES not in html and "skærmlæser og tilpasset arbejdsplads" not in html
    statement = tab_to(page, "Skriftlig redegørelse til jobcenteret")
    page.keyboard.press("Enter")
    assert statement.get_attribute("aria-expanded") == "true"
    assert "Sundhedsplatformen, som Dennis ikke har" in page.inner_text("main")
    accessible_at_every_width(page, "employer-timeline")
