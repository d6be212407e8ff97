"""The audit trail for administrators: who read or changed which case, profile, card or conversation,
and when (issue 9, point 3)."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel

from fortrin import audit, db
from fortrin.blueprints.api import bp, caller, cursor_arg, page_args, paged
from fortrin.blueprints.api.spec import CURSOR_QUERY, QueryParam, api_route
from fortrin.errors import ValidationFailed
from fortrin.presenters import AuditEventOut, audit_event_out

_ID_LENGTH = 64


def _id_arg(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > _ID_LENGTH:
        raise ValidationFailed({name: f"højst {_ID_LENGTH} tegn"})
    return raw


@api_route(
    bp,
    "/audit",
    "GET",
    "The audit trail, newest first (admin): who read or changed which case, profile, card or "
    "conversation, and when. `user_id` matches the actor or the data subject.",
    "audit",
    response=AuditEventOut,
    many=True,
    errors=(403, 422),
    query=(
        QueryParam("application_id", {"type": "string"}, "only the reads and changes of this case"),
        QueryParam(
            "user_id",
            {"type": "string"},
            "only rows where this user is the actor or the data subject",
        ),
        QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size (100)"),
        QueryParam("offset", {"type": "integer", "minimum": 0}, "items to skip"),
        CURSOR_QUERY,
    ),
)
def audit_trail() -> Response:
    audit.require_reader(caller())  # 403 before any look at the query
    limit, offset = page_args()
    problems: dict[str, str] = {}
    ids: dict[str, str | None] = {}
    for name in ("application_id", "user_id"):
        try:
            ids[name] = _id_arg(name)
        except ValidationFailed as error:
            problems.update(error.fields)
    if problems:
        raise ValidationFailed(problems)
    rows, total = audit.search(
        db.session(),
        caller(),
        application_id=ids["application_id"],
        user_id=ids["user_id"],
        limit=limit,
        offset=offset,
        cursor=cursor_arg(),
    )
    shown: list[BaseModel] = [audit_event_out(event, name) for event, name in rows]
    return paged(shown, total, audit.next_cursor(rows, limit))
