"""Sign-in: argon2id passwords, hashed bearer tokens with expiry, /me."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from fortrin import db
from tests.integration.conftest import PASSWORD, Api, World


def test_a_token_is_issued_for_right_credentials_and_works(api: Api, world: World) -> None:
    response = api.post(
        "/api/v1/auth/token", json={"email": world.applicant.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json["role"] == "applicant"
    assert response.json["expires_at"] == "2026-12-01T21:00:00+01:00"
    assert "Set-Cookie" not in response.headers
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert me.status_code == 200
    assert me.json == {
        "id": world.applicant.id,
        "email": world.applicant.email,
        "name": "Ida Ansøger",
        "role": "applicant",
        "jobcentre_code": None,
        "organisation_id": None,
        "home_municipality_code": "751",
        "language": "da",
    }


def test_wrong_password_and_unknown_email_are_both_401(api: Api, world: World) -> None:
    for body in (
        {"email": world.applicant.email, "password": "wrong-password"},
        {"email": "nobody@test.example", "password": PASSWORD},
    ):
        response = api.post("/api/v1/auth/token", json=body)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthenticated"


def test_missing_malformed_and_unknown_tokens_are_401(api: Api, world: World) -> None:
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-token"},
    ):
        response = api.get("/api/v1/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.json["error"]["code"] == "unauthenticated"


def test_a_token_expires_after_12_hours(app: Flask, api: Api, world: World) -> None:
    headers = {"Authorization": f"Bearer {api.token(world.applicant)}"}
    app.config["FORTRIN_NOW"] = "2026-12-01T20:59:59+01:00"
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    app.config["FORTRIN_NOW"] = "2026-12-01T21:00:00+01:00"
    assert api.get("/api/v1/me", headers=headers).status_code == 401


def test_a_revoked_token_stops_working(api: Api, world: World) -> None:
    assert api.call("DELETE", "/api/v1/auth/token", world.applicant).status_code == 204
    assert api.get("/api/v1/me", world.applicant).status_code == 401


def test_passwords_and_tokens_are_stored_only_as_hashes(app: Flask, api: Api, world: World) -> None:
    token = api.token(world.applicant)
    with app.app_context(), db.engine().connect() as connection:
        stored = connection.execute(
            text('SELECT password_hash FROM "user" WHERE id = :id'), {"id": world.applicant.id}
        ).scalar_one()
        tokens = connection.execute(text("SELECT token_hash FROM api_token")).scalars().all()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert token not in tokens and len(tokens[0]) == 64


def test_the_api_ignores_a_web_session_cookie(app: Flask, api: Api, world: World) -> None:
    api.client.post("/login", data={"email": world.applicant.email, "password": PASSWORD})
    assert api.get("/api/v1/me").status_code == 401
