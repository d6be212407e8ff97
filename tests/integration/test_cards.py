"""Conversations and compensation cards (seeds 000, 001; domain.md section 10; api-contract.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Flask

from fortrin import clock
from fortrin.scheduler import reminder_pass
from tests.integration.conftest import LEGAL, Api, World, apply, drive, event, ok, vacancy
from tests.integration.test_notifications import kinds_for

IMPAIRMENT = "Høretab på begge ører; hører ikke tale i større forsamlinger."


def conversation(api: Api, world: World, **body: Any) -> dict[str, Any]:
    body = {
        "held_on": "2026-11-20",
        "topics": ["qualifications", "impairment", "match"],
        "notes": "Gennemgået uddannelse og behov.",
        **body,
    }
    response = api.post(
        f"/api/v1/applicants/{world.applicant.id}/conversations", world.cw_aarhus, json=body
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def set_limit(api: Api, world: World, limit: float | None) -> None:
    ok(api.put("/api/v1/jobcentres/751/grant-limit", world.admin, json={"grant_limit": limit}))


def card_body(world: World, conversation_id: str, **more: Any) -> dict[str, Any]:
    return {
        "applicant_id": world.applicant.id,
        "conversation_ids": [conversation_id],
        "impairment_summary": IMPAIRMENT,
        "job_functions": "Sagsbehandling, møder med borgere",
        "schemes": [
            {
                "scheme_code": "interpretation",
                "need": "Tegnsprogstolk ved møder",
                "pre_approved": True,
                "amount_limit": 20000,
            },
            {"scheme_code": "assistive_devices", "need": "Teleslynge", "pre_approved": False},
        ],
        "valid_until": "2027-12-31",
        "fast_track": {"responsible": "Karen Sagsbehandler, Jobcenter Aarhus", "max_days": 10},
        **more,
    }


def issued_card(api: Api, world: World) -> dict[str, Any]:
    set_limit(api, world, 50000)
    talk = conversation(api, world)
    card = api.post(
        "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
    )
    assert card.status_code == 201, card.json
    return ok(api.post(f"/api/v1/compensation-cards/{card.json['id']}/issue", world.cw_aarhus))


def test_a_card_from_a_template_and_a_conversation_in_two_calls(api: Api, world: World) -> None:
    """The trial's caseworkers spent 16-30 minutes a card (001); here: a template, a conversation."""
    talk = conversation(api, world)
    draft = api.post(
        "/api/v1/compensation-cards",
        world.cw_aarhus,
        json={
            "applicant_id": world.applicant.id,
            "conversation_ids": [talk["id"]],
            "template_code": "hearing",
            "valid_until": "2027-06-30",
            "fast_track": {"responsible": "Karen", "max_days": 14},
        },
    )
    assert draft.status_code == 201, draft.json
    assert draft.json["state"] == "draft" and draft.json["verification_code"] is None
    assert [s["scheme_code"] for s in draft.json["schemes"]] == [
        "interpretation",
        "assistive_devices",
    ]
    issued = ok(api.post(f"/api/v1/compensation-cards/{draft.json['id']}/issue", world.cw_aarhus))
    assert issued["state"] == "issued"
    code = issued["verification_code"]
    assert len(code) == 19 and code.count("-") == 3
    assert issued["verification_url"] == f"http://fortrin.test/cards/verify/{code}"


def test_a_card_needs_a_conversation_of_that_applicant_and_registry_schemes(
    api: Api, world: World
) -> None:
    talk = conversation(api, world)
    other = api.post(
        f"/api/v1/applicants/{world.applicant_kbh.id}/conversations",
        world.cw_kbh,
        json={"held_on": "2026-11-20", "topics": ["match"]},
    ).json
    for body, field in (
        (card_body(world, other["id"]), "conversation_ids"),
        ({**card_body(world, talk["id"]), "conversation_ids": []}, "conversation_ids"),
        ({**card_body(world, talk["id"]), "schemes": []}, "schemes"),
        ({**card_body(world, talk["id"]), "valid_until": "2026-11-30"}, "valid_until"),
        (
            {**card_body(world, talk["id"]), "schemes": [{"scheme_code": "unicorns", "need": "x"}]},
            "schemes.0.scheme_code",
        ),
    ):
        response = api.post("/api/v1/compensation-cards", world.cw_aarhus, json=body)
        assert response.status_code == 422, field
        assert field in response.json["error"]["fields"], response.json


def test_a_pre_approval_above_the_jobcentres_grant_limit_is_refused(api: Api, world: World) -> None:
    talk = conversation(api, world)
    no_limit = api.post(
        "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
    )
    assert no_limit.status_code == 422
    assert "schemes.0.amount_limit" in no_limit.json["error"]["fields"]
    set_limit(api, world, 15000)
    over = api.post(
        "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
    )
    assert over.status_code == 422
    assert "15000" in over.json["error"]["fields"]["schemes.0.amount_limit"]
    set_limit(api, world, 20000)
    assert (
        api.post(
            "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
        ).status_code
        == 201
    )
    log = api.get("/api/v1/reference-changes", world.admin).json
    assert [(c["entity"], c["new_value"]) for c in log[:2]] == [
        ("jobcentre", "20000.00"),
        ("jobcentre", "15000.00"),
    ]


def test_only_admins_set_grant_limits_and_templates(api: Api, world: World) -> None:
    assert (
        api.put(
            "/api/v1/jobcentres/751/grant-limit", world.cw_aarhus, json={"grant_limit": 1}
        ).status_code
        == 403
    )
    assert (
        api.put(
            "/api/v1/jobcentres/999/grant-limit", world.admin, json={"grant_limit": 1}
        ).status_code
        == 404
    )
    template = {
        "name": "Ordblindhed",
        "schemes": [
            {"scheme_code": "assistive_devices", "need": "Oplæsningsprogram", "pre_approved": True}
        ],
    }
    assert (
        api.put("/api/v1/card-templates/dyslexia", world.cw_aarhus, json=template).status_code
        == 403
    )
    assert ok(api.put("/api/v1/card-templates/dyslexia", world.admin, json=template))["name"] == (
        "Ordblindhed"
    )
    codes = {t["code"] for t in api.get("/api/v1/card-templates", world.cw_aarhus).json}
    assert {"hearing", "vision", "mobility", "dyslexia"} <= codes
    assert api.get("/api/v1/card-templates", world.employer).status_code == 403


def test_only_the_home_jobcentre_writes_conversations_and_cards(api: Api, world: World) -> None:
    path = f"/api/v1/applicants/{world.applicant.id}/conversations"
    body = {"held_on": "2026-11-20", "topics": ["match"]}
    assert api.post(path, world.cw_kbh, json=body).status_code == 404
    assert api.post(path, world.employer, json=body).status_code == 404
    assert api.post(path, world.applicant, json=body).status_code == 403
    bad = api.post(path, world.cw_aarhus, json={"held_on": "2026-12-24", "topics": ["gossip"]})
    assert bad.status_code == 422 and "topics.0" in bad.json["error"]["fields"]
    talk = conversation(api, world)
    assert (
        api.post(
            "/api/v1/compensation-cards", world.employer, json=card_body(world, talk["id"])
        ).status_code
        == 403
    )
    other = api.post("/api/v1/compensation-cards", world.cw_kbh, json=card_body(world, talk["id"]))
    assert other.status_code == 422 and "applicant_id" in other.json["error"]["fields"]


def test_the_public_verification_tells_validity_and_schemes_and_nothing_else(
    app: Flask, api: Api, world: World
) -> None:
    card = issued_card(api, world)
    response = api.get(f"/api/v1/card-verification/{card['verification_code']}")
    assert response.status_code == 200
    assert response.json == {
        "valid": True,
        "status": "issued",
        "name": "Ida Ansøger",
        "jobcentre_code": "751",
        "jobcentre_name": "Jobcenter Aarhus",
        "valid_until": "2027-12-31",
        "schemes": [
            {
                "scheme_code": "interpretation",
                "scheme_name": "Tegnsprogs- og skrivetolkning som personlig assistance",
                "pre_approved": True,
            },
            {
                "scheme_code": "assistive_devices",
                "scheme_name": "Arbejdsredskaber og mindre arbejdspladsindretning",
                "pre_approved": False,
            },
        ],
    }
    text = json.dumps(response.json, ensure_ascii=False)
    for secret in (IMPAIRMENT, "000101-0000", world.applicant.email, "Tegnsprogstolk ved møder"):
        assert secret not in text
    assert api.client.get("/api/v1/card-verification/XXXX-XXXX-XXXX-XXXX").status_code == 404
    page = api.client.get(f"/cards/verify/{card['verification_code']}").get_data(as_text=True)
    assert "Kortet er gyldigt" in page and IMPAIRMENT not in page
    assert "31. december 2027" in page
    app.config["FORTRIN_NOW"] = "2028-01-01T08:00:00+01:00"
    expired = api.get(f"/api/v1/card-verification/{card['verification_code']}").json
    assert (expired["valid"], expired["status"]) == (False, "expired")


def test_a_revoked_card_verifies_as_not_valid(api: Api, world: World) -> None:
    card = issued_card(api, world)
    path = f"/api/v1/compensation-cards/{card['id']}"
    assert api.post(f"{path}/revoke", world.cw_kbh, json={"reason": "x"}).status_code == 404
    assert api.post(f"{path}/revoke", world.applicant, json={"reason": "x"}).status_code == 403
    assert api.post(f"{path}/revoke", world.cw_aarhus, json={}).status_code == 422
    revoked = ok(api.post(f"{path}/revoke", world.cw_aarhus, json={"reason": "Fejl i kortet"}))
    assert revoked["state"] == "revoked"
    assert api.post(f"{path}/issue", world.cw_aarhus).status_code == 409
    verified = api.get(f"/api/v1/card-verification/{card['verification_code']}").json
    assert (verified["valid"], verified["status"]) == (False, "revoked")
    page = api.client.get(f"/cards/verify/{card['verification_code']}").get_data(as_text=True)
    assert "tilbagekaldt" in page


def test_who_reads_a_card(api: Api, world: World) -> None:
    card = issued_card(api, world)
    path = f"/api/v1/compensation-cards/{card['id']}"
    assert ok(api.get(path, world.applicant))["impairment_summary"] == IMPAIRMENT
    assert api.get(path, world.admin).status_code == 200
    assert api.get(path, world.employer).status_code == 404
    assert api.get(path, world.cw_kbh).status_code == 404
    listed = api.get(f"/api/v1/applicants/{world.applicant.id}/compensation-cards", world.applicant)
    assert [c["id"] for c in listed.json] == [card["id"]]
    assert (
        api.get(
            f"/api/v1/applicants/{world.applicant.id}/compensation-cards", world.employer
        ).status_code
        == 404
    )


def test_the_card_has_a_qr_code_for_its_verification(api: Api, world: World) -> None:
    card = issued_card(api, world)
    response = api.get(f"/api/v1/compensation-cards/{card['id']}/qr.svg", world.applicant)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    set_limit(api, world, 50000)
    talk = conversation(api, world)
    draft = api.post(
        "/api/v1/compensation-cards", world.cw_aarhus, json=card_body(world, talk["id"])
    ).json
    assert (
        api.get(f"/api/v1/compensation-cards/{draft['id']}/qr.svg", world.cw_aarhus).status_code
        == 409
    )


def test_an_employment_opens_one_fast_track_task_per_pre_approved_scheme(
    app: Flask, api: Api, world: World
) -> None:
    card = issued_card(api, world)
    path = f"/api/v1/compensation-cards/{card['id']}/employment"
    body = {"employer_name": "Aarhus Kommune, Borgerservice", "starts_on": "2026-12-15"}
    assert api.post(path, world.applicant, json=body).status_code == 403
    opened = ok(api.post(path, world.cw_aarhus, json=body))
    [task] = opened["fast_track_tasks"]
    assert (task["scheme_code"], task["due_on"], task["done_on"]) == (
        "interpretation",
        "2026-12-25",
        None,
    )
    with app.app_context():
        reminder_pass(clock.parse_instant("2026-12-22T09:00:00+01:00"))
        reminder_pass(clock.parse_instant("2026-12-23T09:00:00+01:00"))
    assert kinds_for(app, world.cw_aarhus.id) == ["fast_track_due"]
    app.config["FORTRIN_NOW"] = "2026-12-23T10:00:00+01:00"
    done = ok(api.post(f"/api/v1/fast-track-tasks/{task['id']}/done", world.cw_aarhus, json={}))
    assert done["fast_track_tasks"][0] == {**task, "done_on": "2026-12-23", "on_time": True}
    with app.app_context():
        reminder_pass(clock.parse_instant("2026-12-28T09:00:00+01:00"))
    assert kinds_for(app, world.cw_aarhus.id) == ["fast_track_due"]  # done: no overdue notice


def test_a_late_fast_track_task_is_escalated_once(app: Flask, api: Api, world: World) -> None:
    card = issued_card(api, world)
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/employment",
            world.cw_aarhus,
            json={"employer_name": "Region Midtjylland", "starts_on": "2026-12-01"},
        )
    )
    with app.app_context():
        for day in ("2026-12-12", "2026-12-13", "2026-12-20"):
            reminder_pass(clock.parse_instant(f"{day}T09:00:00+01:00"))
    assert kinds_for(app, world.cw_aarhus.id) == ["fast_track_overdue"]


def test_the_report_counts_per_jobcentre_and_period(app: Flask, api: Api, world: World) -> None:
    card = issued_card(api, world)
    conversation(api, world, held_on="2026-11-25")
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/employment",
            world.cw_aarhus,
            json={"employer_name": "Aarhus Kommune", "starts_on": "2026-12-01"},
        )
    )
    [task] = api.get(f"/api/v1/compensation-cards/{card['id']}", world.cw_aarhus).json[
        "fast_track_tasks"
    ]
    ok(api.post(f"/api/v1/fast-track-tasks/{task['id']}/done", world.cw_aarhus, json={}))
    path = "/api/v1/reports/compensation-cards?jobcentre=751&from=2026-11-01&to=2026-12-31"
    assert ok(api.get(path, world.cw_aarhus)) == {
        "jobcentre": "751",
        "from": "2026-11-01",
        "to": "2026-12-31",
        "conversations": 2,
        "cards_issued": 1,
        "cards_per_conversation": 0.5,
        "pre_approvals": 1,
        "employments": 1,
        "fast_track_tasks": 1,
        "fast_track_on_time": 1,
    }
    assert api.get(path, world.cw_kbh).status_code == 403
    assert api.get(path, world.employer).status_code == 403
    assert ok(api.get(path, world.admin))["cards_issued"] == 1
    bad = api.get(
        "/api/v1/reports/compensation-cards?jobcentre=751&from=1/11&to=2026-12-31", world.cw_aarhus
    )
    assert bad.status_code == 422 and "from" in bad.json["error"]["fields"]
    empty = ok(
        api.get(
            "/api/v1/reports/compensation-cards?jobcentre=751&from=2025-01-01&to=2025-12-31",
            world.cw_aarhus,
        )
    )
    assert empty["cards_per_conversation"] is None


def test_the_negotiation_can_take_the_schemes_from_the_card(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "negotiation_required")
    body = {
        "type": "negotiation_held",
        "held_on": "2026-12-01",
        "minutes": LEGAL,
        "competences_considered": True,
        "disability_not_decisive": True,
        "outcome": "no_hire",
        "schemes_from_card": True,
        "card_id": "forged",
    }
    refused = event(api, world.cw_aarhus, case["id"], **body)
    assert refused.status_code == 422 and "schemes_from_card" in refused.json["error"]["fields"]
    card = issued_card(api, world)
    held = ok(event(api, world.cw_aarhus, case["id"], **body))
    record = held["timeline"][-1]["data"]
    assert record["schemes_presented"] == ["interpretation", "assistive_devices"]
    assert record["card_id"] == card["id"]


def test_the_employer_sees_the_card_schemes_only_when_shared_and_never_the_impairment(
    api: Api, world: World
) -> None:
    card = issued_card(api, world)
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    path = f"/api/v1/applications/{case['id']}"
    assert ok(api.get(path, world.employer))["compensation_card"] is None
    assert (
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/share", world.cw_aarhus, json={"shared": True}
        ).status_code
        == 403
    )
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/share", world.applicant, json={"shared": True}
        )
    )
    seen = ok(api.get(path, world.employer))
    assert seen["compensation_card"]["verification_code"] == card["verification_code"]
    assert [s["scheme_code"] for s in seen["compensation_card"]["schemes"]] == [
        "interpretation",
        "assistive_devices",
    ]
    text = json.dumps(seen, ensure_ascii=False)
    assert IMPAIRMENT not in text and "Tegnsprogstolk ved møder" not in text
    assert date.fromisoformat(seen["compensation_card"]["valid_until"]) == date(2027, 12, 31)
