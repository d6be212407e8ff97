"""Data minimisation and scoping (domain.md section 1, api-contract.md "Roles").

004 §3.3: the employer has no legal basis to ask for health information, so the service never shows an
employer the applicant's disability details, CPR number or the jobcentre's notes.
"""

from __future__ import annotations

import json

from tests.integration.conftest import SUITABLE, Api, World, apply, drive, event, ok, vacancy

DISABILITY = "Sklerose med nedsat gangfunktion og træthed"
NOTE = "Jobcenterets note: kan arbejde 25 timer om ugen med pauser efter behov."


def register(api: Api, world: World) -> None:
    response = api.put(
        f"/api/v1/applicants/{world.applicant.id}/profile",
        world.cw_aarhus,
        json={
            "education": "Kontoruddannelse (EUD), 2015",
            "qualifications": "ESDH, Excel",
            "disability_nature": DISABILITY,
            "disability_extent": "Varig, betydelig",
        },
    )
    assert response.status_code == 200, response.json


def test_bek_5_the_home_jobcentre_registers_the_applicant(api: Api, world: World) -> None:
    register(api, world)
    profile = ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.applicant))
    assert profile["disability_nature"] == DISABILITY
    assert profile["cpr"] == "000101-0000"
    assert profile["updated_at"] == "2026-12-01T09:00:00+01:00"


def test_004_3_3_no_employer_ever_receives_disability_cpr_or_jobcentre_notes(
    api: Api, world: World
) -> None:
    register(api, world)
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    ok(event(api, world.cw_aarhus, case["id"], type="assessment", **SUITABLE, reasoning=NOTE))
    drive(api, world, case["id"], "opinion_window")
    seen = "".join(
        json.dumps(api.get(path, world.employer).json, ensure_ascii=False)
        for path in (
            f"/api/v1/applications/{case['id']}",
            "/api/v1/applications",
            f"/api/v1/vacancies/{v['id']}",
            "/api/v1/vacancies",
            f"/api/v1/applicants/{world.applicant.id}/profile",
        )
    )
    for secret in (DISABILITY, "000101-0000", NOTE):
        assert secret not in seen, secret
    assert "Ida Ansøger" in seen  # the employer needs the name to invite to the interview
    assert (
        api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.employer).status_code
        == 404
    )


def test_the_employer_does_not_see_a_case_before_the_jobcentre_has_assessed_it(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    waiting = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assert api.get(f"/api/v1/applications/{waiting['id']}", world.employer).status_code == 404
    ok(
        event(
            api,
            world.cw_aarhus,
            waiting["id"],
            type="assessment",
            can_perform=False,
            has_difficulty_getting_work=True,
            reasoning=NOTE,
        )
    )
    assert api.get(f"/api/v1/applications/{waiting['id']}", world.employer).status_code == 404
    assert api.get("/api/v1/applications", world.employer).json == []


def test_each_role_sees_only_its_own_cases(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    mine = apply(api, world.applicant, v["id"])
    theirs = apply(api, world.applicant_kbh, v["id"])
    assert [a["id"] for a in api.get("/api/v1/applications", world.applicant).json] == [mine["id"]]
    assert api.get(f"/api/v1/applications/{theirs['id']}", world.applicant).status_code == 404
    assert [a["id"] for a in api.get("/api/v1/applications", world.cw_kbh).json] == [theirs["id"]]
    assert api.get(f"/api/v1/applications/{mine['id']}", world.cw_kbh).status_code == 404
    assert api.get(f"/api/v1/applications/{mine['id']}", world.employer_region).status_code == 404
    assert len(api.get("/api/v1/applications", world.admin).json) == 2
    assert len(api.get("/api/v1/applications", world.employer).json) == 2


def test_profile_access_follows_the_jobcentre_relation(api: Api, world: World) -> None:
    register(api, world)
    path = f"/api/v1/applicants/{world.applicant.id}/profile"
    assert api.get(path, world.cw_skanderborg).status_code == 404  # no case of theirs yet
    v = vacancy(api, world.employer, workplace_jobcentre_code="751")
    apply(api, world.applicant, v["id"], route="via_jobcentre")  # routed to Skanderborg (§7)
    assert api.get(path, world.cw_skanderborg).status_code == 200  # it handles a case now
    assert api.put(path, world.cw_skanderborg, json={}).status_code == 403  # but only home writes
    assert api.get(path, world.admin).status_code == 200
    assert api.put(path, world.admin, json={}).status_code == 403
    assert api.put(path, world.applicant, json={}).status_code == 403
    assert api.get(path, world.cw_kbh).status_code == 404
    assert (
        api.get(f"/api/v1/applicants/{world.applicant_kbh.id}/profile", world.applicant).status_code
        == 404
    )
    assert api.get(f"/api/v1/applicants/{world.employer.id}/profile", world.admin).status_code == (
        404
    )


def test_profile_fields_are_validated_and_a_bad_write_changes_nothing(
    api: Api, world: World
) -> None:
    register(api, world)
    path = f"/api/v1/applicants/{world.applicant.id}/profile"
    response = api.put(path, world.cw_aarhus, json={"disability_nature": 42})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "education": "skal udfyldes",
        "qualifications": "skal udfyldes",
        "disability_nature": "skal være tekst",
        "disability_extent": "skal udfyldes",
    }
    assert ok(api.get(path, world.cw_aarhus))["disability_nature"] == DISABILITY


def test_bek_6_stk_1_an_unassessed_case_stays_hidden_from_the_employer_when_it_ends(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    withdrawn = apply(api, world.applicant, v["id"], route="via_jobcentre")
    ok(event(api, world.applicant, withdrawn["id"], type="withdrawn", reason="Fortrudt"))
    closed = apply(api, world.applicant_kbh, v["id"], route="via_jobcentre")
    ok(
        api.post(
            f"/api/v1/vacancies/{v['id']}/fill", world.employer, json={"filled_by": "external"}
        )
    )
    assert api.get("/api/v1/applications", world.employer).json == []
    for case in (withdrawn, closed):
        assert api.get(f"/api/v1/applications/{case['id']}", world.employer).status_code == 404


def test_an_applicant_cannot_tell_that_others_have_cases_on_a_vacancy(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    apply(api, world.applicant_kbh, v["id"])
    seen = ok(api.get(f"/api/v1/vacancies/{v['id']}", world.applicant))
    assert seen["may_be_filled"] is None and seen["outstanding_duties"] == []
    assert ok(api.get(f"/api/v1/vacancies/{v['id']}", world.employer))["may_be_filled"] is False


def test_a_caseworker_finds_the_applicants_of_its_own_area(api: Api, world: World) -> None:
    found = api.get("/api/v1/applicants?q=IDA", world.cw_aarhus).json
    assert [a["id"] for a in found] == [world.applicant.id]
    assert set(found[0]) == {"id", "name", "email", "home_municipality_code"}  # no CPR, no health
    assert api.get("/api/v1/applicants?q=ida", world.cw_kbh).json == []
    assert len(api.get("/api/v1/applicants", world.admin).json) == 2
    assert api.get("/api/v1/applicants", world.employer).status_code == 403
    assert api.get("/api/v1/applicants", world.applicant).status_code == 403
