"""Issue 9, point 8: schemathesis fuzzes every operation of ``GET /api/v1/openapi.json`` through WSGI.

Each operation gets a fixed, small number of generated requests, data that fits the description and
data that does not, half of them aimed at objects that exist; each request is sent with no token, as
an admin and as a caseworker. A response fails the test if it is a server error, or if its status, its
content type or its body is not what the description says (so the description must name every status
the service answers). Hypothesis is derandomised, so a run is repeatable and its length bounded.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fortrin import db
from fortrin.models import User
from fortrin.security import issue_token
from tests.integration.conftest import Api, World, apply, drive, vacancy
from tests.integration.test_cards import issued_card

# Per operation and generation mode; FORTRIN_FUZZ_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("FORTRIN_FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def known_ids(api: Api, world: World) -> dict[str, Any]:
    """Path parameters that name real objects, so that generated bodies reach the services."""
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    card = issued_card(api, world)
    return {
        "user_id": world.applicant.id,
        "vacancy_id": v["id"],
        "application_id": case["id"],
        "card_id": card["id"],
        "organisation_id": world.org_aarhus,
        "notification_id": 1,
        "task_id": 1,
        "verification": card["verification_code"],
    }


def describe(error: BaseException) -> str:
    text = str(error)
    if isinstance(error, BaseExceptionGroup):
        text += "".join(f"\n- {describe(inner)}" for inner in error.exceptions)
    return text


def fresh_token(api: Api, user: User) -> str:
    with api.app.app_context(), db.unit_of_work() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        token, _ = issue_token(session, fresh)
        return token


def path_parameters(path: str, known: dict[str, Any]) -> dict[str, Any]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    values: dict[str, Any] = {}
    for name in names:
        if name == "code":
            values[name] = (
                "interpretation"
                if path.startswith("/api/v1/schemes")
                else "hearing"
                if path.startswith("/api/v1/card-templates")
                else known["verification"]
                if path.startswith("/api/v1/card-verification")
                else "751"
            )
        elif name in known:
            values[name] = known[name]
    return values


def test_every_operation_survives_fuzzing(app: Flask, api: Api, world: World) -> None:
    known = known_ids(api, world)
    callers = {
        "anonymous": {},
        "admin": {"Authorization": f"Bearer {api.token(world.admin)}"},
        "caseworker": {"Authorization": f"Bearer {api.token(world.cw_aarhus)}"},
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operations += 1
        if not isinstance(result, Ok):
            failures[f"operation {operations}"] = f"not a valid description: {result.err()}"
            continue
        operation = result.ok()
        fixed = path_parameters(operation.path, known)
        strategies = []
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode))
            if fixed:
                strategies.append(
                    operation.as_strategy(generation_mode=mode, path_parameters=fixed)
                )

        @settings(
            max_examples=EXAMPLES * 2,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def fuzz(case: schemathesis.Case) -> None:
            for who, headers in callers.items():
                if case.operation.path.startswith("/api/v1/auth/") and headers:
                    # Signing out revokes the token it is called with: a fresh one each time.
                    user = world.admin if who == "admin" else world.cw_aarhus
                    headers = {"Authorization": f"Bearer {fresh_token(api, user)}"}
                try:
                    case.call_and_validate(headers=dict(headers), checks=CHECKS)
                except (
                    Exception,
                    BaseExceptionGroup,
                ) as error:  # a check failed, or the app raised
                    raise AssertionError(f"as {who}: {describe(error)}") from error

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # schemathesis reports a group of failures
            failures[f"{operation.method.upper()} {operation.path}"] = describe(error)[:1500]
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(
        f"{name}\n{text}" for name, text in failures.items()
    )
    described = api.get("/api/v1/openapi.json").json["paths"]
    # Every operation but the description itself, which schemathesis leaves out.
    assert operations == sum(len(methods) for methods in described.values()) - 1


@pytest.mark.parametrize("status", [400, 401, 413, 422])
def test_the_description_names_the_statuses_every_body_operation_can_answer(
    api: Api, status: int
) -> None:
    spec = api.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            if status == 401 and not operation["security"]:
                continue
            assert str(status) in operation["responses"], (method, path)
