"""Sign-in for the API (throttled), signing out, the caller, and the OpenAPI description."""

from __future__ import annotations

from typing import Annotated

from flask import Response, g
from pydantic import BaseModel, ConfigDict, Field

from fortrin import accounts, clock, db
from fortrin.blueprints.api import bp, caller, json_object, render
from fortrin.blueprints.api.spec import api_route, build_openapi
from fortrin.errors import error_response
from fortrin.presenters import MeOut, TokenOut, me_out, token_out
from fortrin.security import RateLimited, client_address, issue_token, sign_in
from fortrin.validation import validate


class Credentials(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    email: Annotated[str, Field(min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


@api_route(
    bp,
    "/auth/token",
    "POST",
    "Exchange e-mail and password for a bearer token (5 failures per e-mail or 20 per address in "
    "15 minutes: 429 with Retry-After)",
    "auth",
    body=Credentials,
    response=TokenOut,
    public=True,
    errors=(401, 429),
)
def create_token() -> Response:
    credentials = validate(Credentials, json_object())
    try:
        with db.unit_of_work() as session:
            user = sign_in(session, credentials.email, credentials.password, client_address())
            token, record = issue_token(session, user)
            return render(token_out(token, user, record))
    except RateLimited as error:
        response = error_response(error.status, error.body())
        response.headers["Retry-After"] = str(error.retry_after)
        return response


def _revoke() -> Response:
    with db.unit_of_work() as session:
        record = g.api_token
        record.revoked_at = clock.now()
        session.add(record)
    return Response(status=204)


@api_route(bp, "/auth/token", "DELETE", "Revoke the token used for this call", "auth", status=204)
def revoke_token() -> Response:
    return _revoke()


@api_route(
    bp, "/auth/logout", "POST", "Sign out: revoke the token used for this call", "auth", status=204
)
def logout() -> Response:
    return _revoke()


@api_route(bp, "/me", "GET", "The signed-in user", "auth", response=MeOut)
def me() -> Response:
    return render(me_out(caller()))


@api_route(
    bp,
    "/me",
    "PATCH",
    "The signed-in user's own choices: the language of pages, notices and e-mails",
    "auth",
    body=accounts.Preferences,
    response=MeOut,
)
def update_me() -> Response:
    user_id = caller().id
    body = json_object()
    with db.unit_of_work() as session:
        return render(me_out(accounts.set_preferences(session, user_id, body)))


@api_route(bp, "/openapi.json", "GET", "This OpenAPI description", "meta", public=True)
def openapi() -> Response:
    return render(build_openapi())
