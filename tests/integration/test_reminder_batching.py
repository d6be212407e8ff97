"""Issue 12, point 2: the reminder pass touches only what is due, reads due cases in batches with
their recipients in a fixed number of statements per batch whatever the batch's size, and leaves
each case with the day its next reminder falls due. On both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import event as sa_event
from sqlmodel import Session, col, select

from fortrin import clock, db, notifications
from fortrin.models import Application, Notification
from tests.integration.conftest import Api, World, apply, make_user, vacancy

TEN_DAYS_ON = datetime.fromisoformat("2026-12-11T09:00:00+01:00")  # 8 working days later


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run meanwhile (an executemany counts once)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine()
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            yield seen
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)


def cases_awaiting_assessment(app: Flask, api: Api, world: World, count: int) -> list[str]:
    v = vacancy(api, world.employer)
    ids = []
    for _ in range(count):
        applicant = make_user(app, "applicant", home_municipality_code="751")
        ids.append(apply(api, applicant, v["id"], "via_jobcentre")["id"])
    return ids


def one_pass(app: Flask, moment: datetime, batch: int) -> tuple[int, list[str]]:
    with statements(app) as seen, app.app_context(), Session(db.engine()) as session:
        created = notifications.create_due(session, moment, batch=batch)
        session.commit()
    return created, [s for s in seen if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]


def schedule_of(app: Flask, ids: list[str]) -> set[tuple[Any, Any]]:
    with app.app_context():
        rows = db.session().exec(
            select(col(Application.reminder_due_at), col(Application.queue_due_on)).where(
                col(Application.id).in_(ids)
            )
        )
        return {(clock.local(due).date() if due else None, queue) for due, queue in rows}


def test_a_batch_takes_the_same_statements_whatever_its_size(
    app: Flask, api: Api, world: World
) -> None:
    few = cases_awaiting_assessment(app, api, world, 2)
    created_few, small = one_pass(app, TEN_DAYS_ON, batch=100)
    assert created_few == 2  # the caseworker of Aarhus is told of each
    many = cases_awaiting_assessment(app, api, world, 9)
    created_many, large = one_pass(app, TEN_DAYS_ON, batch=100)
    assert created_many == 9
    assert len(large) == len(small), (len(small), len(large))
    # In batches of 4: three batches, each at most as many statements as the one batch above, less
    # the reads that end the pass (one for the cases, one for the fast-track tasks). A later batch
    # may ask for less: the vacancy and the people the first one read are still in the session.
    more = cases_awaiting_assessment(app, api, world, 10)
    created_more, batched = one_pass(app, TEN_DAYS_ON, batch=4)
    assert created_more == 10
    per_batch = len(small) - 2
    assert 3 * (per_batch - 3) + 2 <= len(batched) <= 3 * per_batch + 2, (per_batch, len(batched))
    # Each case is left with its next look (none: the assessment reminder was the last) and its
    # place in the queue (5 working days after it arrived on 1 December).
    assert schedule_of(app, few + many + more) == {(None, datetime(2026, 12, 8).date())}


def test_a_pass_with_nothing_due_reads_two_rows_of_index(
    app: Flask, api: Api, world: World
) -> None:
    ids = cases_awaiting_assessment(app, api, world, 3)
    first_day = datetime.fromisoformat("2026-12-01T09:05:00+01:00")
    created, _ = one_pass(app, first_day, batch=100)
    assert created == 0  # nothing is due on the first day, but each case now knows its day
    assert schedule_of(app, ids) == {(datetime(2026, 12, 8).date(), datetime(2026, 12, 8).date())}
    created, idle = one_pass(app, TEN_DAYS_ON.replace(day=2), batch=100)
    assert created == 0
    assert len(idle) == 2, idle  # the due cases (none) and the open fast-track tasks
    with app.app_context():
        assert db.session().exec(select(Notification)).all() == []


def test_after_the_thresholds_change_reschedule_sets_every_open_case_again(
    app: Flask, api: Api, world: World
) -> None:
    ids = cases_awaiting_assessment(app, api, world, 2)
    first_day = datetime.fromisoformat("2026-12-01T09:05:00+01:00")
    one_pass(app, first_day, batch=100)
    assert schedule_of(app, ids) == {(datetime(2026, 12, 8).date(), datetime(2026, 12, 8).date())}
    app.config["FORTRIN_ASSESSMENT_DUE_DAYS"] = 2
    result = app.test_cli_runner().invoke(args=["reminders", "reschedule"])
    assert result.exit_code == 0, result.output
    assert '"rescheduled": 2' in result.output
    one_pass(app, first_day.replace(minute=6), batch=100)
    assert schedule_of(app, ids) == {(datetime(2026, 12, 3).date(), datetime(2026, 12, 3).date())}
