"""Lists on the web pages paged by key (issue 12): a page continues after the last row of the page
before it (``fortrin.paging``), so the database reads it from its index however far into the list
it is, instead of counting its way past the rows before (OFFSET). The cursors travel in the query
string beside the list's filters: ``efter`` (the next page, after this row) and ``foer`` (the page
before, before this row). They become the "Forrige" and "Næste" links (the ``pager`` macro in
templates/macros.html); there are no page numbers, which would need the database to count."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from babel.numbers import format_decimal
from flask import request, url_for
from flask_babel import get_locale, gettext

from fortrin import paging
from fortrin.errors import ValidationFailed
from fortrin.i18n import N_

Row = TypeVar("Row")

AFTER = "efter"
BEFORE = "foer"
OLD_PAGE = "side"  # the page number of the pages before issue 12: only 1 is still a page
CURSOR_MAX = 500  # characters; a cursor of these lists is about a hundred

BAD_CURSOR = N_(
    "Adressen peger ikke på en side i listen. Den kan være skrevet forkert eller klippet over."
)
PAGE_NUMBER = N_("Siderne har ikke længere numre: bladr med «Forrige» og «Næste».")


def number(value: int) -> str:
    """5.000 in Danish, 5,000 in English."""
    return format_decimal(value, locale=str(get_locale() or "da"))


def cursors() -> tuple[str | None, str | None]:
    """The page's cursors from the query string (``efter``, ``foer``). A 400 naming ``side`` for a
    page number other than 1 (an address from before the pages were read by key), or ``cursor``
    for a cursor too long to be one; the list's service names any other bad cursor."""
    if (request.args.get(OLD_PAGE) or "1").strip() != "1":
        raise ValidationFailed({OLD_PAGE: PAGE_NUMBER})
    after = request.args.get(AFTER) or None
    before = request.args.get(BEFORE) or None
    if len(after or "") + len(before or "") > CURSOR_MAX:
        raise ValidationFailed({"cursor": BAD_CURSOR})
    return after, before


def page_problem(error: ValidationFailed) -> str | None:
    """The page's words for a problem with where the page starts (``cursors``, ``paging.bound``),
    else None."""
    if OLD_PAGE in error.fields:
        return gettext(PAGE_NUMBER)
    if "cursor" in error.fields:
        return gettext(BAD_CURSOR)
    return None


def read_page(
    read: Callable[[str | None, int, bool], Sequence[Row]],
    kinds: Sequence[type],
    key: Callable[[Row], Sequence[Any]],
    per_page: int,
) -> paging.Page[Row]:
    """The page the query string's cursors point to, of a list function that reads by key:
    ``read(cursor, limit, backward)`` gives at most ``limit`` rows after ``cursor`` in the list's
    order, or before it in the reverse order when ``backward``. ``kinds`` and ``key``: the types
    and the values of a row's sort columns. A 400 (``ValidationFailed``) for a bad cursor."""
    start = paging.bound(*cursors(), kinds)
    backward = start is not None and start.backward
    rows = read(start.cursor if start else None, per_page + 1, backward)
    return paging.page_of(rows, start, per_page, key)


class KeyedPage(Protocol):
    """A page read by key: ``paging.Page`` or ``work_queue.QueuePage``."""

    @property
    def rows(self) -> Sequence[Any]: ...

    @property
    def first(self) -> int: ...

    @property
    def next_cursor(self) -> str | None: ...

    @property
    def previous_cursor(self) -> str | None: ...


@dataclass(frozen=True)
class Paged:
    """What a list's count ("Viser 51-100 af 5.262") and its ``pager`` show, numbers as the reader
    writes them. ``gone``: a page beyond the end of a list that changed since its link was made."""

    first: str
    last: str
    total: str
    previous_url: str | None
    next_url: str | None
    gone: bool


def paged(endpoint: str, filters: Mapping[str, Any], page: KeyedPage, total: int) -> Paged:
    """The count and the links of ``page`` of the list at ``endpoint``, the filters kept."""

    def link(name: str, cursor: str | None) -> str | None:
        values: dict[str, Any] = {**filters, name: cursor}
        return url_for(endpoint, **values) if cursor else None

    return Paged(
        first=number(page.first),
        last=number(page.first + len(page.rows) - 1),
        total=number(total),
        previous_url=link(BEFORE, page.previous_cursor),
        next_url=link(AFTER, page.next_cursor),
        gone=not page.rows and total > 0,
    )
