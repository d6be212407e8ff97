"""The audit trail (GDPR art. 5 stk. 2, 30, 32; issue 9 point 3): who read or changed which case,
applicant profile (bek. § 5: health data), compensation card or conversation, and when.

The service functions call ``record`` where the data is read or changed, so the API and the web
pages are audited alike: ``cases.get_application`` (read), ``cases.list_applications`` (``list``:
one row per case shown, since a list tells who applied with preferential access, i.e. has a
disability), ``cases.create_application`` and every timeline entry (``cases.append_event``: record_event,
a vacancy filled or withdrawn), ``applicants.get_profile``/``put_profile``,
``cards.get_card``/``cards_of``/``conversations_of`` and each card or conversation change. Their
unaudited twins ``cases.find_application`` and ``cards.find_card`` only check visibility, for writes
(which record their own row) and for answers that show nothing of the object. The data subject's
export is one ``export`` row; each erasure by retention (``fortrin/retention.py``) one ``erase`` row,
by the system, after which the rows about the erased object no longer name its data subject (the
only change migration 0008 allows on this table).

- **writes** (``create``, ``update`` with the event or action as ``detail``) are recorded in the
  request's unit of work and commit, or roll back, with the change;
- **reads** (``read`` of one object, ``list`` for each case a list shows) are recorded the same way;
  a view that only reads commits its audit rows through ``db.unit_of_work`` (a GET has no other
  write). A failed write records nothing: the rollback takes its audit row with it.

One row per object and request: a second read of the same object by the same actor in one request,
or a read of an object the request already recorded (a write answers with the object it changed), is
not recorded again. Writes are always recorded. On PostgreSQL the row of a case read and the rows of
a page of cases are written by the very statement that reads them (``reading``, ``listing``: an INSERT
in its WITH, under the same scope, issue 12); elsewhere each read is one INSERT and a list's rows one
more. The table is append-only (migration 0006: UPDATE, DELETE and, on PostgreSQL,
TRUNCATE are refused). Rows carry ids and short labels only, never the health data itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import CTE, String, bindparam, func, insert, literal, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from fortrin import clock, paging
from fortrin.db import UTCDateTime
from fortrin.errors import Forbidden
from fortrin.models import AuditEvent, User

READ = "read"
LIST = "list"
CREATE = "create"
UPDATE = "update"
EXPORT = "export"

APPLICATION = "application"
PROFILE = "profile"
CARD = "card"
CONVERSATION = "conversation"
USER = "user"

# Looking at something: recorded once per object and request.
_LOOKS = frozenset({READ, LIST})
_DETAIL_LENGTH = 200

Key = tuple[str | None, str, str]
# A row written in bulk by ``record_many``: recorded, though not an object of the session.
_WRITTEN: Any = object()


def _recorded() -> dict[Key, AuditEvent] | None:
    """The rows this request (or CLI command) recorded, by actor and object."""
    if not has_app_context():
        return None
    if "audit_recorded" not in g:
        g.audit_recorded = {}
    recorded: dict[Key, AuditEvent] = g.audit_recorded
    return recorded


def record(
    db: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: str,
    subject_id: str | None,
    detail: str = "",
) -> None:
    """One audit row: ``actor`` (None: the system) did ``action`` to ``entity`` ``entity_id``,
    whose data subject is ``subject_id``. Added to ``db``; the caller's unit of work commits it."""
    record_many(db, actor, action, entity, [(entity_id, subject_id)], detail)


def record_many(
    db: Session,
    actor: User | None,
    action: str,
    entity: str,
    objects: Iterable[tuple[str, str | None]],
    detail: str = "",
) -> None:
    """One row per ``(entity_id, subject_id)``, e.g. each case of a list that was shown."""
    recorded = _recorded()
    actor_id = actor.id if actor is not None else None
    now = clock.now()
    rows: list[AuditEvent] = []
    for entity_id, subject_id in objects:
        key: Key = (actor_id, entity, entity_id)
        if action in _LOOKS and recorded is not None:
            earlier = recorded.get(key)
            # Still in the session: committed, or pending in this unit of work. A row a rollback
            # removed no longer counts, so a page shown after a refused write records its read.
            if earlier is not None and (earlier is _WRITTEN or earlier in db):
                continue
        row = AuditEvent(
            at=now,
            actor_id=actor_id,
            actor_role=actor.role if actor is not None else "system",
            action=action,
            entity=entity,
            entity_id=entity_id,
            subject_id=subject_id,
            detail=detail[:_DETAIL_LENGTH],
        )
        rows.append(row)
        if recorded is not None:
            recorded[key] = row
    if len(rows) > 1:
        # A list's rows in one statement on both databases (issue 12: a page's queries do not grow
        # with its length). They are not objects of the session, so they are remembered as written.
        columns = ("at", "actor_id", "actor_role", "action", "entity", "entity_id", "subject_id")
        db.execute(
            insert(AuditEvent),
            [{name: getattr(row, name) for name in (*columns, "detail")} for row in rows],
        )
        if recorded is not None:
            for row in rows:
                recorded[(row.actor_id, row.entity, row.entity_id)] = _WRITTEN
    elif rows:
        db.add_all(rows)


def reads_in_statement(db: Session, actor: User, entity: str, entity_id: str) -> bool:
    """Whether the ``read`` row of one object is to be written by the statement that reads it
    (issue 12): on PostgreSQL the statement carries ``insert_cte(READ, ...)`` (an INSERT ... SELECT
    in its WITH, ``Select.add_cte``), so the read and its record are one round trip, and the row is
    written exactly when the statement finds the object under the caller's scope. False on SQLite,
    which has no INSERT in a WITH, or when this request recorded the read already: the caller then
    calls ``record`` after reading, which writes the row, or nothing when it was written."""
    recorded = _recorded()
    key: Key = (actor.id, entity, entity_id)
    if not _in_statement(db) or recorded is None or key in recorded:
        return False
    recorded[key] = _WRITTEN
    return True


def lists_in_statement(db: Session, actor: User, entity: str) -> bool:
    """Whether the ``list`` rows of a page are to be written by the statement that reads the page,
    like ``reads_in_statement``: the page's query then carries ``insert_cte(LIST, ...)`` over
    itself (its filters, order and limit unchanged), so the rows are exactly the page's, and the
    caller calls ``listed`` with the objects it got. False on SQLite, or when this request recorded
    a look at an object of this kind already (a second row for one object and request is never
    written): the caller then calls ``record_many``."""
    recorded = _recorded()
    if not _in_statement(db) or recorded is None:
        return False
    return not any(key[0] == actor.id and key[1] == entity for key in recorded)


def listed(actor: User, entity: str, entity_ids: Iterable[str]) -> None:
    """The objects whose ``list`` rows the page's statement wrote (``lists_in_statement``)."""
    recorded = _recorded()
    if recorded is not None:
        for entity_id in entity_ids:
            recorded[(actor.id, entity, entity_id)] = _WRITTEN


def _in_statement(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def insert_cte(action: str, entity: str, source: Any) -> CTE:
    """INSERT one row per object ``source`` finds (its two columns: the id and the data subject):
    a SELECT, whose columns are taken under its own WHERE, or a subquery (a page with its order and
    limit), every row of it. The actor and the time are the parameters of ``statement_params``, so
    a statement carrying it can be built once (``db.statement``)."""
    fixed = [
        bindparam("audit_at", type_=UTCDateTime()),
        bindparam("audit_actor_id", type_=String()),
        bindparam("audit_actor_role", type_=String()),
        literal(action),
        literal(entity),
    ]
    if hasattr(source, "selected_columns"):
        found = select(  # type: ignore[call-overload]
            *fixed, *source.selected_columns, literal("")
        ).where(source.whereclause)
    else:
        found = select(*fixed, *source.c, literal("")).select_from(source)  # type: ignore[call-overload]
    columns = ["at", "actor_id", "actor_role", "action", "entity", "entity_id", "subject_id"]
    return (
        insert(AuditEvent)
        .from_select([*columns, "detail"], found)
        .returning(col(AuditEvent.id))
        .cte(f"audited_{entity}")
    )


def statement_params(actor: User) -> dict[str, Any]:
    """The parameters of ``insert_cte``: who looks, and when."""
    return {"audit_at": clock.now(), "audit_actor_id": actor.id, "audit_actor_role": actor.role}


# --- reading the trail ------------------------------------------------------------------------------

Row = tuple[AuditEvent, str | None]  # the row and the actor's name (None: the system, or erased)


def require_reader(user: User) -> None:
    """Only administrators read the trail (403 for every other role)."""
    if user.role != "admin":
        raise Forbidden("Kun administratorer kan læse revisionssporet.")


def search(
    db: Session,
    user: User,
    application_id: str | None = None,
    user_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
    cursor: str | None = None,
) -> tuple[list[Row], int]:
    """The trail for an administrator, newest first (by key: ``cursor``): ``application_id`` gives
    the reads and changes of that case; ``user_id`` every row where that person is the actor *or*
    the data subject (what they did, and what was done with their data). Both together: both."""
    require_reader(user)
    conditions: list[ColumnElement[bool]] = []
    if application_id is not None:
        conditions.append(col(AuditEvent.entity) == APPLICATION)
        conditions.append(col(AuditEvent.entity_id) == application_id)
    if user_id is not None:
        conditions.append(
            or_(col(AuditEvent.actor_id) == user_id, col(AuditEvent.subject_id) == user_id)
        )
    return _rows(db, conditions, limit, offset, cursor)


def about(db: Session, subject_id: str) -> list[Row]:
    """Every row whose data subject is ``subject_id``: who read or changed their data (art. 15)."""
    return _rows(db, [col(AuditEvent.subject_id) == subject_id])[0]


def by(db: Session, actor_id: str) -> list[Row]:
    """Every row of what ``actor_id`` did."""
    return _rows(db, [col(AuditEvent.actor_id) == actor_id])[0]


def _rows(
    db: Session,
    conditions: list[ColumnElement[bool]],
    limit: int | None = None,
    offset: int = 0,
    cursor: str | None = None,
) -> tuple[list[Row], int]:
    query = (
        select(AuditEvent, User.name)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .where(*conditions)
    )
    order = (col(AuditEvent.at), col(AuditEvent.id))
    query = paging.apply(query, order, (datetime, int), cursor, limit, offset)
    rows: list[Row] = [(event, name) for event, name in db.exec(query).all()]
    if limit is None:
        return rows, len(rows)
    total = db.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    return rows, int(total)


def next_cursor(rows: list[Row], limit: int) -> str | None:
    return paging.next_cursor([(event.at, event.id) for event, _ in rows], limit)
