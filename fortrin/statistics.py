"""The figures of preferential access (issue 11, point 3; domain.md section 11; api-contract.md v2,
"Documents and figures"): per month and for the whole period, for a jobcentre's area, one employer or
everything, and how many of the duties were kept on time.

**What is counted.** Each figure counts the timeline entries of one kind in the period, in the month
of the entry's legal date where it has one (a negotiation's ``held_on``, a refusal's ``sent_on``, a
request's ``requested_on``), else in the Copenhagen month it was recorded in: applications (the case
created), assessments, interviews held, hires (a decision to hire, or a negotiation ending in one),
written statements, negotiations held and not held, refusals sent, opinions requested, and breaches
(by the day found). The medians are of whole Copenhagen days: from the application to the jobcentre's
assessment, and from the statement to the negotiation's ``held_on``.

**Duties kept on time.** A duty is on time when it was done no later than the day the reminder rules
call it overdue (``reminders.jobcentre_due``: the threshold's working days after the day the case
entered the state that owes it): the statement within ``FORTRIN_STATEMENT_EMPLOYER_DAYS`` of the
decision, the negotiation within ``FORTRIN_NEGOTIATION_DAYS`` of the statement (a recorded
``negotiation_not_held`` is a negotiation not held on time), the refusal within
``FORTRIN_REFUSAL_NOTICE_DAYS`` of the "no". Duties still owed are not in these figures: the
caseworker's queue shows those.

**Who sees what.** Admins: everything. Caseworkers: the cases their jobcentre handles
(``handling_jobcentre_code``), which is their area, also after the case ended and after retention made
it anonymous figures (that is what retention keeps them for); another jobcentre is 403. Employers:
their own organisation, only the cases they were contacted about (the ones they see themselves), and
no card figures (the card is the jobcentre's work); another organisation is 403. Applicants: 403.

**Small counts.** For everyone but admins, a count of 1 or 2 cases (``SMALL_COUNT_LIMIT``) is not
shown, nor what is computed from it (the on-time count, the median); when the period's total would
give a hidden month away, the next smallest month is hidden too (or the total), and the two look the
same. Breaches are findings about employers that the breach register names anyway, so they are
always shown.

**In the database.** One statement: the timeline, the cases and the breaches of the period are
counted with GROUP BY, the medians with ROW_NUMBER() and COUNT() OVER (both databases), and each day
is looked up in a calendar of the period (a VALUES list the service computes from the Danish working
days, ``fortrin/deadlines.py``), which gives its month and the day each duty entered on it is due.
PostgreSQL finds a recorded instant's Copenhagen day with ``AT TIME ZONE``; SQLite, which has no time
zones, with a function the service registers on the connection (``zoneinfo``), so both are exact.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    cast,
    column,
    func,
    literal,
    null,
    union_all,
    values,
)
from sqlalchemy import case as sql_case
from sqlalchemy import select as core_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from fortrin import cards, clock, deadlines, notifications
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.models import (
    Application,
    ApplicationEvent,
    Breach,
    CompensationCard,
    Conversation,
    Jobcentre,
    Organisation,
    User,
    Vacancy,
)
from fortrin.validation import query_date
from fortrin.workflows.preferential_access import State

SMALL_COUNT_LIMIT = 3  # non-admins see no count of 1 or 2 cases
MAX_PERIOD_DAYS = 3653  # ten years, month by month
DEFAULT_MONTHS = 12  # without ``from``: the 12 calendar months up to ``to``
TIME_ZONE = "Europe/Copenhagen"
EPOCH = date(1970, 1, 1)
TOTAL = "total"

# The problems ``parse`` names (422), so that the page can word them its own way.
END_BEFORE_START = "skal ligge på eller efter from"
PERIOD_TOO_LONG = "perioden må højst være 10 år"
UNKNOWN_JOBCENTRE = "jobcenteret findes ikke"
UNKNOWN_ORGANISATION = "organisationen findes ikke"

# The figures of a period, in the order of the JSON, the CSV and the tables.
COUNTS = (
    "applications",
    "assessments",
    "interviews_held",
    "hires",
    "statements",
    "statements_on_time",
    "negotiations",
    "negotiations_on_time",
    "negotiations_not_held",
    "refusals",
    "refusals_on_time",
    "opinions_requested",
    "breaches",
)
MEDIANS = ("median_days_to_assessment", "median_days_statement_to_negotiation")
FIGURES = COUNTS + MEDIANS

# Counts of cases that small numbers could give away, and what is computed from each.
SUPPRESSIBLE: dict[str, tuple[str, ...]] = {
    "applications": (),
    "assessments": ("median_days_to_assessment",),
    "interviews_held": (),
    "hires": (),
    "statements": ("statements_on_time",),
    "negotiations": ("negotiations_on_time", "median_days_statement_to_negotiation"),
    "negotiations_not_held": (),
    "refusals": ("refusals_on_time",),
    "opinions_requested": (),
}

# Where each kind of fact goes in a period: (its count, its on-time count, its median). The timeline
# entries are counted by their type; hires, applications and breaches are counted apart.
HIRES = "hires"
APPLICATIONS = "applications"
BREACHES = "breaches"
PLACES: dict[str, tuple[str, str | None, str | None]] = {
    APPLICATIONS: ("applications", None, None),
    "assessment": ("assessments", None, "median_days_to_assessment"),
    "interview_held": ("interviews_held", None, None),
    HIRES: ("hires", None, None),
    "statement_submitted": ("statements", "statements_on_time", None),
    "negotiation_held": (
        "negotiations",
        "negotiations_on_time",
        "median_days_statement_to_negotiation",
    ),
    "negotiation_not_held": ("negotiations_not_held", None, None),
    "refusal_notified": ("refusals", "refusals_on_time", None),
    "opinion_requested": ("opinions_requested", None, None),
    BREACHES: ("breaches", None, None),
}
COUNTED_EVENTS = tuple(kind for kind in PLACES if kind not in (HIRES, APPLICATIONS, BREACHES))
# The entries whose legal date (not the moment they were recorded) places them in a month.
LEGAL_DATES = {
    "negotiation_held": "held_on",
    "refusal_notified": "sent_on",
    "opinion_requested": "requested_on",
}
# What a duty done by each entry owes from: the state the case entered.
DUTY_EVENTS = (
    "statement_submitted",
    "negotiation_held",
    "negotiation_not_held",
    "refusal_notified",
)


# --- a recorded instant's Copenhagen day, and a date, as a day number in SQL -----------------------


class copenhagen_day(FunctionElement[int]):
    """The Copenhagen calendar day of a stored UTC instant, as days since 1970-01-01."""

    type = Integer()
    inherit_cache = True
    name = "copenhagen_day"


class day_number(FunctionElement[int]):
    """A date (a DATE column, or ISO text from the timeline's data) as days since 1970-01-01."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


SQLITE_DAY_FUNCTION = "fortrin_copenhagen_day"


@compiles(copenhagen_day, "postgresql")
def _copenhagen_day_postgresql(element: copenhagen_day, compiler: SQLCompiler, **kw: Any) -> str:
    instant = compiler.process(element.clauses, **kw)
    return f"(CAST(({instant}) AT TIME ZONE '{TIME_ZONE}' AS DATE) - DATE '1970-01-01')"


@compiles(copenhagen_day, "sqlite")
def _copenhagen_day_sqlite(element: copenhagen_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_DAY_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    return f"(CAST(({compiler.process(element.clauses, **kw)}) AS DATE) - DATE '1970-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # julianday() of a day is its midnight, x.5; 2440587.5 is 1970-01-01.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


def sqlite_copenhagen_day(stored: str | None) -> int | None:
    """SQLite's copenhagen_day: the stored naive UTC text (``2026-03-02 09:00:00.000000``)."""
    if stored is None:
        return None
    instant = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return (clock.local(instant).date() - EPOCH).days


def _register_functions(db: Session) -> None:
    connection = db.connection()
    if connection.dialect.name == "sqlite":
        raw: Any = connection.connection.driver_connection
        raw.create_function(SQLITE_DAY_FUNCTION, 1, sqlite_copenhagen_day, deterministic=True)


def as_day_number(day: date) -> int:
    return (day - EPOCH).days


# --- the request: who asks, for which area and period ----------------------------------------------


@dataclass(frozen=True)
class Query:
    """Validated: the period (both days included) and the area the caller may see."""

    start: date
    end: date
    jobcentre: str | None
    organisation_id: str | None
    role: str

    @property
    def suppresses(self) -> bool:
        return self.role != "admin"


def default_start(end: date) -> date:
    """The first day of the month ``DEFAULT_MONTHS - 1`` months before ``end``'s month."""
    month = end.year * 12 + end.month - 1 - (DEFAULT_MONTHS - 1)
    return date(month // 12, month % 12 + 1, 1)


def parse(db: Session, user: User, args: Mapping[str, str | None]) -> Query:
    """``from``, ``to``, ``jobcentre`` and ``organisation_id`` (each optional; empty is absent):
    403 for what the caller's role may not see, then 422 naming every bad parameter."""
    jobcentre = (args.get("jobcentre") or "").strip() or None
    organisation_id = (args.get("organisation_id") or "").strip() or None
    if user.role == "caseworker":
        if not user.jobcentre_code or (jobcentre not in (None, user.jobcentre_code)):
            raise Forbidden("Du kan kun se tallene for dit eget jobcenters område.")
        jobcentre = user.jobcentre_code
    elif user.role == "employer":
        if not user.organisation_id or organisation_id not in (None, user.organisation_id):
            raise Forbidden("Du kan kun se tallene for din egen organisation.")
        organisation_id = user.organisation_id
    elif user.role != "admin":
        raise Forbidden("Statistikken er for jobcentre, arbejdsgivere og administratorer.")
    problems: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        raw = (args.get(name) or "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = query_date(raw, name)
            except ValidationFailed as error:
                problems.update(error.fields)
    end = days["to"] or clock.today()
    start = days["from"] or default_start(end)
    if "from" not in problems and "to" not in problems:
        if end < start:
            problems["to"] = END_BEFORE_START
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            problems["from"] = PERIOD_TOO_LONG
    if jobcentre is not None and (len(jobcentre) > 3 or db.get(Jobcentre, jobcentre) is None):
        problems["jobcentre"] = UNKNOWN_JOBCENTRE
    if organisation_id is not None and (
        len(organisation_id) > 32 or db.get(Organisation, organisation_id) is None
    ):
        problems["organisation_id"] = UNKNOWN_ORGANISATION
    if problems:
        raise ValidationFailed(problems)
    return Query(start, end, jobcentre, organisation_id, user.role)


# --- the result --------------------------------------------------------------------------------------


@dataclass
class Period:
    """The figures of one month (``2026-03``) or of the whole period (``total``). A figure is None
    when it has no value (a median of nothing) or is hidden (then it is in ``suppressed``)."""

    key: str
    first: date
    last: date
    values: dict[str, int | float | None]
    suppressed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.key,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            **{name: self.values[name] for name in FIGURES},
            "suppressed": list(self.suppressed),
        }


@dataclass(frozen=True)
class DutyOnTime:
    """One duty over the whole period: how many were done (``due``) and how many of them on time."""

    duty: str  # statement, negotiation, refusal
    threshold_working_days: int
    due: int | None
    on_time: int | None

    @property
    def share(self) -> float | None:
        if self.due is None or self.on_time is None or self.due == 0:
            return None
        return round(self.on_time / self.due, 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty": self.duty,
            "threshold_working_days": self.threshold_working_days,
            "due": self.due,
            "on_time": self.on_time,
            "share": self.share,
        }


@dataclass
class Figures:
    query: Query
    periods: list[Period]
    total: Period
    duties: list[DutyOnTime]
    cards: dict[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.query.start.isoformat(),
            "to": self.query.end.isoformat(),
            "jobcentre": self.query.jobcentre,
            "organisation_id": self.query.organisation_id,
            "time_zone": TIME_ZONE,
            "small_counts_hidden_below": SMALL_COUNT_LIMIT if self.query.suppresses else None,
            "periods": [p.as_dict() for p in self.periods],
            "total": self.total.as_dict(),
            "duties_on_time": [d.as_dict() for d in self.duties],
            "compensation_cards": self.cards,
        }


# --- the calendar: each day's month and the day a duty entered on it is due ------------------------


@dataclass(frozen=True)
class Thresholds:
    """Working days each duty may take (the reminder rules' settings, ``notifications.thresholds``)."""

    statement: int
    negotiation: int
    refusal: int


def thresholds() -> Thresholds:
    rules = notifications.thresholds()
    return Thresholds(rules.statement_employer, rules.negotiation, rules.refusal_notice)


def months_of(start: date, end: date) -> list[tuple[str, date, date]]:
    """Each calendar month the period touches: (``YYYY-MM``, its first day, its last), cut to the
    period."""
    found = []
    first = start
    while first <= end:
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(after - timedelta(days=1), end)
        found.append((f"{first.year:04d}-{first.month:02d}", first, last))
        first = after
    return found


def due_days(days: Sequence[date], count: int, until: date) -> dict[date, date]:
    """For each day, the ``count``-th working day after it (``deadlines.add_working_days``), found
    by halving in a list of the working days up to ``until`` (which must lie far enough ahead)."""
    if not days:
        return {}
    working = [
        days[0] + timedelta(days=offset)
        for offset in range((until - days[0]).days + 1)
        if deadlines.is_working_day(days[0] + timedelta(days=offset))
    ]
    if count <= 0:
        return {day: day for day in days}
    return {day: working[bisect.bisect_right(working, day) + count - 1] for day in days}


def _calendar(query: Query, limits: Thresholds) -> Any:
    """The VALUES list of every day a duty done in the period may have been entered on (earlier
    ones are overdue by then: a day not in the calendar is late) to the period's last: its day
    number, month and the day a statement, a negotiation and a refusal entered on it is due."""
    longest = max(limits.statement, limits.negotiation, limits.refusal, 0)
    margin = timedelta(days=2 * longest + 30)  # holds ``longest`` working days, Christmas or not
    first = query.start - margin
    days = [first + timedelta(days=offset) for offset in range((query.end - first).days + 1)]
    until = query.end + margin
    due = {
        name: due_days(days, count, until)
        for name, count in (
            ("statement", limits.statement),
            ("negotiation", limits.negotiation),
            ("refusal", limits.refusal),
        )
    }
    rows = [
        (
            as_day_number(day),
            f"{day.year:04d}-{day.month:02d}",
            as_day_number(due["statement"][day]),
            as_day_number(due["negotiation"][day]),
            as_day_number(due["refusal"][day]),
        )
        for day in days
    ]
    # Numbers and month keys the service computed: written into the statement as literals, so a
    # long period never meets a database's limit on bound parameters.
    return (
        values(
            column("day", Integer),
            column("month", String),
            column("due_statement", Integer),
            column("due_negotiation", Integer),
            column("due_refusal", Integer),
            name="calendar",
            literal_binds=True,
        )
        .data(rows)
        .cte("calendar")
    )


# --- the statement -----------------------------------------------------------------------------------


def _case_scope(query: Query) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.jobcentre is not None:
        conditions.append(col(Application.handling_jobcentre_code) == query.jobcentre)
    if query.organisation_id is not None:
        own = select(Vacancy.id).where(Vacancy.organisation_id == query.organisation_id)
        conditions.append(col(Application.vacancy_id).in_(own))
    if query.role == "employer":
        # Only what the employer sees itself: a case it was never contacted about is none of its
        # business (bek. § 6 stk. 1; cases.application_scope).
        conditions.append(col(Application.employer_contacted).is_(True))
    return conditions


def _breach_scope(query: Query) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.jobcentre is not None:
        conditions.append(col(Breach.jobcentre_code) == query.jobcentre)
    if query.organisation_id is not None:
        conditions.append(col(Breach.organisation_id) == query.organisation_id)
    return conditions


def _no_number() -> Any:
    return cast(null(), Integer)


def _statement(query: Query, limits: Thresholds) -> Select[Any]:
    calendar = _calendar(query, limits)
    entered_calendar = calendar.alias("entered_calendar")
    first_instant = clock.local_start(query.start)
    after_instant = clock.local_start(query.end + timedelta(days=1))
    event = ApplicationEvent
    entry = aliased(ApplicationEvent, name="entry")
    # The day the case entered the state whose duty the entry did (each is entered once).
    entered_at = (
        core_select(func.max(entry.at))
        .where(
            col(entry.application_id) == col(event.application_id),
            col(entry.to_state) == col(event.from_state),
            col(entry.from_state) != col(entry.to_state),
            col(entry.seq) < col(event.seq),
        )
        .scalar_subquery()
    )
    day = sql_case(
        *[
            (col(event.type) == kind, day_number(col(event.data)[key].as_string()))
            for kind, key in LEGAL_DATES.items()
        ],
        else_=copenhagen_day(col(event.at)),
    )
    events = (
        core_select(
            col(event.type).label("type"),
            col(event.to_state).label("to_state"),
            day.label("day"),
            sql_case(
                (col(event.type).in_(DUTY_EVENTS), copenhagen_day(entered_at)),
                else_=_no_number(),
            ).label("entered_day"),
            copenhagen_day(col(Application.created_at)).label("applied_day"),
        )
        .join(Application, col(Application.id) == col(event.application_id))
        .where(
            col(event.type).in_([*COUNTED_EVENTS, "decision"]),  # a decision may hire
            # A legal date is never after the day it was recorded, so this bound loses nothing.
            col(event.at) >= first_instant,
            *_case_scope(query),
        )
        .cte("events")
    )

    def on_time(due: Any) -> Any:
        return sql_case((events.c.day <= due, 1), else_=0)

    from_events = (
        core_select(
            events.c.day,
            events.c.type.label("figure"),
            sql_case(
                (events.c.type == "assessment", events.c.day - events.c.applied_day),
                (events.c.type == "negotiation_held", events.c.day - events.c.entered_day),
                else_=_no_number(),
            ).label("days"),
            sql_case(
                (events.c.type == "statement_submitted", on_time(entered_calendar.c.due_statement)),
                (events.c.type == "negotiation_held", on_time(entered_calendar.c.due_negotiation)),
                (events.c.type == "refusal_notified", on_time(entered_calendar.c.due_refusal)),
                (events.c.type == "negotiation_not_held", 0),
                else_=_no_number(),
            ).label("on_time"),
        )
        .select_from(events)
        .outerjoin(entered_calendar, entered_calendar.c.day == events.c.entered_day)
        .where(events.c.type.in_(COUNTED_EVENTS))
    )
    hires = core_select(events.c.day, literal(HIRES, String), _no_number(), _no_number()).where(
        events.c.to_state == State.HIRED
    )
    applications = core_select(
        copenhagen_day(col(Application.created_at)),
        literal(APPLICATIONS, String),
        _no_number(),
        _no_number(),
    ).where(
        col(Application.created_at) >= first_instant,
        col(Application.created_at) < after_instant,
        *_case_scope(query),
    )
    found = core_select(
        day_number(col(Breach.found_on)), literal(BREACHES, String), _no_number(), _no_number()
    ).where(
        col(Breach.found_on) >= query.start,
        col(Breach.found_on) <= query.end,
        *_breach_scope(query),
    )
    facts = union_all(from_events, hires, applications, found).cte("facts")
    in_period = facts.c.day.between(as_day_number(query.start), as_day_number(query.end))
    keyed = union_all(
        core_select(calendar.c.month.label("period"), facts.c.figure, facts.c.days, facts.c.on_time)
        .select_from(facts)
        .join(calendar, calendar.c.day == facts.c.day)
        .where(in_period),
        core_select(literal(TOTAL, String), facts.c.figure, facts.c.days, facts.c.on_time).where(
            in_period
        ),
    ).cte("keyed")
    counts = (
        core_select(
            keyed.c.period,
            keyed.c.figure,
            func.count().label("number"),
            func.sum(keyed.c.on_time).label("on_time"),
        )
        .group_by(keyed.c.period, keyed.c.figure)
        .subquery("counts")
    )
    partition = (keyed.c.period, keyed.c.figure)
    ranked = (
        core_select(
            keyed.c.period,
            keyed.c.figure,
            keyed.c.days,
            func.row_number().over(partition_by=partition, order_by=keyed.c.days).label("rank"),
            func.count().over(partition_by=partition).label("size"),
        )
        .where(keyed.c.days.is_not(None))
        .subquery("ranked")
    )
    # The middle value, or the mean of the middle two: rank 2r in [n, n + 2], no division needed.
    medians = (
        core_select(ranked.c.period, ranked.c.figure, func.avg(ranked.c.days).label("median"))
        .where((ranked.c.rank * 2).between(ranked.c.size, ranked.c.size + 2))
        .group_by(ranked.c.period, ranked.c.figure)
        .subquery("medians")
    )
    return core_select(
        counts.c.period, counts.c.figure, counts.c.number, counts.c.on_time, medians.c.median
    ).outerjoin(
        medians, and_(medians.c.period == counts.c.period, medians.c.figure == counts.c.figure)
    )


def _empty(key: str, first: date, last: date) -> Period:
    values: dict[str, int | float | None] = {name: 0 for name in COUNTS}
    values.update({name: None for name in MEDIANS})
    return Period(key, first, last, values)


def _median(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(Decimal(str(value))), 1)


def compute(db: Session, user: User, query: Query) -> Figures:
    """The figures of ``query`` (from ``parse``, for the same ``user``)."""
    _register_functions(db)
    limits = thresholds()
    periods = {
        key: _empty(key, first, last) for key, first, last in months_of(query.start, query.end)
    }
    total = _empty(TOTAL, query.start, query.end)
    for period_key, figure, number, on_time, median in db.connection().execute(
        _statement(query, limits)
    ):
        period = total if period_key == TOTAL else periods[period_key]
        count_name, on_time_name, median_name = PLACES[figure]
        period.values[count_name] = int(number)
        if on_time_name is not None:
            period.values[on_time_name] = int(on_time or 0)
        if median_name is not None:
            period.values[median_name] = _median(median)
    months = list(periods.values())
    if query.suppresses:
        suppress(months, total)
    return Figures(query, months, total, _duties(total, limits), card_figures(db, user, query))


def _duties(total: Period, limits: Thresholds) -> list[DutyOnTime]:
    def count(name: str) -> int | None:
        value = total.values[name]
        return None if value is None else int(value)

    negotiations, not_held = count("negotiations"), count("negotiations_not_held")
    negotiation_due = None if negotiations is None or not_held is None else negotiations + not_held
    return [
        DutyOnTime("statement", limits.statement, count("statements"), count("statements_on_time")),
        DutyOnTime(
            "negotiation",
            limits.negotiation,
            negotiation_due,
            count("negotiations_on_time") if negotiation_due is not None else None,
        ),
        DutyOnTime("refusal", limits.refusal, count("refusals"), count("refusals_on_time")),
    ]


def suppress(rows: list[Period], total: Period) -> None:
    """Hide counts of 1 or 2 cases (and what is computed from them). When the total would give a
    hidden month's count away (one month hidden, or hidden months that can only be all ones or all
    twos), the smallest other month with cases is hidden too, or else the total."""
    for name, dependents in SUPPRESSIBLE.items():

        def small(period: Period, name: str = name) -> bool:
            value = period.values[name]
            return isinstance(value, int) and 0 < value < SMALL_COUNT_LIMIT

        hidden = [period for period in rows if small(period)]
        hide_total = small(total)
        if hidden and not hide_total:
            hidden_sum = sum(int(period.values[name] or 0) for period in hidden)
            if len(hidden) == 1 or hidden_sum in (len(hidden), 2 * len(hidden)):
                others = [p for p in rows if p not in hidden and int(p.values[name] or 0) > 0]
                if others:
                    hidden.append(min(others, key=lambda p: int(p.values[name] or 0)))
                else:
                    hide_total = True
        for period in [*hidden, *([total] if hide_total else [])]:
            for hidden_name in (name, *dependents):
                period.values[hidden_name] = None
                if hidden_name not in period.suppressed:
                    period.suppressed.append(hidden_name)


# --- the compensation card's figures (001), alongside -------------------------------------------------


CARD_FIGURES = (
    "conversations",
    "cards_issued",
    "pre_approvals",
    "employments",
    "fast_track_tasks",
    "fast_track_on_time",
)


def card_figures(db: Session, user: User, query: Query) -> dict[str, Any] | None:
    """The card report of ``cards.report`` for the jobcentre, or, for an admin looking at every
    jobcentre, the reports of the jobcentres with any card work added up. Employers get none: the
    card is the jobcentre's work."""
    if query.role == "employer":
        return None
    if query.jobcentre is not None:
        return cards.report(db, user, query.jobcentre, query.start, query.end)
    codes = sorted(
        set(db.exec(select(Conversation.jobcentre_code).distinct()).all())
        | set(db.exec(select(CompensationCard.jobcentre_code).distinct()).all())
    )
    reports = [cards.report(db, user, code, query.start, query.end) for code in codes]
    added: dict[str, Any] = {
        "jobcentre": None,
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
    }
    for name in CARD_FIGURES:
        added[name] = sum(int(report[name]) for report in reports)
    conversations = added["conversations"]
    added["cards_per_conversation"] = (
        round(added["cards_issued"] / conversations, 3) if conversations else None
    )
    return added


# --- CSV -------------------------------------------------------------------------------------------------


CSV_COLUMNS = ("period", "from", "to", *FIGURES)
# A hidden figure, whether it is small itself or hidden so that a small one cannot be worked out
# (the same mark for both, as Statistics Denmark's "..", so the two cannot be told apart).
HIDDEN_CELL = ".."


def _cell(value: int | float | None, hidden: bool) -> str:
    if hidden:
        return HIDDEN_CELL
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")  # Danish Excel: a decimal comma
    return str(value)


def to_csv(figures: Figures) -> str:
    """One row a month and a last row ``total``, with a header row. Semicolons and decimal commas,
    as Excel expects them in Denmark; a hidden figure reads ``..``. The caller adds the BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for period in [*figures.periods, figures.total]:
        writer.writerow(
            [
                period.key,
                period.first.isoformat(),
                period.last.isoformat(),
                *(_cell(period.values[name], name in period.suppressed) for name in FIGURES),
            ]
        )
    return out.getvalue()


def csv_filename(figures: Figures) -> str:
    area = figures.query.jobcentre or "alle"
    return f"fortrin-statistik-{area}-{figures.query.start}-{figures.query.end}.csv"
