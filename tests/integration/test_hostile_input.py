"""Bad input always gets a clear error in the contract's shape: never a 500, never a half-written
record (api-contract.md "Conventions")."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fortrin import db
from fortrin.models import Application, ApplicationEvent, Breach, Vacancy
from fortrin.workflows.preferential_access import TRANSITIONS
from tests.integration.conftest import Api, World, apply, drive, vacancy

ERROR_CODES = {400, 403, 404, 409, 422}


def counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        session = db.session()
        return tuple(
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Vacancy, Application, ApplicationEvent, Breach)
        )


def assert_error_shape(response: Any) -> None:
    body = response.json
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    if response.status_code == 422:
        assert body["error"]["fields"]


MALFORMED = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"42",
    b"{",
    b"\xff\xfe",
    b'{"type": ',
    json.dumps({"type": ["assessment"]}).encode(),
    json.dumps({"type": "assessment", "can_perform": {"$gt": ""}}).encode(),
    json.dumps({"vacancy_id": None, "route": None}).encode(),
    json.dumps({"title": "x" * 100_000}).encode(),
    json.dumps({"type": "refusal_notified", "sent_on": "9999-99-99", "channel": "letter"}).encode(),
]


def test_malformed_bodies_get_clean_errors_and_change_nothing(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    before = counts(app)
    targets = [
        ("POST", "/api/v1/vacancies", world.employer),
        ("POST", "/api/v1/applications", world.applicant),
        ("POST", f"/api/v1/applications/{case['id']}/events", world.employer),
        ("POST", f"/api/v1/vacancies/{v['id']}/fill", world.employer),
        ("PUT", f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus),
        ("PUT", "/api/v1/municipalities/751/routing", world.admin),
        ("POST", "/api/v1/auth/token", None),
        ("PATCH", f"/api/v1/vacancies/{v['id']}", world.employer),
        ("POST", f"/api/v1/vacancies/{v['id']}/withdraw", world.employer),
        ("POST", "/api/v1/breaches", world.cw_aarhus),
        ("PATCH", f"/api/v1/organisations/{world.org_aarhus}", world.admin),
    ]
    for method, path, user in targets:
        for raw in MALFORMED:
            response = api.call(method, path, user, data=raw, content_type="application/json")
            assert response.status_code in ERROR_CODES | {401}, (path, raw, response.json)
            assert_error_shape(response)
    assert counts(app) == before


def test_an_oversized_body_is_refused(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/vacancies",
        world.employer,
        data=b"{" + b" " * 2_000_000 + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_unknown_routes_and_methods_answer_in_the_error_shape(api: Api, world: World) -> None:
    assert api.get("/api/v1/nowhere", world.admin).status_code == 404
    response = api.call("DELETE", "/api/v1/municipalities", world.admin)
    assert response.status_code == 405
    assert_error_shape(response)


def test_unknown_fields_are_ignored(api: Api, world: World) -> None:
    created = vacancy(api, world.employer, salary="høj", id="chosen-by-client")
    assert created["id"] != "chosen-by-client"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-12-01", "2026-12-01T10:00:00+01:00", "hired", "letter", "job"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
field_names = st.sampled_from(
    sorted({name for t in TRANSITIONS.values() for name in t.fields.model_fields} | {"type"})
)
event_bodies = st.builds(
    lambda event_type, extra: {**extra, "type": event_type},
    st.sampled_from([*TRANSITIONS, "nonsense"]),
    st.dictionaries(field_names, json_values, max_size=6),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=event_bodies, actor=st.sampled_from(["employer", "applicant", "cw_aarhus", "admin"]))
def test_fuzzed_events_never_fail_with_a_server_error(
    app: Flask, api: Api, world: World, body: dict[str, Any], actor: str
) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interviewed")
    before = counts(app)
    response = api.post(
        f"/api/v1/applications/{case['id']}/events", getattr(world, actor), json=body
    )
    assert response.status_code in {200} | ERROR_CODES, response.json
    if response.status_code != 200:
        assert_error_shape(response)
        assert counts(app) == before
