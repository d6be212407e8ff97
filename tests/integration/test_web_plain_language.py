"""Plain language on the pages (issue 10, point 8): names instead of codes, legal references behind
"Læs mere", amounts the Danish way, no ☐ glyphs. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from flask import Flask

from tests.integration.conftest import Api, World, apply, vacancy
from tests.integration.test_web_every_path import browser, page_of


def visible(page: str) -> str:
    """The page's text outside the "Læs mere" details (what a reader sees without opening them)."""
    page = re.sub(r'<details class="legal-ref">.*?</details>', "", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def test_a_section_7_case_names_the_jobcentre_and_keeps_the_law_behind_read_more(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    # A vacancy at the applicant's own jobcentre: handled by a neighbour (bek. § 7).
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    case = apply(api, world.applicant, v["id"], "via_jobcentre")
    page = page_of(browser(app, world.applicant), f"/applications/{case['id']}")
    code = case["handling_jobcentre_code"]
    shown = visible(page)
    assert "Sagen behandles af Jobcenter" in shown and f"({code})" not in shown
    assert "bek. §" not in shown  # the next step, in plain words
    assert 'class="legal-ref"' in page and "Læs mere" in page
    assert "☐" not in page


def test_the_employer_home_duties_are_plain(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    apply(api, world.applicant, vacancy(api, world.employer)["id"])
    page = page_of(browser(app, world.employer), "/")
    assert 'class="duty-list"' in page and "bek. §" not in visible(page)


def test_amounts_are_danish_and_schemes_have_names(app: Flask, world: World) -> None:
    admin = browser(app, world.admin)
    rates = page_of(admin, "/admin/rates")
    assert re.search(r"\d+,\d\d kr\.", rates), rates[:2000]
    assert not re.search(r"\b\d+\.\d\d kr", rates)
    templates = page_of(admin, "/admin/templates")
    assert "assistive_devices" not in visible(templates)
    caseworker = browser(app, world.cw_aarhus)
    new_card = page_of(caseworker, f"/cards/new?applicant={world.applicant.id}")
    assert "assistive_devices" not in visible(new_card) and "(forhånd)" not in new_card
