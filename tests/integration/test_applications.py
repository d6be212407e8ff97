"""The case over HTTP: creation, bek. §7 routing, events, the timeline and the opinion window."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from fortrin import db
from tests.integration.conftest import (
    LEGAL,
    SUITABLE,
    Api,
    World,
    apply,
    drive,
    event,
    ok,
    vacancy,
)


def test_bek_6_a_direct_application_starts_with_the_employers_eligibility_check(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    assert case["state"] == "awaiting_eligibility_check" and not case["terminal"]
    assert case["outstanding_duties"] == [
        {
            "duty": "eligibility_check",
            "owner": "employer",
            "label": case["outstanding_duties"][0]["label"],
        }
    ]
    assert case["handling_jobcentre_code"] == "751" and not case["routed_to_neighbour"]
    assert case["timeline"][0]["type"] == "submitted"
    assert case["timeline"][0]["actor_role"] == "applicant"


def test_bek_6_stk_1_via_the_jobcentre_the_case_starts_with_its_assessment(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assert case["state"] == "awaiting_assessment"
    assessed = ok(event(api, world.cw_aarhus, case["id"], type="assessment", **SUITABLE))
    assert assessed["state"] == "interview_required"
    assert assessed["outstanding_duties"][0]["duty"] == "interview"


def test_a_caseworker_applies_for_an_applicant_of_its_own_area(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    response = api.post(
        "/api/v1/applications",
        world.cw_aarhus,
        json={"vacancy_id": v["id"], "route": "via_jobcentre", "applicant_id": world.applicant.id},
    )
    assert response.status_code == 201
    assert response.json["timeline"][0]["actor_role"] == "caseworker"
    response = api.post(
        "/api/v1/applications",
        world.cw_aarhus,
        json={
            "vacancy_id": v["id"],
            "route": "via_jobcentre",
            "applicant_id": world.applicant_kbh.id,
        },
    )
    assert response.status_code == 422 and "applicant_id" in response.json["error"]["fields"]


def test_employers_and_admins_cannot_create_applications(api: Api, world: World) -> None:
    for user in (world.employer, world.admin):
        assert api.post("/api/v1/applications", user, json={}).status_code == 403


def test_an_unknown_or_invisible_vacancy_is_a_field_error(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/applications", world.applicant, json={"vacancy_id": "nope", "route": "direct"}
    )
    assert response.status_code == 422 and "vacancy_id" in response.json["error"]["fields"]
    response = api.post(
        "/api/v1/applications", world.applicant, json={"vacancy_id": "x", "route": "sideways"}
    )
    assert "route" in response.json["error"]["fields"]


def test_bek_7_a_vacancy_at_the_applicants_own_jobcentre_goes_to_the_neighbour(
    api: Api, world: World
) -> None:
    v = vacancy(
        api,
        world.employer,
        title="Sagsbehandler i Jobcenter Aarhus",
        workplace_jobcentre_code="751",
    )
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assert case["routed_to_neighbour"] is True
    assert case["handling_jobcentre_code"] == "746"
    # The neighbour handles it; the applicant's own jobcentre, the employer here, cannot see it.
    assert api.get(f"/api/v1/applications/{case['id']}", world.cw_skanderborg).status_code == 200
    assert api.get(f"/api/v1/applications/{case['id']}", world.cw_aarhus).status_code == 404
    assert api.get("/api/v1/applications", world.cw_aarhus).json == []
    refused = event(api, world.cw_aarhus, case["id"], type="assessment", **SUITABLE)
    assert refused.status_code == 404
    ok(event(api, world.cw_skanderborg, case["id"], type="assessment", **SUITABLE))


def test_bek_7_an_applicant_from_elsewhere_is_handled_at_home(api: Api, world: World) -> None:
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    case = apply(api, world.applicant_kbh, v["id"])
    assert case["handling_jobcentre_code"] == "101" and not case["routed_to_neighbour"]


def test_bek_6_stk_2_the_interview_duty_applies_every_time(api: Api, world: World) -> None:
    """004 §3.5.1: even for the same type of position, even after a refusal of the same person."""
    first = vacancy(api, world.employer, title="Pedel")
    case = apply(api, world.applicant, first["id"])
    drive(api, world, case["id"], "opinion_window")
    second = vacancy(api, world.employer, title="Pedel")
    again = apply(api, world.applicant, second["id"])
    again = drive(api, world, again["id"], "interview_required")
    assert again["outstanding_duties"][0]["duty"] == "interview"
    response = api.post(
        f"/api/v1/vacancies/{second['id']}/fill", world.employer, json={"filled_by": "external"}
    )
    assert response.status_code == 409


def test_one_open_case_per_applicant_and_vacancy(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    response = api.post(
        "/api/v1/applications", world.applicant, json={"vacancy_id": v["id"], "route": "direct"}
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "duplicate_application"
    ok(event(api, world.applicant, case["id"], type="withdrawn", reason="Fortrudt"))
    assert apply(api, world.applicant, v["id"])["state"] == "awaiting_eligibility_check"


def test_the_contract_order_404_then_403_then_409_then_422(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    path = f"/api/v1/applications/{case['id']}/events"
    # Not visible: 404, whatever the body.
    assert api.post(path, world.employer_region, data=b"\xff").status_code == 404
    assert api.post(path, world.cw_kbh, json={"type": "assessment"}).status_code == 404
    # Visible, but the role may never send it: 403.
    response = api.post(path, world.applicant, json={"type": "decision", "outcome": "??"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    # The right role in the wrong state: 409.
    response = api.post(path, world.employer, json={"type": "decision", "outcome": "??"})
    assert response.status_code == 409 and response.json["error"]["code"] == "invalid_transition"
    # The right state, bad fields: 422 with the field named.
    response = api.post(path, world.employer, json={"type": "eligibility_check", "eligible": "y"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"eligible": "skal være true eller false"}
    # Not a JSON object: 400.
    assert api.post(path, world.employer, data="[1, 2]").status_code == 400


def test_every_accepted_event_is_appended_to_the_timeline(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    entries = case["timeline"]
    assert [e["type"] for e in entries] == [
        "submitted",
        "eligibility_check",
        "interview_scheduled",
        "interview_held",
        "decision",
        "statement_submitted",
        "negotiation_held",
        "refusal_notified",
    ]
    assert [e["seq"] for e in entries] == list(range(1, 9))
    # Recorded at the test's clock; the interview held just after its booked start (drive()).
    held = "2026-12-03T09:01:00+01:00"
    assert [e["at"] for e in entries] == [
        held if e["type"] == "interview_held" else "2026-12-01T09:00:00+01:00" for e in entries
    ]
    assert [e["actor_role"] for e in entries][-3:] == ["employer", "caseworker", "employer"]
    assert all(a["to_state"] == b["from_state"] for a, b in itertools.pairwise(entries))
    assert "minutes" not in entries[6]["data"]  # drive() ends as the employer: no minutes
    mine = ok(api.get(f"/api/v1/applications/{case['id']}", world.applicant))["timeline"]
    assert mine[6]["data"]["minutes"] == LEGAL  # the applicant sees them


def test_the_timeline_is_append_only_in_the_database(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    apply(api, world.applicant, v["id"])
    with app.app_context(), db.engine().connect() as connection:
        for statement in (
            "UPDATE application_event SET type = 'forged'",
            "DELETE FROM application_event",
        ):
            with pytest.raises(DBAPIError):
                connection.execute(text(statement))
            connection.rollback()


def test_an_interview_can_be_rescheduled_and_declined(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    assert case["interview"] == {
        "starts_at": "2026-12-03T09:00:00+01:00",
        "location": "Rådhuset, lokale 1",
    }
    moved = ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-12-09T13:30:00+01:00",
            location="Online (Teams)",
        )
    )
    assert moved["state"] == "interview_scheduled"
    assert moved["interview"]["location"] == "Online (Teams)"
    assert moved["timeline"][-1]["data"]["rescheduled"] is True
    declined = ok(
        event(
            api,
            world.applicant,
            case["id"],
            type="interview_declined",
            reason="Jeg har fået et andet job",
        )
    )
    assert declined["state"] == "withdrawn" and declined["terminal"]


def test_bek_2_stk_3_an_internal_hire_goes_straight_to_the_refusal(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interviewed")
    refused = ok(
        event(
            api,
            world.employer,
            case["id"],
            type="decision",
            outcome="internal_candidate_hired",
            reasoning=LEGAL,
        )
    )
    assert refused["state"] == "refusal_pending"
    ok(
        api.post(
            f"/api/v1/vacancies/{v['id']}/fill", world.employer, json={"filled_by": "internal"}
        )
    )


def test_004_3_7_a_licence_self_applicant_is_refused_without_negotiation(
    api: Api, world: World
) -> None:
    v = vacancy(
        api,
        world.employer,
        kind="kiosk",
        title="Avis- og bladkiosk, Banegården",
        formal_education_requirement=None,
    )
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interviewed")
    refused = ok(
        event(
            api, world.employer, case["id"], type="decision", outcome="not_hired", reasoning=LEGAL
        )
    )
    assert refused["state"] == "refusal_pending"


def test_the_window_closes_by_the_clock_alone(app: Flask, api: Api, world: World) -> None:
    """api-contract.md: the state a client reads never depends on whether the scheduler has run."""
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    deadline = case["deadlines"][0]
    assert len(case["deadlines"]) == 1 and deadline["kind"] == "opinion_request"
    assert (deadline["due"], deadline["basis"], deadline["received_on"], deadline["passed"]) == (
        "2026-12-29",
        "received 2026-12-01 + 4 weeks",
        "2026-12-01",
        False,
    )
    assert "Digital Post anses for modtaget samme dag" in deadline["guidance"]
    app.config["FORTRIN_NOW"] = "2026-12-29T23:59:00+01:00"
    assert ok(api.get(f"/api/v1/applications/{case['id']}", world.applicant))["state"] == (
        "opinion_window"
    )
    app.config["FORTRIN_NOW"] = "2026-12-30T00:00:01+01:00"
    closed = ok(api.get(f"/api/v1/applications/{case['id']}", world.applicant))
    assert closed["state"] == "closed" and closed["terminal"]
    assert closed["timeline"][-1]["type"] == "opinion_window_expired"
    assert closed["timeline"][-1]["derived"] is True
    listed = api.get("/api/v1/applications?state=closed", world.applicant).json
    assert [row["id"] for row in listed] == [case["id"]]
    assert api.get("/api/v1/applications?state=opinion_window", world.applicant).json == []


def test_17a_a_request_after_the_deadline_is_refused(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    app.config["FORTRIN_NOW"] = "2027-01-04T10:00:00+01:00"
    late = event(
        api, world.applicant, case["id"], type="opinion_requested", requested_on="2027-01-04"
    )
    assert late.status_code == 409
    assert late.json["error"]["code"] == "opinion_window_closed"
    # A request made in time and recorded late by the caseworker is accepted.
    timely = ok(
        event(api, world.cw_aarhus, case["id"], type="opinion_requested", requested_on="2026-12-29")
    )
    assert timely["state"] == "opinion_requested"


def test_17a_the_opinion_received_closes_the_case(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    ok(event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-01"))
    assert event(api, world.employer, case["id"], type="opinion_received").status_code == 403
    app.config["FORTRIN_NOW"] = "2027-02-15T10:00:00+01:00"
    closed = ok(
        event(
            api,
            world.admin,
            case["id"],
            type="opinion_received",
            received_on="2027-02-15",
            duties_kept=False,
            summary="Ankestyrelsen fandt, at forhandlingspligten ikke var overholdt.",
        )
    )
    assert closed["state"] == "closed" and closed["terminal"]
    assert closed["timeline"][-1]["data"]["duties_kept"] is False


def test_lists_are_newest_first_and_filter_by_state(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    older = apply(api, world.applicant, v["id"])
    app.config["FORTRIN_NOW"] = "2026-12-01T10:00:00+01:00"
    newer = apply(api, world.applicant_kbh, v["id"])
    rows = api.get("/api/v1/applications", world.employer)
    assert [row["id"] for row in rows.json] == [newer["id"], older["id"]]
    assert "timeline" not in rows.json[0] or rows.json[0]["timeline"] is None
    assert api.get("/api/v1/applications?state=hired", world.employer).json == []
    assert api.get("/api/v1/applications?state=bogus", world.employer).status_code == 422


def test_004_9_the_refusal_carries_complaint_guidance_with_the_exact_date(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "refusal_pending")
    preview = api.get(
        f"/api/v1/applications/{case['id']}/complaint-guidance?sent_on=2026-12-04"
        "&channel=digital_post",
        world.employer,
    )
    assert preview.status_code == 200
    assert preview.json["due"] == "2027-01-04"
    assert "senest den 4. januar 2027" in preview.json["text"]
    assert "§ 17 a, stk. 3" in preview.json["text"]
    bad = api.get(
        f"/api/v1/applications/{case['id']}/complaint-guidance?channel=fax", world.employer
    )
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"sent_on", "channel"}
    assert (
        api.get(
            f"/api/v1/applications/{case['id']}/complaint-guidance?sent_on=2026-12-01"
            "&channel=letter",
            world.employer_region,
        ).status_code
        == 404
    )
    window = drive(api, world, case["id"], "opinion_window")
    assert "senest den 29. december 2026" in window["deadlines"][0]["guidance"]
    assert (
        window["timeline"][-1]["data"]["complaint_guidance"] == window["deadlines"][0]["guidance"]
    )


def test_bek_9_a_taxi_licence_refusal_records_its_ground(api: Api, world: World) -> None:
    v = vacancy(
        api, world.employer, kind="taxi", title="Taxibevilling", formal_education_requirement=None
    )
    case = drive(
        api, world, apply(api, world.applicant, v["id"], "via_jobcentre")["id"], "interviewed"
    )
    refused = ok(
        event(
            api,
            world.employer,
            case["id"],
            type="decision",
            outcome="not_hired",
            ground="taxi_act_conditions",
            reasoning=LEGAL,
        )
    )
    assert refused["state"] == "statement_required"  # recommended by the jobcentre (004 §3.7)
    assert refused["timeline"][-1]["data"]["ground"] == "taxi_act_conditions"
    other = vacancy(api, world.employer)
    job = drive(api, world, apply(api, world.applicant, other["id"])["id"], "interviewed")
    wrong = event(
        api,
        world.employer,
        job["id"],
        type="decision",
        outcome="not_hired",
        ground="taxi_act_conditions",
        reasoning=LEGAL,
    )
    assert wrong.status_code == 422 and "ground" in wrong.json["error"]["fields"]
