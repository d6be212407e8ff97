"""Issue 10, points 8 and 10 in the browser: the admin's routing table (98 municipalities under their
regions, by name with the code second, searched) and the users (1,200 and more, searched, filtered,
paged), where a deactivation and a new role are checked first. At a laptop's width (1280 px) and a
phone's (375 px) with axe-core, and no sideways scrolling at 320 px.

The users are deactivated and change role in a served app of its own, not in the demo the other
journeys share (they sign in as these users)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert

from fortrin import db, demo
from fortrin.models import User, new_id
from tests.e2e.conftest import served
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_promise_journeys import fits_a_phone
from tests.e2e.test_queue_at_scale import no_serious_violations

ADMIN = "admin@fortrin.example"
CITIZENS = 1200


def _citizens(app: Flask) -> None:
    """1,200 citizens, written in bulk (they never sign in)."""
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    with app.app_context(), db.unit_of_work() as session:
        session.execute(
            insert(User),
            [
                {
                    "id": new_id(),
                    "email": f"borger{n}@masse.example",
                    "name": f"Borger {n} Masse",
                    "password_hash": "!",
                    "role": "applicant",
                    "home_municipality_code": "461",
                    "active": n % 4 != 0,
                    "created_at": start + timedelta(minutes=n),
                }
                for n in range(1, CITIZENS + 1)
            ],
        )


@pytest.fixture(scope="module")
def admin_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo and 1,200 citizens, served on loopback."""
    with served(sqlite_template, tmp_path_factory.mktemp("admin-lists"), _citizens) as app:
        yield str(app.config["FORTRIN_BASE_URL"])


def at(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def main_text(page: Any) -> str:
    return str(page.inner_text("main"))


def test_an_admin_finds_a_municipality_and_a_user_and_deactivates_after_checking(
    page: Any, admin_url: str
) -> None:
    at(page, 1280)
    sign_in(page, admin_url, ADMIN)

    # The routing table: five regions, each municipality by name with its code second.
    page.click("nav >> text=Nabojobcentre")
    assert page.locator("h1").inner_text() == "Nabojobcentre efter bek. § 7"
    assert "98 kommuner i 5 regioner" in main_text(page)
    assert page.locator("main section h2").count() == 5
    assert page.locator("main tbody tr[id^=kommune-]").count() == 98
    aarhus = page.locator("#kommune-751").inner_text()
    assert "Aarhus" in aarhus and "Jobcenter Skanderborg" in aarhus and "746" in aarhus
    no_serious_violations(page, "admin-routing-1280")
    page.fill("#routing-search", "skanderborg")
    page.keyboard.press("Enter")  # a plain GET form: no JavaScript needed
    page.wait_for_url(lambda url: "soeg=skanderborg" in url)
    assert "1 kommune passer til søgningen" in main_text(page)
    assert page.locator("main tbody tr[id^=kommune-]").count() == 1
    page.select_option("#routing-region", "1084")
    page.click("button:has-text('Vis kommuner')")
    assert "Ingen kommuner passer til søgningen." in main_text(page)
    page.click("text=Ryd søgningen")
    page.select_option("#routing-region", "1082")
    page.click("button:has-text('Vis kommuner')")
    assert "19 kommuner passer til søgningen" in main_text(page)
    page.click("text=Ret nabojobcenter for Skanderborg")
    assert page.locator("h1").inner_text() == "Nabojobcenter for Skanderborg"
    assert "Kommunens eget jobcenter" in main_text(page)
    no_serious_violations(page, "admin-routing-edit-1280")
    page.goto(f"{admin_url}/admin/routing")
    at(page, 375)
    assert page.locator("main table thead").first.is_hidden()  # each cell is labelled instead
    no_serious_violations(page, "admin-routing-375")
    fits_a_phone(page, "admin-routing")

    # The users: counted and paged in the database, the numbers the Danish way.
    at(page, 1280)
    page.goto(f"{admin_url}/admin/users")
    everyone = CITIZENS + len(demo.USERS)
    shown = f"{everyone:,}".replace(",", ".")
    assert f"Viser 1-50 af {shown} brugere" in main_text(page)
    assert f"Brugere i alt: {shown}" in main_text(page)
    no_serious_violations(page, "admin-users-1280")
    page.click("nav.pagination >> text=Næste")
    assert "efter=" in page.url and f"Viser 51-100 af {shown} brugere" in main_text(page)
    page.select_option("#users-status", "deaktiverede")
    page.click("button:has-text('Vis brugere')")
    assert "Viser 1-50 af 300 brugere" in main_text(page) and "efter" not in page.url
    page.click("text=Ryd søgning og filtre")
    page.fill("#users-search", "KJÆR")
    page.select_option("#users-role", "caseworker")
    page.click("button:has-text('Vis brugere')")
    assert "Viser 1 bruger" in main_text(page)
    row = page.locator("main tbody tr").first.inner_text()
    assert "Karin Kjær" in row and "Jobcenter København" in row and "Aktiv" in row
    at(page, 375)
    no_serious_violations(page, "admin-users-375")
    fits_a_phone(page, "admin-users")

    # Deactivation is checked first; "Tilbage og ret" changes nothing.
    page.click("main >> text=Karin Kjær")
    assert page.locator("h1").inner_text() == "Karin Kjær"
    no_serious_violations(page, "admin-user-1280")
    page.click("button:has-text('Deaktivér brugeren')")
    assert page.locator("h1").inner_text() == "Deaktivér Karin Kjær?"
    assert "Brugeren kan ikke logge ind, før kontoen er genaktiveret." in main_text(page)
    no_serious_violations(page, "admin-user-deactivate-check")
    fits_a_phone(page, "admin-user-deactivate-check")
    page.click("button:has-text('Tilbage og ret')")
    assert page.locator("h1").inner_text() == "Karin Kjær"
    assert "Aktiv" in page.locator("main dl").inner_text()
    page.click("button:has-text('Deaktivér brugeren')")
    page.click("main button:has-text('Deaktivér brugeren')")
    assert "Brugeren er deaktiveret og logget ud overalt." in page.inner_text("[role=status]")
    assert "Deaktiveret" in page.locator("main dl").inner_text()
    page.click("button:has-text('Genaktivér brugeren')")  # at once: nothing to check
    assert "Brugeren er genaktiveret" in page.inner_text("[role=status]")

    # A new role: only the chosen role's field is used; the check says what follows.
    page.select_option("#r-role", "employer")
    page.select_option("#r-organisation", label="Københavns Kommune")
    page.click("button:has-text('Skift rolle')")
    assert page.locator("h1").inner_text() == "Skift rolle for Karin Kjær?"
    check = main_text(page)
    assert "Brugeren mister adgangen til sagerne i Jobcenter København." in check
    assert "Brugeren handler derefter for Københavns Kommune." in check
    no_serious_violations(page, "admin-user-role-check")
    page.click("main button:has-text('Skift rolle')")
    assert "Rollen er ændret." in page.inner_text("[role=status]")
    assert "Arbejdsgiver (Københavns Kommune)" in page.locator("main dl").inner_text()
