"""Users, for administrators: list, create, deactivate or reactivate, change role, reset a password
(issue 9 point 7). The same service functions as the command line and the admin page."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel

from fortrin import accounts, db, paging
from fortrin.blueprints.api import (
    bp,
    caller,
    cursor_arg,
    json_object,
    page_args,
    paged,
    render,
)
from fortrin.blueprints.api.spec import CURSOR_QUERY, QueryParam, api_route
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.models import User
from fortrin.presenters import Instant, MeOut
from fortrin.security import ROLES


class UserOut(MeOut):
    active: bool
    created_at: Instant


def user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def _admin() -> User:
    user = caller()
    if user.role != "admin":
        raise Forbidden("Kun administratorer kan administrere brugere.")
    return user


@api_route(
    bp,
    "/users",
    "GET",
    "Users, newest first (admin)",
    "users",
    response=UserOut,
    many=True,
    errors=(403,),
    query=(
        QueryParam("email", {"type": "string", "maxLength": 254}, "exactly this e-mail"),
        QueryParam(
            "role",
            {"type": "string", "enum": list(ROLES)},
            "only this role",
        ),
        QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size"),
        QueryParam("offset", {"type": "integer", "minimum": 0}, "rows to skip"),
        CURSOR_QUERY,
    ),
)
def list_users() -> Response:
    _admin()
    limit, offset = page_args()
    email = (request.args.get("email") or "").strip()[:254] or None
    role = request.args.get("role") or None
    if role is not None and role not in ROLES:
        raise ValidationFailed({"role": "skal være admin, caseworker, employer eller applicant"})
    users, total = accounts.list_users(db.session(), email, role, limit, offset, cursor_arg())
    keys = [(user.created_at, user.id) for user in users]
    shown: list[BaseModel] = [user_out(user) for user in users]
    return paged(shown, total, paging.next_cursor(keys, limit))


@api_route(
    bp,
    "/users",
    "POST",
    "Create a user (admin); the password needs 12 characters and must be hard to guess",
    "users",
    body=accounts.UserCreate,
    response=UserOut,
    status=201,
    errors=(403, 409),
)
def create_user() -> Response:
    _admin()
    body = json_object()
    with db.unit_of_work() as session:
        return render(user_out(accounts.create_user(session, **body)), 201)


@api_route(
    bp,
    "/users/<user_id>",
    "PATCH",
    "Deactivate or reactivate a user, or change their role (admin); ends their tokens and sessions",
    "users",
    body=accounts.UserUpdate,
    response=UserOut,
    errors=(403, 404, 409),
)
def update_user(user_id: str) -> Response:
    admin = _admin()
    body = json_object()
    with db.unit_of_work() as session:
        return render(user_out(accounts.update_user(session, admin, user_id, body)))


@api_route(
    bp,
    "/users/<user_id>/password",
    "POST",
    "Set a new password for a user (admin); ends their tokens and sessions",
    "users",
    body=accounts.PasswordReset,
    status=204,
    errors=(403, 404),
)
def reset_password(user_id: str) -> Response:
    admin = _admin()
    body = json_object()
    with db.unit_of_work() as session:
        accounts.reset_password(session, admin, user_id, body)
    return Response(status=204)
