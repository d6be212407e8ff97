"""User lifecycle (issue 9 point 7): deactivate and reactivate, change role, reset a password, by the
API, the command line and the admin page. A deactivated user's tokens and web sessions stop at once
and do not come back on reactivation; expired tokens are purged; production refuses the demo."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import col, select

from fortrin import db, scheduler
from fortrin.models import ApiToken, AuditEvent, User, UserSession
from tests.integration.conftest import PASSWORD, Api, World, make_user, set_now
from tests.integration.test_web import csrf_token, sign_in

NEW_PASSWORD = "blåbær-cykel-vindue-7"


@pytest.fixture
def api(app: Flask) -> Api:
    """Its own test client: the shared ``client`` fixture keeps its last request's context pushed,
    which the browsers of these tests would then share (and with it the signed-in user)."""
    return Api(app, app.test_client())


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def patch(api: Api, admin: User, user_id: str, **body: Any) -> Any:
    return api.call("PATCH", f"/api/v1/users/{user_id}", admin, json=body)


def bearer(api: Api, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = api.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def me_status(api: Api, headers: dict[str, str]) -> int:
    return int(api.get("/api/v1/me", headers=headers).status_code)


def browser(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    assert client.get("/").status_code == 200
    return client


def signed_in(client: FlaskClient) -> bool:
    return bool(client.get("/").status_code == 200)


def stored(app: Flask, user_id: str) -> User:
    with app.app_context():
        user = db.session().get(User, user_id)
        assert user is not None
        return user


# --- the API -------------------------------------------------------------------------------------


def test_deactivation_stops_tokens_and_sessions_at_once_and_reactivation_does_not_revive_them(
    app: Flask, api: Api, world: World
) -> None:
    headers = bearer(api, world.employer.email)
    web = browser(app, world.employer)
    response = patch(api, world.admin, world.employer.id, active=False)
    assert response.status_code == 200, response.json
    assert response.json["active"] is False and response.json["email"] == world.employer.email
    assert me_status(api, headers) == 401
    assert not signed_in(web)
    assert api.post(
        "/api/v1/auth/token", json={"email": world.employer.email, "password": PASSWORD}
    ).status_code == (401)

    assert patch(api, world.admin, world.employer.id, active=True).json["active"] is True
    assert me_status(api, headers) == 401  # the old token stays revoked
    assert not signed_in(web)  # and the old session ended
    assert me_status(api, bearer(api, world.employer.email)) == 200  # a fresh sign-in works
    with app.app_context():
        tokens = db.session().exec(select(ApiToken).where(ApiToken.user_id == world.employer.id))
        sessions = db.session().exec(
            select(UserSession).where(UserSession.user_id == world.employer.id)
        )
        assert sum(t.revoked_at is None for t in tokens) == 1
        assert all(s.ended_at is not None for s in sessions)
        trail = db.session().exec(
            select(AuditEvent).where(AuditEvent.entity == "user").order_by(col(AuditEvent.id))
        )
        assert [(e.actor_id, e.entity_id, e.detail) for e in trail] == [
            (world.admin.id, world.employer.id, "deactivated"),
            (world.admin.id, world.employer.id, "activated"),
        ]


def test_other_users_keep_their_tokens_and_sessions(app: Flask, api: Api, world: World) -> None:
    headers = bearer(api, world.cw_aarhus.email)
    web = browser(app, world.cw_aarhus)
    assert patch(api, world.admin, world.employer.id, active=False).status_code == 200
    assert me_status(api, headers) == 200 and signed_in(web)


def test_a_role_change_keeps_the_roles_fields_consistent_and_signs_the_user_out(
    app: Flask, api: Api, world: World
) -> None:
    headers = bearer(api, world.employer.email)
    missing = patch(api, world.admin, world.employer.id, role="caseworker")
    assert missing.status_code == 422
    assert missing.json["error"]["fields"] == {
        "jobcentre_code": "skal udfyldes for rollen caseworker"
    }
    stray = patch(api, world.admin, world.employer.id, role="admin", home_municipality_code="751")
    assert stray.status_code == 422 and "home_municipality_code" in stray.json["error"]["fields"]
    unknown = patch(api, world.admin, world.employer.id, role="caseworker", jobcentre_code="999")
    assert unknown.status_code == 422 and "jobcentre_code" in unknown.json["error"]["fields"]
    assert me_status(api, headers) == 200  # refused changes change nothing

    done = patch(api, world.admin, world.employer.id, role="caseworker", jobcentre_code="751")
    assert done.status_code == 200, done.json
    assert done.json["role"] == "caseworker" and done.json["jobcentre_code"] == "751"
    assert done.json["organisation_id"] is None  # the employer's organisation no longer applies
    assert me_status(api, headers) == 401
    fresh = bearer(api, world.employer.email)
    assert api.get("/api/v1/me", headers=fresh).json["role"] == "caseworker"

    # Moving a caseworker to another jobcentre changes what they see: signed out too.
    moved = patch(api, world.admin, world.employer.id, jobcentre_code="101")
    assert moved.status_code == 200 and moved.json["jobcentre_code"] == "101"
    assert me_status(api, fresh) == 401


def test_an_applicants_account_keeps_its_role(api: Api, world: World) -> None:
    """An applicant's account holds the citizen's cases and health data: it never becomes a staff
    account, nor a staff account an applicant's."""
    to_staff = patch(api, world.admin, world.applicant.id, role="caseworker", jobcentre_code="751")
    assert to_staff.status_code == 422 and "role" in to_staff.json["error"]["fields"]
    to_citizen = patch(api, world.admin, world.cw_aarhus.id, role="applicant")
    assert to_citizen.status_code == 422 and "role" in to_citizen.json["error"]["fields"]


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(
    app: Flask, api: Api, world: World
) -> None:
    alone = patch(api, world.admin, world.admin.id, active=False)
    assert alone.status_code == 409 and alone.json["error"]["code"] == "last_admin"
    demoted = patch(api, world.admin, world.admin.id, role="caseworker", jobcentre_code="751")
    assert demoted.status_code == 409
    second = make_user(app, "admin")
    assert patch(api, world.admin, second.id, active=False).status_code == 200
    assert patch(api, world.admin, world.admin.id, active=False).status_code == 409


def test_only_an_admin_manages_users_and_bad_bodies_are_422(api: Api, world: World) -> None:
    for user in (world.cw_aarhus, world.employer, world.applicant):
        assert patch(api, user, world.employer.id, active=False).status_code == 403
        denied = api.post(f"/api/v1/users/{world.employer.id}/password", user, json={})
        assert denied.status_code == 403
        assert api.get("/api/v1/users", user).status_code == 403
    assert patch(api, world.admin, "no-such-user", active=False).status_code == 404
    for body in ({}, {"active": "no"}, {"active": None}, {"role": "superuser"}, {"email": "x"}):
        response = patch(api, world.admin, world.employer.id, **body)
        assert response.status_code == 422, body
        assert response.json["error"]["code"] == "validation_failed"
    assert stored(api.app, world.employer.id).active is True


def test_an_admin_lists_and_creates_users_with_the_password_rules(api: Api, world: World) -> None:
    listed = api.get("/api/v1/users", world.admin, query_string={"email": world.employer.email})
    assert listed.status_code == 200 and [u["id"] for u in listed.json] == [world.employer.id]
    assert listed.json[0]["active"] is True and "password_hash" not in listed.json[0]
    everyone = api.get("/api/v1/users", world.admin)
    assert everyone.headers["X-Total-Count"] == "8" and "cpr" not in json.dumps(everyone.json)
    staff = api.get("/api/v1/users", world.admin, query_string={"role": "caseworker"}).json
    assert sorted(u["id"] for u in staff) == sorted(
        u.id for u in (world.cw_aarhus, world.cw_skanderborg, world.cw_kbh)
    )
    bad = api.get("/api/v1/users", world.admin, query_string={"role": "superuser"})
    assert bad.status_code == 422 and "role" in bad.json["error"]["fields"]
    body = {"email": "ny@test.example", "role": "caseworker", "jobcentre_code": "751"}
    weak = api.post("/api/v1/users", world.admin, json={**body, "password": "12345678"})
    assert weak.status_code == 422 and "password" in weak.json["error"]["fields"]
    created = api.post("/api/v1/users", world.admin, json={**body, "password": NEW_PASSWORD})
    assert created.status_code == 201, created.json
    assert created.json["role"] == "caseworker" and created.json["active"] is True
    assert me_status(api, bearer(api, "ny@test.example", NEW_PASSWORD)) == 200


def test_a_password_reset_checks_strength_and_signs_the_user_out(
    app: Flask, api: Api, world: World
) -> None:
    headers = bearer(api, world.applicant.email)
    web = browser(app, world.applicant)
    path = f"/api/v1/users/{world.applicant.id}/password"
    for weak in ("12345678", world.applicant.email, "aaaaaaaaaaaaaaaa", "kort"):
        response = api.post(path, world.admin, json={"password": weak})
        assert response.status_code == 422, weak
        assert "password" in response.json["error"]["fields"]
    assert me_status(api, headers) == 200 and signed_in(web)
    assert api.post(path, world.admin, json={"password": NEW_PASSWORD}).status_code == 204
    assert me_status(api, headers) == 401 and not signed_in(web)
    old = api.post(
        "/api/v1/auth/token", json={"email": world.applicant.email, "password": PASSWORD}
    )
    assert old.status_code == 401
    assert me_status(api, bearer(api, world.applicant.email, NEW_PASSWORD)) == 200


# --- the command line ----------------------------------------------------------------------------


def test_the_cli_deactivates_activates_and_resets_a_password(
    app: Flask, api: Api, world: World
) -> None:
    headers = bearer(api, world.cw_kbh.email)
    code, out = run(app, "users", "deactivate", "--email", world.cw_kbh.email.upper())
    assert code == 0, out
    assert json.loads(out)["active"] is False
    assert me_status(api, headers) == 401
    code, out = run(app, "users", "activate", "--email", world.cw_kbh.email)
    assert code == 0 and json.loads(out)["active"] is True
    assert me_status(api, headers) == 401

    code, out = run(
        app, "users", "reset-password", "--email", world.cw_kbh.email, "--password", "12345678"
    )
    assert code == 1 and out.startswith("Fejl:") and "password" in out
    code, out = run(
        app, "users", "reset-password", "--email", world.cw_kbh.email, "--password", NEW_PASSWORD
    )
    assert code == 0, out
    assert NEW_PASSWORD not in out
    assert me_status(api, bearer(api, world.cw_kbh.email, NEW_PASSWORD)) == 200

    for args in (["deactivate"], ["activate"], ["reset-password", "--password", NEW_PASSWORD]):
        code, out = run(app, "users", *args, "--email", "nobody@test.example")
        assert code == 1 and out.startswith("Fejl:"), (args, out)


def test_the_cli_refuses_a_weak_password_for_a_new_user(app: Flask) -> None:
    code, out = run(
        app,
        "users",
        "create",
        "--email",
        "a@test.example",
        "--password",
        "12345678",
        "--role",
        "admin",
    )
    assert code == 1 and "password" in out
    assert "mindst 12 tegn" in out


def test_production_refuses_the_demo_and_a_moved_clock(app: Flask) -> None:
    app.config["FORTRIN_ENV"] = "production"
    code, out = run(app, "demo", "load")
    assert code == 1 and out.startswith("Fejl:") and "produktion" in out
    code, out = run(app, "reminders", "run", "--now", "2026-12-01T09:00:00+01:00")
    assert code == 1 and out.startswith("Fejl:") and "produktion" in out
    with app.app_context():
        assert db.session().exec(select(User)).first() is None  # no demo admin was made
    code, out = run(app, "reminders", "run")  # the ordinary pass is allowed
    assert code == 0, out


# --- expired tokens ------------------------------------------------------------------------------


def test_expired_tokens_are_purged_a_day_after_expiry(app: Flask, api: Api, world: World) -> None:
    headers = bearer(api, world.applicant.email)  # expires 21:00 on 1 December
    set_now(app, "2026-12-02T20:59:00+01:00")
    live = bearer(api, world.employer.email)
    with app.app_context():
        scheduler.reminder_pass()
        assert len(db.session().exec(select(ApiToken)).all()) == 2
    set_now(app, "2026-12-02T21:00:01+01:00")
    with app.app_context():
        scheduler.reminder_pass()
        [left] = db.session().exec(select(ApiToken)).all()
    assert left.user_id == world.employer.id
    assert me_status(api, headers) == 401 and me_status(api, live) == 200


# --- the admin page ------------------------------------------------------------------------------


def form_token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_the_admin_page_deactivates_reactivates_changes_role_and_resets_a_password(
    app: Flask, api: Api, world: World
) -> None:
    admin = browser(app, world.admin)
    target = browser(app, world.employer)
    headers = bearer(api, world.employer.email)
    listing = admin.get("/admin/users").get_data(as_text=True)
    link = f'href="/admin/users/{world.employer.id}"'
    assert link in listing and "Aktiv" in listing
    path = f"/admin/users/{world.employer.id}"
    page = admin.get(path).get_data(as_text=True)
    assert "Deaktivér brugeren" in page and "Nulstil adgangskode" in page and "Skift rolle" in page

    # Deactivation and a new role are checked first (test_web_admin_lists.py): confirmed here.
    done = admin.post(
        f"{path}/active",
        data={"csrf_token": form_token(page), "active": "no", "confirmed": "yes"},
    )
    assert done.status_code == 302 and done.headers["Location"] == path
    page = admin.get(path).get_data(as_text=True)
    assert "Brugeren er deaktiveret" in page and "Genaktivér brugeren" in page
    assert not signed_in(target) and me_status(api, headers) == 401
    admin.post(f"{path}/active", data={"csrf_token": form_token(page), "active": "yes"})
    assert stored(app, world.employer.id).active is True
    assert not signed_in(target)

    page = admin.get(path).get_data(as_text=True)
    refused = admin.post(
        f"{path}/role",
        data={"csrf_token": form_token(page), "role": "caseworker"},
        follow_redirects=True,
    )
    assert "Ikke gemt" in refused.get_data(as_text=True)
    assert "Jobcenter (sagsbehandlere): skal udfyldes" in refused.get_data(as_text=True)
    assert stored(app, world.employer.id).role == "employer"
    admin.post(
        f"{path}/role",
        data={
            "csrf_token": form_token(page),
            "role": "caseworker",
            "jobcentre_code": "751",
            "confirmed": "yes",
        },
    )
    changed = stored(app, world.employer.id)
    assert changed.role == "caseworker" and changed.organisation_id is None

    weak = admin.post(
        f"{path}/password",
        data={"csrf_token": form_token(page), "password": "12345678"},
        follow_redirects=True,
    )
    assert "Ikke gemt" in weak.get_data(as_text=True)
    assert "mindst 12 tegn" in weak.get_data(as_text=True)
    admin.post(f"{path}/password", data={"csrf_token": form_token(page), "password": NEW_PASSWORD})
    assert me_status(api, bearer(api, world.employer.email, NEW_PASSWORD)) == 200
    assert signed_in(admin)  # the admin's own session is untouched


def test_the_admin_user_pages_are_for_admins_only(app: Flask, world: World) -> None:
    caseworker = browser(app, world.cw_aarhus)
    path = f"/admin/users/{world.employer.id}"
    assert caseworker.get(path).status_code == 403
    token = csrf_token(caseworker, "/")
    assert (
        caseworker.post(f"{path}/active", data={"csrf_token": token, "active": "no"}).status_code
        == 403
    )
    assert stored(app, world.employer.id).active is True
    admin = browser(app, world.admin)
    assert admin.get("/admin/users/no-such-user").status_code == 404
