"""Irreversible actions are checked before they are recorded (issue 10, point 5): the refusal (its
date and channel fix the applicant's deadline), an application withdrawn, a card revoked. The first
post shows the answers and what follows and changes nothing; "Tilbage og ret" keeps the answers;
"Ja, ..." records. A vacancy withdrawn is in test_web_every_path.py. On SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask

from tests.integration.conftest import LEGAL, Api, World, apply, drive, vacancy
from tests.integration.test_cards import issued_card
from tests.integration.test_web_every_path import act, browser, case_of, page_of, post, text


def test_the_refusal_is_checked_with_the_deadline_it_gives(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "refusal_pending")
    employer = browser(app, world.employer)
    answers = {"reasoning": LEGAL, "sent_on": "2026-12-01", "channel": "letter"}
    asked = act(employer, case["id"], "refusal_notified", **answers)
    assert asked.status_code == 200
    check = text(asked)
    assert "Kontrollér afslaget, før det registreres" in check
    assert "1. december 2026" in check and "Almindeligt brev" in check and LEGAL in check
    # A letter dated Tuesday 1 December counts as received 6 working days later (9 December):
    # the 4 weeks run to 6 January 2027.
    assert "Ansøgerens frist for at bede om en udtalelse bliver 6. januar 2027" in check
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"
    path = f"/applications/{case['id']}"
    edit = post(employer, path, {"type": "refusal_notified", **answers, "confirmed": "edit"}, check)
    assert edit.status_code == 200
    assert 'value="letter" selected' in text(edit) and LEGAL in text(edit)
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"
    done = post(employer, path, {"type": "refusal_notified", **answers, "confirmed": "yes"}, check)
    assert done.status_code == 302
    after = case_of(api, world, case["id"])
    assert after["state"] == "opinion_window" and after["deadlines"][0]["due"] == "2027-01-06"


def test_a_refusal_with_a_problem_is_shown_at_the_form_not_confirmed(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, case["id"], "refusal_pending")
    employer = browser(app, world.employer)
    bad = act(employer, case["id"], "refusal_notified", reasoning="kort", sent_on="2026-12-01")
    assert bad.status_code == 422
    assert "Kontrollér afslaget" not in text(bad) and 'id="error-summary"' in text(bad)
    assert case_of(api, world, case["id"])["state"] == "refusal_pending"


def test_withdrawing_an_application_is_confirmed_first(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    applicant = browser(app, world.applicant)
    asked = act(applicant, case["id"], "withdrawn", reason="Jeg har fået andet arbejde")
    assert asked.status_code == 200 and "Træk ansøgningen tilbage?" in text(asked)
    assert case_of(api, world, case["id"])["state"] == "awaiting_eligibility_check"
    path = f"/applications/{case['id']}"
    done = post(applicant, path, {"type": "withdrawn", "confirmed": "yes"}, text(asked))
    assert done.status_code == 302
    assert case_of(api, world, case["id"])["state"] == "withdrawn"


def test_revoking_a_card_is_confirmed_first(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    card = issued_card(api, world)
    caseworker = browser(app, world.cw_aarhus)
    path = f"/cards/{card['id']}"
    page = page_of(caseworker, path)
    asked = post(caseworker, f"{path}/revoke", {"reason": "Fejl i behovet"}, page)
    assert asked.status_code == 200, text(asked)[:3000]
    check = text(asked)
    assert "Tilbagekald kortet?" in check and "Fejl i behovet" in check
    assert world.applicant.name in check
    assert api.get(f"/api/v1/compensation-cards/{card['id']}", world.cw_aarhus).json["state"] == (
        "issued"
    )
    edit = post(
        caseworker, f"{path}/revoke", {"reason": "Fejl i behovet", "confirmed": "edit"}, check
    )
    assert 'value="Fejl i behovet"' in text(edit)
    empty = post(caseworker, f"{path}/revoke", {"reason": ""}, check)
    assert empty.status_code == 302  # refused as before: back to the card with the message
    done = post(
        caseworker, f"{path}/revoke", {"reason": "Fejl i behovet", "confirmed": "yes"}, check
    )
    assert done.status_code == 302
    assert api.get(f"/api/v1/compensation-cards/{card['id']}", world.cw_aarhus).json["state"] == (
        "revoked"
    )
