"""The case service: applications with preferential access, always scoped to the caller: who sees
what (``application_scope``, ``vacancy_scope``), reading a case and a page of cases, the schedule a
case keeps, and a case's course (its creation, its events and its timeline). A vacancy's own course
is in ``vacancies``, the caseworker's queue in ``work_queue``.

Views call these functions and commit through ``db.unit_of_work``. The rules themselves are in
``workflows/preferential_access.py`` and ``workflows/routing.py``; this module loads the facts, asks
the workflow, and writes what it decided (state, columns and an append-only timeline entry).

Visibility (api-contract.md "Roles"): what the caller may not see is a 404, never a 403.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, NamedTuple

from flask import current_app
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    event,
    func,
    inspect,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import audit, breaches, cards, clock, notifications, paging, tally
from fortrin.db import UTCDateTime, keep
from fortrin.db import statement as db_statement
from fortrin.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fortrin.models import (
    Application,
    ApplicationEvent,
    CompensationCard,
    Municipality,
    Organisation,
    User,
    Vacancy,
)
from fortrin.registry import known_scheme_codes
from fortrin.validation import validate
from fortrin.workflows import preferential_access as pa
from fortrin.workflows.reminders import WATCHED_STATES, queue_due_on
from fortrin.workflows.routing import NoNeighbourJobcentre, Route, route_application

# --- visibility --------------------------------------------------------------------------------


def ended_before(day: date, case: Any = Application) -> ColumnElement[bool]:
    """The SQL condition for cases (``case``: Application or an alias of it) that ended before
    ``day`` (Copenhagen): a final state entered before that day, or an opinion window whose last
    day was before it (the window's end closes the case whether or not a job ran,
    ``pa.effective_state``)."""
    return or_(
        and_(
            case.state.in_([str(state) for state in pa.TERMINAL]),
            case.state_since < clock.local_start(day),
        ),
        and_(case.state == pa.State.OPINION_WINDOW, case.opinion_due < day),
    )


@dataclass(frozen=True)
class RoleTemplate:
    """A caller of ``role`` with no id, jobcentre or organisation: what a statement built once per
    role is built with (its scope then matches nothing until ``scope_params`` are given)."""

    role: str
    id: None = None
    jobcentre_code: None = None
    organisation_id: None = None


def application_scope(user: User | RoleTemplate) -> ColumnElement[bool]:
    """The SQL condition for the applications ``user`` may see. Every case query uses it. A case
    erased by retention is anonymous figures and shown to nobody. The caller's values are named
    parameters (``scope_params``), so a statement built once per role (``db.statement``) takes
    them at each execution; built with a user of no jobcentre, organisation or id, it finds
    nothing until they are given."""
    live = col(Application.erased_at).is_(None)
    if user.role == "admin":
        return live
    if user.role == "applicant":
        return and_(live, col(Application.applicant_id) == bindparam("scope_user_id", user.id))
    if user.role == "caseworker":
        # The handling jobcentre, which after bek. §7 routing is not the home jobcentre; once the
        # case has ended, only for FORTRIN_CASEWORKER_ACCESS_DAYS (GDPR art. 5 stk. 1 c, 25). The
        # day it ended is stored (``ends_on``, fortrin/tally.py): not ``ended_before`` the cutoff.
        return and_(
            live,
            col(Application.handling_jobcentre_code)
            == bindparam("scope_jobcentre_code", user.jobcentre_code),
            or_(
                col(Application.ends_on).is_(None),
                col(Application.ends_on)
                >= bindparam("scope_cutoff", tally.caseworker_cutoff(), type_=Date()),
            ),
        )
    if user.role == "employer":
        own_vacancies = select(Vacancy.id).where(
            Vacancy.organisation_id == bindparam("scope_organisation_id", user.organisation_id)
        )
        return and_(
            live,
            col(Application.vacancy_id).in_(own_vacancies),
            col(Application.employer_contacted).is_(True),
        )
    return col(Application.id).is_(None)


def scope_params(user: User) -> dict[str, Any]:
    """The values of ``application_scope(user)``'s parameters, for a statement built once."""
    params: dict[str, Any] = {
        "scope_user_id": user.id,
        "scope_jobcentre_code": user.jobcentre_code,
        "scope_organisation_id": user.organisation_id,
    }
    if user.role == "caseworker":
        params["scope_cutoff"] = tally.caseworker_cutoff()
    return params


def vacancy_scope(user: User) -> ColumnElement[bool]:
    """Employers see their organisation's vacancies; applicants and caseworkers see open postings and
    those they have a case on; admin sees all."""
    if user.role == "admin":
        return col(Vacancy.id).is_not(None)
    if user.role == "employer":
        return col(Vacancy.organisation_id) == user.organisation_id
    with_case = select(Application.vacancy_id).where(application_scope(user))
    return or_(col(Vacancy.state) == "open", col(Vacancy.id).in_(with_case))


def find_application(
    db: Session, user: User, application_id: str, with_context: bool = False
) -> Application:
    """The case, if the caller may see it; else 404. Not audited: for checks that show nothing of
    the case and for writes, which record their own audit row. ``with_context``: read with it, in
    the same statement, what the answer shows (``_load``), for a write that answers with the case."""
    if with_context:
        return _load(db, user, application_id, audited=False, for_event=True)
    application = db.exec(
        select(Application).where(Application.id == application_id, application_scope(user))
    ).first()
    if application is None:
        raise NotFound("Sagen findes ikke.")
    return application


def get_application(db: Session, user: User, application_id: str) -> Application:
    """The case, to be shown to the caller: the read is audited. Issue 12: one statement reads the
    case with what its page shows and, on PostgreSQL, writes the audit row
    (``audit.reads_in_statement``)."""
    audited = audit.reads_in_statement(db, user, audit.APPLICATION, application_id)
    application = _load(db, user, application_id, audited)
    if not audited:
        audit.record(
            db, user, audit.READ, audit.APPLICATION, application.id, application.applicant_id
        )
    return application


def _case_statement(role: str, audited: bool, for_event: bool = False) -> Any:
    """The statement of ``_load`` for callers of ``role``, built once (``db.statement``); its
    parameters: ``application_id``, ``today``, ``scope_params`` and, ``audited``,
    ``audit.statement_params``. ``for_event``: also who an event's notices go to
    (``notifications.after_event``): the user who posted the vacancy, the case's assignee, and, on
    each timeline entry, its actor's id when that is an active caseworker of the handling jobcentre
    (``notifications.handling_caseworker``), so the notices ask nothing more."""

    def build() -> Any:
        scope = application_scope(RoleTemplate(role))
        query = (
            sa_select(Application, Vacancy, Organisation, User, CompensationCard, ApplicationEvent)
            .join(Vacancy, col(Vacancy.id) == col(Application.vacancy_id))
            .outerjoin(Organisation, col(Organisation.id) == col(Vacancy.organisation_id))
            .outerjoin(User, col(User.id) == col(Application.applicant_id))
            .outerjoin(
                CompensationCard,
                cards.valid_for(Application.applicant_id, bindparam("today", type_=Date())),
            )
            .outerjoin(
                ApplicationEvent, col(ApplicationEvent.application_id) == col(Application.id)
            )
            .where(col(Application.id) == bindparam("application_id", type_=String()), scope)
        )
        if for_event:
            creator = aliased(User, name="creator")
            assignee = aliased(User, name="assignee")
            actor = aliased(User, name="actor")
            query = (
                query.add_columns(creator, assignee, col(actor.id))
                .outerjoin(creator, col(creator.id) == col(Vacancy.created_by))
                .outerjoin(assignee, col(assignee.id) == col(Application.assignee_id))
                .outerjoin(
                    actor,
                    and_(
                        col(actor.id) == col(ApplicationEvent.actor_id),
                        notifications.handling_caseworker(actor, Application),
                    ),
                )
            )
        if not audited:
            return query
        source = select(col(Application.id), col(Application.applicant_id)).where(
            col(Application.id) == bindparam("application_id", type_=String()), scope
        )
        return query.add_cte(audit.insert_cte(audit.READ, audit.APPLICATION, source))

    return db_statement(("case", role, audited, for_event), build)


def _load(
    db: Session, user: User, application_id: str, audited: bool, for_event: bool = False
) -> Application:
    """The case with what its answer or page shows (vacancy, organisation, applicant, the
    applicant's valid cards, and the timeline) in one statement (issue 12), under ``user``'s scope,
    writing the read's audit row when ``audited``; rendering then finds all of it in the session
    (``db.info``) instead of asking. ``for_event``: with who the event's notices go to
    (``_case_statement``), kept for ``notifications``."""
    today = clock.today()
    params = {"application_id": application_id, "today": today, **scope_params(user)}
    if audited:
        params.update(audit.statement_params(user))
    rows = db.execute(_case_statement(user.role, audited, for_event), params).all()
    if not rows:
        raise NotFound("Sagen findes ikke.")
    application: Application = rows[0][0]
    events = {row[5].id: row[5] for row in rows if row[5] is not None}
    db.info.setdefault("timelines", {})[application.id] = sorted(
        events.values(), key=lambda e: e.seq
    )
    keep(db, rows[0][1:4])  # held for the rendering
    if for_event:
        keep(db, rows[0][6:8])
        acted = [(row[5].seq, row[8]) for row in rows if row[5] is not None and row[8] is not None]
        notifications.remember_last_caseworker(db, application, max(acted)[1] if acted else None)
    if application.applicant_id is not None:
        valid = {row[4].id: row[4] for row in rows if row[4] is not None}
        cards.remember_valid_cards(db, today, {application.applicant_id: list(valid.values())})
    return application


def assign(db: Session, user: User, application_id: str, assignee_id: str | None) -> Application:
    """A caseworker takes a case, gives it to a colleague of the handling jobcentre, or lets it go
    (``None``): the queue's "Mine", and the caseworker the case's reminders go to. Only caseworkers
    of the handling jobcentre; audited."""
    if user.role != "caseworker":
        raise Forbidden("Kun jobcenterets sagsbehandlere kan fordele sager.")
    application = find_application(db, user, application_id)
    if assignee_id is not None:
        assignee = db.get(User, assignee_id)
        if (
            assignee is None
            or not assignee.active
            or assignee.role != "caseworker"
            or assignee.jobcentre_code != application.handling_jobcentre_code
        ):
            raise ValidationFailed(
                {"assignee_id": "skal være en aktiv sagsbehandler i det jobcenter, der har sagen"}
            )
    if application.assignee_id != assignee_id:
        application.assignee_id = assignee_id
        db.add(application)
        db.flush()
        audit.record(
            db,
            user,
            audit.UPDATE,
            audit.APPLICATION,
            application.id,
            application.applicant_id,
            f"assignee={assignee_id or '-'}",
        )
    return application


def colleagues(db: Session, application: Application) -> list[User]:
    """The active caseworkers of the jobcentre handling the case: those who may take it."""
    return list(
        db.exec(
            select(User)
            .where(
                User.role == "caseworker",
                User.jobcentre_code == application.handling_jobcentre_code,
                col(User.active).is_(True),
            )
            .order_by(col(User.name), col(User.id))
        ).all()
    )


def get_vacancy(db: Session, user: User, vacancy_id: str) -> Vacancy:
    vacancy = db.exec(select(Vacancy).where(Vacancy.id == vacancy_id, vacancy_scope(user))).first()
    if vacancy is None:
        raise NotFound("Stillingen findes ikke.")
    return vacancy


def state_condition(state: str, today: date | Any) -> ColumnElement[bool]:
    """A state filter on the state clients read (an expired opinion window reads as closed)."""
    found: ColumnElement[bool] = tally.state_condition(
        state, today, col(Application.state), col(Application.opinion_due)
    )
    return found


class CaseRefs(NamedTuple):
    """What a case of the API's list shows of its vacancy, organisation and applicant, read as
    columns with the page (issue 12: as three ORM objects a row they were about a third of the
    page's reading); ``presenters.application_out`` finds them by ``case_refs``."""

    vacancy_id: str
    vacancy_title: str
    vacancy_kind: str
    organisation_id: str
    organisation_name: str | None
    applicant_id: str | None
    applicant_name: str | None
    applicant_email: str | None


def case_refs(db: Session, application_id: str) -> CaseRefs | None:
    """The ``CaseRefs`` the API's page of cases read with the case, for as long as its transaction
    lasts (``cards.card._forget_prefetched``); None when it was read otherwise."""
    found: CaseRefs | None = db.info.get("case_refs", {}).get(application_id)
    return found


def list_applications(
    db: Session,
    user: User,
    state: str | None = None,
    vacancy_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
    api_page: bool = False,
) -> tuple[list[Application], int]:
    """The caller's cases, newest first, with their total. ``cursor`` (issue 12) continues after
    the page it came from by key; the next page's cursor is ``next_cursor`` of the last row. The
    total of a jobcentre's or the country's cases is summed from the tally (fortrin/tally.py).

    Issue 12: one statement, built once per kind of list (``_page_statement``), reads the page with
    what it shows (vacancies, organisations, applicants and their valid cards), the list's total
    and, on PostgreSQL, writes its audit rows. ``api_page``: the API's answer, which shows only what
    ``presenters.application_out`` shows of the vacancy, organisation and applicant (only that is
    read of them, as columns: ``case_refs``), and whose transaction reads nothing after the page
    (it is read with its prepared plan)."""
    if state is not None and state not in set(pa.State):
        raise ValidationFailed({"state": "ukendt status"})
    after = None
    if cursor is not None:
        if offset:
            raise ValidationFailed({"offset": "kan ikke bruges sammen med cursor"})
        after = paging.decode(cursor, (datetime, str))
    today = clock.today()
    params: dict[str, Any] = {
        **scope_params(user),
        "today": today,
        "vacancy_id": vacancy_id,
        "page_limit": limit,
        "page_offset": offset,
    }
    if after is not None:
        params["after_created_at"], params["after_id"] = after
    by_vacancy = vacancy_id is not None
    # A list shows who applied with preferential access (which says there is a disability): one
    # audit row per case shown, on PostgreSQL written by the statement that reads the page.
    audited = audit.lists_in_statement(db, user, audit.APPLICATION)
    if audited:
        params.update(audit.statement_params(user))
    query = _page_statement(user.role, state, by_vacancy, after is not None, audited, api_page)
    if api_page and db.get_bind().dialect.name == "postgresql":
        # The page's plan is the same whatever the caller (an index range by key, then a look-up
        # per row), but PostgreSQL would plan it afresh at each request (its estimate for the largest
        # jobcentre beats the generic plan's), which costs as much as reading the page: the plan
        # prepared once is used, for what is left of the transaction.
        db.connection().exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    rows: list[Application] = []
    valid: dict[str, dict[str, CompensationCard]] = {}
    refs: dict[str, CaseRefs] = {}
    total = None
    for row in db.execute(query, params):
        application: Application = row[0]
        card: CompensationCard | None = row[-2]
        total = row[-1]  # the same on every row
        if not rows or rows[-1].id != application.id:  # an applicant's two valid cards: two rows
            rows.append(application)
            if api_page:
                refs[application.id] = CaseRefs(*row[1:-2])
            else:
                keep(db, row[1:4])  # the vacancy, organisation and applicant
            if application.applicant_id is not None:
                valid.setdefault(application.applicant_id, {})
        if card is not None and application.applicant_id is not None:
            valid[application.applicant_id][card.id] = card
    if audited:
        audit.listed(user, audit.APPLICATION, [a.id for a in rows])
    else:
        audit.record_many(
            db, user, audit.LIST, audit.APPLICATION, [(a.id, a.applicant_id) for a in rows]
        )
    if valid:
        cards.remember_valid_cards(db, today, {k: list(v.values()) for k, v in valid.items()})
    if refs:
        db.info.setdefault("case_refs", {}).update(refs)
    if total is None:  # an empty page says nothing of the others
        total = db.exec(_total_statement(user.role, state, by_vacancy), params=params).one()
    return rows, int(total)


def _total_statement(role: str, state: str | None, by_vacancy: bool) -> Any:
    """How many cases a list has: summed from the tally (a jobcentre's or the country's cases), or
    counted (an applicant's, an employer's, a vacancy's: a few). Built once per kind of list."""
    summed = None if by_vacancy else tally.total_query(role, state)
    if summed is not None:
        return summed
    return db_statement(
        ("case count", role, state, by_vacancy),
        lambda: (
            select(func.count())
            .select_from(Application)
            .where(*_list_conditions(role, state, by_vacancy))
        ),
    )


_LIST_ORDER = (col(Application.created_at), col(Application.id))


def _list_conditions(role: str, state: str | None, by_vacancy: bool) -> list[ColumnElement[bool]]:
    """The conditions of a list of ``role``'s cases, their values as parameters (``today``,
    ``vacancy_id`` and ``scope_params``)."""
    conditions = [application_scope(RoleTemplate(role))]
    if state is not None:
        conditions.append(state_condition(state, bindparam("today", type_=Date())))
    if by_vacancy:
        conditions.append(col(Application.vacancy_id) == bindparam("vacancy_id", type_=String()))
    return conditions


def _page_statement(
    role: str, state: str | None, by_vacancy: bool, after: bool, audited: bool, lean: bool = False
) -> Any:
    """The statement of a page of ``list_applications``, built once per kind of list: the page's
    ids in a WITH (its conditions, order, ``page_limit`` and ``page_offset``; with ``after``, the
    rows after ``after_created_at``/``after_id`` by key), then each case with its vacancy,
    organisation, applicant and the applicant's valid cards (``today``), newest first; with
    ``audited``, the page's audit rows written from the same WITH. ``lean``: of the vacancy, the
    organisation and the applicant only what a case of the API's list shows, as the columns of
    ``CaseRefs`` (no ORM objects)."""

    def build() -> Any:
        conditions = _list_conditions(role, state, by_vacancy)
        if after:
            conditions.append(
                paging.beyond(
                    _LIST_ORDER,
                    (
                        bindparam("after_created_at", type_=UTCDateTime()),
                        bindparam("after_id", type_=String()),
                    ),
                    descending=True,
                )
            )
        page = (
            select(Application)
            .where(*conditions)
            .order_by(*(c.desc() for c in _LIST_ORDER))
            # Written into the SQL when it runs: PostgreSQL then plans the statement of each page
            # size once (a prepared statement's generic plan); with LIMIT as a parameter it would
            # plan every page afresh, which costs more than reading it.
            .limit(bindparam("page_limit", type_=Integer(), literal_execute=True))
            .offset(bindparam("page_offset", type_=Integer(), literal_execute=True))
            .cte("page")
        )
        case = aliased(Application, page)
        total = _total_statement(role, state, by_vacancy).scalar_subquery().label("total")
        shown: tuple[Any, ...] = (Vacancy, Organisation, User)
        if lean:
            shown = (
                *(col(c) for c in (Vacancy.id, Vacancy.title, Vacancy.kind)),
                *(col(c) for c in (Vacancy.organisation_id, Organisation.name)),
                *(col(c) for c in (User.id, User.name, User.email)),
            )
        query = (
            sa_select(case, *shown, CompensationCard, total)
            .join(Vacancy, col(Vacancy.id) == case.vacancy_id)
            .outerjoin(Organisation, col(Organisation.id) == col(Vacancy.organisation_id))
            .outerjoin(User, col(User.id) == case.applicant_id)
            .outerjoin(
                CompensationCard,
                cards.valid_for(case.applicant_id, bindparam("today", type_=Date())),
            )
            .order_by(col(case.created_at).desc(), col(case.id).desc())
        )
        if audited:
            looked_at = select(page.c.id, page.c.applicant_id).subquery()
            query = query.add_cte(audit.insert_cte(audit.LIST, audit.APPLICATION, looked_at))
        return query

    return db_statement(("case page", role, state, by_vacancy, after, audited, lean), build)


def next_cursor(rows: Sequence[Application | Vacancy], limit: int) -> str | None:
    """The cursor of the page after a full page of ``list_applications`` or
    ``vacancies.list_vacancies``."""
    return paging.next_cursor([(row.created_at, row.id) for row in rows], limit)


def prefetch(db: Session, rows: Sequence[Application]) -> None:
    """Load what a page of cases shows (vacancies, applicants, organisations, the applicants' valid
    cards in one query, their schemes in another), whatever the page's length, so rendering
    finds it in the session instead of asking once per row (issue 12). The session holds its objects
    weakly: the loaded ones are kept in ``db.info`` for as long as the session lives."""
    if not rows:
        return
    today = clock.today()
    found = db.exec(
        select(Vacancy, Organisation, User, CompensationCard)
        .select_from(Application)
        .join(Vacancy, col(Vacancy.id) == col(Application.vacancy_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Vacancy.organisation_id))
        .outerjoin(User, col(User.id) == col(Application.applicant_id))
        .outerjoin(CompensationCard, cards.valid_for(Application.applicant_id, today))
        .where(col(Application.id).in_([a.id for a in rows]))
    ).all()
    keep(db, (o for row in found for o in row[:3]))
    valid: dict[str, dict[str, CompensationCard]] = {
        a.applicant_id: {} for a in rows if a.applicant_id is not None
    }
    for *_, applicant, card in found:
        if card is not None and applicant is not None:
            valid[applicant.id][card.id] = card
    cards.remember_valid_cards(db, today, {k: list(v.values()) for k, v in valid.items()})


# --- the schedule of a case ---------------------------------------------------------------------


def queue_due(application: Application) -> date | None:
    """When the jobcentre should act on the case (the escalation thresholds in working days after
    the case entered its state), else the opinion-request deadline of a refusal given: the date the
    queue is sorted by (stored as ``queue_due_on``)."""
    return queue_due_on(
        application.state,
        application.state_since,
        application.opinion_due,
        application.refusal_sent_on,
        notifications.thresholds(),
    )


# What the schedule of a case (issue 12) is computed from: when one of these changes, the queue's due
# date is computed again and the reminder pass looks at the case at its next run.
_SCHEDULE_INPUTS = ("state", "state_since", "opinion_due", "refusal_sent_on", "interview_starts_at")


@event.listens_for(Application, "before_insert")
@event.listens_for(Application, "before_update")
def _schedule(_mapper: Any, _connection: Any, application: Application) -> None:
    """Keep ``queue_due_on``, ``reminder_due_at`` and ``ends_on`` in step with the case, on every
    path that changes it (an event, a move, a receipt, a new case). The pass then sets the exact
    next day."""
    state = inspect(application)
    if state.persistent and not any(
        state.attrs[name].history.has_changes() for name in _SCHEDULE_INPUTS
    ):
        return
    application.queue_due_on = queue_due(application)
    application.ends_on = tally.ends_on(
        application.state, application.state_since, application.opinion_due
    )
    application.reminder_due_at = clock.now() if application.state in WATCHED_STATES else None


def touch_reminders(db: Session, vacancy_id: str) -> None:
    """The vacancy's application deadline moved: the pass looks at its open cases again."""
    db.execute(
        update(Application)
        .where(
            col(Application.vacancy_id) == vacancy_id,
            col(Application.state).in_(list(WATCHED_STATES)),
        )
        .values(reminder_due_at=clock.now())
        .execution_options(synchronize_session=False)
    )


def timeline(db: Session, application_id: str) -> list[ApplicationEvent]:
    """The case's entries in order (read with the case by ``get_application`` when it was)."""
    known: list[ApplicationEvent] | None = db.info.get("timelines", {}).get(application_id)
    if known is not None:
        return list(known)
    return list(
        db.exec(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(col(ApplicationEvent.seq))
        ).all()
    )


# --- input models --------------------------------------------------------------------------------


class Input(BaseModel):
    """A request body: strict types, fields it does not know ignored, text stripped."""

    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)


class ApplicationCreate(Input):
    vacancy_id: Annotated[str, Field(min_length=1, max_length=64)]
    route: Literal["via_jobcentre", "direct"]
    applicant_id: Annotated[str, Field(max_length=64)] | None = None


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden("Din rolle kan ikke udføre denne handling.")


# --- applications ----------------------------------------------------------------------------------


def _applicant_for(db: Session, user: User, applicant_id: str | None) -> User:
    if user.role == "applicant":
        return user
    if applicant_id is None:
        raise ValidationFailed({"applicant_id": "skal udfyldes"})
    applicant = db.get(User, applicant_id)
    # A caseworker applies for applicants whose home municipality its jobcentre serves.
    home = (
        db.get(Municipality, applicant.home_municipality_code)
        if applicant is not None and applicant.home_municipality_code
        else None
    )
    if (
        applicant is None
        or applicant.role != "applicant"
        or home is None
        or home.jobcentre_code != user.jobcentre_code
    ):
        raise ValidationFailed({"applicant_id": "ansøgeren findes ikke"})
    return applicant


def create_application(db: Session, user: User, body: dict[str, Any]) -> Application:
    require_role(user, "applicant", "caseworker")
    spec = validate(ApplicationCreate, body)
    applicant = _applicant_for(db, user, spec.applicant_id)
    vacancy = db.exec(
        select(Vacancy).where(Vacancy.id == spec.vacancy_id, vacancy_scope(user))
    ).first()
    if vacancy is None:
        raise ValidationFailed({"vacancy_id": "stillingen findes ikke"})
    if vacancy.state != "open":
        raise Conflict("Stillingen er ikke længere åben.", "vacancy_not_open")
    home = (
        db.get(Municipality, applicant.home_municipality_code)
        if applicant.home_municipality_code
        else None
    )
    if home is None:
        raise Conflict("Ansøgeren har ingen bopælskommune registreret.", "no_home_municipality")
    route = _route(home, vacancy)
    if user.role == "caseworker" and route.handling_jobcentre_code != user.jobcentre_code:
        # The same answer whether or not a case exists, so a § 7 case stays hidden from the home
        # jobcentre (the duplicate check below would otherwise reveal it).
        raise Forbidden(
            "Sagen ville blive behandlet af et andet jobcenter (bek. § 7), så jobcenteret kan ikke "
            "søge på ansøgerens vegne; ansøgeren kan selv søge.",
            "not_handling_jobcentre",
        )
    today = clock.today()
    pa.check_application_in_time(vacancy.application_deadline, today)
    earlier = db.exec(
        select(Application).where(
            Application.vacancy_id == vacancy.id, Application.applicant_id == applicant.id
        )
    ).all()
    if any(pa.effective_state(a.state, a.opinion_due, today) not in pa.TERMINAL for a in earlier):
        raise Conflict(
            "Ansøgeren har allerede en åben sag om denne stilling.", "duplicate_application"
        )
    now = clock.now()
    state = pa.initial_state(spec.route)
    application = Application(
        vacancy_id=vacancy.id,
        applicant_id=applicant.id,
        route=spec.route,
        state=state,
        handling_jobcentre_code=route.handling_jobcentre_code,
        home_jobcentre_code=route.home_jobcentre_code,
        routed_to_neighbour=route.routed_to_neighbour,
        employer_contacted=spec.route == "direct",
        created_at=now,
        updated_at=now,
        state_since=now,
    )
    db.add(application)
    db.flush()
    db.add(
        ApplicationEvent(
            application_id=application.id,
            seq=1,
            at=now,
            type="submitted",
            actor_id=user.id,
            actor_role=user.role,
            from_state=None,
            to_state=state,
            data={
                "route": spec.route,
                "handling_jobcentre_code": route.handling_jobcentre_code,
                "routed_to_neighbour": route.routed_to_neighbour,
            },
        )
    )
    audit.record(
        db, user, audit.CREATE, audit.APPLICATION, application.id, applicant.id, spec.route
    )
    db.flush()
    return application


def _route(home: Municipality, vacancy: Vacancy) -> Route:
    """bek. § 7 for this home municipality and this vacancy."""
    try:
        return route_application(
            home.jobcentre_code, home.neighbour_jobcentre_code, vacancy.workplace_jobcentre_code
        )
    except NoNeighbourJobcentre as error:
        raise Conflict(
            "Stillingen er i ansøgerens eget jobcenter, og routingtabellen angiver intet "
            "nabojobcenter (bek. § 7). Kontakt en administrator.",
            "no_neighbour_jobcentre",
        ) from error


def facts_of(db: Session, application: Application) -> pa.CaseFacts:
    vacancy = db.get(Vacancy, application.vacancy_id)
    assert vacancy is not None
    return pa.CaseFacts(
        state=application.state,
        route=application.route,
        vacancy_kind=vacancy.kind,
        formal_education_requirement=vacancy.formal_education_requirement,
        refusal_sent_on=application.refusal_sent_on,
        opinion_due=application.opinion_due,
        opinion_requested_on=application.opinion_requested_on,
        state_since_on=clock.local(application.state_since).date(),
        interview_starts_at=application.interview_starts_at,
        refusal_channel=application.refusal_channel,
        refusal_received_on=application.refusal_received_on,
    )


def record_event(
    db: Session,
    user: User,
    application_id: str,
    body: dict[str, Any],
    found: Application | None = None,
) -> Application:
    """Apply one event of the contract's table to a case the caller can see (``found``: the case
    as the caller's ``find_application`` already read it)."""
    application = found or find_application(db, user, application_id)
    # Set only by the service below, never taken from the caller.
    body = {k: v for k, v in body.items() if k not in ("card_id", "card_schemes_added")}
    if body.get("type") == "negotiation_held" and body.get("schemes_from_card") is True:
        body = _with_card_schemes(db, application, body)
    moment = pa.Moment(
        now=clock.now(),
        today=clock.today(),
        # The registry's schemes, which only the minutes name.
        scheme_codes=frozenset(
            known_scheme_codes(db) if body.get("type") == "negotiation_held" else ()
        ),
        negotiation_wait_days=int(current_app.config["FORTRIN_NEGOTIATION_WAIT_DAYS"]),
    )
    outcome = pa.decide(facts_of(db, application), user.role, body, moment)
    record = dict(outcome.record)
    if outcome.event_type == "transferred":
        record.update(_transfer(db, application, record["home_municipality_code"]))
    if outcome.event_type == "negotiation_held" and "card_schemes_added" in body:
        record["card_schemes_added"] = body["card_schemes_added"]
    for column, value in outcome.updates.items():
        setattr(application, column, value)
    seq = append_event(db, application, user, outcome.event_type, outcome.to_state, record)
    db.flush()
    if outcome.event_type == "opinion_received" and record["duties_kept"] is False:
        # kompensationslov § 17 a stk. 4: the breach is recorded; employer and top official told.
        vacancy = db.get(Vacancy, application.vacancy_id)
        assert vacancy is not None
        breaches.record(
            db,
            user,
            organisation_id=vacancy.organisation_id,
            application=application,
            found_on=date.fromisoformat(record["received_on"]),
            source="ankestyrelsen",
            summary=record["summary"],
        )
    notifications.after_event(db, application, outcome.event_type, seq, record, moment.now)
    return application


def _transfer(db: Session, application: Application, code: str) -> dict[str, Any]:
    """The applicant moved: bek. § 7 applied again for the new home municipality (domain.md
    section 12). The case moves to the jobcentre that now handles it; the move is on the timeline."""
    home = db.get(Municipality, code)
    if home is None:
        raise ValidationFailed({"home_municipality_code": "kommunen findes ikke"})
    applicant = db.get(User, application.applicant_id)
    vacancy = db.get(Vacancy, application.vacancy_id)
    assert applicant is not None and vacancy is not None
    route = _route(home, vacancy)
    unchanged = (
        route.home_jobcentre_code == application.home_jobcentre_code
        and route.handling_jobcentre_code == application.handling_jobcentre_code
    )
    if applicant.home_municipality_code == code and unchanged:
        # An applicant with several cases may already have been moved by another case's transfer;
        # this one still moves while its jobcentres differ.
        raise ValidationFailed(
            {"home_municipality_code": "sagen hører allerede til ansøgerens bopælskommune"}
        )
    moved = {
        "from_home_municipality_code": applicant.home_municipality_code,
        "from_handling_jobcentre_code": application.handling_jobcentre_code,
        "home_jobcentre_code": route.home_jobcentre_code,
        "handling_jobcentre_code": route.handling_jobcentre_code,
        "routed_to_neighbour": route.routed_to_neighbour,
    }
    application.home_jobcentre_code = route.home_jobcentre_code
    if application.handling_jobcentre_code != route.handling_jobcentre_code:
        application.assignee_id = None  # another jobcentre's case now: its caseworkers take it
    application.handling_jobcentre_code = route.handling_jobcentre_code
    application.routed_to_neighbour = route.routed_to_neighbour
    applicant.home_municipality_code = code
    db.add(applicant)
    return moved


def _with_card_schemes(
    db: Session, application: Application, body: dict[str, Any]
) -> dict[str, Any]:
    """The minutes may take the schemes presented from the applicant's issued card (000, 001)."""
    card = cards.valid_card_for(db, application.applicant_id, clock.today())
    if card is None:
        raise ValidationFailed(
            {"schemes_from_card": "ansøgeren har intet gyldigt kompensationskort"}
        )
    given = body.get("schemes_presented")
    presented = list(given) if isinstance(given, list) else []
    added = []
    for scheme in cards.card_schemes(db, card):
        if scheme.scheme_code not in presented:
            presented.append(scheme.scheme_code)
            added.append(scheme.scheme_code)
    # Which schemes came only from the card: an employer sees them only if the card is shared.
    return {
        **body,
        "schemes_presented": presented,
        "card_id": card.id,
        "card_schemes_added": added,
    }


def append_event(
    db: Session,
    application: Application,
    user: User | None,
    event_type: str,
    to_state: str,
    data: dict[str, Any],
) -> int:
    """Move the case and append the timeline entry: who, when, what, from which state to which.
    Returns the entry's sequence number."""
    now = clock.now()
    # The timeline read with the case (``find_application(with_context=True)``) gives the next
    # number; else it is asked. Two writers racing for one number: the case's version refuses one.
    known: list[ApplicationEvent] | None = db.info.get("timelines", {}).get(application.id)
    if known is not None:
        last = max((entry.seq for entry in known), default=0)
    else:
        with db.no_autoflush:  # the case's changes are written once, with the entry (issue 12)
            last = db.exec(
                select(func.max(ApplicationEvent.seq)).where(
                    ApplicationEvent.application_id == application.id
                )
            ).one()
    pending = [
        entry.seq
        for entry in db.new
        if isinstance(entry, ApplicationEvent) and entry.application_id == application.id
    ]
    seq = max([int(last or 0), *pending]) + 1
    entry = ApplicationEvent(
        application_id=application.id,
        seq=seq,
        at=now,
        type=event_type,
        actor_id=user.id if user else None,
        actor_role=user.role if user else "system",
        from_state=application.state,
        to_state=to_state,
        data=data,
    )
    db.add(entry)
    if known is not None:
        known.append(entry)  # the answer shows the timeline with the new entry
    if to_state != application.state:
        application.state_since = now
    application.state = to_state
    application.updated_at = now
    db.add(application)
    notifications.acted(db, application, user)
    audit.record(
        db,
        user,
        audit.UPDATE,
        audit.APPLICATION,
        application.id,
        application.applicant_id,
        event_type,
    )
    return seq
