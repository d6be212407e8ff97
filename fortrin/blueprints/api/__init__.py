"""The JSON API under ``/api/v1``: bearer tokens, no cookies, the contract's error shape."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, TypeAdapter

from fortrin import db, deadlines
from fortrin.errors import BadRequest, ValidationFailed
from fortrin.models import User
from fortrin.security import bearer_user
from fortrin.validation import MAX_JSON_DEPTH, check_json, query_date

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "public", False):
        return
    g.user = bearer_user(db.session(getattr(view, "statement_at_a_time", False)))


def caller() -> User:
    user: User = g.user
    return user


def json_object() -> dict[str, Any]:
    """The request body as a JSON object, or 400 ``bad_request``."""
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest("Body skal være et JSON-objekt (UTF-8).") from error
    except RecursionError as error:  # nested beyond what the parser can follow at all
        raise BadRequest(
            f"JSON må højst være {MAX_JSON_DEPTH} niveauer dybt.", "too_deeply_nested"
        ) from error
    if not isinstance(body, dict):
        raise BadRequest("Body skal være et JSON-objekt.")
    check_json(body)  # 400 deeper than MAX_JSON_DEPTH, 422 for a NUL character
    return body


_LISTS: dict[type[BaseModel], TypeAdapter[list[Any]]] = {}


def _list_json(items: list[BaseModel]) -> bytes:
    """A list of models of one class, written by that class's serializer (its own field
    serializers, such as Copenhagen time, included)."""
    if not items:
        return b"[]"
    kind = type(items[0])
    adapter = _LISTS.get(kind)
    if adapter is None:
        adapter = _LISTS[kind] = TypeAdapter(list[kind])  # type: ignore[valid-type]
    if any(type(item) is not kind for item in items):
        return json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False).encode()
    return adapter.dump_json(items)


def render(payload: BaseModel | list[BaseModel] | dict[str, Any], status: int = 200) -> Response:
    """The answer as UTF-8 JSON. Models are written by pydantic's serializer in one call (issue 12:
    a page of twenty cases was twenty dictionaries and then ``json.dumps``)."""
    if isinstance(payload, BaseModel):
        body: str | bytes = payload.model_dump_json()
    elif isinstance(payload, list):
        body = _list_json(payload)
    else:
        body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


def cursor_arg() -> str | None:
    """``cursor``: continue after the page whose ``X-Next-Cursor`` it is (paging by key)."""
    return request.args.get("cursor")


def page_args() -> tuple[int, int]:
    """``limit`` (1-500, default 100) and ``offset`` query parameters."""
    problems: dict[str, str] = {}
    values: dict[str, int] = {}
    for name, default, low, high in (("limit", 100, 1, 500), ("offset", 0, 0, 10**9)):
        raw = request.args.get(name)
        try:
            value = default if raw is None else int(raw)
        except ValueError:
            problems[name] = "skal være et heltal"
            continue
        if not low <= value <= high:
            problems[name] = f"skal være mellem {low} og {high}"
        values[name] = value
    if problems:
        raise ValidationFailed(problems)
    return values["limit"], values["offset"]


def deadline_from_query() -> deadlines.OpinionDeadline:
    """The opinion deadline for ``?sent_on=&channel=[&received_on=]``, or 422 naming the fields
    (dates as ``YYYY-MM-DD`` in the years 1900-2100)."""
    problems: dict[str, str] = {}
    parsed: dict[str, date | None] = {}
    for name, required in (("sent_on", True), ("received_on", False)):
        raw = request.args.get(name) or ""
        parsed[name] = None
        if not raw:
            if required:
                problems[name] = "skal udfyldes"
            continue
        try:
            parsed[name] = query_date(raw, name)
        except ValidationFailed as error:
            problems.update(error.fields)
    channel = request.args.get("channel", "")
    if channel not in deadlines.CHANNELS:
        problems["channel"] = "skal være digital_post, letter eller quickpost"
    sent_on, received_on = parsed["sent_on"], parsed["received_on"]
    if sent_on and received_on and received_on < sent_on:
        problems["received_on"] = "kan ikke ligge før afsendelsen"
    if problems or sent_on is None:
        raise ValidationFailed(problems)
    return deadlines.opinion_request_deadline(sent_on, channel, received_on)


def paged(items: list[BaseModel], total: int | None, next_cursor: str | None = None) -> Response:
    """A page of a list: ``X-Total-Count`` (where counted), and, paged by key, the next page's
    cursor in ``X-Next-Cursor`` and a ``Link`` with ``rel="next"`` (RFC 8288)."""
    response = render(items)
    if total is not None:
        response.headers["X-Total-Count"] = str(total)
    if next_cursor is not None:
        args = {k: v for k, v in request.args.items() if k not in ("cursor", "offset")}
        query = urlencode({**args, "cursor": next_cursor})
        response.headers["X-Next-Cursor"] = next_cursor
        response.headers["Link"] = f'<{request.path}?{query}>; rel="next"'
    return response


# The route modules register themselves on ``bp``.
from fortrin.blueprints.api import (  # noqa: E402
    applicants,
    audit,
    auth,
    breaches,
    cards,
    cases,
    documents,
    me,
    reference,
    schemes,
    statistics,
    users,
)

__all__ = [
    "applicants",
    "audit",
    "auth",
    "bp",
    "breaches",
    "cards",
    "cases",
    "documents",
    "me",
    "reference",
    "schemes",
    "statistics",
    "users",
]
