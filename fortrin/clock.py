"""The only place in the service that reads the time.

``FORTRIN_NOW`` (an ISO date-time, a local Copenhagen time when it has no offset) freezes "now" for
demonstrations and acceptance tests. Everything else takes ``now`` or ``today`` as a parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def parse_instant(value: str) -> datetime:
    """An ISO date-time as an aware UTC datetime; a naive one is read as Copenhagen time."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=COPENHAGEN)
    return parsed.astimezone(UTC)


def frozen_now() -> datetime | None:
    """The frozen instant of the current app, if it has one."""
    if not has_app_context():
        return None
    value = current_app.config.get("FORTRIN_NOW")
    if not value:
        return None
    return parse_instant(str(value))


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return frozen_now() or datetime.now(UTC)


def local(instant: datetime) -> datetime:
    """An instant in Europe/Copenhagen."""
    return instant.astimezone(COPENHAGEN)


def today() -> date:
    """Today's date in Europe/Copenhagen: the date every legal deadline is reasoned about in."""
    return local(now()).date()


def local_start(day: date) -> datetime:
    """The first instant of a Copenhagen day, in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=COPENHAGEN).astimezone(UTC)


@contextmanager
def replaying(instant: datetime) -> Iterator[None]:
    """Run the enclosed steps as if it were ``instant``: the demo builds its cases' past through the
    same rules as everyone (a step is never recorded before its time). Not for request handling."""
    config = current_app.config
    before = config.get("FORTRIN_NOW")
    config["FORTRIN_NOW"] = instant.isoformat()
    try:
        yield
    finally:
        config["FORTRIN_NOW"] = before
