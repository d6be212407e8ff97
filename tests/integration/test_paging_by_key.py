"""Issue 12, point 3: a list is read by key (a cursor, no OFFSET), with its total, in a fixed number
of statements whatever the page's length. On both databases."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlmodel import select

from fortrin import db
from fortrin.models import AuditEvent, User
from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    make_user,
    ok,
    vacancy,
)
from tests.integration.test_reminder_batching import cases_awaiting_assessment, statements


def test_the_case_list_pages_by_key_through_every_case_once(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    ids = cases_awaiting_assessment(app, api, world, 11)
    seen: list[str] = []
    path = "/api/v1/applications?limit=4"
    pages = 0
    while True:
        response = api.get(path, world.cw_aarhus)
        assert response.status_code == 200, response.json
        assert response.headers["X-Total-Count"] == "11"
        seen += [case["id"] for case in response.json]
        pages += 1
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            break
        assert response.headers["Link"] == (
            f'</api/v1/applications?limit=4&cursor={cursor}>; rel="next"'
        )
        path = f"/api/v1/applications?limit=4&cursor={cursor}"
    assert pages == 3
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 11  # each once
    # The same order as one long page (newest first; the test's clock is frozen, so by id then).
    everything = ok_list(api, world.cw_aarhus, "/api/v1/applications?limit=100")
    assert [case["id"] for case in everything] == seen


def ok_list(api: Api, user: User, path: str) -> list[dict[str, Any]]:
    response = api.get(path, user)
    assert response.status_code == 200, response.json
    return list(response.json)


def test_a_bad_cursor_is_a_clear_error(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    cases_awaiting_assessment(app, api, world, 2)
    for bad in ("x", "bm9uc2Vuc2U", "WyIyMDI2Il0", "W10", "WzEsMl0", "%00"):
        response = api.get(f"/api/v1/applications?cursor={bad}", world.cw_aarhus)
        assert response.status_code == 422, (bad, response.json)
        assert "cursor" in response.json["error"]["fields"]
    first = api.get("/api/v1/applications?limit=1", world.cw_aarhus)
    cursor = first.headers["X-Next-Cursor"]
    both = api.get(f"/api/v1/applications?offset=1&cursor={cursor}", world.cw_aarhus)
    assert both.status_code == 422 and "offset" in both.json["error"]["fields"]


def test_a_page_takes_the_same_statements_whatever_its_length(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    cases_awaiting_assessment(app, api, world, 12)
    counts = {}
    for limit in (1, 3, 12):
        api.get("/api/v1/applications?limit=1", world.cw_aarhus)  # the token, made beforehand
        with statements(app) as seen:
            rows = ok_list(api, world.cw_aarhus, f"/api/v1/applications?limit={limit}")
        assert len(rows) == limit
        counts[limit] = len(seen)
    assert counts[1] == counts[3] == counts[12], counts
    ok(api.get("/api/v1/me", world.cw_aarhus))


def walk(api: Api, user: object, path: str, size: int) -> list[object]:
    """Every item of a list, page by page by cursor."""
    items: list[object] = []
    query = f"{path}{'&' if '?' in path else '?'}limit={size}"
    url = query
    while True:
        response = api.get(url, user)  # type: ignore[arg-type]
        assert response.status_code == 200, (url, response.json)
        items += [item["id"] for item in response.json]
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            return items
        url = f"{query}&cursor={cursor}"


def test_every_list_walks_by_key_to_the_same_items_as_one_long_page(
    app: Flask, world: World
) -> None:
    from fortrin.scheduler import reminder_pass
    from tests.integration.conftest import vacancy

    api = Api(app, app.test_client())
    cases_awaiting_assessment(app, api, world, 7)
    for n in range(4):
        vacancy(api, world.employer, title=f"Stilling {n}")
    app.config["FORTRIN_NOW"] = "2026-12-11T09:00:00+01:00"
    with app.app_context():
        reminder_pass()  # the caseworker is told of each case
    lists = [
        ("/api/v1/applications", world.cw_aarhus),
        ("/api/v1/vacancies", world.employer),
        ("/api/v1/applicants?q=", world.cw_aarhus),
        ("/api/v1/audit", world.admin),
        ("/api/v1/me/notifications", world.cw_aarhus),
        ("/api/v1/users", world.admin),
        ("/api/v1/breaches", world.cw_aarhus),
    ]
    for path, user in lists:
        whole = walk(api, user, path, 500)
        assert len(whole) == len(set(whole)), path
        assert path.endswith("breaches") or len(whole) > 3, (path, whole)
        assert walk(api, user, path, 3) == whole, path


def test_the_case_and_an_event_read_what_they_show_in_one_statement(
    app: Flask, world: World
) -> None:
    """Issue 12: the case (with its vacancy, organisation, applicant, timeline and cards) is one
    statement, which on PostgreSQL also writes the audit row; an event's answer reads nothing again."""
    api = Api(app, app.test_client())
    [first, second] = cases_awaiting_assessment(app, api, world, 2)
    ok(api.get("/api/v1/me", world.cw_aarhus))  # the token, made beforehand
    postgres = app.config["FORTRIN_DATABASE_URL"].startswith("postgresql")
    with statements(app) as seen:
        ok(api.get(f"/api/v1/applications/{first}", world.cw_aarhus))
    reads = [s for s in seen if "FROM application" in s and "JOIN vacancy" in s]
    assert len(reads) == 1 and "application_event" in reads[0] and "compensation_card" in reads[0]
    assert ("INSERT INTO audit_event" in reads[0]) is postgres
    if postgres:
        assert not [s for s in seen if s.lstrip().startswith("INSERT")]
    with app.app_context():
        rows = db.session().exec(
            select(AuditEvent).where(AuditEvent.entity_id == first, AuditEvent.action == "read")
        )
        assert [(r.actor_id, r.entity) for r in rows] == [(world.cw_aarhus.id, "application")]
    body = {"type": "assessment", "can_perform": True, "has_difficulty_getting_work": True,
            "reasoning": LEGAL}  # fmt: skip
    with statements(app) as seen:
        ok(api.post(f"/api/v1/applications/{second}/events", world.cw_aarhus, json=body))
    for table in ("vacancy", "organisation"):
        assert not [s for s in seen if s.lstrip().startswith(f"SELECT {table}.id")], table
    assert len([s for s in seen if s.lstrip().startswith("UPDATE application ")]) == 1
    # Issue 12: the token and the case (with who the event's notices go to) are all it reads.
    reads = [s for s in seen if s.lstrip().startswith(("SELECT", "WITH"))]
    assert len(reads) == 2, reads
    assert "api_token" in reads[0] and "creator" in reads[1] and "assignee" in reads[1]


def test_each_case_of_the_api_list_is_its_own_answer_without_the_timeline(
    app: Flask, world: World
) -> None:
    """The API's page of cases reads each case's vacancy, organisation and applicant as columns
    (``cases.case_refs``); a case read on its own reads them as objects. For every role that sees
    the cases, in several states, each entry of the list is the case's own answer but for the
    timeline, which the list leaves out."""
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    other = make_user(app, "applicant", home_municipality_code="751")
    third = make_user(app, "applicant", home_municipality_code="751")
    ids = [
        apply(api, who, v["id"], "via_jobcentre")["id"] for who in (world.applicant, other, third)
    ]
    drive(api, world, ids[1], "interview_scheduled")
    drive(api, world, ids[2], "opinion_window")
    for user, expected in (
        (world.cw_aarhus, 3),
        (world.admin, 3),
        (world.employer, 2),  # not the one still waiting for the jobcentre's assessment
        (world.applicant, 1),
    ):
        listed = ok_list(api, user, "/api/v1/applications?limit=100")
        assert len(listed) == expected, (user.role, listed)
        for case in listed:
            alone = ok(api.get(f"/api/v1/applications/{case['id']}", user))
            assert alone["timeline"], alone
            assert case == {**alone, "timeline": None}, user.role
    states = {
        case["id"]: case["state"] for case in ok_list(api, world.cw_aarhus, "/api/v1/applications")
    }
    assert states == {
        ids[0]: "awaiting_assessment",
        ids[1]: "interview_scheduled",
        ids[2]: "opinion_window",
    }
