"""Database engine, the request's session and the unit of work.

One SQLAlchemy engine per app. A request gets one session (``session()``); service functions flush, and
``unit_of_work()`` owns commit and rollback, so a refused request leaves nothing half written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import psycopg
from flask import Flask, current_app, g
from psycopg.pq import ExecStatus
from sqlalchemy import DateTime, Engine, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite, which keeps no offset, gets it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are never stored; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,  # SQL parameters carry personal data: never in logs or errors
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={
            "connect_timeout": 5,  # /readyz answers 503, not a hang, when it is gone
            "cursor_factory": DescribedOnceCursor,
        },
    )
    _ping_when_idle(engine)
    return engine


class DescribedOnceCursor(psycopg.Cursor[Any]):
    """psycopg's cursor, describing the columns of a statement's result once per process (issue
    12). SQLAlchemy reads ``description`` for every result, and psycopg builds a ``Column`` for
    each column every time: for a case read with what its page shows, a hundred objects and a
    tenth of the request's CPU. The columns of one SQL text's result are the same every time it
    runs (the text names them), so they are kept by the text."""

    _known: ClassVar[dict[tuple[Any, ...], list[Any]]] = {}
    _KNOWN_MAX = 2_000

    @property
    def description(self) -> list[Any] | None:
        result = self.pgresult
        query = self._last_query
        if (
            result is None
            or not isinstance(query, str | bytes)
            or result.status != ExecStatus.TUPLES_OK
        ):
            return super().description
        key = (query, self._iresult, result.nfields)
        found = self._known.get(key)
        if found is None:
            found = super().description
            if found is None:
                return None
            if len(self._known) >= self._KNOWN_MAX:
                self._known.clear()
            self._known[key] = found
        return list(found)


# A pooled connection idle for longer than this is pinged before it is handed out (issue 12).
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping`` costs every request a round trip. A connection that served a
    request less than a second ago is as good as pinged, so only a connection that has been idle
    longer is pinged on checkout; one that does not answer (the server restarted, a failover, a
    firewall's idle timeout) is replaced, and the request gets a fresh connection, as with
    ``pool_pre_ping`` (the pool's ``DisconnectionError`` protocol). A connection that breaks while
    it is busy fails its request, with or without a ping, and is then discarded by the pool."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection did not answer a ping") from error


def init_app(app: Flask) -> None:
    app.extensions["fortrin_engine"] = make_engine(app.config["FORTRIN_DATABASE_URL"])
    # The same pool, its connections lent in autocommit mode (``session(statement_at_a_time=True)``).
    app.extensions["fortrin_autocommit_engine"] = app.extensions[
        "fortrin_engine"
    ].execution_options(isolation_level="AUTOCOMMIT")
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    result: Engine = current_app.extensions["fortrin_engine"]
    return result


def session(statement_at_a_time: bool = False) -> Session:
    """The session of the current app context (one per request). ``statement_at_a_time``, asked by
    the request's first use (issue 12): on PostgreSQL each statement commits by itself
    (``AUTOCOMMIT``), which spares the request the round trips of BEGIN and COMMIT. Only for a
    request whose every write is part of the statement that reads (a case read, whose audit row is
    written by its SELECT): under READ COMMITTED each statement sees its own snapshot either way."""
    if "db_session" not in g:
        bind = engine()
        if statement_at_a_time and bind.dialect.name == "postgresql":
            bind = current_app.extensions["fortrin_autocommit_engine"]
        g.db_session = Session(bind, expire_on_commit=False)
    result: Session = g.db_session
    return result


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit what the block did, or roll all of it back if it raised."""
    db_session = session()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


_Statement = TypeVar("_Statement")
_STATEMENTS: dict[Hashable, Any] = {}


def statement(key: Hashable, build: Callable[[], _Statement]) -> _Statement:
    """The statement ``build`` makes, built once per process and ``key`` (issue 12: building a
    SELECT with its joins and scope costs more Python than running it). The statement must take
    every value that varies between calls as a named ``bindparam``, given at each execution; its
    other values are constants of ``key``."""
    found = _STATEMENTS.get(key)
    if found is None:
        found = _STATEMENTS[key] = build()
    result: _Statement = found
    return result


_Model = TypeVar("_Model")


def keep(db_session: Session, objects: Iterable[Any]) -> None:
    """Hold ``objects`` read with a page for its rendering, found again by ``kept`` (issue 12: a
    dictionary look-up, where ``Session.get`` costs a walk through the identity map's machinery).
    Kept until the transaction ends (``cards.card._forget_prefetched``)."""
    found: dict[tuple[type, Any], Any] = db_session.info.setdefault("kept", {})
    for obj in objects:
        if obj is not None:
            found[(type(obj), obj.id)] = obj


def kept(db_session: Session, model: type[_Model], key: Any) -> _Model | None:
    """The object of ``model`` with primary key ``key``: one ``keep`` holds, else the session's."""
    found = db_session.info.get("kept", {}).get((model, key))
    if found is not None:
        result: _Model = found
        return result
    return db_session.get(model, key)
