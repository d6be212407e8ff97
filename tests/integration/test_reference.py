"""Reference data (domain.md section 8) and the admin's routing table with its change log."""

from __future__ import annotations

from flask import Flask

from fortrin import db
from fortrin.reference import load_reference_data
from tests.integration.conftest import Api, World


def test_98_municipalities_with_3_digit_codes_jobcentres_and_neighbours(
    api: Api, world: World
) -> None:
    rows = api.get("/api/v1/municipalities", world.applicant).json
    assert len(rows) == 98
    assert all(len(row["code"]) == 3 and row["code"].isdigit() for row in rows)
    aarhus = next(row for row in rows if row["code"] == "751")
    assert aarhus["jobcentre_code"] == "751"
    assert aarhus["neighbour_jobcentre_code"] == "746"
    assert all(row["neighbour_jobcentre_code"] != row["jobcentre_code"] for row in rows)


def test_shared_jobcentres_serve_several_municipalities(api: Api, world: World) -> None:
    jobcentres = {row["code"]: row for row in api.get("/api/v1/jobcentres", world.employer).json}
    assert jobcentres["185"]["municipality_codes"] == ["155", "185"]
    assert jobcentres["751"]["name"] == "Jobcenter Aarhus"
    assert len(jobcentres) == 95


def test_the_nine_schemes_of_the_registry_are_loaded(api: Api, world: World) -> None:
    codes = {row["code"] for row in api.get("/api/v1/schemes", world.employer).json}
    assert codes >= {
        "personal_assistance",
        "personal_assistance_education",
        "interpretation",
        "preferential_access",
        "assistive_devices",
        "icebreaker",
        "upskilling",
        "mentor",
        "sickness_agreement_56",
    }
    one = api.get("/api/v1/schemes/personal_assistance", world.employer).json
    assert one["state_refund_share"] == 0.5 and "§ 4" in one["legal_basis"]


def test_an_admin_changes_the_routing_table_and_the_change_is_logged(
    api: Api, world: World
) -> None:
    response = api.put(
        "/api/v1/municipalities/751/routing",
        world.admin,
        json={"neighbour_jobcentre_code": "727", "reason": "Ministeriets liste"},
    )
    assert response.status_code == 200
    assert response.json["neighbour_jobcentre_code"] == "727"
    log = api.get("/api/v1/reference-changes", world.admin).json
    assert log[0]["actor_id"] == world.admin.id
    assert (log[0]["entity_key"], log[0]["field"], log[0]["old_value"], log[0]["new_value"]) == (
        "751",
        "neighbour_jobcentre_code",
        "746",
        "727",
    )
    assert log[0]["at"] == "2026-12-01T09:00:00+01:00"


def test_only_admins_change_or_read_the_routing_log(api: Api, world: World) -> None:
    body = {"neighbour_jobcentre_code": "727", "reason": "x"}
    for user in (world.cw_aarhus, world.employer, world.applicant):
        assert api.put("/api/v1/municipalities/751/routing", user, json=body).status_code == 403
        assert api.get("/api/v1/reference-changes", user).status_code == 403


def test_bek_7_a_municipality_cannot_be_routed_to_its_own_jobcentre(api: Api, world: World) -> None:
    for code, field in (("751", "neighbour_jobcentre_code"), ("999", "neighbour_jobcentre_code")):
        response = api.put(
            "/api/v1/municipalities/751/routing",
            world.admin,
            json={"neighbour_jobcentre_code": code, "reason": "forsøg"},
        )
        assert response.status_code == 422
        assert field in response.json["error"]["fields"]
    assert (
        api.put(
            "/api/v1/municipalities/000/routing",
            world.admin,
            json={"neighbour_jobcentre_code": "101", "reason": "x"},
        ).status_code
        == 404
    )


def test_an_admin_changes_which_jobcentre_serves_a_municipality(api: Api, world: World) -> None:
    response = api.put(
        "/api/v1/municipalities/563/jobcentre",
        world.admin,
        json={"jobcentre_code": "563", "reason": "Fanø har eget jobcenter"},
    )
    # 563 is not a jobcentre in the shipped data: refused, nothing changed
    assert response.status_code == 422
    response = api.put(
        "/api/v1/municipalities/563/jobcentre",
        world.admin,
        json={"jobcentre_code": "573", "reason": "Samarbejde med Varde"},
    )
    assert response.status_code == 422  # 573 is Fanø's §7 neighbour: change that first
    api.put(
        "/api/v1/municipalities/563/routing",
        world.admin,
        json={"neighbour_jobcentre_code": "575", "reason": "Vejen i stedet"},
    )
    response = api.put(
        "/api/v1/municipalities/563/jobcentre",
        world.admin,
        json={"jobcentre_code": "573", "reason": "Samarbejde med Varde"},
    )
    assert response.status_code == 200
    assert response.json["jobcentre_code"] == "573"
    assert len(api.get("/api/v1/reference-changes", world.admin).json) == 2


def test_reloading_reference_data_keeps_admin_changes(app: Flask, api: Api, world: World) -> None:
    api.put(
        "/api/v1/municipalities/751/routing",
        world.admin,
        json={"neighbour_jobcentre_code": "727", "reason": "Ministeriets liste"},
    )
    with app.app_context(), db.unit_of_work() as session:
        assert load_reference_data(session) == {
            "jobcentres": 0,
            "municipalities": 0,
            "schemes": 0,
            "rates": 0,
            "card_templates": 0,
        }
    municipality = api.get("/api/v1/municipalities/751", world.admin).json
    assert municipality["neighbour_jobcentre_code"] == "727"


def test_the_deadline_calculator_uses_the_case_computation(api: Api, world: World) -> None:
    response = api.get(
        "/api/v1/deadlines/opinion-request?sent_on=2026-12-04&channel=digital_post", world.applicant
    )
    assert response.status_code == 200
    assert response.json["due"] == "2027-01-04"
    assert response.json["basis"] == "received 2026-12-04 + 4 weeks; 2027-01-01 is a holiday"
    letter = api.get(
        "/api/v1/deadlines/opinion-request?sent_on=2026-11-30&channel=letter"
        "&received_on=2026-12-02",
        world.applicant,
    ).json
    assert letter["received_on"] == "2026-12-02"


def test_the_deadline_calculator_refuses_bad_input_with_422(api: Api, world: World) -> None:
    for query, field in (
        ("sent_on=2026-13-01&channel=letter", "sent_on"),
        ("sent_on=20261201&channel=letter", "sent_on"),
        ("channel=letter", "sent_on"),
        ("sent_on=2026-12-01&channel=pigeon", "channel"),
        ("sent_on=2026-12-01&channel=letter&received_on=2026-11-01", "received_on"),
        ("sent_on=2026-12-01&channel=letter&received_on=nope", "received_on"),
    ):
        response = api.get(f"/api/v1/deadlines/opinion-request?{query}", world.applicant)
        assert response.status_code == 422, query
        assert field in response.json["error"]["fields"], query
