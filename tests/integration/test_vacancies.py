"""Vacancies, and the rule that a vacancy cannot be filled while a duty is open (bek. §6 stk. 2-3)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.integration.conftest import LEGAL, Api, World, apply, drive, event, ok, vacancy


def fill(api: Api, world: World, vacancy_id: str, **body: Any) -> Any:
    body.setdefault("filled_by", "external")
    return api.post(f"/api/v1/vacancies/{vacancy_id}/fill", world.employer, json=body)


def test_an_employer_posts_a_vacancy(api: Api, world: World) -> None:
    created = vacancy(api, world.employer, kind="taxi", formal_education_requirement=None)
    assert created["state"] == "open"
    assert created["kind"] == "taxi"
    assert created["organisation_name"] == "Aarhus Kommune"
    assert created["outstanding_duties"] == [] and created["may_be_filled"]


def test_only_employers_post_vacancies(api: Api, world: World) -> None:
    for user in (world.applicant, world.cw_aarhus, world.admin):
        assert api.post("/api/v1/vacancies", user, json={}).status_code == 403


def test_vacancy_fields_are_validated(api: Api, world: World) -> None:
    body = {
        "title": "",
        "kind": "private_job",
        "application_deadline": "2026-11-30",
        "workplace_municipality_code": "999",
        "workplace_jobcentre_code": "101",
    }
    response = api.post("/api/v1/vacancies", world.employer, json=body)
    assert response.status_code == 422
    assert {"title", "kind"} <= set(response.json["error"]["fields"])
    body.update(title="Pedel", kind="job")
    response = api.post("/api/v1/vacancies", world.employer, json=body)
    assert set(response.json["error"]["fields"]) == {
        "application_deadline",
        "workplace_municipality_code",
        "workplace_jobcentre_code",
    }


def test_a_workplace_jobcentre_must_be_the_employers_own(api: Api, world: World) -> None:
    assert vacancy(api, world.employer, workplace_jobcentre_code="751")["workplace_jobcentre_code"]
    response = api.post(
        "/api/v1/vacancies",
        world.employer_region,
        json={
            "title": "Sagsbehandler",
            "kind": "job",
            "application_deadline": "2026-12-20",
            "workplace_municipality_code": "751",
            "workplace_jobcentre_code": "751",
        },
    )
    assert response.status_code == 422


def test_bek_6_the_vacancy_cannot_be_filled_while_an_application_blocks_it(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    first = apply(api, world.applicant, v["id"])
    second = apply(api, world.applicant_kbh, v["id"])
    drive(api, world, second["id"], "statement_required")
    response = fill(api, world, v["id"])
    assert response.status_code == 409
    assert response.json["error"]["code"] == "duties_outstanding"
    assert sorted(response.json["error"]["outstanding"], key=lambda d: d["duty"]) == [
        {"application_id": first["id"], "duty": "eligibility_check", "owner": "employer"},
        {"application_id": second["id"], "duty": "statement", "owner": "employer"},
    ]
    shown = ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))
    assert not shown["may_be_filled"] and len(shown["outstanding_duties"]) == 2
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["state"] == "open"


def test_bek_6_stk_3_fill_is_refused_until_the_statement_and_negotiation_are_done(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    a = apply(api, world.applicant, v["id"])
    for state, duty in (
        ("interview_required", "interview"),
        ("interview_scheduled", "interview"),
        ("interviewed", "decision"),
        ("statement_required", "statement"),
        ("negotiation_required", "negotiation"),
    ):
        drive(api, world, a["id"], state)
        response = fill(api, world, v["id"])
        assert response.status_code == 409, state
        assert response.json["error"]["outstanding"][0]["duty"] == duty
    drive(api, world, a["id"], "refusal_pending")
    filled = ok(fill(api, world, v["id"]))
    assert filled["state"] == "filled" and filled["filled_by"] == "external"


def test_a_refused_fill_changes_nothing(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    a = apply(api, world.applicant, v["id"])
    before = api.get(f"/api/v1/applications/{a['id']}", world.admin).json
    assert fill(api, world, v["id"], filled_by="nonsense").status_code == 409
    assert api.get(f"/api/v1/applications/{a['id']}", world.admin).json == before


def test_filling_with_the_preferential_applicant_needs_their_hire(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    a = apply(api, world.applicant, v["id"])
    drive(api, world, a["id"], "interviewed")
    ok(event(api, world.employer, a["id"], type="decision", outcome="hired"))
    response = fill(api, world, v["id"], filled_by="preferential_applicant")
    assert response.status_code == 422 and "application_id" in response.json["error"]["fields"]
    filled = ok(
        fill(api, world, v["id"], filled_by="preferential_applicant", application_id=a["id"])
    )
    assert filled["filled_application_id"] == a["id"]
    assert fill(api, world, v["id"]).status_code == 409  # already filled


def test_filling_closes_a_case_the_jobcentre_had_not_yet_assessed(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    a = apply(api, world.applicant, v["id"], route="via_jobcentre")
    ok(fill(api, world, v["id"]))
    case = ok(api.get(f"/api/v1/applications/{a['id']}", world.applicant))
    assert case["state"] == "closed"
    assert case["timeline"][-1]["type"] == "vacancy_filled"
    assert case["timeline"][-1]["actor_role"] == "employer"


def test_withdrawing_a_vacancy_after_contact_owes_a_refusal_domain_12(
    api: Api, world: World
) -> None:
    """domain.md § 12: a vacancy withdrawn after the employer was contacted is a "no" that keeps
    the right to Ankestyrelsen's opinion (kompensationslov § 17 a stk. 3); a refusal already given
    keeps its course."""
    v = vacancy(api, world.employer)
    open_case = apply(api, world.applicant, v["id"])
    refused = apply(api, world.applicant_kbh, v["id"])
    drive(api, world, refused["id"], "opinion_window")
    response = api.post(
        f"/api/v1/vacancies/{v['id']}/withdraw",
        world.employer,
        json={"reason": "Stillingen nedlægges"},
    )
    assert ok(response)["state"] == "withdrawn"
    assert api.get(f"/api/v1/applications/{open_case['id']}", world.admin).json["state"] == (
        "refusal_pending"
    )
    assert api.get(f"/api/v1/applications/{refused['id']}", world.admin).json["state"] == (
        "opinion_window"
    )
    again = apply_response = api.post(
        "/api/v1/applications", world.applicant, json={"vacancy_id": v["id"], "route": "direct"}
    )
    assert apply_response.status_code == 409 and again.json["error"]["code"] == "vacancy_not_open"


def test_another_employer_cannot_see_or_fill_the_vacancy(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    assert api.get(f"/api/v1/vacancies/{v['id']}", world.employer_region).status_code == 404
    response = api.post(f"/api/v1/vacancies/{v['id']}/fill", world.employer_region, data="not json")
    assert response.status_code == 404
    listed = api.get("/api/v1/vacancies", world.employer_region).json
    assert v["id"] not in {row["id"] for row in listed}


def test_applicants_see_open_vacancies_to_apply_to(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    listed = api.get("/api/v1/vacancies?state=open", world.applicant)
    assert v["id"] in {row["id"] for row in listed.json}
    assert listed.headers["X-Total-Count"] == "1"
    assert (
        api.post(
            f"/api/v1/vacancies/{v['id']}/fill", world.applicant, json={"filled_by": "external"}
        ).status_code
        == 403
    )


def test_vacancy_list_arguments_are_validated(api: Api, world: World) -> None:
    for query in ("state=gone", "limit=0", "limit=x", "offset=-1"):
        assert api.get(f"/api/v1/vacancies?{query}", world.employer).status_code == 422, query
    assert LEGAL


def test_applicants_are_offered_only_vacancies_they_can_still_apply_to(
    app: Flask, api: Api, world: World
) -> None:
    """004 § 3.5: the preferential right covers applications made in time; a vacancy whose
    deadline has passed is not offered (the API's ?accepting=true, and the web list)."""
    soon_closed = vacancy(api, world.employer, application_deadline="2026-12-02")
    later = vacancy(api, world.employer, application_deadline="2026-12-20")
    app.config["FORTRIN_NOW"] = "2026-12-03T09:00:00+01:00"
    listed = api.get("/api/v1/vacancies?accepting=true", world.applicant).json
    assert [v["id"] for v in listed] == [later["id"]]
    everything = {v["id"] for v in api.get("/api/v1/vacancies", world.applicant).json}
    assert {soon_closed["id"], later["id"]} <= everything
    assert api.get("/api/v1/vacancies?accepting=maybe", world.applicant).status_code == 422
