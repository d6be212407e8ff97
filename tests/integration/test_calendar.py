"""The secret iCalendar feed and interview invitations (RFC 5545), read with two parsers:
icalendar (which writes them) and vobject (independent)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import vobject
from flask import Flask
from icalendar import Calendar
from sqlalchemy import text

from fortrin import clock, db
from tests.integration.conftest import Api, World, apply, drive, event, ok, vacancy


def feed_path(api: Api, user: Any) -> str:
    url = ok(api.get("/api/v1/me/calendar-feed", user))["url"]
    assert url.startswith("http://fortrin.test/feeds/calendar/") and url.endswith(".ics")
    return str(url.removeprefix("http://fortrin.test"))


def fetch(api: Api, path: str) -> tuple[Calendar, Any, str]:
    response = api.client.get(path)  # no credentials: calendar clients send none
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data(as_text=True)
    return Calendar.from_ical(body), vobject.readOne(body), body


def events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_url_is_stable_secret_and_rotatable(app: Flask, api: Api, world: World) -> None:
    first = feed_path(api, world.applicant)
    assert feed_path(api, world.applicant) == first
    assert api.client.get(first).status_code == 200
    rotated = ok(api.post("/api/v1/me/calendar-feed/rotate", world.applicant))["url"]
    assert rotated.removeprefix("http://fortrin.test") != first
    assert api.client.get(first).status_code == 404
    assert api.client.get("/feeds/calendar/" + "0" * 64 + ".ics").status_code == 404
    token = rotated.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context(), db.engine().connect() as connection:
        stored = connection.execute(text("SELECT token_hash, feed_key FROM calendar_feed")).all()
    assert token not in {value for row in stored for value in row}


def test_interviews_are_timed_events_in_copenhagen_time_with_location(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, title="Pedel, Rådhuset")
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    calendar, parsed, body = fetch(api, feed_path(api, world.applicant))
    interview = events(calendar)[f"interview-{case['id']}@fortrin"]
    start = interview.decoded("dtstart")
    assert start == datetime(2026, 12, 3, 9, 0, tzinfo=clock.COPENHAGEN)
    assert str(interview["dtstart"].params["TZID"]) == "Europe/Copenhagen"
    assert "VTIMEZONE" in body
    assert str(interview["location"]) == "Rådhuset, lokale 1"
    assert str(interview["summary"]) == "Ansættelsessamtale: Pedel, Rådhuset"
    assert int(interview["sequence"]) == 0 and str(interview["status"]) == "CONFIRMED"
    [other] = parsed.vevent_list
    assert other.dtstart.value.utcoffset().total_seconds() == 3600
    assert other.dtstart.value.hour == 9 and other.location.value == "Rådhuset, lokale 1"


def test_a_reschedule_bumps_the_sequence_and_a_declined_interview_is_cancelled(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    path = feed_path(api, world.employer)
    uid = f"interview-{case['id']}@fortrin"
    ok(
        event(
            api,
            world.employer,
            case["id"],
            type="interview_scheduled",
            starts_at="2026-12-09T13:30:00+01:00",
            location="Online",
        )
    )
    moved = events(fetch(api, path)[0])[uid]
    assert int(moved["sequence"]) == 1
    assert moved.decoded("dtstart") == datetime(2026, 12, 9, 13, 30, tzinfo=clock.COPENHAGEN)
    assert "Ida Ansøger" in str(moved["summary"])  # the employer sees whom it meets
    ok(event(api, world.applicant, case["id"], type="interview_declined", reason="Andet job"))
    cancelled = events(fetch(api, path)[0])[uid]
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) == 2


def test_deadlines_are_all_day_events(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    calendar, parsed, _ = fetch(api, feed_path(api, world.applicant))
    deadline = events(calendar)[f"deadline-opinion-{case['id']}@fortrin"]
    assert deadline.decoded("dtstart") == date(2026, 12, 29)
    assert deadline.decoded("dtend") == date(2026, 12, 30)
    assert str(deadline["dtstart"].params.get("VALUE", "DATE")) == "DATE"
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    assert by_uid[f"deadline-opinion-{case['id']}@fortrin"].dtstart.value == date(2026, 12, 29)


def test_the_feed_shows_only_the_callers_cases_and_no_health_data(api: Api, world: World) -> None:
    api.put(
        f"/api/v1/applicants/{world.applicant.id}/profile",
        world.cw_aarhus,
        json={
            "education": "",
            "qualifications": "",
            "disability_nature": "Epilepsi",
            "disability_extent": "Varig",
        },
    )
    v = vacancy(api, world.employer)
    drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    _, _, mine = fetch(api, feed_path(api, world.applicant))
    _, _, employer = fetch(api, feed_path(api, world.employer))
    _, _, other = fetch(api, feed_path(api, world.applicant_kbh))
    assert "BEGIN:VEVENT" in mine and "BEGIN:VEVENT" in employer
    assert "BEGIN:VEVENT" not in other
    assert "Epilepsi" not in mine + employer


def test_an_interview_invitation_is_a_method_request(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    path = f"/api/v1/applications/{case['id']}/interview.ics"
    assert api.get(path, world.applicant).status_code == 404  # no interview yet
    drive(api, world, case["id"], "interview_scheduled")
    response = api.get(path, world.applicant)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    calendar = Calendar.from_ical(body)
    assert str(calendar["method"]) == "REQUEST"
    [invite] = calendar.walk("VEVENT")
    assert str(invite["organizer"]) == f"mailto:{world.employer.email}"
    assert str(invite["attendee"]) == f"mailto:{world.applicant.email}"
    parsed = vobject.readOne(body)
    assert parsed.method.value == "REQUEST"
    assert api.get(path, world.employer_region).status_code == 404
