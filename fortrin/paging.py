"""Paging by key (issue 12): a page continues after the last row of the one before, by the values of
the columns it is sorted by, so the database reads the next rows from its index instead of counting
its way past the earlier ones (OFFSET). The key travels as an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from fortrin.errors import ValidationFailed

CURSOR_PROBLEM = "er ikke en gyldig cursor: brug værdien fra X-Next-Cursor"


def encode(values: Sequence[Any]) -> str:
    """The cursor for a row whose sort columns hold ``values`` (datetimes and dates as ISO)."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kinds: Sequence[type]) -> list[Any]:
    """The sort values of a cursor, each of the given kind; a 422 in the contract's shape if it was
    not made by ``encode`` for these columns."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        parsed: list[Any] = []
        for value, kind in zip(values, kinds, strict=True):
            if kind is datetime:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError
                parsed.append(moment)
            elif kind is date:
                parsed.append(date.fromisoformat(value))
            elif isinstance(value, kind):
                parsed.append(value)
            else:
                raise ValueError
        return parsed
    except (
        ValueError,
        TypeError,
        binascii.Error,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ) as error:
        raise ValidationFailed({"cursor": CURSOR_PROBLEM}) from error


def after(columns: Sequence[Any], values: Sequence[Any], descending: bool) -> ColumnElement[bool]:
    """Rows after the key in the order ``columns`` (all ascending, or all descending):
    ``(c1, c2) > (v1, v2)`` written out, which both databases read as a range of the index."""
    terms = []
    for index, column in enumerate(columns):
        beyond = column < values[index] if descending else column > values[index]
        terms.append(and_(*(c == v for c, v in zip(columns[:index], values, strict=False)), beyond))
    return or_(*terms)


def apply(
    query: Any,
    order: Sequence[Any],
    kinds: Sequence[type],
    cursor: str | None,
    limit: int | None,
    offset: int = 0,
    descending: bool = True,
) -> Any:
    """``query`` sorted by ``order`` (the last column unique), from after ``cursor`` when given, at
    most ``limit`` rows. ``offset`` stays for small lists and old clients, never with a cursor."""
    if cursor is not None:
        if offset:
            raise ValidationFailed({"offset": "kan ikke bruges sammen med cursor"})
        query = query.where(after(order, decode(cursor, kinds), descending))
    query = query.order_by(*(c.desc() if descending else c.asc() for c in order))
    if offset:
        query = query.offset(offset)
    return query if limit is None else query.limit(limit)


def next_cursor(keys: Sequence[Sequence[Any]], limit: int | None) -> str | None:
    """The cursor of the page after a full page whose rows have these sort keys (None after the
    last page)."""
    if limit is None or not keys or len(keys) < limit:
        return None
    return encode(keys[-1])
