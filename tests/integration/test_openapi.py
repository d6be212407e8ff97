"""GET /api/v1/openapi.json describes every endpoint (api-contract.md)."""

from __future__ import annotations

import re

from flask import Flask

from tests.integration.conftest import Api


def test_every_api_route_is_in_the_openapi_description(app: Flask, api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").json
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
    }
    routes = {
        (re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert routes - documented == set()
    assert documented - routes == set()


def test_the_description_is_openapi_3_1_with_resolvable_references(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    text = str(spec)
    for name in set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", text)):
        assert name in spec["components"]["schemas"], name
    for operations in spec["paths"].values():
        for operation in operations.values():
            assert operation["responses"]


def test_the_contract_fields_of_an_application_are_described(api: Api) -> None:
    schema = api.get("/api/v1/openapi.json").json["components"]["schemas"]["ApplicationOut"]
    assert {
        "id",
        "vacancy_id",
        "applicant_id",
        "route",
        "state",
        "terminal",
        "handling_jobcentre_code",
        "routed_to_neighbour",
        "outstanding_duties",
        "deadlines",
        "timeline",
    } <= set(schema["properties"])


def test_every_event_type_is_described(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/applications/{application_id}/events"]["post"]["requestBody"]
    variants = body["content"]["application/json"]["schema"]["oneOf"]
    assert {v["properties"]["type"]["const"] for v in variants} == {
        "assessment",
        "eligibility_check",
        "interview_scheduled",
        "interview_held",
        "interview_missed",
        "interview_declined",
        "decision",
        "statement_submitted",
        "negotiation_held",
        "negotiation_not_held",
        "refusal_notified",
        "receipt_recorded",
        "opinion_requested",
        "opinion_received",
        "withdrawn",
        "transferred",
    }
