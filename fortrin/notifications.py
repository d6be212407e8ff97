"""The outbox: creating due notifications exactly once, and delivering e-mail without losing or
doubling any.

Creation: the rules of ``workflows/reminders.py`` say what is due; each row is inserted with ``ON
CONFLICT DO NOTHING`` on its natural key (application, kind, recipient), so any number of passes, in
any number of processes, create it once.

Delivery: a separate step. A pass claims a pending e-mail with a conditional UPDATE (a lease), commits,
sends, and records the result. Only one process can win a claim, on PostgreSQL and SQLite alike. A
failure keeps the message pending with a growing backoff; after ``FORTRIN_MAIL_MAX_ATTEMPTS`` it is
``failed`` (it stays readable in the app). The Message-ID is derived from the notification, so a
resend after a crash between sending and recording can be recognised by the receiving side.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from functools import partial
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Engine, and_, bindparam, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import clock, paging
from fortrin.errors import NotFound
from fortrin.models import (
    Application,
    ApplicationEvent,
    Breach,
    CompensationCard,
    Employment,
    FastTrackTask,
    Municipality,
    Notification,
    Organisation,
    Scheme,
    User,
    Vacancy,
)
from fortrin.workflows.notices import (
    breach_notices,
    event_notices,
    licence_vacant_notices,
    vacancy_withdrawn_notice,
)
from fortrin.workflows.preferential_access import TERMINAL
from fortrin.workflows.reminders import (
    WATCHED_STATES,
    CaseSnapshot,
    Due,
    TaskSnapshot,
    Thresholds,
    due_fast_track,
    due_notifications,
    next_reminder_on,
    queue_due_on,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=6)


def thresholds() -> Thresholds:
    config = current_app.config
    return Thresholds(
        assessment=int(config["FORTRIN_ASSESSMENT_DUE_DAYS"]),
        statement_employer=int(config["FORTRIN_STATEMENT_EMPLOYER_DAYS"]),
        statement_jobcentre=int(config["FORTRIN_STATEMENT_JOBCENTRE_DAYS"]),
        negotiation=int(config["FORTRIN_NEGOTIATION_DAYS"]),
        refusal_notice=int(config["FORTRIN_REFUSAL_NOTICE_DAYS"]),
        negotiation_wait=int(config["FORTRIN_NEGOTIATION_WAIT_DAYS"]),
    )


# --- who is told ---------------------------------------------------------------------------------


def _employer_recipients(db: Session, vacancy: Vacancy) -> tuple[str, ...]:
    """The person who posted the vacancy, else every employer user of the organisation."""
    creator = db.get(User, vacancy.created_by) if vacancy.created_by else None
    if (
        creator is not None
        and creator.active
        and creator.organisation_id == vacancy.organisation_id
    ):
        return (creator.id,)
    return _organisation_employers(db, vacancy.organisation_id)


def _organisation_employers(db: Session, organisation_id: str) -> tuple[str, ...]:
    rows = db.exec(
        select(User.id).where(
            User.organisation_id == organisation_id,
            User.role == "employer",
            col(User.active).is_(True),
        )
    ).all()
    return tuple(sorted(rows))


def _jobcentre_caseworkers(db: Session, jobcentre_code: str) -> tuple[str, ...]:
    rows = db.exec(
        select(User.id).where(
            User.role == "caseworker",
            User.jobcentre_code == jobcentre_code,
            col(User.active).is_(True),
        )
    ).all()
    return tuple(sorted(rows))


def snapshot(db: Session, application: Application) -> CaseSnapshot:
    """The case as the rules see it, with who is told: as a batch of one (``batch_snapshot``)."""
    return batch_snapshot(_load_batch(db, [application]), application)


# --- creation ------------------------------------------------------------------------------------


SUBJECT_MAX = 300  # notification.subject


def header_text(text: str, limit: int = SUBJECT_MAX) -> str:
    """User text made safe for one e-mail header line and the column: control characters and line
    breaks folded to spaces, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _row(due: Due, now: datetime, email: bool) -> dict[str, Any]:
    # An outside address (no user, so nothing to read in the app) is always an e-mail, kept pending
    # until a mail server is configured.
    email = email or due.recipient_id is None
    return {
        "subject_key": due.subject_key,
        "application_id": due.application_id,
        "kind": due.kind,
        "recipient_id": due.recipient_id,
        "recipient_email": due.recipient_email,
        "created_at": now,
        "subject": header_text(due.subject),
        "body": due.body,
        "subject_en": header_text(due.subject_en) if due.subject_en else None,
        "body_en": due.body_en,
        "link": due.link,
        "channel": "email" if email else "in_app",
        "status": "pending" if email else "sent",
        "attempts": 0,
        "next_attempt_at": now if email else None,
        "sent_at": None if email else now,
    }


def _insert_once(db: Session, due: Due, now: datetime, email: bool) -> bool:
    # RETURNING yields a row only when one was inserted: an exact count on both databases.
    return _insert_many(db, [due], now, email) == 1


def in_languages(make: Callable[[], list[Due]]) -> list[Due]:
    """Each notice in Danish and in English (issue 10): ``make`` writes them under each language
    (the rules are pure, so the same notices in the same order). The reader's language picks one
    when it is shown or sent, so a change of language reaches the notices already written."""
    with force_locale("da"):
        found = make()
    with force_locale("en"):
        english = make()
    return [
        replace(due, subject_en=translated.subject, body_en=translated.body)
        for due, translated in zip(found, english, strict=True)
    ]


def insert_all(db: Session, found: Iterable[Due], now: datetime) -> int:
    """Insert notices (each once, by its key) in one statement; returns how many were new."""
    return _insert_many(db, list(found), now, bool(current_app.config["FORTRIN_SMTP_URL"]))


def after_event(
    db: Session,
    application: Application,
    event_type: str,
    seq: int,
    record: dict[str, Any],
    now: datetime,
) -> int:
    """Tell people at once of an event that changes their rights (workflows/notices.py), and create
    what the event makes due now (the window opened, an interview tomorrow; the scheduler's pass
    would create the same rows, once): one snapshot, one INSERT."""
    case = snapshot(db, application)
    base_url = str(current_app.config["FORTRIN_BASE_URL"])
    found = in_languages(lambda: event_notices(case, event_type, seq, record, base_url))
    if application.state in WATCHED_STATES:
        rules = thresholds()
        found += in_languages(partial(due_notifications, case, now, rules, base_url))
    return insert_all(db, found, now)


def licence_vacant(db: Session, vacancy: Vacancy, organisation: Organisation) -> int:
    """004 § 3.7: tell the jobcentre of the licence's area that it is vacant."""
    municipality = db.get(Municipality, vacancy.workplace_municipality_code)
    if municipality is None:
        return 0
    caseworkers = _jobcentre_caseworkers(db, municipality.jobcentre_code)
    base_url = str(current_app.config["FORTRIN_BASE_URL"])
    found = in_languages(
        lambda: licence_vacant_notices(
            vacancy.id,
            vacancy.title,
            organisation.name,
            vacancy.application_deadline,
            caseworkers,
            base_url,
        ),
    )
    return insert_all(db, found, clock.now())


def vacancy_withdrawn(db: Session, application: Application, seq: int, reason: str) -> int:
    case = snapshot(db, application)
    base_url = str(current_app.config["FORTRIN_BASE_URL"])
    found = in_languages(lambda: [vacancy_withdrawn_notice(case, seq, reason, base_url)])
    return insert_all(db, found, clock.now())


def breach_recorded(db: Session, breach: Breach, organisation: Organisation) -> int:
    """§ 17 a stk. 4: the employer's contact and its top official are told of the breach."""
    vacancy = None
    if breach.application_id is not None:
        application = db.get(Application, breach.application_id)
        vacancy = db.get(Vacancy, application.vacancy_id) if application else None
    employer_ids = (
        _employer_recipients(db, vacancy)
        if vacancy is not None
        else _organisation_employers(db, organisation.id)
    )
    base_url = str(current_app.config["FORTRIN_BASE_URL"])
    found = in_languages(
        lambda: breach_notices(
            breach.id,
            organisation.name,
            breach.found_on,
            breach.source,
            breach.summary,
            employer_ids,
            organisation.top_official_email,
            base_url,
        ),
    )
    return insert_all(db, found, clock.now())


PASS_BATCH = 500  # cases read, and their notices written, together
INSERT_CHUNK = 500  # notices in one INSERT (SQLite allows 32,766 parameters in a statement)


def create_due(
    db: Session, now: datetime, batch: int = PASS_BATCH, commit: Callable[[], None] | None = None
) -> int:
    """One pass: the cases whose ``reminder_due_at`` has come (issue 12), in batches by key, each
    batch in a fixed number of statements whatever its size; then the open fast-track tasks. A case
    that fails is logged (by id only, no personal data) and keeps its time, so the next pass tries it
    again; it never blocks the others. ``commit`` ends each batch's transaction."""
    after: tuple[datetime, str] | None = None
    created = 0
    while True:
        query = select(Application).where(
            col(Application.reminder_due_at) <= now, col(Application.erased_at).is_(None)
        )
        if after is not None:
            query = query.where(
                or_(
                    col(Application.reminder_due_at) > after[0],
                    and_(
                        col(Application.reminder_due_at) == after[0], col(Application.id) > after[1]
                    ),
                )
            )
        rows = db.exec(
            query.order_by(col(Application.reminder_due_at), col(Application.id)).limit(batch)
        ).all()
        if not rows:
            break
        last = rows[-1]
        assert last.reminder_due_at is not None
        after = (last.reminder_due_at, last.id)
        created += _due_batch(db, list(rows), now)
        if commit is not None:
            commit()
    return created + create_due_fast_track(db, now)


def reschedule(db: Session, now: datetime) -> int:
    """Every open case due now: the next pass computes its reminder time and queue day again (after
    the thresholds changed). Returns how many cases."""
    table = Application.__table__  # type: ignore[attr-defined]
    result = db.connection().execute(
        update(table)
        .where(table.c.state.not_in([str(s) for s in TERMINAL]), table.c.erased_at.is_(None))
        .values(reminder_due_at=now)
    )
    return int(result.rowcount)


@dataclass
class _Batch:
    """What a batch of cases needs to know to be told of, read in one query each."""

    vacancies: dict[str, Vacancy]
    users: dict[str, User]
    organisations: dict[str, Organisation]
    employers: dict[str, tuple[str, ...]]  # organisation -> its active employer users
    caseworkers: dict[str, tuple[str, ...]]  # jobcentre -> its active caseworkers
    last_caseworker: dict[str, str]  # case -> the handling caseworker who last acted on it


def _by_id(db: Session, model: Any, ids: set[str | None]) -> dict[str, Any]:
    """The objects with these ids: those the session holds already (the case an event was just
    recorded on was read with its vacancy and organisation), the others in one query."""
    found: dict[str, Any] = {}
    for key in ids - {None}:
        held = db.identity_map.get(identity_key(model, key))
        if held is not None:
            found[str(key)] = held
    missing = ids - {None} - set(found)
    if missing:
        found.update((o.id, o) for o in db.exec(select(model).where(col(model.id).in_(missing))))
    return found


def _load_batch(db: Session, rows: list[Application]) -> _Batch:
    """What the rules need of a batch of cases, in a fixed number of statements whatever its size;
    the employers of an organisation and the caseworkers of a jobcentre are asked only for the
    cases whose own employer user or caseworker (``batch_snapshot``) cannot be told."""
    vacancies: dict[str, Vacancy] = _by_id(db, Vacancy, {a.vacancy_id for a in rows})
    wanted = {a.applicant_id for a in rows} | {a.assignee_id for a in rows}
    wanted |= {v.created_by for v in vacancies.values()}
    users: dict[str, User] = _by_id(db, User, wanted)
    org_ids = {v.organisation_id for v in vacancies.values()}
    organisations: dict[str, Organisation] = _by_id(db, Organisation, set(org_ids))
    last_caseworker = _remembered_last_caseworkers(db, rows)
    if last_caseworker is None:
        last_caseworker = {}
        for application_id, user_id in db.exec(
            select(ApplicationEvent.application_id, User.id)
            .join(User, col(ApplicationEvent.actor_id) == col(User.id))
            .join(Application, col(Application.id) == col(ApplicationEvent.application_id))
            .where(
                col(ApplicationEvent.application_id).in_([a.id for a in rows]),
                handling_caseworker(User, Application),
            )
            .order_by(col(ApplicationEvent.application_id), col(ApplicationEvent.seq))
        ):
            last_caseworker[application_id] = user_id  # the last one, by seq, wins
    unposted = {
        v.organisation_id
        for v in vacancies.values()
        if _employer_user(users.get(v.created_by or ""), v) is None
    }
    unhandled = {
        a.handling_jobcentre_code
        for a in rows
        if _caseworker(users.get(a.assignee_id or ""), a) is None and a.id not in last_caseworker
    }
    employers = _active_by(db, col(User.organisation_id), unposted, "employer")
    caseworkers = _active_by(db, col(User.jobcentre_code), unhandled, "caseworker")
    # Kept for as long as the transaction, so what renders the case next finds them in the session.
    db.info.setdefault("prefetched", []).extend(
        [*vacancies.values(), *users.values(), *organisations.values()]
    )
    return _Batch(
        vacancies,
        users,
        organisations,
        employers,
        caseworkers,
        last_caseworker,
    )


def handling_caseworker(user: Any, application: Any) -> ColumnElement[bool]:
    """SQL: ``user`` (User or an alias) is an active caseworker of ``application``'s handling
    jobcentre, one who may be told of the case as the caseworker who last acted on it."""
    return and_(
        col(user.role) == "caseworker",
        col(user.jobcentre_code) == col(application.handling_jobcentre_code),
        col(user.active).is_(True),
    )


def remember_last_caseworker(db: Session, application: Application, user_id: str | None) -> None:
    """The handling caseworker who last acted on the case (``handling_caseworker``), read with it
    (``cases._load``), for ``_load_batch`` to use instead of asking; valid while the case's handling
    jobcentre stays the one it was read with (``acted`` keeps it up to date as events are added)."""
    db.info.setdefault("last_caseworker", {})[application.id] = (
        application.handling_jobcentre_code,
        user_id,
    )


def acted(db: Session, application: Application, user: User | None) -> None:
    """``user`` added an entry to the case's timeline: the last caseworker, if they are one of the
    handling jobcentre's (the same test as ``handling_caseworker``)."""
    known = db.info.get("last_caseworker", {})
    if application.id not in known:
        return
    jobcentre_code, _last = known[application.id]
    if jobcentre_code != application.handling_jobcentre_code:
        del known[application.id]  # moved: ask the database
    elif (
        user is not None
        and user.role == "caseworker"
        and user.active
        and user.jobcentre_code == application.handling_jobcentre_code
    ):
        known[application.id] = (jobcentre_code, user.id)


def _remembered_last_caseworkers(db: Session, rows: list[Application]) -> dict[str, str] | None:
    """The last caseworkers of these cases as remembered (``remember_last_caseworker``), or None
    when one of them is not remembered, or its handling jobcentre has changed since."""
    known: dict[str, tuple[str, str | None]] = db.info.get("last_caseworker", {})
    found: dict[str, str] = {}
    for application in rows:
        remembered = known.get(application.id)
        if remembered is None or remembered[0] != application.handling_jobcentre_code:
            return None
        if remembered[1] is not None:
            found[application.id] = remembered[1]
    return found


def _active_by(db: Session, column: Any, keys: set[str], role: str) -> dict[str, tuple[str, ...]]:
    """The active users of ``role`` whose ``column`` is one of ``keys``, by key (none asked when
    there is no key)."""
    found: dict[str, list[str]] = {}
    if keys:
        for user_id, key in db.exec(
            select(User.id, column)
            .where(column.in_(keys), User.role == role, col(User.active).is_(True))
            .order_by(col(User.id))
        ):
            found.setdefault(str(key), []).append(user_id)
    return {key: tuple(ids) for key, ids in found.items()}


def _employer_user(creator: User | None, vacancy: Vacancy) -> User | None:
    """The employer user who posted the vacancy, if still one of its organisation's."""
    if (
        creator is not None
        and creator.active
        and creator.organisation_id == vacancy.organisation_id
    ):
        return creator
    return None


def _caseworker(assignee: User | None, application: Application) -> User | None:
    """The caseworker who took the case, if still one of the handling jobcentre's."""
    if (
        assignee is not None
        and assignee.active
        and assignee.jobcentre_code == application.handling_jobcentre_code
    ):
        return assignee
    return None


def batch_snapshot(batch: _Batch, application: Application) -> CaseSnapshot:
    """The case as the rules see it, from what the batch read, without a query. Who is told: the
    employer user who posted the vacancy (else every active employer user of the organisation); the
    caseworker who took the case, else the handling jobcentre's caseworker who last acted on it, else
    all of that jobcentre's caseworkers."""
    vacancy = batch.vacancies[application.vacancy_id]
    applicant = batch.users[application.applicant_id or ""]
    creator = _employer_user(batch.users.get(vacancy.created_by or ""), vacancy)
    if creator is not None:
        employer_ids: tuple[str, ...] = (creator.id,)
    else:
        employer_ids = batch.employers.get(vacancy.organisation_id, ())
    assignee = _caseworker(batch.users.get(application.assignee_id or ""), application)
    if assignee is not None:
        caseworker_ids: tuple[str, ...] = (assignee.id,)
    elif application.id in batch.last_caseworker:
        caseworker_ids = (batch.last_caseworker[application.id],)
    else:
        caseworker_ids = batch.caseworkers.get(application.handling_jobcentre_code, ())
    organisation = batch.organisations.get(vacancy.organisation_id)
    return CaseSnapshot(
        application_id=application.id,
        state=application.state,
        vacancy_title=vacancy.title,
        organisation_name=organisation.name if organisation else "",
        application_deadline=vacancy.application_deadline,
        applicant_id=applicant.id,
        applicant_name=applicant.name,
        employer_ids=employer_ids,
        caseworker_ids=caseworker_ids,
        state_since=application.state_since,
        interview_starts_at=application.interview_starts_at,
        interview_location=application.interview_location,
        opinion_due=application.opinion_due,
    )


def _due_batch(db: Session, rows: list[Application], now: datetime) -> int:
    """Create what is due for a batch of cases and set each one's next look and queue day: a fixed
    number of statements (the reads of ``_load_batch``, the inserts, one UPDATE of many rows)."""
    config = current_app.config
    email = bool(config["FORTRIN_SMTP_URL"])
    rules = thresholds()
    base_url = str(config["FORTRIN_BASE_URL"])
    today = clock.local(now).date()
    batch = _load_batch(db, rows)
    found: list[Due] = []
    schedule: list[dict[str, Any]] = []
    for application in rows:
        try:
            case = batch_snapshot(batch, application)
            if application.state in WATCHED_STATES:
                found.extend(in_languages(partial(due_notifications, case, now, rules, base_url)))
            next_day = next_reminder_on(
                application.state,
                application.state_since,
                application.opinion_due,
                application.interview_starts_at,
                case.application_deadline,
                rules,
                today,
            )
        except Exception as error:  # one bad case must not stop every reminder (issue 9)
            # The class of the error only: its text may carry personal data.
            log.error(
                "reminder pass: application %s skipped (%s); retried next pass",
                application.id,
                type(error).__name__,
            )
            continue
        schedule.append(
            {
                "b_id": application.id,
                "b_version": application.version,
                "b_reminder": clock.local_start(next_day) if next_day else None,
                "b_queue": queue_due_on(
                    application.state,
                    application.state_since,
                    application.opinion_due,
                    application.refusal_sent_on,
                    rules,
                ),
            }
        )
    created = _insert_many(db, found, now, email)
    if schedule:
        table = Application.__table__  # type: ignore[attr-defined]
        # Only a case nobody changed meanwhile: a change sets its own time (cases._schedule).
        db.connection().execute(
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(reminder_due_at=bindparam("b_reminder"), queue_due_on=bindparam("b_queue")),
            schedule,
        )
    return created


def _insert_many(db: Session, found: list[Due], now: datetime, email: bool) -> int:
    """Insert the notices, each once by its natural key, in as few statements as the chunks."""
    table = Notification.__table__  # type: ignore[attr-defined]
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    created = 0
    for start in range(0, len(found), INSERT_CHUNK):
        values = [_row(due, now, email) for due in found[start : start + INSERT_CHUNK]]
        statement = (
            insert(table)
            .values(values)
            .on_conflict_do_nothing(index_elements=["subject_key", "kind", "recipient_id"])
            .returning(table.c.id)
        )
        created += len(db.execute(statement).all())
    return created


def _isolated(db: Session, what: str, work: Callable[[], int]) -> int:
    """Run one case's (or task's) part of the pass in a savepoint; a failure rolls back only it."""
    try:
        with db.begin_nested():
            return work()
    except Exception as error:  # one bad row must not stop every reminder (issue 9)
        # The class of the error only: its text may carry SQL parameters, i.e. personal data.
        log.error("reminder pass: %s skipped (%s); retried next pass", what, type(error).__name__)
        return 0


def _task_snapshot(db: Session, task: FastTrackTask) -> TaskSnapshot:
    card = db.get(CompensationCard, task.card_id)
    employment = db.get(Employment, task.employment_id)
    assert card is not None and employment is not None
    applicant = db.get(User, card.applicant_id)
    scheme = db.get(Scheme, task.scheme_code)
    creator = db.get(User, card.created_by)
    if creator is not None and creator.active and creator.jobcentre_code == card.jobcentre_code:
        responsible: tuple[str, ...] = (creator.id,)
    else:
        responsible = _jobcentre_caseworkers(db, card.jobcentre_code)
    return TaskSnapshot(
        task_id=task.id or 0,
        card_id=card.id,
        scheme_name=scheme.name if scheme else task.scheme_code,
        scheme_name_en=scheme.name_en if scheme else "",
        employer_name=employment.employer_name,
        applicant_name=applicant.name if applicant else "",
        due_on=task.due_on,
        done=task.done_on is not None,
        responsible_ids=responsible,
    )


def create_due_fast_track(db: Session, now: datetime) -> int:
    config = current_app.config
    email = bool(config["FORTRIN_SMTP_URL"])
    remind_days = int(config["FORTRIN_FAST_TRACK_REMIND_DAYS"])
    created = 0
    base_url = str(config["FORTRIN_BASE_URL"])
    for task in db.exec(select(FastTrackTask).where(col(FastTrackTask.done_on).is_(None))).all():

        def one_task(task: FastTrackTask = task) -> int:
            snap = _task_snapshot(db, task)
            found = in_languages(lambda: due_fast_track(snap, now, remind_days, base_url))
            return sum(_insert_once(db, due, now, email) for due in found)

        created += _isolated(db, f"fast-track task {task.id}", one_task)
    return created


# --- delivery ------------------------------------------------------------------------------------


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpMailer:
    """``smtp://[user:password@]host[:port]`` (STARTTLS when offered) or ``smtps://`` (TLS)."""

    url: str
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("FORTRIN_SMTP_URL must be smtp://host[:port] or smtps://host[:port]")
        secure = parts.scheme == "smtps"
        port = parts.port or (465 if secure else 25)
        factory = smtplib.SMTP_SSL if secure else smtplib.SMTP
        with factory(parts.hostname, port, timeout=self.timeout) as server:
            if not secure:
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls()
                    server.ehlo()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)


def mailer_from_config() -> Mailer | None:
    url = str(current_app.config["FORTRIN_SMTP_URL"])
    return SmtpMailer(url) if url else None


def backoff(attempts: int) -> timedelta:
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_CAP)


def _message(
    notification: Notification, address: str, sender: str, now: datetime, language: str | None
) -> EmailMessage:
    subject, body = notification.in_language(language)
    message = EmailMessage()
    domain = sender.rpartition("@")[2] or "fortrin.local"
    message["Message-ID"] = f"<notification-{notification.id}@{domain}>"
    message["From"] = sender
    message["To"] = address
    message["Subject"] = header_text(subject)
    message["Date"] = email_date(now)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    english = language == "en" and subject == notification.subject_en
    message["Content-Language"] = "en" if english else "da"  # after set_content, which clears it
    return message


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0


def _claim(engine: Engine, notification_id: int, now: datetime) -> bool:
    """Take the lease on one pending e-mail; only one process can win it."""
    table = Notification.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        result = connection.execute(
            update(table)
            .where(
                table.c.id == notification_id,
                table.c.status == "pending",
                or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
            )
            .values(claimed_until=now + LEASE)
        )
        return bool(result.rowcount)


def deliver_due(
    engine: Engine, now: datetime, mailer: Mailer | None, batch: int = 500
) -> DeliveryResult:
    result = DeliveryResult()
    if mailer is None:
        return result
    sender = str(current_app.config["FORTRIN_MAIL_FROM"])
    max_attempts = int(current_app.config["FORTRIN_MAIL_MAX_ATTEMPTS"])
    with Session(engine) as db:
        ids: Sequence[int | None] = db.exec(
            select(Notification.id)
            .where(
                Notification.channel == "email",
                Notification.status == "pending",
                col(Notification.next_attempt_at) <= now,
                or_(
                    col(Notification.claimed_until).is_(None),
                    col(Notification.claimed_until) < now,
                ),
            )
            .order_by(col(Notification.id))
            .limit(batch)
        ).all()
    for notification_id in ids:
        if notification_id is None or not _claim(engine, notification_id, now):
            continue
        with Session(engine) as db:
            notification = db.get(Notification, notification_id)
            if notification is None:
                continue
            recipient = (
                db.get(User, notification.recipient_id) if notification.recipient_id else None
            )
            address = recipient.email if recipient is not None else notification.recipient_email
            if not address:
                continue
            notification.attempts += 1
            notification.claimed_until = None
            try:
                language = recipient.language if recipient is not None else None
                mailer.send(_message(notification, address, sender, now, language))
            except Exception as error:  # any failure of the mail path: retry later
                notification.last_error = f"{error.__class__.__name__}: {error}"[:500]
                if notification.attempts >= max_attempts:
                    notification.status = "failed"
                    notification.next_attempt_at = None
                else:
                    notification.next_attempt_at = now + backoff(notification.attempts)
                result.failed += 1
                log.warning("e-mail %s not delivered: %s", notification_id, error)
            else:
                notification.status = "sent"
                notification.sent_at = now
                notification.last_error = None
                notification.next_attempt_at = None
                result.sent += 1
            db.add(notification)
            db.commit()
    return result


def run_pass(engine: Engine, now: datetime, mailer: Mailer | None) -> dict[str, int]:
    """One pass of the reminder engine: create what is due, then deliver what is due."""
    with Session(engine, expire_on_commit=False) as db:

        def begin() -> None:
            if engine.dialect.name == "sqlite":
                # SQLite: take the write lock first. A pass that read first and then wrote could
                # meet the other pass's lock, which SQLite refuses at once instead of waiting; this
                # way the second pass waits (busy timeout) and then finds everything created.
                db.connection().exec_driver_sql("BEGIN IMMEDIATE")

        def commit() -> None:  # each batch is its own transaction
            db.commit()
            begin()

        begin()
        created = create_due(db, now, commit=commit)
        db.commit()
    delivered = deliver_due(engine, now, mailer)
    return {"created": created, "sent": delivered.sent, "failed": delivered.failed}


# --- reading -------------------------------------------------------------------------------------


def for_user(
    db: Session,
    user: User,
    limit: int,
    offset: int,
    unread: bool = False,
    cursor: str | None = None,
    backward: bool = False,
) -> list[Notification]:
    """Newest first (by key: ``cursor``, the value of ``next_cursor``); ``backward``: the messages
    before ``cursor`` instead, oldest first (a web page's "Forrige", ``paging.page_of``)."""
    conditions = [col(Notification.recipient_id) == user.id]
    if unread:
        conditions.append(col(Notification.read_at).is_(None))
    order = (col(Notification.created_at), col(Notification.id))
    query = select(Notification).where(and_(*conditions))
    kinds = (datetime, int)
    return list(
        db.exec(paging.apply(query, order, kinds, cursor, limit, offset, descending=not backward))
    )


def next_cursor(rows: list[Notification], limit: int) -> str | None:
    return paging.next_cursor([(n.created_at, n.id) for n in rows], limit)


def mark_read(db: Session, user: User, notification_id: int) -> Notification:
    notification = db.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user.id:
        raise NotFound("Beskeden findes ikke.")
    if notification.read_at is None:
        notification.read_at = clock.now()
        db.add(notification)
        db.flush()
    return notification
