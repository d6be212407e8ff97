"""Issue 12, point 1: ``flask --app fortrin synth --cases N`` builds a realistic national dataset.

The dataset must be one the service could have made: every timeline is replayed here through the
workflow's own ``pa.decide`` (who may send it, in which state, with which fields, at which moment)
and must lead, entry by entry, to the case as stored. Every jobcentre gets cases, every state a case
can reach today appears, the routing is bek. § 7's, and the sizes follow the national figures.
On PostgreSQL the load drops and rebuilds indexes and constraints: the schema must come back exactly.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, func, text
from sqlmodel import col, select

from fortrin import clock, create_app, db, synth, tally
from fortrin.models import (
    Application,
    ApplicationEvent,
    CaseTally,
    Jobcentre,
    Municipality,
    Notification,
    User,
    Vacancy,
    VacancyFill,
)
from fortrin.notifications import thresholds
from fortrin.registry import known_scheme_codes
from fortrin.workflows import preferential_access as pa
from fortrin.workflows import reminders
from fortrin.workflows.routing import route_application
from tests.integration.conftest import Api
from tests.integration.test_production_guards import production

CASES = 1500  # enough for a vacancy in every municipality, so a case at every jobcentre


def synth_cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["synth", *args])


def func_count() -> Any:
    return func.count()


def schema(connection: Connection) -> set[str]:
    """Every index and constraint of the schema, as PostgreSQL would recreate it."""
    indexes = connection.execute(
        text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()")
    ).scalars()
    constraints = connection.execute(
        text(
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
            "|| ' ' || convalidated FROM pg_constraint WHERE connamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
        )
    ).scalars()
    return {*indexes, *constraints}


def test_a_synthetic_country(app: Flask) -> None:
    postgres = app.config["FORTRIN_DATABASE_URL"].startswith("postgresql")
    with app.app_context():
        before = schema_of(app) if postgres else set()
    result = synth_cli(app, "--cases", str(CASES), "--seed", "7")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["password"] == synth.PASSWORD
    assert summary["cases"] == CASES
    assert summary["applicants"] == round(CASES * synth.APPLICANTS_PER_CASE)
    assert summary["vacancies"] == round(CASES * synth.VACANCIES_PER_CASE)
    assert 3.5 < summary["events"] / CASES < 6
    assert summary["schedule_columns"] is True

    with app.app_context():
        if postgres:
            assert schema_of(app) == before  # every index and constraint back as it was
        session = db.session()

        def count(model: Any) -> int:
            return int(session.exec(select(func_count()).select_from(model)).one())

        assert count(Application) == CASES
        assert count(ApplicationEvent) == summary["events"]
        assert count(Notification) == summary["notifications"] > 0
        assert count(Vacancy) == summary["vacancies"]
        roles = dict(session.exec(select(User.role, func_count()).group_by(User.role)).all())
        assert roles["applicant"] == summary["applicants"]
        assert roles["caseworker"] >= 2 * 95 and roles["employer"] > 100 and roles["admin"] == 1

        handled = set(session.exec(select(Application.handling_jobcentre_code).distinct()).all())
        assert handled == set(session.exec(select(Jobcentre.code)).all())  # all 95
        states = set(session.exec(select(Application.state).distinct()).all())
        # Contract v2 no longer reaches not_eligible (a "no" is a refusal): every other state.
        assert states == {str(s) for s in pa.State} - {pa.State.NOT_ELIGIBLE}
        assert session.exec(
            select(func_count()).where(col(Application.routed_to_neighbour).is_(True))
        ).one()
        assert all(u.email.endswith("@synth.example") for u in session.exec(select(User)).all())
        # The tally was counted once after the load, and its trigger is on again.
        assert tally_rows(session) == counted_rows(session)
        if postgres:  # this schema's trigger (other test schemas in the database have theirs)
            trigger = text(
                "SELECT tgenabled FROM pg_trigger "
                "WHERE tgname = 'application_tally' AND tgrelid = 'application'::regclass"
            )
            assert session.exec(trigger).one()[0] == "O"  # type: ignore[call-overload]


def tally_rows(session: Any) -> dict[tuple[str, str, date], int]:
    """The tally's non-zero rows."""
    rows = session.exec(select(CaseTally).where(col(CaseTally.cases) != 0)).all()
    return {(r.handling_jobcentre_code, r.state, r.ends_on): r.cases for r in rows}


def counted_rows(session: Any) -> dict[tuple[str, str, date], int]:
    """What the tally should hold, counted from the live cases."""
    rows = session.exec(
        select(
            col(Application.handling_jobcentre_code),
            col(Application.state),
            col(Application.ends_on),
            func_count(),
        )
        .where(col(Application.erased_at).is_(None))
        .group_by(
            col(Application.handling_jobcentre_code),
            col(Application.state),
            col(Application.ends_on),
        )
    ).all()
    return {(jc, state, ends or tally.OPEN): n for jc, state, ends, n in rows}


def schema_of(app: Flask) -> set[str]:
    with db.engine().connect() as connection:
        return schema(connection)


def test_every_timeline_replays_through_the_workflow_to_the_stored_case(app: Flask) -> None:
    """The test that can fail: each entry is decided again by ``pa.decide`` at its own moment, by
    its recorded role, and must give the recorded state, the recorded data and, in the end, the
    case's columns; the actors are people who may act on the case; the routing is bek. § 7's; a
    filled vacancy contradicts no decision; the schedule columns are the reminder rules'."""
    result = synth_cli(app, "--cases", "600", "--seed", "11")
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session()
        scheme_codes = frozenset(known_scheme_codes(session))
        wait_days = int(app.config["FORTRIN_NEGOTIATION_WAIT_DAYS"])
        today = clock.today()
        rules = thresholds()
        users = {u.id: u for u in session.exec(select(User)).all()}
        vacancies = {v.id: v for v in session.exec(select(Vacancy)).all()}
        municipalities = {m.code: m for m in session.exec(select(Municipality)).all()}
        organisation_of_user = {u.id: u.organisation_id for u in users.values()}
        timelines: dict[str, list[ApplicationEvent]] = defaultdict(list)
        for entry in session.exec(
            select(ApplicationEvent).order_by(
                col(ApplicationEvent.application_id), col(ApplicationEvent.seq)
            )
        ).all():
            timelines[entry.application_id].append(entry)
        cases = session.exec(select(Application)).all()
        assert len(cases) == 600
        for case in cases:
            replay(
                case, timelines[case.id], vacancies[case.vacancy_id], users, scheme_codes, wait_days
            )
            vacancy = vacancies[case.vacancy_id]
            applicant = users[case.applicant_id or ""]
            home = municipalities[applicant.home_municipality_code or ""]
            route = route_application(
                home.jobcentre_code, home.neighbour_jobcentre_code, vacancy.workplace_jobcentre_code
            )
            assert (case.handling_jobcentre_code, case.home_jobcentre_code) == (
                route.handling_jobcentre_code,
                route.home_jobcentre_code,
            )
            assert case.routed_to_neighbour is route.routed_to_neighbour
            for entry in timelines[case.id]:
                actor = users[entry.actor_id or ""]
                assert actor.role == entry.actor_role
                if actor.role == "employer":
                    assert organisation_of_user[actor.id] == vacancy.organisation_id
                elif actor.role == "caseworker":
                    assert actor.jobcentre_code == case.handling_jobcentre_code
                else:
                    assert actor.id == case.applicant_id
            assert case.reminder_due_at == (
                clock.local_start(day)
                if (
                    day := reminders.next_reminder_on(
                        case.state,
                        case.state_since,
                        case.opinion_due,
                        case.interview_starts_at,
                        vacancy.application_deadline,
                        rules,
                        today,
                    )
                )
                else None
            ), case.state
            assert case.queue_due_on == reminders.queue_due_on(
                case.state, case.state_since, case.opinion_due, case.refusal_sent_on, rules
            )
            assert case.ends_on == tally.ends_on(case.state, case.state_since, case.opinion_due)
        by_vacancy: dict[str, list[Application]] = defaultdict(list)
        for case in cases:
            by_vacancy[case.vacancy_id].append(case)
        for fill in session.exec(select(VacancyFill)).all():
            own = by_vacancy[fill.vacancy_id]
            assert not any(c.state in pa.BLOCKING for c in own)
            plan = pa.FillPlan(
                positions=1,
                filled=(),
                hired=frozenset(c.id for c in own if c.state == pa.State.HIRED),
                internal_claimed=any(c.decision_outcome == "internal_candidate_hired" for c in own),
            )
            assert pa.fill_contradiction(plan, fill.filled_by, fill.application_id) is None


def replay(
    case: Application,
    timeline: list[ApplicationEvent],
    vacancy: Vacancy,
    users: dict[str, User],
    scheme_codes: frozenset[str],
    wait_days: int,
) -> None:
    assert [e.seq for e in timeline] == list(range(1, len(timeline) + 1))
    assert all(a.at <= b.at for a, b in itertools.pairwise(timeline))
    first = timeline[0]
    assert (first.type, first.from_state, first.to_state) == (
        "submitted",
        None,
        pa.initial_state(case.route),
    )
    assert first.at == case.created_at and first.data["route"] == case.route
    state: str = first.to_state
    since: datetime = first.at
    columns: dict[str, Any] = {
        "interview_starts_at": None,
        "refusal_sent_on": None,
        "refusal_channel": None,
        "refusal_received_on": None,
        "opinion_due": None,
        "opinion_requested_on": None,
        "decision_outcome": None,
    }
    for entry in timeline[1:]:
        facts = pa.CaseFacts(
            state=state,
            route=case.route,
            vacancy_kind=vacancy.kind,
            formal_education_requirement=vacancy.formal_education_requirement,
            refusal_sent_on=columns["refusal_sent_on"],
            opinion_due=columns["opinion_due"],
            opinion_requested_on=columns["opinion_requested_on"],
            state_since_on=clock.local(since).date(),
            interview_starts_at=columns["interview_starts_at"],
            refusal_channel=columns["refusal_channel"],
            refusal_received_on=columns["refusal_received_on"],
        )
        moment = pa.Moment(
            now=entry.at,
            today=clock.local(entry.at).date(),
            scheme_codes=scheme_codes,
            negotiation_wait_days=wait_days,
        )
        outcome = pa.decide(facts, entry.actor_role, {"type": entry.type, **entry.data}, moment)
        where = f"case {case.id} entry {entry.seq} ({entry.type})"
        assert (outcome.from_state, outcome.to_state) == (entry.from_state, entry.to_state), where
        assert outcome.record == entry.data, where
        for name, value in outcome.updates.items():
            if name in columns:
                columns[name] = value
        if outcome.to_state != state:
            since = entry.at
        state = outcome.to_state
    assert case.state == state
    assert case.state_since == since
    assert case.updated_at == timeline[-1].at
    assert case.version == len(timeline)
    for name, value in columns.items():
        stored = getattr(case, name)
        assert stored == value, f"case {case.id}: {name} {stored!r} != {value!r}"
    assert case.employer_contacted is (
        case.route == "direct" or any(e.to_state == pa.State.INTERVIEW_REQUIRED for e in timeline)
    )
    assert isinstance(case.created_at, datetime) and isinstance(vacancy.application_deadline, date)
    assert clock.local(case.created_at).date() <= vacancy.application_deadline


def test_synth_is_refused_on_a_database_that_has_cases(app: Flask) -> None:
    assert synth_cli(app, "--cases", "30").exit_code == 0
    again = synth_cli(app, "--cases", "30")
    assert again.exit_code == 1
    assert "allerede sager" in again.output
    with app.app_context():
        assert db.session().exec(select(func_count()).select_from(Application)).one() == 30


def test_synth_is_refused_in_production(tmp_path: Any) -> None:
    application = create_app(production(FORTRIN_DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}"))
    result = application.test_cli_runner().invoke(args=["synth", "--cases", "10"])
    assert result.exit_code == 1
    assert "ikke tilladt i produktion" in result.output
    with application.app_context(), pytest.raises(synth.SynthRefused, match="produktion"):
        synth.run(db.engine(), 10)


def test_synth_is_refused_before_the_database_is_migrated(tmp_path: Any) -> None:
    from tests.conftest import test_settings

    application = create_app(test_settings(f"sqlite:///{tmp_path / 'empty.db'}"))
    result = application.test_cli_runner().invoke(args=["synth", "--cases", "10"])
    assert result.exit_code == 1
    assert "db upgrade" in result.output
    with application.app_context():
        db.engine().dispose()


def test_the_same_seed_gives_the_same_data(app: Flask) -> None:
    """The same rows for the same seed, but for the salted password hash and the encrypted CPR."""
    salted = {synth.COLUMNS["user"].index(name) for name in ("password_hash", "cpr")}

    def rows(seed: int) -> list[Any]:
        with app.app_context(), db.engine().connect() as connection:
            chunks = synth._Generator(connection, 60, seed, clock.now(), True).chunks()
            return [
                (
                    table,
                    [
                        r if table != "user" else [v for i, v in enumerate(r) if i not in salted]
                        for r in found
                    ],
                )
                for chunk, _done in chunks
                for table, found in chunk.items()
            ]

    assert rows(3) == rows(3)
    assert rows(3) != rows(4)


def test_fresh_cases_take_the_benchmark_s_event(app: Flask, api: Api) -> None:
    """``synth.fresh_cases`` (the benchmark's event POST): new cases waiting for Jobcenter
    København's assessment, which its caseworker records, one request each."""
    assert synth_cli(app, "--cases", "300", "--seed", "5").exit_code == 0
    with app.app_context():
        fresh = synth.fresh_cases(db.engine(), "101", 3, seed=1)
        session = db.session()
        caseworker = session.exec(
            select(User).where(User.email == f"sagsbehandler1.jc101@{synth.DOMAIN}")
        ).one()
        states = {
            a.state for a in session.exec(select(Application).where(col(Application.id).in_(fresh)))
        }
    assert states == {"awaiting_assessment"}
    body = {"type": "assessment", "can_perform": True, "has_difficulty_getting_work": True}
    for application_id in fresh:
        answer = api.post(f"/api/v1/applications/{application_id}/events", caseworker, json=body)
        assert answer.status_code == 200, answer.json
        assert answer.json["state"] == "interview_required"
