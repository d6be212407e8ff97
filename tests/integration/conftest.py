"""Factories and an API client for the integration tests (HTTP through the Flask test client)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fortrin import accounts, db
from fortrin.models import User
from fortrin.security import issue_token

_counter = itertools.count(1)

PASSWORD = "test-password-1"


def make_user(app: Flask, role: str, **fields: Any) -> User:
    fields.setdefault("email", f"{role}{next(_counter)}@test.example")
    fields.setdefault("name", f"Test {role.capitalize()} {next(_counter)}")
    with app.app_context(), db.unit_of_work() as session:
        return accounts.create_user(session, password=PASSWORD, role=role, **fields)


def make_org(app: Flask, **fields: Any) -> str:
    fields.setdefault("name", f"Organisation {next(_counter)}")
    fields.setdefault("kind", "municipality")
    with app.app_context(), db.unit_of_work() as session:
        return accounts.create_organisation(session, **fields).id


class Api:
    """Calls the API as a user, with a bearer token and no cookies."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, user: User) -> str:
        # Tokens expire: a test that moves the clock gets fresh ones.
        key = f"{user.id}@{self.app.config['FORTRIN_NOW']}"
        if key not in self._tokens:
            with self.app.app_context(), db.unit_of_work() as session:
                fresh = session.get(User, user.id)
                assert fresh is not None
                self._tokens[key], _ = issue_token(session, fresh)
        return self._tokens[key]

    def call(self, method: str, path: str, user: User | None = None, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, user: User | None = None, **kwargs: Any) -> Any:
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, user: User | None = None, **kwargs: Any) -> Any:
        return self.call("POST", path, user, **kwargs)

    def put(self, path: str, user: User | None = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, user, **kwargs)


@dataclass
class World:
    """Aarhus (751) and its §7 neighbour Skanderborg (746); København (101) elsewhere."""

    admin: User
    cw_aarhus: User
    cw_skanderborg: User
    cw_kbh: User
    employer: User  # Aarhus Kommune
    employer_region: User  # Region Midtjylland
    applicant: User  # lives in Aarhus
    applicant_kbh: User  # lives in København
    org_aarhus: str
    org_region: str


@pytest.fixture
def api(app: Flask, client: FlaskClient) -> Api:
    return Api(app, client)


@pytest.fixture
def world(app: Flask) -> World:
    org_aarhus = make_org(app, name="Aarhus Kommune", municipality_code="751")
    org_region = make_org(app, name="Region Midtjylland", kind="region")
    return World(
        admin=make_user(app, "admin"),
        cw_aarhus=make_user(app, "caseworker", jobcentre_code="751"),
        cw_skanderborg=make_user(app, "caseworker", jobcentre_code="746"),
        cw_kbh=make_user(app, "caseworker", jobcentre_code="101"),
        employer=make_user(app, "employer", organisation_id=org_aarhus),
        employer_region=make_user(app, "employer", organisation_id=org_region),
        applicant=make_user(
            app, "applicant", home_municipality_code="751", name="Ida Ansøger", cpr="000101-0000"
        ),
        applicant_kbh=make_user(app, "applicant", home_municipality_code="101"),
        org_aarhus=org_aarhus,
        org_region=org_region,
    )


LEGAL = "Begrundelse med tilstrækkelig tekst til at være en reel begrundelse."
FUTURE = "2026-12-08T10:00:00+01:00"
# bek. § 6 stk. 1: both conditions of a positive assessment.
SUITABLE = {"can_perform": True, "has_difficulty_getting_work": True}


def vacancy(api: Api, employer: User, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Administrativ medarbejder",
        "kind": "job",
        "formal_education_requirement": "Kontoruddannelse (EUD)",
        "application_deadline": "2026-12-20",
        "workplace_municipality_code": "751",
        "workplace_jobcentre_code": None,
    }
    body.update(fields)
    response = api.post("/api/v1/vacancies", employer, json=body)
    assert response.status_code == 201, response.json
    return dict(response.json)


def apply(api: Api, applicant: User, vacancy_id: str, route: str = "direct") -> dict[str, Any]:
    response = api.post(
        "/api/v1/applications", applicant, json={"vacancy_id": vacancy_id, "route": route}
    )
    assert response.status_code == 201, response.json
    return dict(response.json)


def event(api: Api, user: User, application_id: str, **body: Any) -> Any:
    return api.post(f"/api/v1/applications/{application_id}/events", user, json=body)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.json
    return dict(response.json)


# From each state, the event (and who sends it) that takes a job application one step on.
NEXT: dict[str, tuple[str, str, dict[str, Any]]] = {
    "awaiting_assessment": (
        "caseworker",
        "assessment",
        {"can_perform": True, "has_difficulty_getting_work": True, "reasoning": LEGAL},
    ),
    "awaiting_eligibility_check": (
        "employer",
        "eligibility_check",
        {"eligible": True, "reasoning": LEGAL},
    ),
    "interview_required": ("employer", "interview_scheduled", {"location": "Rådhuset, lokale 1"}),
    "interview_scheduled": ("employer", "interview_held", {}),
    "interviewed": ("employer", "decision", {"outcome": "not_hired", "reasoning": LEGAL}),
    "statement_required": ("employer", "statement_submitted", {"text": LEGAL}),
    "negotiation_required": (
        "caseworker",
        "negotiation_held",
        {
            "minutes": LEGAL,
            "competences_considered": True,
            "disability_not_decisive": True,
            "schemes_presented": ["personal_assistance"],
            "outcome": "no_hire",
        },
    ),
    "refusal_pending": (
        "employer",
        "refusal_notified",
        {"reasoning": LEGAL, "channel": "digital_post"},
    ),
}


def now_of(app: Flask) -> datetime:
    return datetime.fromisoformat(str(app.config["FORTRIN_NOW"]))


def set_now(app: Flask, instant: datetime | str) -> None:
    app.config["FORTRIN_NOW"] = instant if isinstance(instant, str) else instant.isoformat()


def soon(app: Flask) -> str:
    """Two days from the test's clock: when drive() books the interview (so no interview reminder
    is due yet when it is booked)."""
    return (now_of(app) + timedelta(days=2)).isoformat()


def drive(api: Api, world: World, application_id: str, until: str) -> dict[str, Any]:
    """Send the standard events until the case is in state ``until``. The interview is booked two
    days ahead and recorded held just after its start (an interview is never held before it); every
    other step is at the test's clock, and dates of later steps are the clock's date."""
    current = ok(api.get(f"/api/v1/applications/{application_id}", world.admin))
    caseworkers = {"751": world.cw_aarhus, "746": world.cw_skanderborg, "101": world.cw_kbh}
    caseworker = caseworkers[current["handling_jobcentre_code"]]
    employer = {world.org_aarhus: world.employer, world.org_region: world.employer_region}[
        current["vacancy"]["organisation_id"]
    ]
    while current["state"] != until:
        role, event_type, body = NEXT[current["state"]]
        body = dict(body)
        today = now_of(api.app).date().isoformat()
        if event_type == "interview_scheduled":
            body["starts_at"] = soon(api.app)
        elif event_type == "interview_held":
            # Recorded just after its booked start; then the test's clock is put back.
            starts = datetime.fromisoformat(current["interview"]["starts_at"])
            before = str(api.app.config["FORTRIN_NOW"])
            set_now(api.app, max(now_of(api.app), starts + timedelta(minutes=1)))
            actor = employer
            current = ok(event(api, actor, application_id, type=event_type, **body))
            set_now(api.app, before)
            continue
        elif event_type == "negotiation_held":
            body["held_on"] = today
        elif event_type == "refusal_notified":
            body["sent_on"] = today
        actor = employer if role == "employer" else caseworker
        current = ok(event(api, actor, application_id, type=event_type, **body))
    return current
