"""The data subject's export (GDPR art. 15; issue 9): ``GET /api/v1/me/data-export`` gives everything
the service holds about the caller as one JSON document, including who read or changed it; nothing
about anyone else's health; and the export itself is recorded in the audit trail."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from sqlmodel import select

from fortrin import db
from fortrin.models import ApiToken
from tests.integration.conftest import LEGAL, Api, World, apply, drive, make_user, ok, vacancy
from tests.integration.test_audit import PROFILE, register, rows_of, trail
from tests.integration.test_cards import IMPAIRMENT, issued_card

EXPORT = "/api/v1/me/data-export"

OTHER_PROFILE = {
    "education": "Pædagog",
    "qualifications": "Leder af en børnehave",
    "disability_nature": "Epilepsi med sjældne anfald",
    "disability_extent": "Må ikke arbejde alene om natten",
}
OTHER_CPR = "020202-2222"
OTHER_NOTES = "Talt om anfald og medicin; ønsker ikke natarbejde."


def export(api: Api, user: Any) -> dict[str, Any]:
    response = api.get(EXPORT, user)
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/json"
    return dict(response.json)


def test_an_applicant_gets_everything_held_about_them_and_who_read_it(
    api: Api, world: World
) -> None:
    register(api, world)
    card = issued_card(api, world)
    application = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    drive(api, world, application["id"], "interview_required")
    ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus))
    ok(api.get(f"/api/v1/applications/{application['id']}", world.employer))
    ok(api.get("/api/v1/me/calendar-feed", world.applicant))

    data = export(api, world.applicant)

    assert data["user"]["id"] == world.applicant.id
    assert data["user"]["cpr"] == "000101-0000" and data["user"]["role"] == "applicant"
    profile = data["profile"]
    assert profile["cpr"] == "000101-0000"
    assert {key: profile[key] for key in PROFILE} == PROFILE
    [case] = data["applications"]
    assert case["id"] == application["id"] and case["state"] == "interview_required"
    assert [entry["type"] for entry in case["timeline"]] == ["submitted", "eligibility_check"]
    [held] = data["compensation_cards"]
    assert held["id"] == card["id"] and held["impairment_summary"] == IMPAIRMENT
    assert held["verification_code"] == card["verification_code"]
    [talk] = data["conversations"]
    assert talk["id"] in held["conversation_ids"]
    assert data["calendar_feed"]["exists"] is True
    assert "url" not in data["calendar_feed"]
    assert isinstance(data["notifications"], list)
    assert data["api_tokens"] and {"id", "created_at", "expires_at", "revoked_at"} == set(
        data["api_tokens"][0]
    )

    about = data["audit_about_you"]
    [profile_read] = rows_of(about, action="read", entity="profile")
    assert profile_read["actor_id"] == world.cw_aarhus.id
    assert profile_read["actor_name"] == world.cw_aarhus.name
    assert profile_read["actor_role"] == "caseworker"
    [case_read] = rows_of(about, action="read", entity="application", actor_id=world.employer.id)
    assert case_read["entity_id"] == application["id"] and case_read["actor_role"] == "employer"
    assert rows_of(about, action="update", entity="application", detail="eligibility_check")
    assert rows_of(about, action="update", entity="card", detail="issue")
    # The export itself is the newest row, in both lists (the applicant did it, about themself).
    assert about[0]["action"] == "export" and about[0]["actor_id"] == world.applicant.id
    assert data["audit_by_you"][0] == about[0]
    assert rows_of(data["audit_by_you"], action="create", entity="application")


def test_the_export_holds_no_token_hash_or_feed_secret(app: Flask, api: Api, world: World) -> None:
    feed = ok(api.get("/api/v1/me/calendar-feed", world.applicant))
    text = json.dumps(export(api, world.applicant))
    with app.app_context():
        hashes = db.session().exec(select(ApiToken.token_hash)).all()
    assert hashes and not any(digest in text for digest in hashes)
    assert "token_hash" not in text and "password" not in text
    assert feed["url"].rsplit("/", 1)[-1].split(".")[0] not in text


def test_the_export_is_recorded_in_the_audit_trail(api: Api, world: World) -> None:
    export(api, world.employer)
    [row] = rows_of(trail(api, world, user_id=world.employer.id), action="export")
    assert row["entity"] == "user" and row["entity_id"] == world.employer.id
    assert row["subject_id"] == world.employer.id and row["actor_role"] == "employer"


def test_no_other_persons_health_data_is_in_an_export(app: Flask, api: Api, world: World) -> None:
    """Two citizens of one jobcentre, each registered, with a conversation, a card and a case at
    the same employer: neither export holds the other's health data or CPR number, and the
    employer's and the caseworker's exports (their own actions) hold no one's."""
    other = make_user(
        app, "applicant", home_municipality_code="751", name="Ole Anden", cpr=OTHER_CPR
    )
    register(api, world)
    issued_card(api, world)
    ok(api.put(f"/api/v1/applicants/{other.id}/profile", world.cw_aarhus, json=OTHER_PROFILE))
    talk = api.post(
        f"/api/v1/applicants/{other.id}/conversations",
        world.cw_aarhus,
        json={"held_on": "2026-11-25", "topics": ["impairment"], "notes": OTHER_NOTES},
    )
    assert talk.status_code == 201, talk.json
    posting = vacancy(api, world.employer)["id"]
    mine = apply(api, world.applicant, posting)
    theirs = apply(api, other, posting)
    for application in (mine, theirs):
        drive(api, world, application["id"], "interview_required")
        ok(api.get(f"/api/v1/applications/{application['id']}", world.employer))
    ok(api.get(f"/api/v1/applicants/{other.id}/profile", world.cw_aarhus))
    ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus))

    mine_text = json.dumps(export(api, world.applicant), ensure_ascii=False)
    theirs_text = json.dumps(export(api, other), ensure_ascii=False)
    for secret in (*OTHER_PROFILE.values(), OTHER_CPR, OTHER_NOTES, other.id, theirs["id"]):
        assert secret not in mine_text, secret
    for secret in (*PROFILE.values(), "000101-0000", IMPAIRMENT, world.applicant.id, mine["id"]):
        assert secret not in theirs_text, secret
    assert OTHER_NOTES in theirs_text and "Epilepsi med sjældne anfald" in theirs_text

    for staff in (world.employer, world.cw_aarhus):
        data = export(api, staff)
        assert data["profile"] is None and data["applications"] == []
        assert data["compensation_cards"] == [] and data["conversations"] == []
        assert rows_of(data["audit_by_you"], action="read")  # their own actions are there
        text = json.dumps(data, ensure_ascii=False)
        for secret in (
            *PROFILE.values(),
            *OTHER_PROFILE.values(),
            "000101-0000",
            OTHER_CPR,
            IMPAIRMENT,
            OTHER_NOTES,
            LEGAL,
        ):
            assert secret not in text, (staff.role, secret)
