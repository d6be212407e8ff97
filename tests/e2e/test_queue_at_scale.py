"""Issue 10, point 4 in the browser: a jobcentre with 5,000 open cases. The queue is sorted and
paged in the database, so the oldest overdue case is first on page 1 (the old queue loaded the 200
newest and lost it), at a desktop's and a phone's width, with no sideways scrolling at 320 CSS px.

The cases are written straight into the database in bulk (through the API they would take minutes).
They live in a served app of their own, not in the demo the other journeys share, so 5,000 cases
change nothing there."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert

from fortrin import accounts, db, demo, notifications
from fortrin.models import Application, Organisation, User, Vacancy, new_id
from fortrin.workflows.reminders import queue_due_on
from tests.e2e.conftest import served
from tests.e2e.test_journeys import WCAG, sign_in
from tests.e2e.test_promise_journeys import phone_menu_works

CASEWORKER = "sagsbehandler.odense@fortrin.example"
CASES = 5000
# Odense's cases enter their state from 1 January to 30 November 2026 (the clock: 1 December).
OLDEST = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
STATES = [
    "awaiting_assessment",
    "awaiting_eligibility_check",
    "interview_required",
    "interview_scheduled",
    "interviewed",
    "statement_required",
    "negotiation_required",
    "refusal_pending",
]


def _seed(app: Flask) -> None:
    """5,000 open cases at Jobcenter Odense (461) and, older still, one at København's (101)."""
    chance = random.Random(4)
    with app.app_context(), db.unit_of_work() as session:
        accounts.create_user(
            session,
            email=CASEWORKER,
            password=demo.PASSWORD,
            role="caseworker",
            name="Sagsbehandler i Odense",
            jobcentre_code="461",
        )
        organisation = Organisation(
            name="Odense Kommune", kind="municipality", municipality_code="461", created_at=OLDEST
        )
        session.add(organisation)
        session.flush()
        # Past their application deadline: offered to no applicant by the other journeys.
        vacancies = [
            Vacancy(
                organisation_id=organisation.id,
                title=f"Stilling nr. {n} i Odense Kommune",
                kind="job",
                application_deadline=date(2025, 12, 1),
                workplace_municipality_code="461",
                created_at=OLDEST,
            )
            for n in range(1, 41)
        ]
        vacancies.append(
            Vacancy(
                organisation_id=organisation.id,
                title="Pedel ved Odense Rådhus",
                kind="job",
                application_deadline=date(2025, 12, 1),
                workplace_municipality_code="461",
                created_at=OLDEST,
            )
        )
        session.add_all(vacancies)
        hidden = Organisation(name="Skjult arbejdsgiver", kind="region", created_at=OLDEST)
        session.add(hidden)
        session.flush()
        applicants = [
            User(
                email=f"borger{n}@odense.example",
                name=f"Borger {n} Fynbo",
                password_hash="!",  # never signs in
                role="applicant",
                home_municipality_code="461",
                created_at=OLDEST,
            )
            for n in range(1, 201)
        ]
        oldest = User(
            email="asta@odense.example",
            name="Asta Ældst",
            password_hash="!",
            role="applicant",
            home_municipality_code="461",
            created_at=OLDEST,
        )
        other = User(
            email="skjult@kbh.example",
            name="Skjult Anden Kommune",
            password_hash="!",
            role="applicant",
            home_municipality_code="101",
            created_at=OLDEST,
        )
        session.add_all([*applicants, oldest, other])
        session.flush()
        end = datetime(2026, 11, 30, 15, tzinfo=UTC)
        span = int((end - OLDEST).total_seconds()) - 3600

        def row(applicant: str, vacancy: str, state: str, since: datetime, code: str) -> Any:
            return {
                "id": new_id(),
                "vacancy_id": vacancy,
                "applicant_id": applicant,
                "route": "via_jobcentre",
                "state": state,
                "handling_jobcentre_code": code,
                "home_jobcentre_code": code,
                "routed_to_neighbour": chance.random() < 0.1,
                "employer_contacted": state != "awaiting_assessment",
                "created_at": since - timedelta(days=2),
                "updated_at": since,
                "state_since": since,
                "version": 1,
                # Written in bulk, past the hook that keeps it (cases._schedule): set here, by the
                # same rule and the service's thresholds, as fortrin/synth.py does.
                "queue_due_on": queue_due_on(state, since, None, None, notifications.thresholds()),
            }

        rows = [
            row(
                chance.choice(applicants).id,
                chance.choice(vacancies[:-1]).id,
                chance.choice(STATES),
                OLDEST + timedelta(seconds=3600 + chance.randrange(span)),
                "461",
            )
            for _ in range(CASES - 1)
        ]
        rows.append(row(oldest.id, vacancies[-1].id, "awaiting_assessment", OLDEST, "461"))
        # Older still, but another jobcentre's: never in Odense's queue.
        earlier = OLDEST - timedelta(days=30)
        rows.append(row(other.id, vacancies[0].id, "awaiting_assessment", earlier, "101"))
        session.execute(insert(Application), rows)


@pytest.fixture(scope="module")
def scale_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(sqlite_template, tmp_path_factory.mktemp("queue-at-scale"), _seed) as app:
        yield str(app.config["FORTRIN_BASE_URL"])


def no_serious_violations(page: Any, name: str) -> None:
    """axe-core as in the other journeys (no serious or critical WCAG 2.1 AA violation), without a
    screenshot: this page is not one of the README's."""
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{name}: {serious}"


def first_row(page: Any) -> str:
    return str(page.locator("main table tbody tr").first.inner_text())


def no_sideways_scrolling(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{scrolled}px wide at {width}px"


def test_the_oldest_overdue_case_of_5000_is_first(page: Any, scale_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, scale_url, CASEWORKER)
    main = page.inner_text("main")
    assert page.locator("h1").inner_text() == "Arbejdskø"
    assert "Viser 1-50 af 5.000 sager" in main and "Åbne sager: 5.000" in main
    assert page.locator("main table tbody tr").count() == 50
    first = first_row(page)
    assert "Asta Ældst: Pedel ved Odense Rådhus" in first
    assert "12. januar 2026" in first and "fristen er overskredet" in first
    assert "Skjult Anden Kommune" not in main
    # A compact table: many cases on one screen of a laptop.
    rows = page.locator("main table tbody tr")
    tall = rows.nth(0).bounding_box()["height"]
    assert tall < 90, f"a row is {tall}px tall at 1280px"
    no_serious_violations(page, "queue-5000-desktop")

    # The next page, and back by the filters: overdue only, and a search.
    # Paged by key (issue 12): "Næste" and "Forrige", no page numbers.
    page.click("nav.pagination >> text=Næste")
    assert "efter=" in page.url and "Viser 51-100 af 5.000 sager" in page.inner_text("main")
    second_first = first_row(page)
    page.click("nav.pagination >> text=Næste")
    assert "Viser 101-150 af 5.000 sager" in page.inner_text("main")
    page.click("nav.pagination >> text=Forrige")
    assert "foer=" in page.url and "Viser 51-100 af 5.000 sager" in page.inner_text("main")
    assert first_row(page) == second_first
    page.check("#queue-overdue")
    page.click("button:has-text('Vis sager')")
    assert "overskredet=1" in page.url and "efter" not in page.url and "foer" not in page.url
    assert "Asta Ældst" in first_row(page)
    page.fill("#queue-search", "pedel ved odense")
    page.click("button:has-text('Vis sager')")
    assert page.locator("main table tbody tr").count() == 1
    assert "Viser 1 sag" in page.inner_text("main")
    page.goto(f"{scale_url}/?side=99")  # an address from before the pages were read by key
    assert "Siderne har ikke længere numre" in page.inner_text("main")
    page.click("text=Gå til første side")
    assert "Viser 1-50 af 5.000 sager" in page.inner_text("main")

    # A phone: the table reflows into one block per case; the first is still the oldest.
    page.goto(scale_url)
    page.set_viewport_size({"width": 375, "height": 800})
    assert "Asta Ældst" in first_row(page)
    assert page.locator("main table thead").is_hidden()  # the headings go into each cell
    assert "1-50 af 5.000" in page.inner_text("nav.pagination")  # between the arrows
    no_sideways_scrolling(page, 375)
    no_serious_violations(page, "queue-5000-phone")
    no_sideways_scrolling(page, 320)
    phone_menu_works(page, "queue-5000-phone")
