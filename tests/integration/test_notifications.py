"""Notifications in the app, and the reminder pass run at any sequence of moments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from fortrin import clock, db
from fortrin.models import Notification
from fortrin.scheduler import reminder_pass
from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    event,
    make_user,
    ok,
    set_now,
    vacancy,
)

DUE = date(2026, 12, 29)  # refused by Digital Post on 1 December
# Told at once when an interview is booked or moved (issue 10, point 7; tested in
# test_web_citizen.py): left out here, where the reminders and the other notices are counted.
INTERVIEW_NOTICES = ("interview_invitation", "interview_moved")


def pass_at(app: Flask, moment: datetime) -> dict[str, int]:
    with app.app_context():
        return reminder_pass(moment)


def kinds_for(app: Flask, user_id: str) -> list[str]:
    with app.app_context():
        rows = db.session().exec(
            select(Notification.kind)
            .where(
                Notification.recipient_id == user_id,
                col(Notification.kind).not_in(INTERVIEW_NOTICES),
            )
            .order_by(col(Notification.id))
        )
        return list(rows.all())


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.COPENHAGEN)


def test_the_applicant_is_told_of_the_window_at_once_with_the_exact_date(
    api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    [notice] = [
        n
        for n in api.get("/api/v1/me/notifications", world.applicant).json
        if n["kind"] not in INTERVIEW_NOTICES
    ]
    assert notice["kind"] == "opinion_window_opened"
    assert notice["application_id"] == case["id"]
    assert "29. december 2026" in notice["subject"]
    assert (notice["channel"], notice["status"]) == ("in_app", "sent")
    assert notice["created_at"] == "2026-12-01T09:00:00+01:00"
    assert set(notice) >= {
        "id",
        "kind",
        "application_id",
        "created_at",
        "subject",
        "body",
        "channel",
        "status",
    }
    assert api.get("/api/v1/me/notifications", world.employer).json == []


def test_a_notification_can_be_marked_as_read_by_its_recipient_only(api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    [notice] = [
        n
        for n in api.get("/api/v1/me/notifications?unread=true", world.applicant).json
        if n["kind"] not in INTERVIEW_NOTICES
    ]
    path = f"/api/v1/me/notifications/{notice['id']}/read"
    assert api.post(path, world.employer).status_code == 404
    read = ok(api.post(path, world.applicant))
    assert read["read_at"] == "2026-12-01T09:00:00+01:00"
    unread = api.get("/api/v1/me/notifications?unread=true", world.applicant).json
    assert [n["kind"] for n in unread] == ["interview_invitation"]  # only the one not read
    assert api.get("/api/v1/me/notifications?unread=maybe", world.applicant).status_code == 422


def test_each_deadline_reminder_comes_once_whatever_the_runs(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    day = date(2026, 12, 1)
    while day <= DUE + timedelta(days=3):
        for hour in (0, 9, 23):
            pass_at(app, at(day, hour))
        day += timedelta(days=1)
    assert kinds_for(app, world.applicant.id) == [
        "opinion_window_opened",
        "opinion_deadline_soon",
        "opinion_deadline_final",
    ]


def test_a_request_made_in_time_stops_the_remaining_reminders(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    ok(event(api, world.applicant, case["id"], type="opinion_requested", requested_on="2026-12-01"))
    for day in range(20, 32):
        pass_at(app, at(date(2026, 12, day)))
    assert kinds_for(app, world.applicant.id) == ["opinion_window_opened"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offsets=st.lists(st.integers(min_value=0, max_value=40 * 24), max_size=6))
def test_any_sequence_of_runs_gives_each_due_reminder_once_and_no_undue_one(
    app: Flask, api: Api, world: World, offsets: list[int]
) -> None:
    """Hours after the refusal at which the pass runs, any number of times, in time order (a pass
    looks at a case again on the day its next reminder falls due, issue 12; the clock does not go
    back). (Each example gets its own applicant: the fixtures are shared by all examples.)"""
    applicant = make_user(app, "applicant", home_municipality_code="751")
    v = vacancy(api, world.employer)
    drive(api, world, apply(api, applicant, v["id"])["id"], "opinion_window")
    start = at(date(2026, 12, 1))
    moments = sorted(start + timedelta(hours=h) for h in offsets)
    for moment in moments:
        pass_at(app, moment)
    days_left = [(DUE - clock.local(m).date()).days for m in moments]
    expected = {"opinion_window_opened"}  # created with the refusal itself
    if any(2 < d <= 7 for d in days_left):
        expected.add("opinion_deadline_soon")
    if any(0 <= d <= 2 for d in days_left):
        expected.add("opinion_deadline_final")
    got = kinds_for(app, applicant.id)
    assert len(got) == len(set(got)), got  # never twice
    assert set(got) == expected


def test_the_interview_reminder_reaches_applicant_and_employer(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    # drive() booked the interview for 3 December 2026 at 9:00.
    pass_at(app, at(date(2026, 12, 1)))
    assert kinds_for(app, world.applicant.id) == []
    pass_at(app, at(date(2026, 12, 2)))
    pass_at(app, at(date(2026, 12, 3), 8))
    assert kinds_for(app, world.applicant.id) == ["interview_reminder"]
    assert kinds_for(app, world.employer.id) == ["interview_reminder"]


def test_a_declined_interview_gets_no_reminder(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(api, world, apply(api, world.applicant, v["id"])["id"], "interview_scheduled")
    ok(event(api, world.applicant, case["id"], type="interview_declined", reason="Andet job"))
    pass_at(app, at(date(2026, 12, 7)))
    assert kinds_for(app, world.applicant.id) == kinds_for(app, world.employer.id) == []


def test_a_sliding_statement_is_escalated_to_employer_then_jobcentre(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer)
    drive(
        api,
        world,
        apply(api, world.applicant, v["id"], "via_jobcentre")["id"],
        "statement_required",
    )
    pass_at(app, at(date(2026, 12, 7)))  # 4 working days
    assert kinds_for(app, world.employer.id) == []
    pass_at(app, at(date(2026, 12, 8)))  # 5 working days
    assert kinds_for(app, world.employer.id) == ["statement_overdue"]
    assert kinds_for(app, world.cw_aarhus.id) == []
    pass_at(app, at(date(2026, 12, 15)))  # 10 working days
    assert kinds_for(app, world.cw_aarhus.id) == ["statement_overdue"]  # the caseworker who acted
    assert kinds_for(app, world.cw_skanderborg.id) == []


def test_no_notification_ever_carries_health_details(app: Flask, api: Api, world: World) -> None:
    secret = "Sklerose med nedsat gangfunktion"
    api.put(
        f"/api/v1/applicants/{world.applicant.id}/profile",
        world.cw_aarhus,
        json={
            "education": "EUD",
            "qualifications": "",
            "disability_nature": secret,
            "disability_extent": "Varig",
        },
    )
    v = vacancy(api, world.employer)
    case = drive(
        api,
        world,
        apply(api, world.applicant, v["id"], "via_jobcentre")["id"],
        "interview_scheduled",
    )
    pass_at(app, at(date(2026, 12, 7)))
    set_now(app, "2026-12-07T09:00:00+01:00")  # after the interview of 3 December
    ok(event(api, world.employer, case["id"], type="interview_held"))
    ok(
        event(
            api, world.employer, case["id"], type="decision", outcome="not_hired", reasoning=LEGAL
        )
    )
    for day in (8, 15, 22, 28):
        pass_at(app, at(date(2026, 12, day)))
    with app.app_context():
        texts = [n.subject + n.body for n in db.session().exec(select(Notification)).all()]
    assert texts and not any(secret in text for text in texts)


def test_an_escalation_goes_to_the_caseworker_who_last_acted_and_not_to_the_colleagues(
    app: Flask, api: Api, world: World
) -> None:
    """Issue 12: the case read for an event carries who its notices go to (the handling caseworker
    who last acted on it), so the event asks no more; the notice still reaches that caseworker only,
    and after a move to another jobcentre, that jobcentre's caseworkers."""
    colleague = make_user(app, "caseworker", jobcentre_code="751", name="Kirsten Kollega")
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    assessment = {"can_perform": True, "has_difficulty_getting_work": True, "reasoning": LEGAL}
    ok(event(api, colleague, case["id"], type="assessment", **assessment))
    drive(api, world, case["id"], "negotiation_required")  # employer steps only from here
    set_now(api.app, "2026-12-15T09:00:00+01:00")  # ten working days after the statement
    attempts = "Ringet til jobcenteret 3. og 8. december og skrevet to gange uden svar."
    ok(event(api, world.employer, case["id"], type="negotiation_not_held", attempts=attempts))
    assert "negotiation_escalated" in kinds_for(app, colleague.id)
    assert "negotiation_escalated" not in kinds_for(app, world.cw_aarhus.id)
