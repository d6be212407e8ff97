"""Paging by key (issue 12): a page continues after the last row of the one before, by the values of
the columns it is sorted by, so the database reads the next rows from its index instead of counting
its way past the earlier ones (OFFSET). The key travels as an opaque ``cursor``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import tuple_
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from fortrin.errors import ValidationFailed

Row = TypeVar("Row")

CURSOR_PROBLEM = "er ikke en gyldig cursor: brug værdien fra X-Next-Cursor"


def encode(values: Sequence[Any]) -> str:
    """The cursor for a row whose sort columns hold ``values`` (datetimes and dates as ISO)."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, kinds: Sequence[type], nullable: Collection[int] = ()) -> list[Any]:
    """The sort values of a cursor, each of the given kind (or None at the indexes in
    ``nullable``); a 422 in the contract's shape if it was not made by ``encode`` for these
    columns."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        parsed: list[Any] = []
        for index, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None and index in nullable:
                parsed.append(None)
            elif kind is datetime:
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
        query = query.where(beyond(order, decode(cursor, kinds), descending))
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


# --- pages of the web (issue 12): "Forrige" and "Næste" by key, with the position shown -------------

# A position beyond this is not a place in any list here: the cursor was not made by ``page_of``.
POSITION_MAX = 10**9


@dataclass(frozen=True)
class Bound:
    """Where a page read by key starts: after the row whose sort values are ``key`` (the next
    page), or before it (``backward``: the page before). ``position`` is where the first row of the
    page to show (forward), or the key's own row (backward), stands in the whole list, from 1: it
    travels in the cursor for "Viser 51-100 af 5.262", so no page counts the rows before it."""

    position: int
    key: list[Any]
    backward: bool

    @property
    def cursor(self) -> str:
        """The key alone, the cursor the list functions take (``apply``)."""
        return encode(self.key)


def bound(
    after: str | None,
    before: str | None,
    kinds: Sequence[type],
    nullable: Collection[int] = (),
) -> Bound | None:
    """The start of a page from the cursor of its "Næste" link (``after``) or its "Forrige" link
    (``before``), None for the first page; a 422 naming ``cursor`` if either was not made by
    ``page_of`` for a list sorted by columns of these ``kinds``, or if both are given."""
    if after and before:
        raise ValidationFailed({"cursor": "brug enten den forrige eller den næste side"})
    cursor = after or before
    if not cursor:
        return None
    position, *key = decode(cursor, (int, *kinds), {index + 1 for index in nullable})
    if isinstance(position, bool) or not 1 <= position <= POSITION_MAX:
        raise ValidationFailed({"cursor": CURSOR_PROBLEM})
    return Bound(position, key, backward=bool(before))


def beyond(columns: Sequence[Any], values: Sequence[Any], descending: bool) -> ColumnElement[bool]:
    """Rows after the key in the order ``columns`` (all ascending, or all descending), as one
    comparison of row values, ``(c1, c2) > (v1, v2)``: both databases start there in an index on
    these columns (written out as ORs, PostgreSQL would read from the first column's value on and
    filter the rest). The columns are never NULL."""
    row = tuple_(*columns)
    # Parameters of a statement built once (``db.statement``) are compared as a row of their own.
    key: Any = tuple_(*values) if isinstance(values[0], BindParameter) else tuple(values)
    return row < key if descending else row > key


def read(
    query: Any, order: Sequence[Any], start: Bound | None, per_page: int, descending: bool = True
) -> Any:
    """``query`` sorted by ``order`` (all descending, or all ascending; the last column unique):
    the rows of the page from ``start`` in reading order, and one more (``page_of``)."""
    reading_descending = descending != (start is not None and start.backward)
    if start is not None:
        query = query.where(beyond(order, start.key, reading_descending))
    return apply(query, order, (), None, per_page + 1, descending=reading_descending)


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list read by key: its ``rows`` in the list's order, where the first of them
    stands in the whole list (from 1), and the cursors of the pages after and before it (None on
    the last page and on the first)."""

    rows: list[Row]
    first: int
    next_cursor: str | None
    previous_cursor: str | None


def page_of(
    fetched: Sequence[Row], start: Bound | None, per_page: int, key: Callable[[Row], Sequence[Any]]
) -> Page[Row]:
    """The page from the rows ``fetched`` from ``start`` in reading order (the list's order, or the
    reverse when ``start`` is backward), at most ``per_page + 1`` of them: the extra row says that
    there is a page beyond, and is not shown. ``key``: a row's sort values."""
    more = len(fetched) > per_page
    rows = list(fetched[:per_page])
    if start is None:
        first, has_previous, has_next = 1, False, more
    elif not start.backward:
        first, has_previous, has_next = start.position, True, more
    else:
        rows.reverse()
        # Without a row before this page, it is the first, wherever the cursor placed it.
        first = max(start.position - len(rows), 2) if more else 1
        has_previous, has_next = more, True
    return Page(
        rows=rows,
        first=first,
        next_cursor=encode([first + len(rows), *key(rows[-1])]) if has_next and rows else None,
        previous_cursor=encode([first, *key(rows[0])]) if has_previous and rows else None,
    )
