"""Issue 9: bad input never gives 500 (api-contract.md, "Security and privacy").

A corpus of malformed requests across every write endpoint of the API, the web forms and several
GET endpoints, signed in and not: NUL characters (422), JSON nested deeper than 32 (400), ids beyond
the column's range (404), dates before 1900 or after 2100 (422, for every date and date-time field
and query parameter). Each gets exactly the status the contract names, none a 500, and afterwards
every table of the case data is exactly as before (row for row). An interview stored in year 9999
(before the rule existed) does not break anyone's calendar feed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlmodel import SQLModel

from fortrin import db
from fortrin.models import Application
from fortrin.validation import MAX_JSON_DEPTH
from tests.integration.conftest import LEGAL, Api, World, apply, drive, ok, vacancy
from tests.integration.test_cards import card_body, issued_card
from tests.integration.test_web import csrf_token, sign_in

NUL = "a\x00b"
BIG = "99999999999999999999"  # beyond every integer column (and beyond 64 bits)
INT4 = str(2**31)  # just beyond PostgreSQL's integer
BAD_DATES = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]
BAD_INSTANTS = [
    "0001-01-01T00:00:00+01:00",
    "1899-12-31T23:00:00+00:00",
    "2101-01-01T10:00:00+01:00",
    "9999-12-31T23:59:59-05:00",
]
# Tables that reading or signing in may write to (tokens, sessions, sign-in attempts, the audit
# trail of reads, the calendar address a home page creates on first view): everything else must be
# untouched by a refused request.
NOT_CASE_DATA = {
    "api_token",
    "user_session",
    "login_attempt",
    "audit_event",
    "calendar_feed",
    "alembic_version",
}


def nested(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


def nested_text(depth: int) -> str:
    """``nested(depth)`` as JSON text, built without recursion (a client can send any depth)."""
    opening = "".join("[" if level % 2 else '{"k": ' for level in range(depth))
    closing = "".join("]" if level % 2 else "}" for level in reversed(range(depth)))
    return f'{opening}"x"{closing}'


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of case data, in a stable order."""
    with app.app_context():
        session = db.session()
        tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in NOT_CASE_DATA]
        return {
            table.name: sorted(
                (tuple(str(value) for value in row) for row in session.execute(select(table))),
            )
            for table in tables
        }


@dataclass
class Bad:
    """One malformed request and the one status the contract gives it."""

    label: str
    method: str
    path: str
    who: str  # "anonymous", a World attribute (API token), or "web:<attribute>" (signed-in session)
    expected: int | set[int]
    body: Any = None  # JSON for the API; a dict for a web form (the CSRF token is added)
    raw: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def with_field(base: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(base))
    target = body
    *parents, last = dotted.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


@dataclass
class Ids:
    vacancy: str
    application: str
    card: str
    task: int
    verification: str
    applicant: str


def prepare(api: Api, world: World) -> Ids:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_required")
    card = issued_card(api, world)
    ok(
        api.post(
            f"/api/v1/compensation-cards/{card['id']}/employment",
            world.cw_aarhus,
            json={"employer_name": "Aarhus Kommune", "starts_on": "2026-12-01"},
        )
    )
    with api.app.app_context():
        from fortrin.models import FastTrackTask

        task = db.session().scalars(select(FastTrackTask)).first()
        assert task is not None and task.id is not None
        task_id = task.id
    return Ids(
        v["id"], case["id"], card["id"], task_id, card["verification_code"], world.applicant.id
    )


def corpus(world: World, ids: Ids) -> list[Bad]:
    vacancy_body = {
        "title": "Kontorelev",
        "kind": "job",
        "application_deadline": "2026-12-20",
        "workplace_municipality_code": "751",
    }
    interview = {"type": "interview_scheduled", "starts_at": "2026-12-08T10:00:00+01:00"}
    interview["location"] = "Rådhuset"
    breach = {"organisation_id": world.org_aarhus, "found_on": "2026-11-01", "summary": LEGAL}
    talk = {"held_on": "2026-11-20", "topics": ["match"], "notes": "Noter"}
    rate = {
        "name": "hourly",
        "amount": 120,
        "unit": "kr./time",
        "valid_from": "2027-01-01",
        "source": "Bekendtgørelse",
    }
    session = {"starts_at": "2026-12-07T10:00:00+01:00", "ends_at": "2026-12-07T11:00:00+01:00"}
    session["zone"] = 1  # type: ignore[assignment]
    card = card_body(world, "conversation-id")
    bad: list[Bad] = []

    def api_field(method: str, path: str, who: str, base: dict[str, Any], name: str) -> None:
        bad.append(Bad(f"{path} {name}=NUL", method, path, who, 422, with_field(base, name, NUL)))

    def api_dates(method: str, path: str, who: str, base: dict[str, Any], name: str) -> None:
        values = BAD_INSTANTS if "T" in str(_get(base, name)) else BAD_DATES
        for value in values:
            bad.append(
                Bad(f"{path} {name}={value}", method, path, who, 422, with_field(base, name, value))
            )

    def deep(method: str, path: str, who: str, expected: int = 400) -> None:
        for depth in (MAX_JSON_DEPTH + 1, 1000):
            raw = ('{"title": "x", "extra": ' + nested_text(depth) + "}").encode()
            bad.append(Bad(f"{path} depth {depth}", method, path, who, expected, raw=raw))
        bad.append(Bad(f"{path} depth 100000", method, path, who, expected, raw=b"[" * 100_000))

    # --- the API's write endpoints -----------------------------------------------------------
    vacancies = "/api/v1/vacancies"
    api_field("POST", vacancies, "employer", vacancy_body, "title")
    api_dates("POST", vacancies, "employer", vacancy_body, "application_deadline")
    deep("POST", vacancies, "employer")
    one_vacancy = f"/api/v1/vacancies/{ids.vacancy}"
    api_dates(
        "PATCH",
        one_vacancy,
        "employer",
        {"application_deadline": "2026-12-24"},
        "application_deadline",
    )
    api_field("POST", f"{one_vacancy}/withdraw", "employer", {"reason": LEGAL}, "reason")
    api_field("POST", f"{one_vacancy}/fill", "employer", {"filled_by": "external"}, "filled_by")
    api_field(
        "POST",
        "/api/v1/applications",
        "applicant",
        {"vacancy_id": ids.vacancy, "route": "direct"},
        "vacancy_id",
    )
    events = f"/api/v1/applications/{ids.application}/events"
    api_field("POST", events, "employer", interview, "location")
    api_field("POST", events, "employer", interview, "type")
    api_dates("POST", events, "employer", interview, "starts_at")
    api_field("POST", events, "applicant", {"type": "withdrawn", "reason": "Fordi"}, "reason")
    deep("POST", events, "employer")
    profile = f"/api/v1/applicants/{ids.applicant}/profile"
    profile_body = {
        "education": "",
        "qualifications": "",
        "disability_nature": "",
        "disability_extent": "",
    }
    api_field("PUT", profile, "cw_aarhus", profile_body, "disability_nature")
    api_field(
        "PUT",
        "/api/v1/municipalities/751/routing",
        "admin",
        {"neighbour_jobcentre_code": "746", "reason": "Aftale"},
        "reason",
    )
    api_field(
        "PUT",
        "/api/v1/municipalities/751/jobcentre",
        "admin",
        {"jobcentre_code": "751", "reason": "Aftale"},
        "reason",
    )
    api_field(
        "POST", "/api/v1/auth/token", "anonymous", {"email": "a@b.dk", "password": "x"}, "email"
    )
    api_field(
        "POST", "/api/v1/auth/token", "anonymous", {"email": "a@b.dk", "password": "x"}, "password"
    )
    deep("POST", "/api/v1/auth/token", "anonymous")
    api_field("POST", "/api/v1/breaches", "cw_aarhus", breach, "summary")
    api_dates("POST", "/api/v1/breaches", "cw_aarhus", breach, "found_on")
    api_field(
        "PATCH",
        f"/api/v1/organisations/{world.org_aarhus}",
        "admin",
        {"top_official_name": "Borgmester"},
        "top_official_name",
    )
    api_field(
        "POST", "/api/v1/organisations", "admin", {"name": "Ny", "kind": "municipality"}, "name"
    )
    conversations = f"/api/v1/applicants/{ids.applicant}/conversations"
    api_field("POST", conversations, "cw_aarhus", talk, "notes")
    api_dates("POST", conversations, "cw_aarhus", talk, "held_on")
    template = {"name": "Skabelon", "schemes": [{"scheme_code": "interpretation", "need": "Tolk"}]}
    api_field("PUT", "/api/v1/card-templates/hearing", "admin", template, "schemes.0.need")
    deep("PUT", "/api/v1/jobcentres/751/grant-limit", "admin")
    api_field("POST", "/api/v1/compensation-cards", "cw_aarhus", card, "impairment_summary")
    api_dates("POST", "/api/v1/compensation-cards", "cw_aarhus", card, "valid_until")
    cards = f"/api/v1/compensation-cards/{ids.card}"
    api_field("POST", f"{cards}/revoke", "cw_aarhus", {"reason": "Fejl"}, "reason")
    employment = {"employer_name": "Region", "starts_on": "2026-12-01"}
    api_field("POST", f"{cards}/employment", "cw_aarhus", employment, "employer_name")
    api_dates("POST", f"{cards}/employment", "cw_aarhus", employment, "starts_on")
    api_dates(
        "POST",
        f"/api/v1/fast-track-tasks/{ids.task}/done",
        "cw_aarhus",
        {"done_on": "2026-12-01"},
        "done_on",
    )
    rates = "/api/v1/schemes/interpretation/rates"
    api_field("POST", rates, "admin", rate, "source")
    api_dates("POST", rates, "admin", rate, "valid_from")
    api_dates(
        "POST",
        "/api/v1/calculations/personal-assistance",
        "employer",
        {"hours_per_week": 10, "on": "2026-12-01"},
        "on",
    )
    interpretation = {"sessions": [session]}
    api_dates(
        "POST",
        "/api/v1/calculations/interpretation",
        "employer",
        interpretation,
        "sessions.0.starts_at",
    )
    deep("POST", "/api/v1/calculations/business-case", "employer")

    # --- ids beyond the column's range -------------------------------------------------------
    for number in (BIG, INT4):
        for who in ("applicant", "admin"):
            bad.append(
                Bad(
                    f"notification {number}",
                    "POST",
                    f"/api/v1/me/notifications/{number}/read",
                    who,
                    404,
                )
            )
        bad.append(
            Bad(
                f"task {number}",
                "POST",
                f"/api/v1/fast-track-tasks/{number}/done",
                "cw_aarhus",
                404,
                {},
            )
        )
        bad.append(
            Bad(
                f"web notification {number}",
                "POST",
                f"/notifications/{number}/read",
                "web:applicant",
                404,
                {},
            )
        )
        bad.append(
            Bad(
                f"web task {number}",
                "POST",
                f"/fast-track-tasks/{number}/done",
                "web:cw_aarhus",
                404,
                {},
            )
        )

    # --- query parameters and paths ----------------------------------------------------------
    deadline = "/api/v1/deadlines/opinion-request"
    for value in BAD_DATES:
        bad.append(
            Bad(
                f"deadline sent_on={value}",
                "GET",
                f"{deadline}?sent_on={value}&channel=letter",
                "applicant",
                422,
            )
        )
    bad.append(
        Bad(
            "deadline received_on=9999",
            "GET",
            f"{deadline}?sent_on=2026-12-01&channel=letter&received_on=9999-12-31",
            "applicant",
            422,
        )
    )
    bad.append(
        Bad(
            "deadline sent_on=NUL",
            "GET",
            f"{deadline}?sent_on=%00&channel=letter",
            "applicant",
            422,
        )
    )
    guidance = f"/api/v1/applications/{ids.application}/complaint-guidance"
    bad.append(
        Bad(
            "guidance 9999",
            "GET",
            f"{guidance}?sent_on=9999-12-31&channel=letter",
            "applicant",
            422,
        )
    )
    report = "/api/v1/reports/compensation-cards?jobcentre=751"
    bad.append(
        Bad("report from 0001", "GET", f"{report}&from=0001-01-01&to=2026-12-31", "cw_aarhus", 422)
    )
    bad.append(
        Bad("report to 9999", "GET", f"{report}&from=2026-01-01&to=9999-12-31", "cw_aarhus", 422)
    )
    for path, who in (
        ("/api/v1/applicants?q=%00", "cw_aarhus"),
        ("/api/v1/vacancies?state=%00", "employer"),
        ("/api/v1/applications?vacancy_id=a%00b", "employer"),
        ("/api/v1/me/notifications?unread=%00", "applicant"),
        ("/api/v1/applications/a%00b", "employer"),
        ("/api/v1/vacancies/%00", "anonymous"),
        ("/api/v1/card-verification/%00", "anonymous"),
        ("/api/v1/schemes/%00", "employer"),
        ("/api/v1/municipalities/7%005", "admin"),
        (f"/api/v1/applicants/{quote(NUL)}/profile", "cw_aarhus"),
    ):
        bad.append(Bad(f"GET {path}", "GET", path, who, 422))
    for path in (
        "/api/v1/vacancies?limit=" + BIG,
        "/api/v1/vacancies?offset=-1",
        "/api/v1/breaches?limit=1e3",
    ):
        bad.append(Bad(f"GET {path}", "GET", path, "admin", 422))

    # --- web pages and forms -----------------------------------------------------------------
    bad.append(
        Bad("login e-mail NUL", "POST", "/login", "anonymous", 422, {"email": NUL, "password": "x"})
    )
    bad.append(Bad("login next NUL", "GET", "/login?next=%00", "anonymous", 422))
    bad.append(Bad("card check NUL", "GET", "/cards/verify/%00", "anonymous", 422))
    bad.append(Bad("feed NUL", "GET", "/feeds/calendar/%00.ics", "anonymous", 422))
    bad.append(Bad("web vacancy NUL", "GET", "/vacancies/a%00b", "web:employer", 422))
    case_page = f"/applications/{ids.application}"
    form = {"type": "interview_scheduled", "starts_at": "2026-12-08T10:00", "location": "Rådhuset"}
    bad.append(
        Bad(
            "web interview location NUL",
            "POST",
            case_page,
            "web:employer",
            422,
            {**form, "location": NUL},
        )
    )
    for value in ("0001-01-01T10:00", "9999-12-31T23:30", "2101-01-01T10:00"):
        bad.append(
            Bad(
                f"web interview {value}",
                "POST",
                case_page,
                "web:employer",
                422,
                {**form, "starts_at": value},
            )
        )
    new_vacancy = {**vacancy_body, "positions": "1"}
    for value in ("9999-12-31", "1899-12-31"):
        bad.append(
            Bad(
                f"web vacancy deadline {value}",
                "POST",
                "/vacancies/new",
                "web:employer",
                422,
                {**new_vacancy, "application_deadline": value},
            )
        )
        bad.append(
            Bad(
                f"web move deadline {value}",
                "POST",
                f"/vacancies/{ids.vacancy}/deadline",
                "web:employer",
                422,
                {"application_deadline": value},
            )
        )
        bad.append(
            Bad(
                f"web breach {value}",
                "POST",
                "/breaches",
                "web:cw_aarhus",
                422,
                {**breach, "found_on": value},
            )
        )
        # The conversation and employment forms answer every refusal with a redirect and a message.
        bad.append(
            Bad(
                f"web conversation {value}",
                "POST",
                f"/applicants/{ids.applicant}/conversations",
                "web:cw_aarhus",
                302,
                {"held_on": value, "topics": "match"},
            )
        )
        bad.append(
            Bad(
                f"web employment {value}",
                "POST",
                f"/cards/{ids.card}/employment",
                "web:cw_aarhus",
                302,
                {"employer_name": "X", "starts_on": value},
            )
        )
    bad.append(
        Bad(
            "web vacancy title NUL",
            "POST",
            "/vacancies/new",
            "web:employer",
            422,
            {**new_vacancy, "title": NUL},
        )
    )
    bad.append(
        Bad(
            "web profile NUL",
            "POST",
            f"/applicants/{ids.applicant}/profile",
            "web:cw_aarhus",
            422,
            {"education": NUL},
        )
    )
    bad.append(
        Bad(
            "web withdraw NUL",
            "POST",
            f"/vacancies/{ids.vacancy}/withdraw",
            "web:employer",
            422,
            {"reason": NUL},
        )
    )
    return bad


def _get(body: dict[str, Any], dotted: str) -> Any:
    value: Any = body
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def send(api: Api, web: dict[str, FlaskClient], item: Bad) -> tuple[int, Any]:
    """The status of one request; an exception (the test app re-raises them) counts as a 500."""
    try:
        if item.who.startswith("web:"):
            client = web[item.who.removeprefix("web:")]
            if item.method == "GET":
                response = client.get(item.path)
            else:
                token = csrf_token(client, "/")
                response = client.post(item.path, data={**(item.body or {}), "csrf_token": token})
        elif (
            item.who == "anonymous"
            and item.method == "POST"
            and item.body is not None
            and item.path == "/login"
        ):
            client = api.app.test_client()
            token = csrf_token(client)
            response = client.post(item.path, data={**item.body, "csrf_token": token})
        else:
            user = None if item.who == "anonymous" else item.extra.get("user")
            kwargs: dict[str, Any] = {}
            if item.raw is not None:
                kwargs = {"data": item.raw, "content_type": "application/json"}
            elif item.body is not None:
                kwargs = {"json": item.body}
            response = api.call(item.method, item.path, user, **kwargs)
    except Exception as error:
        return 500, f"{error.__class__.__name__}: {str(error)[:200]}"
    body = response.get_json(silent=True)
    return response.status_code, body


def test_no_malformed_input_gives_500_and_nothing_is_stored(app: Flask, world: World) -> None:
    # Not the ``api`` fixture: its client (pytest-flask's, used in a ``with`` block) keeps its last
    # app context pushed, and the web clients' requests would then share its ``g`` (the signed-in
    # user, the database session) instead of each having their own, as in production.
    api = Api(app, app.test_client())
    ids = prepare(api, world)
    web: dict[str, FlaskClient] = {}
    for name in ("employer", "applicant", "cw_aarhus"):
        web[name] = app.test_client()
        signed = sign_in(web[name], getattr(world, name).email)
        assert signed.status_code == 302, signed.get_data(as_text=True)
    items = corpus(world, ids)
    for item in items:
        if not item.who.startswith("web:") and item.who != "anonymous":
            item.extra["user"] = getattr(world, item.who)
            api.token(item.extra["user"])  # issued before the snapshot
    before = snapshot(app)

    results = [(item, *send(api, web, item)) for item in items]

    server_errors = [(i.label, body) for i, status, body in results if status >= 500]
    wrong = [
        (i.label, status, body)
        for i, status, body in results
        if status not in ({i.expected} if isinstance(i.expected, int) else i.expected)
    ]
    assert len(items) >= 100
    assert server_errors == [], f"{len(server_errors)} of {len(items)} gave 500: {server_errors}"
    assert wrong == []
    for item, status, body in results:
        if item.path.startswith("/api/") and status >= 400:
            assert set(body) == {"error"} and body["error"]["message"], item.label
            if status == 422:
                assert body["error"]["fields"], item.label
    assert snapshot(app) == before


def test_the_422_names_the_field_and_the_years(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/vacancies",
        world.employer,
        json={
            "title": "Kontorelev",
            "kind": "job",
            "application_deadline": "9999-12-31",
            "workplace_municipality_code": "751",
        },
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "application_deadline": "skal ligge mellem år 1900 og 2100"
    }
    nul = api.post("/api/v1/breaches", world.cw_aarhus, json={"summary": "a\x00b"})
    assert nul.status_code == 422
    assert nul.json["error"]["fields"] == {"summary": "må ikke indeholde NUL-tegn"}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1])
def test_json_may_nest_32_levels_and_no_more(api: Api, world: World, depth: int) -> None:
    body = {"title": "Kontorelev", "kind": "job", "extra": nested(depth - 1)}
    response = api.post("/api/v1/vacancies", world.employer, json=body)
    if depth <= MAX_JSON_DEPTH:
        assert response.status_code == 422  # read, then refused for the missing fields
    else:
        assert response.status_code == 400
        assert response.json["error"]["code"] == "too_deeply_nested"


def test_the_first_and_last_day_of_the_range_are_accepted(api: Api, world: World) -> None:
    for day in ("1900-01-01", "2100-12-31"):
        response = api.get(
            f"/api/v1/deadlines/opinion-request?sent_on={day}&channel=letter", world.applicant
        )
        assert response.status_code == 200, (day, response.json)


def test_an_interview_in_year_9999_does_not_break_anyones_calendar_feed(
    app: Flask, api: Api, world: World
) -> None:
    """Stored before the 1900-2100 rule: every feed still answers, without that one event."""
    v = vacancy(api, world.employer)
    broken = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    fine = drive(
        api,
        world,
        apply(api, world.applicant_kbh, vacancy(api, world.employer)["id"])["id"],
        "interview_scheduled",
    )
    with app.app_context(), db.unit_of_work() as session:
        session.execute(
            update(Application)
            .where(Application.id == broken["id"])
            .values(interview_starts_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
        )
    for user in (world.employer, world.applicant, world.applicant_kbh):
        url = ok(api.get("/api/v1/me/calendar-feed", user))["url"]
        feed = api.client.get(url.removeprefix("http://fortrin.test"))
        assert feed.status_code == 200, user.email
        text = feed.get_data(as_text=True)
        assert f"interview-{broken['id']}@fortrin" not in text
        if user.id != world.applicant.id:
            assert f"interview-{fine['id']}@fortrin" in text
    invitation = api.get(f"/api/v1/applications/{broken['id']}/interview.ics", world.applicant)
    assert invitation.status_code < 500
