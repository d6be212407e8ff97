"""Issue 11, point 3 in the browser: the statistics page for a caseworker (their jobcentre's area) and an
admin (every jobcentre, or one), at a desktop's and a phone's width, with axe-core. Every number in
the tables is the API's number for the same caller and period (``GET /api/v1/statistics``).

Jobcenter København gets almost three years of history (January 2024 to November 2026), written
straight into the database in a served app of its own, so the demo the other journeys share is not
changed and the page has enough cases per month to show numbers rather than "skjult"."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.numbers import format_decimal
from flask import Flask
from sqlalchemy import insert
from sqlmodel import select

from fortrin import db
from fortrin.clock import COPENHAGEN
from fortrin.models import (
    Application,
    ApplicationEvent,
    Breach,
    Organisation,
    User,
    Vacancy,
    new_id,
)
from fortrin.security import issue_token
from tests.e2e.conftest import served
from tests.e2e.test_journeys import assert_accessible, sign_in
from tests.e2e.test_promise_journeys import phone_menu_works
from tests.e2e.test_queue_at_scale import no_serious_violations, no_sideways_scrolling

CASEWORKER = "sagsbehandler.kbh@fortrin.example"
ADMIN = "admin@fortrin.example"
FIRST = datetime(2024, 1, 2, 9, 0, tzinfo=COPENHAGEN)
CLOCK = datetime(2026, 12, 1, 9, 0, tzinfo=COPENHAGEN)  # the demo's (tests/conftest.py)
CASES = 1000


def _timeline(
    chance: random.Random, created: datetime
) -> list[tuple[str, datetime, dict[str, Any]]]:
    """One case's steps after the application, each (type, when, data), as the rules allow them."""
    steps: list[tuple[str, datetime, dict[str, Any]]] = []
    moment = created

    def later(low: int, high: int) -> datetime:
        nonlocal moment
        moment = moment + timedelta(days=chance.randint(low, high), minutes=chance.randint(0, 300))
        return moment

    suitable = chance.random() < 0.85
    steps.append(("assessment", later(1, 9), {"can_perform": suitable}))
    if not suitable:
        return steps
    starts = later(2, 6) + timedelta(days=4)
    steps.append(("interview_scheduled", moment, {"starts_at": starts.isoformat()}))
    moment = starts
    steps.append(("interview_held", later(0, 0), {}))
    hired = chance.random() < 0.3
    steps.append(("decision", later(0, 3), {"outcome": "hired" if hired else "not_hired"}))
    if hired:
        return steps
    steps.append(("statement_submitted", later(1, 9), {}))
    if chance.random() < 0.1:
        steps.append(("negotiation_not_held", later(15, 18), {}))
    else:
        held = later(2, 16)
        outcome = "hire" if chance.random() < 0.15 else "no_hire"
        steps.append(
            ("negotiation_held", held, {"held_on": held.date().isoformat(), "outcome": outcome})
        )
        if outcome == "hire":
            return steps
    sent = later(1, 6)
    steps.append(("refusal_notified", sent, {"sent_on": sent.date().isoformat()}))
    if chance.random() < 0.2:
        asked = later(3, 20)
        steps.append(("opinion_requested", asked, {"requested_on": asked.date().isoformat()}))
    return steps


NEXT_STATE = {
    "assessment": lambda data: "interview_required" if data["can_perform"] else "not_suitable",
    "interview_scheduled": lambda data: "interview_scheduled",
    "interview_held": lambda data: "interviewed",
    "decision": lambda data: "hired" if data["outcome"] == "hired" else "statement_required",
    "statement_submitted": lambda data: "negotiation_required",
    "negotiation_held": lambda data: "hired" if data["outcome"] == "hire" else "refusal_pending",
    "negotiation_not_held": lambda data: "refusal_pending",
    "refusal_notified": lambda data: "opinion_window",
    "opinion_requested": lambda data: "opinion_requested",
}


def _history(app: Flask) -> None:
    """About 1,000 cases handled by Jobcenter København since January 2024, and six breaches."""
    chance = random.Random(11)
    with app.app_context(), db.unit_of_work() as session:
        organisations = session.exec(select(Organisation)).all()
        vacancies = [
            Vacancy(
                organisation_id=organisations[n % len(organisations)].id,
                title=f"Tidligere stilling nr. {n}",
                kind="job",
                application_deadline=date(2023, 12, 31),
                workplace_municipality_code="101",
                state="filled",
                created_at=FIRST,
            )
            for n in range(1, 31)
        ]
        session.add_all(vacancies)
        citizens = [
            User(
                email=f"tidligere{n}@kbh.example",
                name=f"Tidligere Ansøger {n}",
                password_hash="!",  # never signs in
                role="applicant",
                home_municipality_code="101",
                created_at=FIRST,
            )
            for n in range(1, 301)
        ]
        session.add_all(citizens)
        session.flush()
        span = int((CLOCK - FIRST).total_seconds())
        applications, events = [], []
        for _ in range(CASES):
            created = FIRST + timedelta(seconds=chance.randrange(span))
            case_id, state = new_id(), "awaiting_assessment"
            timeline = [("submitted", created, {"route": "via_jobcentre"})]
            timeline += [step for step in _timeline(chance, created) if step[1] < CLOCK]
            for seq, (kind, moment, data) in enumerate(timeline, start=1):
                before, state = (
                    (None, state) if kind == "submitted" else (state, NEXT_STATE[kind](data))
                )
                events.append(
                    {
                        "application_id": case_id,
                        "seq": seq,
                        "at": moment.astimezone(UTC),
                        "type": kind,
                        "actor_role": "system",
                        "from_state": before,
                        "to_state": state,
                        "data": data,
                    }
                )
            applications.append(
                {
                    "id": case_id,
                    "vacancy_id": chance.choice(vacancies).id,
                    "applicant_id": chance.choice(citizens).id,
                    "route": "via_jobcentre",
                    "state": state,
                    "handling_jobcentre_code": "101",
                    "home_jobcentre_code": "101",
                    "routed_to_neighbour": False,
                    "employer_contacted": len(timeline) > 1 and state != "not_suitable",
                    "created_at": created.astimezone(UTC),
                    "updated_at": timeline[-1][1].astimezone(UTC),
                    "state_since": timeline[-1][1].astimezone(UTC),
                    "version": 1,
                }
            )
        session.execute(insert(Application), applications)
        session.execute(insert(ApplicationEvent), events)
        for n in range(6):
            session.add(
                Breach(
                    organisation_id=organisations[n % len(organisations)].id,
                    jobcentre_code="101",
                    found_on=date(2026, 2 + n, 10),
                    source="ankestyrelsen",
                    summary="Ankestyrelsen fandt, at der ikke var forhandlet.",
                    created_at=CLOCK.astimezone(UTC),
                )
            )


@pytest.fixture(scope="module")
def stats_app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with served(sqlite_template, tmp_path_factory.mktemp("statistics"), _history) as app:
        yield app


def api_figures(app: Flask, email: str, query: str) -> dict[str, Any]:
    """What the API answers the same person for the same filters."""
    with app.app_context(), db.unit_of_work() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        token, _ = issue_token(session, user)
    response = app.test_client().get(
        f"/api/v1/statistics?{query}", headers={"Authorization": f"Bearer {token}"}
    )
    body = response.get_json()
    assert response.status_code == 200 and isinstance(body, dict), body
    return body


def as_shown(period: dict[str, Any], name: str) -> str:
    if name in period["suppressed"]:
        return "skjult"
    value = period[name]
    return "–" if value is None else format_decimal(value, format="#,##0.#", locale="da")


def table_figures(page: Any, table: str) -> list[dict[str, str]]:
    """Each row of a table on the page: its ``data-figure`` cells and the text they show."""
    return list(
        page.eval_on_selector_all(
            f"#{table} tbody tr",
            """rows => rows.map(row => Object.fromEntries(
                [...row.querySelectorAll('td[data-figure]')].map(
                    cell => [cell.dataset.figure, cell.innerText.trim()])))""",
        )
    )


def assert_tables_match(page: Any, figures: dict[str, Any]) -> None:
    """The page's tables show the API's numbers: the period's, the duties' and each month's."""
    key = table_figures(page, "table-key")[0] | {
        name: value for row in table_figures(page, "table-key")[1:] for name, value in row.items()
    }
    assert key == {name: as_shown(figures["total"], name) for name in key}
    assert len(key) == 11
    months = table_figures(page, "table-months")
    periods = [*figures["periods"], figures["total"]]
    assert len(months) == len(periods)
    for row, period in zip(months, periods, strict=True):
        assert row == {name: as_shown(period, name) for name in row}, period["period"]
    duties = table_figures(page, "table-duties")
    for row, duty in zip(duties, figures["duties_on_time"], strict=True):
        assert row["due"] == format_decimal(duty["due"], locale="da")
        assert row["on_time"] == format_decimal(duty["on_time"], locale="da")
        shown = row["share"].replace("\xa0", " ")
        assert shown == f"{round(duty['share'] * 100)} %", (shown, duty)
    cards = table_figures(page, "table-cards")
    card_values = {name: value for row in cards for name, value in row.items()}
    assert card_values == {
        name: format_decimal(figures["compensation_cards"][name], locale="da")
        for name in card_values
    }


def test_a_caseworker_reads_the_figures_of_the_jobcentre(page: Any, stats_app: Flask) -> None:
    url = str(stats_app.config["FORTRIN_BASE_URL"])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, url, CASEWORKER)
    page.click("header nav >> text=Statistik")
    page.wait_for_url(f"{url}/statistik")
    assert page.locator("h1").inner_text() == "Statistik for fortrinsadgang"
    main = page.inner_text("main")
    assert "Tal for de sager, Jobcenter København behandler" in main
    assert "Perioden 1. januar 2026 til 1. december 2026" in main
    figures = api_figures(stats_app, CASEWORKER, "")
    assert figures["jobcentre"] == "101" and figures["small_counts_hidden_below"] == 3
    assert figures["total"]["applications"] > 250  # the history of 2026, and the demo's
    assert_tables_match(page, figures)
    # Four charts, each an image with a name and the numbers as its text alternative.
    charts = page.locator("main svg[role=img]")
    assert charts.count() == 4
    trend = page.locator("#chart-trend-desc").text_content()
    assert "Ansøgninger: jan. " in trend and "Afslag: " in trend
    assert_accessible(page, "caseworker-statistics")  # and the README's screenshot

    # The period from June: seven months and the whole, the same numbers as the API's.
    page.fill("#stat-from", "2026-06-01")
    page.click("button:has-text('Vis tallene')")
    assert "fra=2026-06-01" in page.url
    assert page.locator("#table-months tbody tr").count() == 8
    assert_tables_match(page, api_figures(stats_app, CASEWORKER, "from=2026-06-01&to=2026-12-01"))

    # The CSV for Excel: the same filters, semicolons, a header row.
    href = page.get_attribute("text=Hent tallene som CSV-fil til Excel", "href")
    assert href == "/statistik.csv?fra=2026-06-01&til=2026-12-01"
    download = page.request.get(f"{url}{href}")
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text().startswith("\ufeffperiod;from;to;applications;")

    # A phone: nothing scrolls sideways but the table of months, inside its own region.
    page.set_viewport_size({"width": 375, "height": 800})
    no_serious_violations(page, "caseworker-statistics-phone")
    no_sideways_scrolling(page, 375)
    region = page.locator("#table-months").locator("xpath=..")
    assert region.get_attribute("tabindex") == "0"
    assert page.evaluate("el => el.scrollWidth > el.clientWidth", region.element_handle()), (
        "the months' table scrolls in its region"
    )
    chart = page.locator("#chart-key-title").locator("xpath=..").bounding_box()
    assert chart["width"] <= 375
    no_sideways_scrolling(page, 320)
    phone_menu_works(page, "caseworker-statistics-phone")


def test_an_admin_chooses_a_jobcentre_and_an_error_is_named(page: Any, stats_app: Flask) -> None:
    url = str(stats_app.config["FORTRIN_BASE_URL"])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, url, ADMIN)
    page.goto(f"{url}/statistik")
    assert "alle jobcentre" in page.inner_text("#stat-scope")
    assert_tables_match(page, api_figures(stats_app, ADMIN, ""))
    page.select_option("#stat-jobcentre", label="Jobcenter København")
    page.click("button:has-text('Vis tallene')")
    assert "jobcenter=101" in page.url
    figures = api_figures(stats_app, ADMIN, "jobcentre=101")
    assert figures["small_counts_hidden_below"] is None  # an admin sees every number
    assert_tables_match(page, figures)
    no_serious_violations(page, "admin-statistics")
    # A period that ends before it begins: the error summary takes the focus and names the field.
    page.fill("#stat-from", "2026-05-01")
    page.fill("#stat-to", "2026-04-01")
    page.click("button:has-text('Vis tallene')")
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    # The focus moves when fortrin.js has run, which may be a moment after the summary shows.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'error-summary'"
    )
    assert "Til-datoen skal ligge på eller efter fra-datoen." in summary.inner_text()
    assert page.title().startswith("Fejl:")
    assert page.get_attribute("#stat-to", "aria-invalid") == "true"
    no_serious_violations(page, "admin-statistics-error")
    page.set_viewport_size({"width": 375, "height": 800})
    no_sideways_scrolling(page, 375)
