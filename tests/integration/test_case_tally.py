"""Counted cases (issue 12, fortrin/tally.py): the tally the triggers keep equals a count of the live
cases after every kind of change, and a list's total, summed from it, is the number of cases the list
walks through, for every caseworker and the administrator, with every state filter, on the days the
opinion window and the caseworkers' access period end. Run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlmodel import Session

from fortrin import db, retention, tally
from fortrin.models import Application, User
from fortrin.workflows import preferential_access as pa
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
from tests.integration.test_synth import counted_rows, tally_rows


def at(day: date) -> str:
    return f"{day.isoformat()}T09:00:00+01:00"


def assert_tally_counts(app: Flask) -> None:
    with app.app_context(), Session(db.engine()) as session:
        assert tally_rows(session) == counted_rows(session)


def listed(api: Api, user: User, state: str | None) -> tuple[int, int]:
    """The list's total, and the number of cases it walks through page by page."""
    query = {"limit": "7", **({"state": state} if state else {})}
    first = api.get("/api/v1/applications", user, query_string=query)
    assert first.status_code == 200, first.json
    total, seen = int(first.headers["X-Total-Count"]), len(first.json)
    cursor = first.headers.get("X-Next-Cursor")
    while cursor:
        page = api.get("/api/v1/applications", user, query_string={**query, "cursor": cursor})
        assert page.status_code == 200, page.json
        assert int(page.headers["X-Total-Count"]) == total
        seen += len(page.json)
        cursor = page.headers.get("X-Next-Cursor")
    return total, seen


def assert_totals(api: Api, world: World) -> None:
    for user in (world.admin, world.cw_aarhus, world.cw_skanderborg, world.cw_kbh):
        for state in (None, *(str(s) for s in pa.State)):
            total, seen = listed(api, user, state)
            assert total == seen, (user.jobcentre_code or user.role, state)


def test_the_tally_follows_every_change_and_gives_each_list_its_total(
    app: Flask, api: Api, world: World
) -> None:
    v = vacancy(api, world.employer, positions=3)
    other = vacancy(api, world.employer_region, workplace_municipality_code="101")
    cases = [apply(api, world.applicant, v["id"], route="via_jobcentre") for _ in range(1)]
    cases += [apply(api, world.applicant_kbh, v["id"], route="via_jobcentre")]
    cases += [apply(api, world.applicant_kbh, other["id"], route="via_jobcentre")]
    cases += [apply(api, world.applicant, other["id"], route="direct")]
    assert_tally_counts(app)
    assert_totals(api, world)

    refused = drive(api, world, cases[0]["id"], "opinion_window")
    drive(api, world, cases[1]["id"], "interview_scheduled")
    ok(event(api, world.applicant_kbh, cases[2]["id"], type="withdrawn", reason="Nyt job."))
    # The applicant moves: the case goes to another jobcentre in the same state (bek. § 7).
    moved = ok(
        event(
            api,
            world.cw_aarhus,
            cases[3]["id"],
            type="transferred",
            home_municipality_code="101",
            reason="Flyttet",
        )
    )
    assert moved["handling_jobcentre_code"] != cases[3]["handling_jobcentre_code"]
    assert_tally_counts(app)
    assert_totals(api, world)

    # The day after the window's last day it reads as closed; the access period and retention
    # later take the ended cases from the caseworkers' lists, then from everyone's.
    [window] = [d for d in refused["deadlines"] if d["kind"] == "opinion_request"]
    ended = date.fromisoformat(window["due"])
    access = int(app.config["FORTRIN_CASEWORKER_ACCESS_DAYS"])
    for day in (ended, ended + timedelta(days=1), ended + timedelta(days=access + 1)):
        set_now(app, at(day))
        assert_totals(api, world)
    days = 1095
    set_now(app, at(ended + timedelta(days=days + 1)))
    with app.app_context():
        erased = retention.run(db.engine(), ended + timedelta(days=days + 1), days)
    assert refused["id"] in erased.cases
    assert_tally_counts(app)
    assert_totals(api, world)


def test_ends_on_is_the_copenhagen_day_a_case_ended(app: Flask, api: Api, world: World) -> None:
    v = vacancy(api, world.employer)
    case = drive(
        api, world, apply(api, world.applicant, v["id"], "via_jobcentre")["id"], "interviewed"
    )
    ok(event(api, world.employer, case["id"], type="decision", outcome="hired", reasoning=LEGAL))
    with app.app_context(), Session(db.engine()) as session:
        stored = session.get(Application, case["id"])
        assert stored is not None and stored.state == pa.State.HIRED
        assert stored.ends_on == date(2026, 12, 1)  # the test clock's day
    # 23:30 UTC on 30 November is 00:30 on 1 December in Copenhagen; a window ends on its last day.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert tally.ends_on(pa.State.CLOSED, late, None) == date(2026, 12, 1)
    assert tally.ends_on(pa.State.OPINION_WINDOW, late, date(2026, 12, 29)) == date(2026, 12, 29)
    assert tally.ends_on(pa.State.INTERVIEWED, late, None) is None
