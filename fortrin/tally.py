"""Counted cases (issue 12): how many live cases each jobcentre handles, by state and by the day the
case ended, kept by the database itself, so that a list's total is a sum over a few hundred rows
instead of a count over tens of thousands of cases.

``application.ends_on`` is the Copenhagen day a case ended: the day it entered a final state, or the
last day of its opinion window (the window's end closes it, ``pa.effective_state``); None while it
is open. A case ``ended_before`` a day exactly when its ``ends_on`` lies before that day, so the
caseworker's scope (``cases.application_scope``) and its state filters read ``ends_on`` alone.
``cases._schedule`` keeps it on every write through the ORM; the synthetic loader writes it itself.

``case_tally`` holds one row per (handling jobcentre, state, ``ends_on``) with the number of live
(not erased) cases; NULL ``ends_on`` is stored as ``OPEN`` so that the key is never NULL. Triggers on
``application`` (migration 0012, on both databases) keep it on every insert, update and delete,
whatever path made them (the ORM, a bulk UPDATE, COPY); ``rebuild`` counts it afresh. A total is
asked here first (``total``): for the scopes and filters it can answer, it sums the tally; for the
others (an applicant's or employer's own cases, one vacancy's), it returns None and the caller
counts the cases, which are few.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Connection, Date, String, and_, bindparam, func, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from fortrin import clock
from fortrin.db import statement
from fortrin.models import CaseTally
from fortrin.workflows import preferential_access as pa

# ``ends_on`` of a case that has not ended, as the tally stores it (its key has no NULL).
OPEN = date(9999, 12, 31)


def ends_on(state: str, state_since: datetime | None, opinion_due: date | None) -> date | None:
    """The Copenhagen day the case ended, None while it is open."""
    if state in pa.TERMINAL and state_since is not None:
        return clock.local(state_since).date()
    if state == pa.State.OPINION_WINDOW:
        return opinion_due
    return None


def caseworker_cutoff() -> date:
    """Caseworkers see a case that ended on this day or later (FORTRIN_CASEWORKER_ACCESS_DAYS)."""
    return clock.today() - timedelta(days=int(current_app.config["FORTRIN_CASEWORKER_ACCESS_DAYS"]))


def state_condition(state: str, today: date | Any, state_column: Any, ends_column: Any) -> Any:
    """The state clients read (an opinion window whose last day has passed reads as closed), on
    ``application`` or on ``case_tally``: the ``ends_on`` of a window is its last day."""
    window = state_column == pa.State.OPINION_WINDOW
    if state == pa.State.CLOSED:
        return or_(state_column == pa.State.CLOSED, and_(window, ends_column < today))
    if state == pa.State.OPINION_WINDOW:
        return and_(window, ends_column >= today)
    return state_column == state


def total_query(role: str, state: str | None = None) -> Any:
    """The number of cases ``cases.list_applications`` would list for a caller of ``role`` with this
    state filter, summed from the tally; None when the tally cannot say (the caller then counts).
    Built once per role and state filter (issue 12); its parameters are the caller's scope
    (``cases.scope_params``: ``scope_jobcentre_code``, ``scope_cutoff``) and ``today``."""
    if role not in ("caseworker", "admin"):
        return None

    def build() -> Any:
        conditions: list[ColumnElement[bool]] = []
        if role == "caseworker":
            code = bindparam("scope_jobcentre_code", type_=String())
            conditions.append(col(CaseTally.handling_jobcentre_code) == code)
            conditions.append(col(CaseTally.ends_on) >= bindparam("scope_cutoff", type_=Date()))
        if state is not None:
            today = bindparam("today", type_=Date())
            conditions.append(
                state_condition(state, today, col(CaseTally.state), col(CaseTally.ends_on))
            )
        return select(func.coalesce(func.sum(CaseTally.cases), 0)).where(*conditions)

    return statement(("tally", role, state), build)


def rebuild(connection: Connection) -> None:
    """Count the tally afresh from the cases (after a bulk load with its trigger disabled)."""
    connection.execute(text("DELETE FROM case_tally"))
    connection.execute(
        text(
            "INSERT INTO case_tally (handling_jobcentre_code, state, ends_on, cases) "
            "SELECT handling_jobcentre_code, state, COALESCE(ends_on, :open), count(*) "
            "FROM application WHERE erased_at IS NULL "
            "GROUP BY handling_jobcentre_code, state, COALESCE(ends_on, :open)"
        ),
        {"open": OPEN},
    )
