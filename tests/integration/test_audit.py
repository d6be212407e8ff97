"""The audit trail (issue 9, point 3): every read and change of a case, an applicant's registration
(health data), a compensation card or a conversation leaves one row — who, in which role, when, what —
through the API and the web pages alike; only administrators read it (``GET /api/v1/audit``).
That the rows cannot be edited, deleted or truncated is in ``test_legal_records.py``."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.integration.conftest import LEGAL, Api, World, apply, event, ok, vacancy
from tests.integration.test_cards import card_body, conversation, issued_card, set_limit
from tests.integration.test_web import csrf_token, sign_in

PROFILE = {
    "education": "Kontoruddannelse",
    "qualifications": "10 års erfaring med sagsbehandling",
    "disability_nature": "Sclerose",
    "disability_extent": "Kan ikke stå i længere tid",
}


def trail(api: Api, world: World, **query: Any) -> list[dict[str, Any]]:
    response = api.get("/api/v1/audit", world.admin, query_string=query)
    assert response.status_code == 200, response.json
    return list(response.json)


def rows_of(rows: list[dict[str, Any]], **match: Any) -> list[dict[str, Any]]:
    return [row for row in rows if all(row[key] == value for key, value in match.items())]


def register(api: Api, world: World) -> None:
    url = f"/api/v1/applicants/{world.applicant.id}/profile"
    ok(api.put(url, world.cw_aarhus, json=PROFILE))


def test_a_caseworker_reading_a_profile_leaves_a_row_the_admin_sees(api: Api, world: World) -> None:
    register(api, world)
    ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus))
    rows = trail(api, world, user_id=world.applicant.id)
    [read] = rows_of(rows, action="read", entity="profile")
    assert read["actor_id"] == world.cw_aarhus.id
    assert read["actor_name"] == world.cw_aarhus.name
    assert read["actor_role"] == "caseworker"
    assert read["entity_id"] == world.applicant.id
    assert read["subject_id"] == world.applicant.id
    assert read["at"] == "2026-12-01T09:00:00+01:00"  # Copenhagen time, like every instant
    # The registration itself was a change: one "create" row before the read.
    assert [r["action"] for r in rows_of(rows, entity="profile")] == ["read", "create"]
    # No health data in the trail itself.
    assert "Sclerose" not in str(rows) and "000101-0000" not in str(rows)


def test_the_applicants_own_reads_are_recorded_too(api: Api, world: World) -> None:
    register(api, world)
    ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.applicant))
    [read] = rows_of(trail(api, world, user_id=world.applicant.id), action="read")
    assert read["actor_id"] == world.applicant.id and read["actor_role"] == "applicant"


def test_an_employer_reading_a_case_leaves_a_row(api: Api, world: World) -> None:
    application = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    ok(api.get(f"/api/v1/applications/{application['id']}", world.employer))
    rows = trail(api, world, application_id=application["id"])
    [read] = rows_of(rows, action="read")
    assert read["actor_id"] == world.employer.id and read["actor_role"] == "employer"
    assert read["entity"] == "application" and read["entity_id"] == application["id"]
    assert read["subject_id"] == world.applicant.id
    [created] = rows_of(rows, action="create")
    assert created["actor_id"] == world.applicant.id and created["detail"] == "direct"


def test_a_list_leaves_one_row_per_case_shown(api: Api, world: World) -> None:
    first = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    second = apply(api, world.applicant_kbh, vacancy(api, world.employer)["id"])
    listed = api.get("/api/v1/applications", world.employer, query_string={"limit": 1})
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "2"
    shown = listed.json[0]["id"]
    rows = rows_of(trail(api, world, user_id=world.employer.id), action="list")
    assert [(r["entity_id"], r["subject_id"]) for r in rows] == [
        (shown, world.applicant_kbh.id if shown == second["id"] else world.applicant.id)
    ]
    assert shown in (first["id"], second["id"])


def test_a_write_leaves_one_row_with_the_event_and_a_refused_write_none(
    api: Api, world: World
) -> None:
    application = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    ok(
        event(
            api,
            world.employer,
            application["id"],
            type="eligibility_check",
            eligible=True,
            reasoning=LEGAL,
        )
    )
    refused = event(api, world.employer, application["id"], type="decision", outcome="hired")
    assert refused.status_code == 409
    rows = trail(api, world, application_id=application["id"])
    # One row per request and case: the write is not also recorded as a read.
    assert [(r["action"], r["detail"], r["actor_role"]) for r in rows] == [
        ("update", "eligibility_check", "employer"),
        ("create", "direct", "applicant"),
    ]


def test_cards_and_conversations_leave_rows_for_each_read_and_change(
    api: Api, world: World
) -> None:
    card = issued_card(api, world)
    ok(api.get(f"/api/v1/compensation-cards/{card['id']}", world.applicant))
    talks = api.get(f"/api/v1/applicants/{world.applicant.id}/conversations", world.cw_aarhus)
    assert talks.status_code == 200 and len(talks.json) == 1
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/revoke",
            world.cw_aarhus,
            json={"reason": "Flyttet"},
        )
    )
    rows = trail(api, world, user_id=world.applicant.id)
    actions = [(r["entity"], r["action"], r["detail"], r["actor_role"]) for r in rows]
    assert actions == [
        ("card", "update", "revoke", "caseworker"),
        ("conversation", "read", "", "caseworker"),
        ("card", "read", "", "applicant"),
        ("card", "update", "issue", "caseworker"),
        ("card", "create", "", "caseworker"),
        ("conversation", "create", "", "caseworker"),
    ]
    assert {r["entity_id"] for r in rows if r["entity"] == "card"} == {card["id"]}


def test_a_refused_card_write_leaves_no_row(api: Api, world: World) -> None:
    set_limit(api, world, 50000)
    talk = conversation(api, world)
    body = card_body(world, talk["id"], valid_until="2020-01-01")
    assert api.post("/api/v1/compensation-cards", world.cw_aarhus, json=body).status_code == 422
    assert rows_of(trail(api, world), entity="card") == []


def test_the_web_pages_are_audited_too(client: FlaskClient, api: Api, world: World) -> None:
    register(api, world)
    application = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    # One client for the pages and the API, as the harness keeps each request's context until the
    # client's next one.
    sign_in(client, world.cw_aarhus.email)
    assert client.get(f"/applicants/{world.applicant.id}").status_code == 200
    assert client.get(f"/applicants/{world.applicant.id}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, world.employer.email)
    assert client.get(f"/applications/{application['id']}").status_code == 200
    rows = trail(api, world, user_id=world.applicant.id)
    # Each page view is its own request: two reads of the registration.
    assert len(rows_of(rows, action="read", entity="profile", actor_id=world.cw_aarhus.id)) == 2
    [read] = rows_of(rows, action="read", entity="application")
    assert read["actor_id"] == world.employer.id and read["actor_role"] == "employer"


def test_only_admins_read_the_trail(api: Api, world: World) -> None:
    for user in (world.applicant, world.employer, world.cw_aarhus):
        response = api.get("/api/v1/audit", user)
        assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert api.get("/api/v1/audit").status_code == 401


def test_the_trail_is_paged_and_filtered(api: Api, world: World) -> None:
    application = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    for _ in range(3):
        ok(api.get(f"/api/v1/applications/{application['id']}", world.applicant))
    apply(api, world.applicant_kbh, vacancy(api, world.employer)["id"])
    page = api.get(
        "/api/v1/audit",
        world.admin,
        query_string={"application_id": application["id"], "limit": 2, "offset": 1},
    )
    assert page.status_code == 200 and page.headers["X-Total-Count"] == "4"
    assert [r["action"] for r in page.json] == ["read", "read"]
    # user_id: rows where the person is the actor or the data subject.
    assert {r["subject_id"] for r in trail(api, world, user_id=world.applicant_kbh.id)} == {
        world.applicant_kbh.id
    }
    assert trail(api, world, user_id="nobody") == []
    for query in ({"limit": 0}, {"offset": -1}, {"user_id": "x" * 65}):
        assert api.get("/api/v1/audit", world.admin, query_string=query).status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/audit", "/api/v1/me/data-export"])
def test_the_new_endpoints_are_described(api: Api, path: str) -> None:
    spec = api.get("/api/v1/openapi.json").json
    operation = spec["paths"][path]["get"]
    assert operation["security"] == [{"bearer": []}]
    assert "200" in operation["responses"] and "401" in operation["responses"]
    if path == "/api/v1/audit":
        assert {"403", "422"} <= set(operation["responses"])
        assert {p["name"] for p in operation["parameters"]} == {
            "application_id",
            "user_id",
            "limit",
            "offset",
            "cursor",
        }
