"""Retention (issue 9, point 5; GDPR art. 5 stk. 1 litra e): FORTRIN_RETENTION_DAYS after a case, a
card or a conversation ended, its health data and free texts are erased, the citizen is unlinked,
and it stays as anonymous figures; the database lets the append-only records change only that way
(migration 0008). A caseworker of the handling jobcentre sees an ended case for
FORTRIN_CASEWORKER_ACCESS_DAYS only. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, func, select

from fortrin import db, retention
from fortrin.models import (
    ApplicantProfile,
    Application,
    ApplicationEvent,
    AuditEvent,
    CardScheme,
    CompensationCard,
    Conversation,
    Notification,
)
from tests.integration.conftest import (
    LEGAL,
    Api,
    World,
    apply,
    drive,
    event,
    ok,
    set_now,
    vacancy,
)
from tests.integration.test_audit import PROFILE, register
from tests.integration.test_cards import IMPAIRMENT, issued_card

DAYS = 1095  # the default


def at(day: date) -> str:
    return f"{day.isoformat()}T09:00:00+01:00"


def refused_case(api: Api, world: World) -> dict[str, Any]:
    """A case through every step with free text, to the window."""
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    return drive(api, world, case["id"], "opinion_window")


def hired_case(api: Api, world: World, **vacancy_fields: Any) -> dict[str, Any]:
    v = vacancy(api, world.employer, **vacancy_fields)
    case = apply(api, world.applicant, v["id"], route="via_jobcentre")
    drive(api, world, case["id"], "interviewed")
    return ok(
        event(api, world.employer, case["id"], type="decision", outcome="hired", reasoning=LEGAL)
    )


def run(app: Flask, dry_run: bool = False) -> retention.Plan:
    with app.app_context():
        from fortrin import clock

        return retention.run(db.engine(), clock.today(), DAYS, dry_run=dry_run)


def stored(app: Flask, application_id: str) -> tuple[Application, list[ApplicationEvent]]:
    with app.app_context(), Session(db.engine()) as session:
        application = session.get(Application, application_id)
        assert application is not None
        events = list(
            session.exec(
                select(ApplicationEvent)
                .where(ApplicationEvent.application_id == application_id)
                .order_by(col(ApplicationEvent.seq))
            ).all()
        )
        return application, events


def test_a_case_past_retention_is_erased_and_kept_as_figures(
    app: Flask, api: Api, world: World
) -> None:
    case = refused_case(api, world)
    register(api, world)
    [window] = [d for d in case["deadlines"] if d["kind"] == "opinion_request"]
    ended = date.fromisoformat(window["due"])  # the window passed unused: the case ended
    before, events_before = stored(app, case["id"])
    assert before.interview_location and any(
        LEGAL in json.dumps(e.data, ensure_ascii=False) for e in events_before
    )

    set_now(app, at(ended + timedelta(days=DAYS)))  # the last day of the period: kept
    assert run(app).cases == []
    set_now(app, at(ended + timedelta(days=DAYS + 1)))
    dry = run(app, dry_run=True)
    assert dry.cases == [case["id"]] and dry.profiles == [world.applicant.id]
    assert stored(app, case["id"])[0].erased_at is None  # a dry run changes nothing

    done = run(app)
    assert done.cases == [case["id"]] and done.profiles == [world.applicant.id]
    assert done.failed == 0
    application, events = stored(app, case["id"])
    assert application.erased_at is not None
    assert application.applicant_id is None and application.interview_location is None
    # The figures: state, route, jobcentres, dates, every entry of the timeline with its type.
    assert application.state == "opinion_window" and application.route == "via_jobcentre"
    assert application.handling_jobcentre_code == "751"
    assert [e.type for e in events] == [e.type for e in events_before]
    text_of = json.dumps([e.data for e in events], ensure_ascii=False)
    assert LEGAL not in text_of and "Rådhuset" not in text_of
    by_type = {e.type: e.data for e in events}
    assert by_type["assessment"] == {
        "can_perform": True,
        "has_difficulty_getting_work": True,
        "erased": ["reasoning"],
    }
    assert by_type["refusal_notified"]["channel"] == "digital_post"
    assert by_type["negotiation_held"]["schemes_presented"] == ["personal_assistance"]
    assert by_type["negotiation_held"]["erased"] == ["minutes"]
    assert events[0].actor_role == "applicant" and events[0].actor_id is None
    assert all(e.actor_id != world.applicant.id for e in events)

    with app.app_context(), Session(db.engine()) as session:
        assert session.get(ApplicantProfile, world.applicant.id) is None
        notices = select(func.count()).where(Notification.application_id == case["id"])
        assert session.exec(notices).one() == 0
        about = session.exec(
            select(AuditEvent).where(
                AuditEvent.entity == "application", AuditEvent.entity_id == case["id"]
            )
        ).all()
        assert about and all(row.subject_id is None for row in about)
        assert [(r.action, r.actor_role) for r in about if r.action == "erase"] == [
            ("erase", "system")
        ]
    # Shown to nobody, not even the administrator; and nothing is left to erase.
    for user in (world.admin, world.applicant, world.cw_aarhus, world.employer):
        assert api.get(f"/api/v1/applications/{case['id']}", user).status_code == 404
        listed = api.get("/api/v1/applications", user)
        assert listed.status_code == 200 and case["id"] not in listed.get_data(as_text=True)
    assert run(app).summary()["cases"] == 0


def test_open_cases_and_cases_inside_the_period_are_kept(
    app: Flask, api: Api, world: World
) -> None:
    hired = hired_case(api, world)
    waiting = apply(api, world.applicant, vacancy(api, world.employer)["id"], "via_jobcentre")
    register(api, world)
    set_now(app, at(date(2026, 12, 1) + timedelta(days=DAYS)))  # the hire's last day: kept
    assert run(app).summary() | {"ended_before": ""} == {
        "retention_days": DAYS,
        "ended_before": "",
        "cases": 0,
        "cards": 0,
        "conversations": 0,
        "profiles": 0,
        "failed": 0,
    }
    set_now(app, at(date(2026, 12, 1) + timedelta(days=DAYS + 1)))
    done = run(app)
    # The hired case goes; the case still awaiting assessment, and so the profile, stay.
    assert done.cases == [hired["id"]] and done.profiles == []
    assert ok(api.get(f"/api/v1/applications/{waiting['id']}", world.applicant))["id"]
    profile = ok(api.get(f"/api/v1/applicants/{world.applicant.id}/profile", world.cw_aarhus))
    assert profile["disability_nature"] == PROFILE["disability_nature"]


def test_the_database_lets_the_timeline_and_the_audit_trail_change_only_by_erasing(
    app: Flask, api: Api, world: World
) -> None:
    live = hired_case(api, world)
    gone = hired_case(api, world)
    set_now(app, at(date(2026, 12, 1) + timedelta(days=DAYS + 1)))
    # Erase only ``gone``: mark ``live`` as not ended long ago by running before ``live`` is due.
    with app.app_context(), Session(db.engine()) as session:
        session.exec(  # type: ignore[call-overload]
            text("UPDATE application SET state_since = :t WHERE id = :id"),
            params={"t": "2030-01-01 00:00:00+00:00", "id": live["id"]},
        )
        session.commit()
    assert run(app).cases == [gone["id"]]

    def refused(application_id: str, change: Any) -> None:
        with app.app_context(), Session(db.engine()) as session:
            row = session.exec(
                select(ApplicationEvent).where(
                    ApplicationEvent.application_id == application_id,
                    ApplicationEvent.type == "decision",
                )
            ).one()
            change(row)
            session.add(row)
            with pytest.raises(DBAPIError, match="append-only"):
                session.commit()

    # A live case's timeline: not even erasing is allowed.
    refused(live["id"], lambda row: setattr(row, "data", {"outcome": "hired"}))
    # An erased case's timeline: no value changed, no key added, no other column touched.
    refused(gone["id"], lambda row: setattr(row, "data", {"outcome": "not_hired"}))
    refused(gone["id"], lambda row: setattr(row, "data", {**row.data, "note": "forged"}))
    refused(gone["id"], lambda row: setattr(row, "type", "forged"))
    refused(gone["id"], lambda row: setattr(row, "actor_id", world.admin.id))
    with app.app_context(), db.engine().connect() as connection:
        for statement in (
            f"DELETE FROM application_event WHERE application_id = '{gone['id']}'",
            # The audit trail: a live case's rows keep their data subject.
            f"UPDATE audit_event SET subject_id = NULL WHERE entity_id = '{live['id']}'",
            f"UPDATE audit_event SET action = 'x' WHERE entity_id = '{gone['id']}'",
            f"DELETE FROM audit_event WHERE entity_id = '{gone['id']}'",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
            connection.rollback()
    # What retention does is allowed: a key removed from an erased case's entry.
    with app.app_context(), Session(db.engine()) as session:
        row = session.exec(
            select(ApplicationEvent).where(
                ApplicationEvent.application_id == gone["id"], ApplicationEvent.seq == 1
            )
        ).one()
        row.data = {key: value for key, value in row.data.items() if key != "route"}
        session.add(row)
        session.commit()


def test_cards_and_conversations_are_erased_after_the_card_ended(
    app: Flask, api: Api, world: World
) -> None:
    card = issued_card(api, world)  # valid until 2027-12-31, from a conversation of 2026-11-20
    code = card["verification_code"]
    [talk_id] = card["conversation_ids"]
    set_now(app, at(date(2027, 12, 31) + timedelta(days=DAYS)))
    assert run(app, dry_run=True).cards == []
    set_now(app, at(date(2027, 12, 31) + timedelta(days=DAYS + 1)))
    done = run(app)
    assert done.cards == [card["id"]] and done.conversations == [talk_id]
    with app.app_context(), Session(db.engine()) as session:
        stored_card = session.get(CompensationCard, card["id"])
        assert stored_card is not None and stored_card.erased_at is not None
        assert stored_card.applicant_id is None and stored_card.verification_code is None
        assert IMPAIRMENT not in stored_card.impairment_summary
        assert stored_card.state == "issued" and stored_card.valid_until == date(2027, 12, 31)
        needs = session.exec(select(CardScheme.need).where(CardScheme.card_id == card["id"]))
        assert set(needs) == {""}
        stored_talk = session.get(Conversation, talk_id)
        assert stored_talk is not None and stored_talk.applicant_id is None
        assert stored_talk.notes == "" and stored_talk.topics  # the topics are codes: figures
        rows = session.exec(
            select(AuditEvent).where(col(AuditEvent.entity_id).in_([card["id"], talk_id]))
        ).all()
        assert rows and all(row.subject_id is None for row in rows)
    assert api.get(f"/api/v1/compensation-cards/{card['id']}", world.cw_aarhus).status_code == 404
    assert api.get(f"/api/v1/card-verification/{code}").status_code == 404
    mine = api.get(f"/api/v1/applicants/{world.applicant.id}/compensation-cards", world.admin)
    assert mine.status_code == 200 and mine.json == []


def test_a_card_with_an_open_fast_track_grant_is_kept(app: Flask, api: Api, world: World) -> None:
    card = issued_card(api, world)
    employment = api.post(
        f"/api/v1/compensation-cards/{card['id']}/employment",
        world.cw_aarhus,
        json={"employer_name": "Aarhus Kommune", "starts_on": "2026-12-01"},
    )
    assert employment.status_code == 200, employment.json
    set_now(app, at(date(2027, 12, 31) + timedelta(days=DAYS + 1)))
    done = run(app)
    assert done.cards == [] and done.conversations == []


def test_one_case_that_fails_stops_no_other_and_is_retried(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = hired_case(api, world), hired_case(api, world)
    set_now(app, at(date(2026, 12, 1) + timedelta(days=DAYS + 1)))
    erase = retention._erase_case
    broken = min(first["id"], second["id"])

    def failing(session: Session, application_id: str, *args: Any) -> bool:
        if application_id == broken:
            raise RuntimeError("disk full")
        return erase(session, application_id, *args)

    monkeypatch.setattr(retention, "_erase_case", failing)
    done = run(app)
    assert done.failed == 1 and done.cases == [max(first["id"], second["id"])]
    assert stored(app, broken)[0].erased_at is None
    monkeypatch.setattr(retention, "_erase_case", erase)
    assert run(app).cases == [broken]


def test_the_cli_shows_what_it_would_do_and_does_it(app: Flask, api: Api, world: World) -> None:
    case = hired_case(api, world)
    set_now(app, at(date(2026, 12, 1) + timedelta(days=DAYS + 1)))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run", "--ids"])
    assert dry.exit_code == 0, dry.output
    shown = json.loads(dry.output)
    assert shown["dry_run"] is True and shown["cases"] == 1
    assert shown["ids"]["cases"] == [case["id"]]
    assert shown["ended_before"] == "2026-12-02"  # ended on 1 December: kept 1095 days
    assert stored(app, case["id"])[0].erased_at is None
    real = runner.invoke(args=["retention", "run"])
    assert real.exit_code == 0, real.output
    assert json.loads(real.output)["cases"] == 1 and "ids" not in json.loads(real.output)
    assert stored(app, case["id"])[0].erased_at is not None


def test_the_handling_jobcentre_sees_an_ended_case_for_a_limited_time(
    app: Flask, api: Api, world: World
) -> None:
    # A vacancy at the applicant's own jobcentre: handled by the neighbour's (bek. § 7).
    case = hired_case(api, world, workplace_jobcentre_code="751")
    assert case["handling_jobcentre_code"] != "751"
    neighbour = {"746": world.cw_skanderborg, "101": world.cw_kbh}[case["handling_jobcentre_code"]]
    register(api, world)
    url = f"/api/v1/applications/{case['id']}"
    profile = f"/api/v1/applicants/{world.applicant.id}/profile"
    access = int(app.config["FORTRIN_CASEWORKER_ACCESS_DAYS"])
    set_now(app, at(date(2026, 12, 1) + timedelta(days=access)))
    assert api.get(url, neighbour).status_code == 200
    assert api.get(profile, neighbour).status_code == 200
    set_now(app, at(date(2026, 12, 1) + timedelta(days=access + 1)))
    assert api.get(url, neighbour).status_code == 404
    assert api.get(profile, neighbour).status_code == 404
    listed = api.get("/api/v1/applications", neighbour)
    assert listed.status_code == 200 and case["id"] not in listed.get_data(as_text=True)
    # The applicant, the employer and the administrator keep it until retention.
    for user in (world.applicant, world.employer, world.admin):
        assert api.get(url, user).status_code == 200
    # The home jobcentre still registers the applicant (bek. § 5).
    assert api.get(profile, world.cw_aarhus).status_code == 200
