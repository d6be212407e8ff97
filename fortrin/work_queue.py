"""The caseworker's queue: the open cases a jobcentre sees, sorted and paged by key in the database
(by due date, then by how long the case has been in its state), with its filters and counts.

The due date each case is sorted by is kept with the case (``cases.queue_due``, stored as
``queue_due_on`` by ``cases._schedule``), so a page is read in the order of an index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, union_all
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import audit, cases, clock, paging
from fortrin.errors import ValidationFailed
from fortrin.models import Application, User, Vacancy
from fortrin.workflows import preferential_access as pa

QUEUE_PAGE_SIZE = 50
QUEUE_SEARCH_MAX = 100
# The states a case in the queue can be in: the open ones (an opinion window reads as open until
# its last day).
QUEUE_STATES = tuple(state for state in pa.State if state not in pa.TERMINAL)


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and its counts: ``total`` cases match the filters, of the
    ``open_total`` open cases the caller sees (``overdue_total`` of them past their due date,
    ``neighbour_total`` routed here under bek. § 7, ``mine_total`` taken by the caller)."""

    rows: list[Application]
    total: int
    open_total: int
    overdue_total: int
    neighbour_total: int
    mine_total: int
    per_page: int
    first: int = 1  # where the first row stands in the queue, from 1
    next_cursor: str | None = None  # ``after`` of the next page; None on the last
    previous_cursor: str | None = None  # ``before`` of the page before; None on the first


def _open_condition(today: date) -> ColumnElement[bool]:
    """Not in a final state, and not an opinion window whose last day has passed (it reads as
    closed, ``pa.effective_state``). NULL-safe, unlike negating ``cases.state_condition``."""
    return and_(
        col(Application.state).not_in([str(state) for state in pa.TERMINAL]),
        or_(
            col(Application.state) != pa.State.OPINION_WINDOW,
            col(Application.opinion_due).is_(None),
            col(Application.opinion_due) >= today,
        ),
    )


def caseworker_queue(
    db: Session,
    user: User,
    *,
    state: str | None = None,
    overdue_only: bool = False,
    neighbour_only: bool = False,
    mine_only: bool = False,
    search: str = "",
    after: str | None = None,
    before: str | None = None,
    per_page: int = QUEUE_PAGE_SIZE,
) -> QueuePage:
    """The open cases the caller sees (``cases.application_scope``), sorted and paged by key in the
    database: by due date (``cases.queue_due``), so the most overdue first, then the cases without
    one; oldest first within a day. A page starts after the cursor ``after`` (a page's
    ``next_cursor``) or ends before ``before`` (its ``previous_cursor``); neither: the first page.
    Filters: one open state, overdue only, routed here under bek. § 7 only, the caller's own cases
    only (``assignee_id``), and a search on the applicant's name or the vacancy's title. One audit
    row per case on the page; the number of statements does not depend on the page's length."""
    problems: dict[str, str] = {}
    if state is not None and state not in QUEUE_STATES:
        problems["state"] = "ukendt status"
    if len(search) > QUEUE_SEARCH_MAX:
        problems["search"] = f"højst {QUEUE_SEARCH_MAX} tegn"
    elif not search.isprintable():
        problems["search"] = "må ikke indeholde kontroltegn"
    if per_page < 1:
        problems["per_page"] = "skal være 1 eller derover"
    try:
        start = paging.bound(after, before, _QUEUE_KINDS, nullable=(0,))
    except ValidationFailed as error:
        problems.update(error.fields)
    if problems:
        raise ValidationFailed(problems)
    today = clock.today()
    # The due date is stored (``queue_due_on``, kept by ``cases._schedule`` and the reminder
    # pass), so the queue is read in the order of its index.
    overdue = col(Application.queue_due_on) < today
    base = [cases.application_scope(user), _open_condition(today)]
    mine = col(Application.assignee_id) == user.id
    open_total, overdue_total, neighbour_total, mine_total = db.exec(
        select(
            func.count(),
            func.coalesce(func.sum(sql_case((overdue, 1), else_=0)), 0),
            func.coalesce(
                func.sum(sql_case((col(Application.routed_to_neighbour).is_(True), 1), else_=0)), 0
            ),
            func.coalesce(func.sum(sql_case((mine, 1), else_=0)), 0),
        )
        .select_from(Application)
        .where(*base)
    ).one()
    conditions = list(base)
    if state is not None:
        conditions.append(cases.state_condition(state, today))
    if overdue_only:
        conditions.append(overdue)
    if neighbour_only:
        conditions.append(col(Application.routed_to_neighbour).is_(True))
    if mine_only:
        conditions.append(mine)
    term = search.strip()
    if term:
        conditions.append(
            or_(
                col(Application.applicant_id).in_(
                    select(User.id).where(text_matches(col(User.name), term))
                ),
                col(Application.vacancy_id).in_(
                    select(Vacancy.id).where(text_matches(col(Vacancy.title), term))
                ),
            )
        )
    total = int(db.exec(select(func.count()).select_from(Application).where(*conditions)).one())
    page = paging.page_of(
        _queue_rows(db, conditions, start, per_page + 1), start, per_page, _queue_key
    )
    cases.prefetch(db, page.rows)
    audit.record_many(
        db, user, audit.LIST, audit.APPLICATION, [(a.id, a.applicant_id) for a in page.rows]
    )
    return QueuePage(
        rows=page.rows,
        total=total,
        open_total=int(open_total),
        overdue_total=int(overdue_total),
        neighbour_total=int(neighbour_total),
        mine_total=int(mine_total),
        per_page=per_page,
        first=page.first,
        next_cursor=page.next_cursor,
        previous_cursor=page.previous_cursor,
    )


# The queue's order, that of ix_application_jobcentre_queue: by due date with the cases without one
# last, then by how long the case has been in its state, then by id (unique: the key of a page).
_QUEUE_KINDS = (date, datetime, str)


def _queue_key(application: Application) -> tuple[date | None, datetime, str]:
    return application.queue_due_on, application.state_since, application.id


def _queue_runs(start: paging.Bound | None) -> list[ColumnElement[bool]]:
    """The queue is two runs of its index: the cases with a due date, then those without one. Which
    cases of each to read from ``start`` (in reading order: the reverse when ``start.backward``);
    a run that cannot hold a row of the page is left out. Each run is one range of the index, which
    a single condition with ``OR queue_due_on IS NULL`` would not be on either database."""
    due, since, key = (
        col(Application.queue_due_on),
        col(Application.state_since),
        col(Application.id),
    )
    dated, undated = due.is_not(None), due.is_(None)
    if start is None:
        return [dated, undated]
    if start.key[0] is None:  # the key is in the undated run
        keyed = and_(undated, paging.beyond((since, key), start.key[1:], start.backward))
        return [keyed, dated] if start.backward else [keyed]
    keyed = and_(dated, paging.beyond((due, since, key), start.key, start.backward))
    return [keyed] if start.backward else [keyed, undated]


def _queue_rows(
    db: Session, conditions: list[ColumnElement[bool]], start: paging.Bound | None, limit: int
) -> list[Application]:
    """At most ``limit`` cases of the queue from ``start``, in reading order, in one statement: the
    runs (``_queue_runs``), each read in its order up to ``limit``, joined and sorted again."""
    backward = start is not None and start.backward

    def ordered(columns: Sequence[Any]) -> list[Any]:
        return [c.desc() if backward else c.asc() for c in columns]

    # Each run in the index's order, the due date too (NULL all through the second run), so that
    # PostgreSQL reads it from the index instead of sorting it.
    order = (col(Application.queue_due_on), col(Application.state_since), col(Application.id))
    runs = [
        select(Application).where(*conditions, run).order_by(*ordered(order)).limit(limit)
        for run in _queue_runs(start)
    ]
    if len(runs) == 1:
        return list(db.exec(runs[0]).all())
    both = aliased(Application, union_all(*(select(run.subquery()) for run in runs)).subquery())
    due = col(both.queue_due_on)
    query = (
        select(both)
        .order_by(due.desc().nulls_first() if backward else due.asc().nulls_last())
        .order_by(*ordered((col(both.state_since), col(both.id))))
        .limit(limit)
    )
    return list(db.exec(query).all())


# Capital letters SQLite's lower() leaves as they are (it folds ASCII only): the Danish ones and the
# accented ones common in names here.
_CAPITALS = "ÆØÅÄÖÜÉÈÁÓÍ"


def text_matches(column: Any, term: str) -> ColumnElement[bool]:
    """``term`` anywhere in ``column``, ignoring case (Æ, Ø and Å too, on both databases); % and _
    are matched as themselves."""
    folded = column
    for capital in _CAPITALS:
        folded = func.replace(folded, capital, capital.lower())
    return func.lower(folded).contains(term.lower(), autoescape=True)
