"""Issue 8: the legal promise holds on every path, not only the happy one (domain.md § 12).

Each test plays one of the scenarios that went wrong on the old code, through the HTTP API, on
SQLite and PostgreSQL, and names its source: kompensationsloven § 17 a stk. 3-4, bekendtgørelsen
(bek.) §§ 2, 6, 7, vejledningen (004) §§ 3.5-3.7 and 9, Justitsministeriets vejledning 9533/2018,
and the contract's v2 event table (api-contract.md "Contract v2"). A refused write must leave the
case as it was (api-contract.md "Conventions").
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from fortrin import db
from fortrin.models import Notification
from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    event,
    now_of,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_cards import issued_card

ATTEMPTS = "Ringet til jobcenteret 3. og 8. december og skrevet to gange uden svar."
MINUTES = {
    "minutes": LEGAL,
    "competences_considered": True,
    "disability_not_decisive": True,
    "schemes_presented": ["personal_assistance"],
    "outcome": "no_hire",
}


# --- helpers -------------------------------------------------------------------------------------


def case_of(api: Api, world: World, case_id: str) -> dict[str, Any]:
    return ok(api.get(f"/api/v1/applications/{case_id}", world.admin))


def shape(api: Api, world: World, case_id: str) -> tuple[str, int]:
    """What a refused write must not change: the state and the length of the timeline."""
    case = case_of(api, world, case_id)
    return case["state"], len(case["timeline"])


def listing(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.json
    assert isinstance(response.json, list)
    return list(response.json)


def notices(api: Api, user: Any, kind: str) -> list[dict[str, Any]]:
    """The caller's notifications of one kind, through GET /api/v1/me/notifications."""
    return [n for n in listing(api.get("/api/v1/me/notifications", user)) if n["kind"] == kind]


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code, response.json
    return dict(response.json["error"])


def field_error(response: Any, name: str) -> str:
    error = refused(response, 422, "validation_failed")
    assert name in error["fields"], error
    return str(error["fields"][name])


def fill(api: Api, world: World, vacancy_id: str, **body: Any) -> Any:
    return api.post(f"/api/v1/vacancies/{vacancy_id}/fill", world.employer, json=body)


def patch(api: Api, path: str, user: Any, body: dict[str, Any]) -> Any:
    return api.call("PATCH", path, user, json=body)


def negative_check(api: Api, world: World, case_id: str) -> dict[str, Any]:
    return ok(
        event(
            api, world.employer, case_id, type="eligibility_check", eligible=False, reasoning=LEGAL
        )
    )


def book_interview(api: Api, world: World, case_id: str) -> str:
    """Book the interview half an hour from the clock; returns its start."""
    starts_at = (now_of(api.app) + timedelta(minutes=30)).isoformat()
    ok(
        event(
            api,
            world.employer,
            case_id,
            type="interview_scheduled",
            starts_at=starts_at,
            location="Rådhuset, lokale 1",
        )
    )
    return starts_at


def notify(api: Api, world: World, case_id: str, sent_on: str) -> dict[str, Any]:
    return ok(
        event(
            api,
            world.employer,
            case_id,
            type="refusal_notified",
            reasoning=LEGAL,
            sent_on=sent_on,
            channel="digital_post",
        )
    )


# --- only the applicant declines (bek. § 6 stk. 2; domain.md § 12) -------------------------------


def test_bek_6_stk_2_domain_12_an_employer_cannot_record_that_the_applicant_declined(
    api: Api, world: World
) -> None:
    """The old code let the employer end the case as 'declined' and then fill the vacancy."""
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interview_required")
    book_interview(api, world, case["id"])
    path = f"/api/v1/applications/{case['id']}"
    assert "interview_declined" not in ok(api.get(path, world.employer))["allowed_events"]
    assert "interview_declined" in ok(api.get(path, world.applicant))["allowed_events"]
    before = shape(api, world, case["id"])
    declined = event(
        api, world.employer, case["id"], type="interview_declined", reason="Meldte afbud"
    )
    refused(declined, 403, "forbidden")
    assert shape(api, world, case["id"]) == before
    blocked = refused(fill(api, world, v["id"], filled_by="external"), 409, "duties_outstanding")
    assert blocked["outstanding"] == [
        {"application_id": case["id"], "duty": "interview", "owner": "employer"}
    ]
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"
    # The applicant alone may decline.
    after = ok(
        event(api, world.applicant, case["id"], type="interview_declined", reason="Andet job")
    )
    assert after["state"] == "withdrawn"
    assert after["timeline"][-1]["actor_role"] == "applicant"


# --- the interview is held or missed at or after its booked start (bek. § 6 stk. 2) --------------


def test_bek_6_stk_2_an_interview_cannot_be_recorded_held_before_its_booked_start(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interview_required")
    starts_at = book_interview(api, world, case["id"])  # 09:30
    before = shape(api, world, case["id"])
    refused(event(api, world.employer, case["id"], type="interview_held"), 409, "too_early")
    set_now(api.app, "2026-12-01T09:29:00+01:00")
    refused(event(api, world.employer, case["id"], type="interview_held"), 409, "too_early")
    assert shape(api, world, case["id"]) == before
    set_now(api.app, starts_at)  # at the booked start it may be recorded
    held = ok(event(api, world.employer, case["id"], type="interview_held"))
    assert held["state"] == "interviewed"


def test_domain_12_interview_missed_only_after_the_start_then_the_duties_follow(
    api: Api, world: World
) -> None:
    """bek. § 6 stk. 2-3: a no-show counts as the interview offered; the applicant is told at once
    and the decision, the statement and the negotiation follow as usual."""
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interview_required")
    book_interview(api, world, case["id"])
    before = shape(api, world, case["id"])
    early = event(api, world.employer, case["id"], type="interview_missed", notes="Kom ikke")
    refused(early, 409, "too_early")
    assert shape(api, world, case["id"]) == before
    assert notices(api, world.applicant, "interview_missed") == []
    set_now(api.app, "2026-12-01T09:45:00+01:00")
    assert (
        event(api, world.applicant, case["id"], type="interview_missed").status_code == 403
    )  # the employer records it
    missed = ok(event(api, world.employer, case["id"], type="interview_missed", notes="Kom ikke"))
    assert missed["state"] == "interviewed"
    assert missed["timeline"][-1]["type"] == "interview_missed"
    [told] = notices(api, world.applicant, "interview_missed")
    assert told["application_id"] == case["id"]
    decided = ok(
        event(
            api, world.employer, case["id"], type="decision", outcome="not_hired", reasoning=LEGAL
        )
    )
    assert decided["state"] == "statement_required"
    assert [d["duty"] for d in decided["outstanding_duties"]] == ["statement"]
    stated = ok(event(api, world.employer, case["id"], type="statement_submitted", text=LEGAL))
    assert stated["state"] == "negotiation_required"
    blocked = refused(fill(api, world, v["id"], filled_by="external"), 409, "duties_outstanding")
    assert blocked["outstanding"][0]["duty"] == "negotiation"


# --- dates tell the truth (domain.md § 12; 004 § 3.5.2) ------------------------------------------


def test_domain_12_a_refusal_cannot_be_sent_in_the_future(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    negative_check(api, world, case["id"])
    before = shape(api, world, case["id"])
    future = event(
        api,
        world.employer,
        case["id"],
        type="refusal_notified",
        reasoning=LEGAL,
        sent_on="2026-12-02",
        channel="digital_post",
    )
    assert "2026-12-01" in field_error(future, "sent_on")
    assert shape(api, world, case["id"]) == before


def test_kompensationslov_17a_stk3_a_backdated_refusal_is_refused_naming_the_earliest_date(
    api: Api, world: World
) -> None:
    """The refusal is sent on or after the "no" it follows; a backdated one would close the 4-week
    window before it opened (domain.md § 12)."""
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    set_now(api.app, "2026-12-03T10:00:00+01:00")
    negative_check(api, world, case["id"])  # refusal_pending since 3 December
    set_now(api.app, "2026-12-04T10:00:00+01:00")
    before = shape(api, world, case["id"])
    for sent_on in ("2026-12-02", "2026-11-03"):
        backdated = event(
            api,
            world.employer,
            case["id"],
            type="refusal_notified",
            reasoning=LEGAL,
            sent_on=sent_on,
            channel="digital_post",
        )
        assert "2026-12-03" in field_error(backdated, "sent_on")
    assert shape(api, world, case["id"]) == before
    opened = notify(api, world, case["id"], "2026-12-03")
    assert opened["state"] == "opinion_window"
    assert opened["deadlines"][0]["due"] == "2027-01-04"  # 31 December is a closed day


def test_domain_12_the_refusal_follows_the_copenhagen_date_the_no_was_given(
    api: Api, world: World
) -> None:
    """Dates are reasoned about in Europe/Copenhagen (api-contract.md "Conventions"): a "no" given
    at 00:30 on 3 December (23:30 UTC on the 2nd) makes 3 December the earliest refusal date."""
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    set_now(api.app, "2026-12-03T00:30:00+01:00")
    negative_check(api, world, case["id"])
    set_now(api.app, "2026-12-03T10:00:00+01:00")
    backdated = event(
        api,
        world.employer,
        case["id"],
        type="refusal_notified",
        reasoning=LEGAL,
        sent_on="2026-12-02",
        channel="digital_post",
    )
    assert "2026-12-03" in field_error(backdated, "sent_on")
    assert notify(api, world, case["id"], "2026-12-03")["state"] == "opinion_window"


def test_bek_6_stk_3_nr_2_the_negotiation_cannot_be_held_before_the_statement(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "negotiation_required")  # statement on 1 December
    set_now(api.app, "2026-12-04T10:00:00+01:00")
    before = shape(api, world, case["id"])
    early = event(
        api, world.cw_aarhus, case["id"], type="negotiation_held", held_on="2026-11-30", **MINUTES
    )
    assert "2026-12-01" in field_error(early, "held_on")
    future = event(
        api, world.cw_aarhus, case["id"], type="negotiation_held", held_on="2026-12-05", **MINUTES
    )
    field_error(future, "held_on")
    assert shape(api, world, case["id"]) == before
    held = ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="negotiation_held",
            held_on="2026-12-01",
            **MINUTES,
        )
    )
    assert held["state"] == "refusal_pending"


def test_kompensationslov_17a_stk3_an_opinion_request_cannot_precede_the_refusal(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    set_now(api.app, "2026-12-03T10:00:00+01:00")
    negative_check(api, world, case["id"])
    notify(api, world, case["id"], "2026-12-03")
    set_now(api.app, "2026-12-05T10:00:00+01:00")
    before = shape(api, world, case["id"])
    early = event(
        api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-02"
    )
    assert "2026-12-03" in field_error(early, "requested_on")
    future = event(
        api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-06"
    )
    field_error(future, "requested_on")
    assert shape(api, world, case["id"]) == before
    requested = ok(
        event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-03")
    )
    assert requested["state"] == "opinion_requested"


# --- every "no" keeps the right (kompensationslov § 17 a stk. 3; 004 §§ 3.6, 3.7, 9) -------------


def test_004_3_6_a_negative_eligibility_check_is_a_refusal_that_opens_the_window(
    api: Api, world: World
) -> None:
    """Whether the formal education requirement is met is exactly what Ankestyrelsen may review."""
    v = vacancy(api, world.employer, formal_education_requirement="Socialrådgiveruddannelse")
    case = apply(api, world.applicant, v["id"])
    checked = negative_check(api, world, case["id"])
    assert checked["state"] == "refusal_pending"
    assert checked["terminal"] is False
    assert [(d["duty"], d["owner"]) for d in checked["outstanding_duties"]] == [
        ("refusal_notice", "employer")
    ]
    assert checked["timeline"][-1]["data"]["ground"] == "formal_education"
    [told] = notices(api, world.applicant, "eligibility_negative")
    assert told["application_id"] == case["id"]
    assert notices(api, world.applicant, "opinion_window_opened") == []
    opened = notify(api, world, case["id"], "2026-12-01")
    assert opened["state"] == "opinion_window"
    [deadline] = opened["deadlines"]
    assert (deadline["kind"], deadline["due"]) == ("opinion_request", "2026-12-29")
    assert len(notices(api, world.applicant, "opinion_window_opened")) == 1


def test_004_3_7_a_licence_refused_as_obviously_less_qualified_opens_the_window(
    api: Api, world: World
) -> None:
    v = vacancy(
        api, world.employer, kind="stall", title="Stadeplads", formal_education_requirement=None
    )
    case = apply(api, world.applicant, v["id"])
    checked = negative_check(api, world, case["id"])
    assert checked["state"] == "refusal_pending"
    assert checked["timeline"][-1]["data"]["ground"] == "obviously_less_qualified"
    assert len(notices(api, world.applicant, "eligibility_negative")) == 1
    opened = notify(api, world, case["id"], "2026-12-01")
    assert opened["state"] == "opinion_window"
    assert opened["deadlines"][0]["kind"] == "opinion_request"
    assert opened["deadlines"][0]["due"] == "2026-12-29"


def test_domain_12_an_opinion_may_be_requested_while_the_refusal_is_still_owed(
    api: Api, world: World
) -> None:
    """An employer who never writes cannot close the window (kompensationslov § 17 a stk. 3): the
    applicant, or the caseworker of the handling jobcentre, records the request."""
    v = vacancy(api, world.employer)
    by_applicant = apply(api, world.applicant, v["id"])
    by_caseworker = apply(api, world.applicant_kbh, v["id"])
    for case in (by_applicant, by_caseworker):
        negative_check(api, world, case["id"])
    before = shape(api, world, by_applicant["id"])
    employer = event(
        api, world.employer, by_applicant["id"], type="opinion_requested", requested_on="2026-12-01"
    )
    refused(employer, 403, "forbidden")
    assert shape(api, world, by_applicant["id"]) == before
    asked = ok(
        event(
            api,
            world.applicant,
            by_applicant["id"],
            type="opinion_requested",
            requested_on="2026-12-01",
        )
    )
    assert asked["state"] == "opinion_requested"
    assert by_caseworker["handling_jobcentre_code"] == "101"
    asked = ok(
        event(
            api,
            world.cw_kbh,
            by_caseworker["id"],
            type="opinion_requested",
            requested_on="2026-12-01",
        )
    )
    assert asked["state"] == "opinion_requested"


def test_domain_12_a_withdrawn_vacancy_owes_a_refusal_once_the_employer_was_contacted(
    api: Api, world: World
) -> None:
    """kompensationslov § 17 a stk. 3: a vacancy withdrawn after contact is a "no"; a case the
    employer never saw closes. Each applicant is told."""
    v = vacancy(api, world.employer)
    direct = apply(api, world.applicant, v["id"])
    drive(api, world, direct["id"], "interview_required")
    unseen = apply(api, world.applicant_kbh, v["id"], route="via_jobcentre")
    path = f"/api/v1/vacancies/{v['id']}/withdraw"
    before = shape(api, world, direct["id"]), shape(api, world, unseen["id"])
    field_error(api.post(path, world.employer, json={}), "reason")
    refused(api.post(path, world.applicant, json={"reason": "Nej"}), 403, "forbidden")
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"
    assert (shape(api, world, direct["id"]), shape(api, world, unseen["id"])) == before
    withdrawn = api.post(
        f"/api/v1/vacancies/{v['id']}/withdraw",
        world.employer,
        json={"reason": "Stillingen er nedlagt ved budgetforliget"},
    )
    assert ok(withdrawn)["state"] == "withdrawn"
    after_direct = case_of(api, world, direct["id"])
    assert after_direct["state"] == "refusal_pending"
    assert after_direct["timeline"][-1]["type"] == "vacancy_withdrawn"
    assert case_of(api, world, unseen["id"])["state"] == "closed"
    assert [n["application_id"] for n in notices(api, world.applicant, "vacancy_withdrawn")] == [
        direct["id"]
    ]
    assert [
        n["application_id"] for n in notices(api, world.applicant_kbh, "vacancy_withdrawn")
    ] == [unseen["id"]]
    # The never-contacted case stays hidden from the employer; the other keeps its right.
    assert api.get(f"/api/v1/applications/{unseen['id']}", world.employer).status_code == 404
    assert notify(api, world, direct["id"], "2026-12-01")["state"] == "opinion_window"


# --- the fill follows the decisions (bek. § 2 stk. 3; domain.md § 12) ----------------------------


def test_bek_2_stk_3_after_internal_candidate_hired_only_an_internal_fill_is_accepted(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interviewed")
    decided = ok(
        event(
            api,
            world.employer,
            case["id"],
            type="decision",
            outcome="internal_candidate_hired",
            reasoning=LEGAL,
        )
    )
    assert decided["state"] == "refusal_pending"
    refused(fill(api, world, v["id"], filled_by="external"), 409, "fill_contradicts_decision")
    refused(
        fill(api, world, v["id"], filled_by="preferential_applicant", application_id=case["id"]),
        422,
        "validation_failed",
    )
    still = ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))
    assert (still["state"], still["positions_filled"]) == ("open", 0)
    filled = ok(fill(api, world, v["id"], filled_by="internal"))
    assert (filled["state"], filled["filled_by"]) == ("filled", "internal")


def test_domain_12_after_a_hire_only_that_application_fills_the_vacancy(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interviewed")
    hired = ok(event(api, world.employer, case["id"], type="decision", outcome="hired"))
    assert hired["state"] == "hired"
    refused(fill(api, world, v["id"], filled_by="external"), 409, "fill_contradicts_decision")
    refused(fill(api, world, v["id"], filled_by="internal"), 409, "fill_contradicts_decision")
    still = ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))
    assert (still["state"], still["positions_filled"]) == ("open", 0)
    filled = ok(
        fill(api, world, v["id"], filled_by="preferential_applicant", application_id=case["id"])
    )
    assert filled["state"] == "filled"
    assert filled["filled_application_id"] == case["id"]


def test_domain_12_a_vacancy_with_two_positions_is_filled_when_both_are(
    api: Api, world: World
) -> None:
    for positions in (0, -1, "2"):
        bad = api.post(
            "/api/v1/vacancies",
            world.employer,
            json={
                "title": "To stillinger",
                "kind": "job",
                "application_deadline": "2026-12-20",
                "workplace_municipality_code": "751",
                "positions": positions,
            },
        )
        field_error(bad, "positions")
    assert vacancy(api, world.employer)["positions"] == 1  # the default
    v = vacancy(api, world.employer, positions=2)
    assert (v["positions"], v["positions_filled"]) == (2, 0)
    first = ok(fill(api, world, v["id"], filled_by="external"))
    assert (first["state"], first["positions_filled"]) == ("open", 1)
    second = ok(fill(api, world, v["id"], filled_by="external"))
    assert (second["state"], second["positions_filled"]) == ("filled", 2)
    refused(fill(api, world, v["id"], filled_by="external"), 409, "invalid_transition")
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["positions_filled"] == 2


def test_domain_12_of_two_positions_one_is_kept_for_the_hired_applicant(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, positions=2)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "interviewed")
    ok(event(api, world.employer, case["id"], type="decision", outcome="hired"))
    assert ok(fill(api, world, v["id"], filled_by="external"))["state"] == "open"
    refused(fill(api, world, v["id"], filled_by="external"), 409, "fill_contradicts_decision")
    done = ok(
        fill(api, world, v["id"], filled_by="preferential_applicant", application_id=case["id"])
    )
    assert (done["state"], done["positions_filled"]) == ("filled", 2)


# --- the opinion has consequences (kompensationslov § 17 a stk. 4) -------------------------------


def test_kompensationslov_17a_stk4_duties_not_kept_records_a_breach_and_tells_the_top_official(
    api: Api, world: World
) -> None:
    org_path = f"/api/v1/organisations/{world.org_aarhus}"
    top = {
        "top_official_name": "Borgmester Anna",
        "top_official_email": "borgmester@aarhus.example",
    }
    assert patch(api, org_path, world.employer, top).status_code == 403
    updated = ok(patch(api, org_path, world.admin, top))
    assert updated["top_official_email"] == "borgmester@aarhus.example"
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    negative_check(api, world, case["id"])
    ok(event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-01"))
    assert listing(api.get("/api/v1/breaches", world.admin)) == []
    closed = ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="opinion_received",
            received_on="2026-12-01",
            duties_kept=False,
            summary="Ansøgeren burde have været indkaldt til samtale.",
        )
    )
    assert closed["state"] == "closed"
    [breach] = listing(api.get("/api/v1/breaches", world.admin))
    assert breach["organisation_id"] == world.org_aarhus
    assert breach["organisation_name"] == "Aarhus Kommune"
    assert breach["application_id"] == case["id"]
    assert (breach["source"], breach["found_on"]) == ("ankestyrelsen", "2026-12-01")
    assert [b["id"] for b in listing(api.get("/api/v1/breaches", world.cw_aarhus))] == [
        breach["id"]
    ]
    assert listing(api.get("/api/v1/breaches", world.cw_kbh)) == []
    refused(api.get("/api/v1/breaches", world.employer), 403, "forbidden")
    refused(api.get("/api/v1/breaches", world.applicant), 403, "forbidden")
    assert len(notices(api, world.employer, "breach_recorded")) == 1
    with api.app.app_context():
        rows = (
            db.session()
            .exec(select(Notification).where(col(Notification.kind) == "breach_top_official"))
            .all()
        )
        assert [(r.recipient_id, r.recipient_email) for r in rows] == [
            (None, "borgmester@aarhus.example")
        ]


def test_kompensationslov_17a_stk4_duties_kept_records_no_breach(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    negative_check(api, world, case["id"])
    ok(event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-01"))
    ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="opinion_received",
            received_on="2026-12-01",
            duties_kept=True,
            summary="Reglerne er overholdt.",
        )
    )
    assert listing(api.get("/api/v1/breaches", world.admin)) == []
    assert notices(api, world.employer, "breach_recorded") == []


def test_kompensationslov_17a_stk4_a_jobcentre_records_a_breach_found_outside_the_service(
    api: Api, world: World
) -> None:
    body = {
        "organisation_id": world.org_aarhus,
        "found_on": "2026-11-20",
        "summary": "Stillingen blev besat uden samtale med ansøgeren med fortrinsadgang.",
    }
    refused(api.post("/api/v1/breaches", world.employer, json=body), 403, "forbidden")
    field_error(
        api.post("/api/v1/breaches", world.cw_aarhus, json={**body, "summary": "Kort"}), "summary"
    )
    future = api.post("/api/v1/breaches", world.cw_aarhus, json={**body, "found_on": "2026-12-02"})
    field_error(future, "found_on")
    assert listing(api.get("/api/v1/breaches", world.admin)) == []
    created = api.post("/api/v1/breaches", world.cw_aarhus, json=body)
    assert created.status_code == 201, created.json
    assert created.json["source"] == "jobcentre"
    assert created.json["application_id"] is None
    [listed] = listing(api.get("/api/v1/breaches", world.cw_aarhus))
    assert (listed["id"], listed["found_on"]) == (created.json["id"], "2026-11-20")
    assert listing(api.get("/api/v1/breaches", world.cw_kbh)) == []
    assert len(notices(api, world.employer, "breach_recorded")) == 1
    # A case the caller cannot see is answered as if it did not exist.
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    hidden = api.post("/api/v1/breaches", world.cw_kbh, json={**body, "application_id": case["id"]})
    field_error(hidden, "application_id")
    linked = api.post(
        "/api/v1/breaches", world.cw_aarhus, json={**body, "application_id": case["id"]}
    )
    assert linked.status_code == 201, linked.json
    assert linked.json["application_id"] == case["id"]


# --- no deadlock (bek. § 6 stk. 3 nr. 2; domain.md § 12, a decision of this project) ------------


def test_domain_12_negotiation_not_held_after_ten_working_days_unblocks_and_escalates(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "negotiation_required")  # statement on Tuesday 1 December
    refused(fill(api, world, v["id"], filled_by="external"), 409, "duties_outstanding")
    set_now(api.app, "2026-12-14T15:00:00+01:00")  # the 9th working day after the statement
    before = shape(api, world, case["id"])
    early = event(api, world.employer, case["id"], type="negotiation_not_held", attempts=ATTEMPTS)
    assert "2026-12-15" in refused(early, 409, "too_early")["message"]
    assert shape(api, world, case["id"]) == before
    set_now(api.app, "2026-12-15T09:00:00+01:00")  # the 10th
    short = event(api, world.employer, case["id"], type="negotiation_not_held", attempts="Ringede")
    field_error(short, "attempts")
    by_caseworker = event(
        api, world.cw_aarhus, case["id"], type="negotiation_not_held", attempts=ATTEMPTS
    )
    refused(by_caseworker, 403, "forbidden")
    assert shape(api, world, case["id"]) == before
    assert notices(api, world.cw_aarhus, "negotiation_escalated") == []
    moved = ok(
        event(api, world.employer, case["id"], type="negotiation_not_held", attempts=ATTEMPTS)
    )
    assert moved["state"] == "refusal_pending"
    [escalated] = notices(api, world.cw_aarhus, "negotiation_escalated")
    assert escalated["application_id"] == case["id"]
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["outstanding_duties"] == []
    assert ok(fill(api, world, v["id"], filled_by="external"))["state"] == "filled"


# --- a later receipt moves the deadline (JM vejledning 9533/2018; kompensationslov § 17 a stk. 3) -


def test_jm_vejledning_9533_2018_a_later_receipt_moves_the_deadline_and_the_applicant_is_told(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    opened = drive(api, world, case["id"], "opinion_window")  # Digital Post on 1 December
    assert opened["deadlines"][0]["due"] == "2026-12-29"
    set_now(api.app, "2026-12-04T10:00:00+01:00")
    before = shape(api, world, case["id"])
    early = event(
        api, world.applicant, case["id"], type="receipt_recorded", received_on="2026-11-30"
    )
    field_error(early, "received_on")
    future = event(
        api, world.applicant, case["id"], type="receipt_recorded", received_on="2026-12-05"
    )
    field_error(future, "received_on")
    employer = event(
        api, world.employer, case["id"], type="receipt_recorded", received_on="2026-12-02"
    )
    refused(employer, 403, "forbidden")
    assert shape(api, world, case["id"]) == before
    assert notices(api, world.applicant, "deadline_changed") == []
    moved = ok(
        event(api, world.applicant, case["id"], type="receipt_recorded", received_on="2026-12-02")
    )
    assert moved["state"] == "opinion_window"
    assert moved["deadlines"][0]["due"] == "2026-12-30"
    assert moved["deadlines"][0]["received_on"] == "2026-12-02"
    [told] = notices(api, world.applicant, "deadline_changed")
    assert told["application_id"] == case["id"]
    assert "30. december 2026" in told["subject"]


def test_jm_vejledning_9533_2018_a_receipt_recorded_after_the_window_closed_reopens_it(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "opinion_window")  # due 29 December
    set_now(api.app, "2026-12-30T10:00:00+01:00")
    assert case_of(api, world, case["id"])["state"] == "closed"
    late = event(
        api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-30"
    )
    refused(late, 409, "opinion_window_closed")
    reopened = ok(
        event(api, world.cw_aarhus, case["id"], type="receipt_recorded", received_on="2026-12-08")
    )
    assert reopened["state"] == "opinion_window"
    assert reopened["deadlines"][0]["due"] == "2027-01-05"
    assert len(notices(api, world.applicant, "deadline_changed")) == 1
    asked = ok(
        event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-30")
    )
    assert asked["state"] == "opinion_requested"


# --- moves (bek. § 7; domain.md § 12) -------------------------------------------------------------


def test_bek_7_a_transferred_case_moves_to_the_new_home_jobcentre(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assert case["handling_jobcentre_code"] == "751"
    path = f"/api/v1/applications/{case['id']}"
    before = shape(api, world, case["id"])
    unknown = event(
        api,
        world.cw_aarhus,
        case["id"],
        type="transferred",
        home_municipality_code="999",
        reason="Flyttet",
    )
    field_error(unknown, "home_municipality_code")
    by_employer = event(
        api,
        world.employer,
        case["id"],
        type="transferred",
        home_municipality_code="101",
        reason="x",
    )
    assert by_employer.status_code == 404  # the employer was never contacted: it cannot see it
    assert shape(api, world, case["id"]) == before
    moved = ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="transferred",
            home_municipality_code="101",
            reason="Ansøgeren er flyttet til København",
        )
    )
    assert moved["state"] == "awaiting_assessment"
    assert moved["handling_jobcentre_code"] == "101"
    assert moved["timeline"][-1]["type"] == "transferred"
    assert moved["timeline"][-1]["from_state"] == moved["timeline"][-1]["to_state"]
    assert api.get(path, world.cw_aarhus).status_code == 404
    assert ok(api.get(path, world.cw_kbh))["handling_jobcentre_code"] == "101"
    assert len(notices(api, world.cw_kbh, "case_transferred")) == 1
    # The new jobcentre now does the assessment.
    assessed = ok(
        event(
            api,
            world.cw_kbh,
            case["id"],
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=True,
        )
    )
    assert assessed["state"] == "interview_required"


def test_domain_12_every_open_case_of_an_applicant_who_moved_reaches_the_new_jobcentre(
    api: Api, world: World
) -> None:
    """domain.md § 12 "Moves": when the applicant's home municipality changes, the case moves to the
    new home jobcentre. With two open cases, the second must follow too: moved with the first, or
    transferable on its own (not refused because the applicant already "lives" there)."""
    first = vacancy(api, world.employer, title="Pedel")
    second = vacancy(api, world.employer, title="Kontorelev")
    a = apply(api, world.applicant, first["id"], route="via_jobcentre")
    b = apply(api, world.applicant, second["id"], route="via_jobcentre")
    move = {"type": "transferred", "home_municipality_code": "101", "reason": "Flyttet til KBH"}
    ok(api.post(f"/api/v1/applications/{a['id']}/events", world.cw_aarhus, json=move))
    if case_of(api, world, b["id"])["handling_jobcentre_code"] != "101":
        moved = api.post(f"/api/v1/applications/{b['id']}/events", world.cw_aarhus, json=move)
        assert moved.status_code == 200, moved.json
    after = case_of(api, world, b["id"])
    assert (after["state"], after["handling_jobcentre_code"]) == ("awaiting_assessment", "101")
    assert api.get(f"/api/v1/applications/{b['id']}", world.cw_kbh).status_code == 200


def test_bek_7_a_move_into_the_vacancys_own_jobcentre_routes_the_case_to_its_neighbour(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    case = apply(api, world.applicant_kbh, v["id"])
    assert case["handling_jobcentre_code"] == "101"
    moved = ok(
        event(
            api,
            world.cw_kbh,
            case["id"],
            type="transferred",
            home_municipality_code="751",
            reason="Ansøgeren er flyttet til Aarhus",
        )
    )
    assert moved["state"] == "awaiting_eligibility_check"
    assert (moved["handling_jobcentre_code"], moved["routed_to_neighbour"]) == ("746", True)
    path = f"/api/v1/applications/{case['id']}"
    assert api.get(path, world.cw_kbh).status_code == 404
    assert api.get(path, world.cw_aarhus).status_code == 404  # the employer's own jobcentre
    assert api.get(path, world.cw_skanderborg).status_code == 200


# --- late applications (004 § 3.5) ---------------------------------------------------------------


def test_004_3_5_an_application_after_the_deadline_needs_the_employer_to_accept_it(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, application_deadline="2026-12-10")
    body = {"vacancy_id": v["id"], "route": "direct"}
    set_now(api.app, "2026-12-10T23:00:00+01:00")  # the deadline's last hour: still in time
    assert api.post("/api/v1/applications", world.applicant_kbh, json=body).status_code == 201
    set_now(api.app, "2026-12-11T09:00:00+01:00")
    late = api.post("/api/v1/applications", world.applicant, json=body)
    refused(late, 409, "application_deadline_passed")
    path = f"/api/v1/vacancies/{v['id']}"
    assert patch(
        api, path, world.applicant, {"application_deadline": "2026-12-18"}
    ).status_code in (
        403,
        404,
    )
    assert (
        patch(api, path, world.employer_region, {"application_deadline": "2026-12-18"}).status_code
        == 404
    )
    earlier = patch(api, path, world.employer, {"application_deadline": "2026-12-09"})
    assert "2026-12-10" in field_error(earlier, "application_deadline")
    assert ok(api.get(path, world.employer))["application_deadline"] == "2026-12-10"
    moved = ok(patch(api, path, world.employer, {"application_deadline": "2026-12-18"}))
    assert moved["application_deadline"] == "2026-12-18"
    accepted = api.post("/api/v1/applications", world.applicant, json=body)
    assert accepted.status_code == 201, accepted.json
    assert len(listing(api.get("/api/v1/applications", world.admin))) == 2


# --- a duplicate check must not reveal a § 7 case (bek. § 7; api-contract v2) -------------------


def test_bek_7_a_caseworker_cannot_apply_where_another_jobcentre_handles_and_learns_nothing(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    body = {"vacancy_id": v["id"], "route": "via_jobcentre", "applicant_id": world.applicant.id}
    without_case = api.post("/api/v1/applications", world.cw_aarhus, json=body)
    refused(without_case, 403, "not_handling_jobcentre")
    own = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assert own["handling_jobcentre_code"] == "746"
    with_case = api.post("/api/v1/applications", world.cw_aarhus, json=body)
    refused(with_case, 403, "not_handling_jobcentre")
    assert with_case.json == without_case.json
    assert len(listing(api.get("/api/v1/applications", world.admin))) == 1


# --- the assessment's two conditions (bek. § 6 stk. 1) -------------------------------------------


def test_bek_6_stk_1_the_assessment_records_both_conditions_and_a_no_is_told(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    before = shape(api, world, case["id"])
    missing = event(
        api, world.cw_aarhus, case["id"], type="assessment", can_perform=True, reasoning=LEGAL
    )
    field_error(missing, "has_difficulty_getting_work")
    assert shape(api, world, case["id"]) == before
    assessed = ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="assessment",
            can_perform=True,
            has_difficulty_getting_work=False,
            reasoning=LEGAL,
        )
    )
    assert assessed["state"] == "not_suitable"
    [told] = notices(api, world.applicant, "assessment_negative")
    assert told["application_id"] == case["id"]
    # Not the employer's refusal: the employer was never contacted, and the applicant may still
    # apply directly (bek. § 6 stk. 2).
    assert api.get(f"/api/v1/applications/{case['id']}", world.employer).status_code == 404
    direct = apply(api, world.applicant, v["id"], route="direct")
    assert direct["state"] == "awaiting_eligibility_check"


# --- the minutes' three points (bek. § 6 stk. 3 nr. 2; domain.md § 12) ---------------------------


def test_bek_6_stk_3_nr_2_the_minutes_must_record_competences_and_disability_not_decisive(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "negotiation_required")
    before = shape(api, world, case["id"])
    for missing in ("disability_not_decisive", "competences_considered"):
        body = {k: val for k, val in MINUTES.items() if k != missing}
        response = event(
            api, world.cw_aarhus, case["id"], type="negotiation_held", held_on="2026-12-01", **body
        )
        field_error(response, missing)
    assert shape(api, world, case["id"]) == before


# --- licences (004 § 3.7) --------------------------------------------------------------------------


def test_004_3_7_a_licence_posting_notifies_the_jobcentre_of_its_area(
    api: Api, world: World
) -> None:
    stall = vacancy(
        api, world.employer, kind="stall", title="Stadeplads", formal_education_requirement=None
    )
    [told] = notices(api, world.cw_aarhus, "licence_vacant")
    assert stall["id"] in told["link"]
    assert notices(api, world.cw_kbh, "licence_vacant") == []
    vacancy(api, world.employer, title="Kontorstilling")  # a job: no licence notice
    assert len(notices(api, world.cw_aarhus, "licence_vacant")) == 1
    taxi = vacancy(
        api,
        world.employer_region,
        kind="taxi",
        title="Taxibevilling",
        formal_education_requirement=None,
        workplace_municipality_code="101",
    )
    [kbh] = notices(api, world.cw_kbh, "licence_vacant")
    assert taxi["id"] in kbh["link"]
    assert len(notices(api, world.cw_aarhus, "licence_vacant")) == 1


# --- card schemes in the minutes reach the employer only if shared (seed 000; domain.md § 12) -----


def test_domain_12_card_schemes_in_the_minutes_reach_the_employer_only_if_shared(
    api: Api, world: World
) -> None:
    card = issued_card(api, world)  # interpretation, assistive_devices
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    drive(api, world, case["id"], "negotiation_required")
    held = ok(
        event(
            api,
            world.cw_aarhus,
            case["id"],
            type="negotiation_held",
            held_on="2026-12-01",
            schemes_from_card=True,
            **MINUTES,
        )
    )
    [minutes] = [e for e in held["timeline"] if e["type"] == "negotiation_held"]
    assert minutes["data"]["schemes_presented"] == [
        "personal_assistance",
        "interpretation",
        "assistive_devices",
    ]
    path = f"/api/v1/applications/{case['id']}"
    seen = ok(api.get(path, world.employer))
    [entry] = [e for e in seen["timeline"] if e["type"] == "negotiation_held"]
    assert entry["data"]["schemes_presented"] == ["personal_assistance"]
    assert "card_id" not in entry["data"] and "card_schemes_added" not in entry["data"]
    text = json.dumps(seen, ensure_ascii=False)
    assert "interpretation" not in text and card["id"] not in text
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/share", world.applicant, json={"shared": True}
        )
    )
    shared = ok(api.get(path, world.employer))
    [entry] = [e for e in shared["timeline"] if e["type"] == "negotiation_held"]
    assert entry["data"]["schemes_presented"] == [
        "personal_assistance",
        "interpretation",
        "assistive_devices",
    ]
    assert "minutes" not in entry["data"]
