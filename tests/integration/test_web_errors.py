"""Errors on the case page say how to fix them (issue 10, point 6): in the page's words, all at
once, with "Fejl:" in the title and the answers kept (ticked schemes too); a reasoning that a "no"
requires is not labelled "(frivilligt)". On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from flask import Flask

from tests.integration.conftest import Api, World, apply, drive, vacancy
from tests.integration.test_web_every_path import act, browser, page_of, text


def test_the_minutes_refused_keep_the_ticked_schemes_and_name_every_problem(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "negotiation_required")
    caseworker = browser(app, world.cw_aarhus)
    refused = caseworker.post(
        f"/applications/{case['id']}",
        data={
            "csrf_token": re.search(
                r'name="csrf_token" value="([^"]+)"',
                page_of(caseworker, f"/applications/{case['id']}"),
            ).group(1),  # type: ignore[union-attr]
            "type": "negotiation_held",
            "held_on": "2026-12-01",
            "minutes": "for kort",
            "schemes_presented": ["personal_assistance", "assistive_devices"],
        },
    )
    assert refused.status_code == 422
    page = text(refused)
    assert page.startswith("<!doctype html>") and "<title>Fejl:" in page
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    # Every problem at once, each in the page's words.
    for anchor in ("negotiation-held-minutes", "negotiation-held-competences-considered"):
        assert f'href="#{anchor}"' in summary
    assert "Vælg ja eller nej" in summary and "true eller false" not in page
    for code in ("personal_assistance", "assistive_devices"):
        assert re.search(rf'value="{code}" class="form-checkbox checkbox-large"\s+checked', page)


def test_a_reasoning_a_no_requires_is_not_called_optional(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    caseworker = browser(app, world.cw_aarhus)
    page = page_of(caseworker, f"/applications/{case['id']}")
    reasoning = page[page.index('for="assessment-reasoning"') :][:200]
    assert "frivilligt" not in reasoning
    assert "Skal udfyldes, hvis du svarer nej" in page
    refused = act(
        caseworker,
        case["id"],
        "assessment",
        can_perform="false",
        has_difficulty_getting_work="true",
    )
    assert refused.status_code == 422 and 'href="#assessment-reasoning"' in text(refused)
