"""The scheme registry over HTTP: versioned rates and the calculators (api-contract.md)."""

from __future__ import annotations

from tests.integration.conftest import Api, World


def test_a_scheme_lists_every_rate_version_with_its_source(api: Api, world: World) -> None:
    scheme = api.get("/api/v1/schemes/personal_assistance", world.employer).json
    assert {
        "code",
        "name",
        "legal_basis",
        "target_group",
        "conditions",
        "state_refund_share",
        "rates",
    } <= set(scheme)
    assert [(r["amount"], r["valid_from"], r["valid_to"]) for r in scheme["rates"]] == [
        (114.68, "2015-01-01", "2017-03-31"),
        (117.53, "2017-04-01", None),
    ]
    assert all(r["source"] for r in scheme["rates"])
    assert api.get("/api/v1/schemes/unicorns", world.employer).status_code == 404


def test_a_new_rate_version_closes_the_previous_one(api: Api, world: World) -> None:
    body = {
        "name": "hourly_rate",
        "amount": 121.5,
        "unit": "kr. pr. time",
        "valid_from": "2027-01-01",
        "source": "Ny overenskomst HK/staten",
    }
    assert (
        api.post(
            "/api/v1/schemes/personal_assistance/rates", world.cw_aarhus, json=body
        ).status_code
        == 403
    )
    response = api.post("/api/v1/schemes/personal_assistance/rates", world.admin, json=body)
    assert response.status_code == 201 and response.json["amount"] == 121.5
    rates = api.get("/api/v1/schemes/personal_assistance", world.admin).json["rates"]
    assert [(r["valid_from"], r["valid_to"]) for r in rates] == [
        ("2015-01-01", "2017-03-31"),
        ("2017-04-01", "2026-12-31"),
        ("2027-01-01", None),
    ]
    again = api.post("/api/v1/schemes/personal_assistance/rates", world.admin, json=body)
    assert again.status_code == 422 and "valid_from" in again.json["error"]["fields"]


def test_rate_versions_apply_by_date(api: Api, world: World) -> None:
    def monthly(on: str) -> float:
        return float(
            api.post(
                "/api/v1/calculations/personal-assistance",
                world.employer,
                json={"hours_per_week": 10, "on": on},
            ).json["monthly_cost"]
        )

    assert monthly("2016-06-01") == 4965.64  # 10 x 114,68 x 4,33
    assert monthly("2017-04-01") == 5089.05  # 10 x 117,53 x 4,33
    response = api.post(
        "/api/v1/calculations/personal-assistance",
        world.employer,
        json={"hours_per_week": 10, "on": "2010-01-01"},
    )
    assert response.status_code == 409 and response.json["error"]["code"] == "no_rate_in_force"


def test_personal_assistance_names_the_rate_it_used(api: Api, world: World) -> None:
    result = api.post(
        "/api/v1/calculations/personal-assistance", world.applicant, json={"hours_per_week": 18}
    ).json
    assert result["monthly_cost"] == 9160.29  # 18 x 117,53 x 4,33 = 9.160,2882
    assert result["state_refund"] + result["municipality_cost"] == result["monthly_cost"]
    assert result["rate"]["valid_from"] == "2017-04-01" and result["rate"]["amount"] == 117.53
    assert result["warnings"] == []
    own = api.post(
        "/api/v1/calculations/personal-assistance",
        world.applicant,
        json={"hours_per_week": 25, "hourly_rate": 114.68},
    ).json
    assert own["rate"]["source"] == "angivet" and own["warnings"]


def test_personal_assistance_above_37_hours_is_refused(api: Api, world: World) -> None:
    for body in ({"hours_per_week": 38}, {"hours_per_week": 0}, {"hours_per_week": "ti"}, {}):
        response = api.post("/api/v1/calculations/personal-assistance", world.employer, json=body)
        assert response.status_code == 422, body
        assert "hours_per_week" in response.json["error"]["fields"]


def test_assistive_devices_add_up_with_the_state_refund(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/calculations/assistive-devices",
        world.cw_aarhus,
        json={
            "items": [
                {"description": "Cobra CCTV", "amount": 25000},
                {"description": "Forskellige lupper", "amount": 3150},
            ]
        },
    )
    assert response.json == {
        "total": 28150.0,
        "state_refund": 14075.0,
        "municipality_cost": 14075.0,
    }
    bad = api.post(
        "/api/v1/calculations/assistive-devices",
        world.cw_aarhus,
        json={"items": [{"description": "", "amount": -5}]},
    )
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"items.0.description", "items.0.amount"}


def test_interpretation_over_http(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/calculations/interpretation",
        world.cw_aarhus,
        json={
            "sessions": [
                {
                    "starts_at": "2026-12-01T09:00:00+01:00",
                    "ends_at": "2026-12-01T11:30:00+01:00",
                    "zone": 2,
                    "demanding": False,
                },
                {
                    "starts_at": "2026-12-01T14:00:00+01:00",
                    "ends_at": "2026-12-01T14:20:00+01:00",
                    "zone": None,
                    "demanding": False,
                },
            ]
        },
    )
    assert response.status_code == 200
    assert response.json["total"] == 2275.0 + 325.0
    assert response.json["lines"][0]["session"] == 1
    bad = api.post(
        "/api/v1/calculations/interpretation",
        world.cw_aarhus,
        json={
            "sessions": [
                {
                    "starts_at": "2026-12-01T11:00:00+01:00",
                    "ends_at": "2026-12-01T09:00:00+01:00",
                    "zone": 4,
                }
            ]
        },
    )
    assert bad.status_code == 422 and "sessions.0.zone" in bad.json["error"]["fields"]


def test_icebreaker_and_business_case_over_http(api: Api, world: World) -> None:
    subsidy = api.post(
        "/api/v1/calculations/icebreaker",
        world.employer,
        json={"level": 5, "hourly_wage": 140, "hours_per_week": 37},
    ).json
    assert subsidy["hourly_subsidy"] == 140.0 and subsidy["capped_by_wage"] is True
    assert subsidy["rate"]["amount"] == 154.02
    case = api.post(
        "/api/v1/calculations/business-case",
        world.employer,
        json={"one_off_cost": 8507, "avoided_monthly_benefit": 11200},
    ).json
    assert case["break_even_months"] == 1
