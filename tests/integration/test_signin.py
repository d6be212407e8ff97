"""Sign-in (issue 9): throttling counted in the database (5 failures per e-mail, 20 per address, in 15
minutes), the same argon2 work for known and unknown e-mails, old hashes upgraded at sign-in, and
signing out that ends the token or the server-side web session for good."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from fortrin import create_app, db, scheduler
from fortrin.models import LoginAttempt, User, UserSession
from tests.conftest import test_settings as settings_for
from tests.integration.conftest import PASSWORD, Api, World, make_user, set_now
from tests.integration.test_web import csrf_token, sign_in

WRONG = "not-the-password-9"
TOKEN = "/api/v1/auth/token"


def token_call(client: FlaskClient, email: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        TOKEN,
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def web_login(client: FlaskClient, email: str, password: str) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"csrf_token": token, "email": email, "password": password})


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How many argon2 hashes and verifications ran (the library's own methods, counted)."""
    calls: Counter[str] = Counter()

    def counting(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)

        return wrapper

    for name in ("hash", "verify"):
        monkeypatch.setattr(PasswordHasher, name, counting(name, getattr(PasswordHasher, name)))
    yield calls


# --- throttling ----------------------------------------------------------------------------------


def test_the_sixth_wrong_password_gets_429_even_with_the_right_password(
    client: FlaskClient, world: World
) -> None:
    email = world.applicant.email
    for _ in range(5):
        assert token_call(client, email, WRONG).status_code == 401
    refused = token_call(client, email, PASSWORD)
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "900"  # the first failure ages out in 15 minutes
    # The e-mail is counted however it is written, and from any address.
    again = token_call(client, email.upper() + " ", PASSWORD, address="10.9.9.9")
    assert again.status_code == 429


def test_another_email_from_the_same_address_works_until_20_failures(
    client: FlaskClient, world: World
) -> None:
    for _ in range(5):
        assert token_call(client, world.applicant.email, WRONG).status_code == 401
    assert token_call(client, world.applicant.email, PASSWORD).status_code == 429
    assert token_call(client, world.employer.email, PASSWORD).status_code == 200
    # 15 more failures from this address, never 5 for one e-mail: 20 in all.
    for i in range(15):
        response = token_call(client, f"guess{i % 4}-{i // 4}@test.example", WRONG)
        assert response.status_code == 401, i
    blocked = token_call(client, world.cw_aarhus.email, PASSWORD)
    assert blocked.status_code == 429 and blocked.json["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) == 900
    # Another address is not held back by this one.
    assert token_call(client, world.cw_aarhus.email, PASSWORD, "10.0.0.2").status_code == 200


def test_after_15_minutes_the_right_password_works_again(
    app: Flask, client: FlaskClient, world: World
) -> None:
    for _ in range(5):
        assert token_call(client, world.applicant.email, WRONG).status_code == 401
    set_now(app, "2026-12-01T09:14:59+01:00")
    nearly = token_call(client, world.applicant.email, PASSWORD)
    assert nearly.status_code == 429 and nearly.headers["Retry-After"] == "1"
    set_now(app, "2026-12-01T09:15:00+01:00")
    assert token_call(client, world.applicant.email, PASSWORD).status_code == 200


def test_a_refused_attempt_does_not_extend_the_block_nor_run_argon2(
    app: Flask, client: FlaskClient, world: World, argon2_calls: Counter[str]
) -> None:
    for _ in range(5):
        token_call(client, world.applicant.email, WRONG)
    argon2_calls.clear()
    set_now(app, "2026-12-01T09:10:00+01:00")
    for _ in range(10):
        assert token_call(client, world.applicant.email, WRONG).status_code == 429
    assert sum(argon2_calls.values()) == 0  # a flood of refused attempts costs no hashing
    set_now(app, "2026-12-01T09:15:00+01:00")
    assert token_call(client, world.applicant.email, PASSWORD).status_code == 200


def test_a_successful_sign_in_starts_the_count_for_the_email_again(
    client: FlaskClient, world: World
) -> None:
    for _ in range(2):
        for _ in range(4):
            assert token_call(client, world.applicant.email, WRONG).status_code == 401
        assert token_call(client, world.applicant.email, PASSWORD).status_code == 200


def test_the_web_login_is_throttled_in_danish_with_429_and_counts_with_the_api(
    client: FlaskClient, world: World
) -> None:
    email = world.employer.email
    for _ in range(3):
        assert token_call(client, email, WRONG, address="127.0.0.1").status_code == 401
    for _ in range(2):
        assert web_login(client, email, WRONG).status_code == 401
    refused = web_login(client, email, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    page = refused.get_data(as_text=True)
    assert "For mange mislykkede forsøg på at logge ind" in page
    assert "Prøv igen om 15 minutter" in page
    assert 'role="alert"' in page
    assert client.get("/").status_code == 302  # not signed in
    # The same page in English, for those who chose it.
    client.get("/language/en?next=/login")
    english = web_login(client, email, PASSWORD).get_data(as_text=True)
    assert "Too many failed sign-in attempts" in english


def test_behind_a_reverse_proxy_the_address_is_the_one_the_proxy_saw(
    app: Flask, client: FlaskClient, world: World
) -> None:
    """Without a trusted proxy X-Forwarded-For is the client's own say and is ignored (it cannot
    dodge the address limit); behind one (FORTRIN_TRUSTED_PROXIES=1) the proxy's entry counts, so
    one attacker does not lock out everyone behind the same proxy."""

    def guess(i: int, forwarded: str) -> int:
        return int(
            client.post(
                TOKEN,
                json={"email": f"guess{i}@test.example", "password": WRONG},
                headers={"X-Forwarded-For": forwarded},
                environ_base={"REMOTE_ADDR": "10.0.0.9"},
            ).status_code
        )

    assert [guess(i, f"192.0.2.{i}") for i in range(20)] == [401] * 20
    assert guess(99, "192.0.2.200") == 429  # the forged header did not help
    app.config["FORTRIN_TRUSTED_PROXIES"] = 1
    forged_then_real = "10.6.6.6, 198.51.100.7"
    assert [guess(i, forged_then_real) for i in range(20)] == [401] * 20
    assert guess(20, "10.6.6.6, 198.51.100.7") == 429
    assert guess(21, "198.51.100.8") == 401  # someone else behind the same proxy


def test_the_count_is_shared_by_every_worker(app: Flask, world: World) -> None:
    """Production runs several worker processes: the count lives in the database, so two apps on
    the same database (as two workers) see each other's failures."""
    other = create_app(settings_for(app.config["FORTRIN_DATABASE_URL"]))
    other.config["SECRET_KEY"] = app.config["SECRET_KEY"]  # workers share the key
    try:
        first, second = app.test_client(), other.test_client()
        for client in (first, second, first, second, first):
            assert token_call(client, world.applicant.email, WRONG).status_code == 401
        assert token_call(second, world.applicant.email, PASSWORD).status_code == 429
    finally:
        with other.app_context():
            db.engine().dispose()


def test_the_email_is_kept_only_as_a_keyed_hash_and_old_attempts_are_purged(
    app: Flask, client: FlaskClient, world: World
) -> None:
    token_call(client, world.applicant.email, WRONG)
    token_call(client, "unknown@test.example", WRONG)
    with app.app_context():
        rows = db.session().exec(select(LoginAttempt)).all()
    assert len(rows) == 2
    plain = hashlib.sha256(world.applicant.email.encode()).hexdigest()
    for row in rows:
        assert "@" not in row.email_key and row.email_key != plain and len(row.email_key) == 64
        assert row.address == "10.0.0.1" and not row.succeeded
    set_now(app, "2026-12-02T09:00:01+01:00")  # a day and a second later
    token_call(client, world.applicant.email, PASSWORD)
    with app.app_context():
        scheduler.reminder_pass()
        left = db.session().exec(select(LoginAttempt)).all()
    assert [row.succeeded for row in left] == [True]


# --- the same work for known and unknown e-mails -------------------------------------------------


def test_known_and_unknown_emails_run_one_argon2_verification_each(
    client: FlaskClient, world: World, argon2_calls: Counter[str]
) -> None:
    """Even the first unknown e-mail: the dummy hash was made when the app was built."""
    for email, password, status in (
        (world.applicant.email, WRONG, 401),
        ("nobody@test.example", WRONG, 401),
        ("nobody-else@test.example", PASSWORD, 401),
        (world.applicant.email, PASSWORD, 200),
    ):
        argon2_calls.clear()
        assert token_call(client, email, password, "10.1.0.2").status_code == status
        assert argon2_calls == Counter({"verify": 1}), email


def test_an_inactive_user_costs_the_same_and_is_refused(
    app: Flask, client: FlaskClient, world: World, argon2_calls: Counter[str]
) -> None:
    with app.app_context(), db.unit_of_work() as session:
        user = session.get(User, world.applicant.id)
        assert user is not None
        user.active = False
    argon2_calls.clear()
    assert token_call(client, world.applicant.email, PASSWORD).status_code == 401
    assert argon2_calls == Counter({"verify": 1})


def test_an_old_hash_still_verifies_and_is_upgraded_at_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    """Hashes made with other argon2 parameters (before OWASP's were adopted) keep working, and the
    first sign-in rehashes the password with the current ones."""
    app.config["FORTRIN_ARGON2_MEMORY_KIB"] = 16
    user = make_user(app, "admin")
    with app.app_context():
        before = db.session().get(User, user.id)
        assert before is not None and "$m=16," in before.password_hash
    app.config["FORTRIN_ARGON2_MEMORY_KIB"] = 8
    assert token_call(client, user.email, PASSWORD).status_code == 200
    with app.app_context():
        after = db.session().get(User, user.id)
        assert after is not None and "$m=8," in after.password_hash
    assert token_call(client, user.email, PASSWORD).status_code == 200


# --- signing out ---------------------------------------------------------------------------------


def test_api_logout_revokes_the_token_used(api: Api, world: World) -> None:
    first = api.post(TOKEN, json={"email": world.applicant.email, "password": PASSWORD}).json
    second = api.post(TOKEN, json={"email": world.applicant.email, "password": PASSWORD}).json
    bearer = {"Authorization": f"Bearer {first['token']}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    assert api.post("/api/v1/auth/logout", headers=bearer).status_code == 204
    after = api.get("/api/v1/me", headers=bearer)
    assert after.status_code == 401 and after.json["error"]["code"] == "unauthenticated"
    assert api.post("/api/v1/auth/logout", headers=bearer).status_code == 401
    other = {"Authorization": f"Bearer {second['token']}"}
    assert api.get("/api/v1/me", headers=other).status_code == 200  # only that token ends


def cookie_of(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_web_logout_ends_the_session_on_the_server_so_a_replayed_cookie_is_signed_out(
    app: Flask, world: World
) -> None:
    browser = app.test_client()
    assert sign_in(browser, world.applicant.email).status_code == 302
    assert browser.get("/").status_code == 200
    stolen = cookie_of(browser)
    token = csrf_token(browser, "/")
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login_page = replay.get(response.headers["Location"])
    assert login_page.status_code == 200
    assert "<h1>Log ind</h1>" in login_page.get_data(as_text=True)
    with app.app_context():
        [row] = db.session().exec(select(UserSession)).all()
    assert row.user_id == world.applicant.id and row.ended_at is not None


def test_a_web_session_is_kept_only_as_a_hash_and_each_sign_in_is_its_own(
    app: Flask, world: World
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, world.applicant.email)
    sign_in(phone, world.applicant.email)
    with app.app_context():
        rows = db.session().exec(select(UserSession)).all()
    assert len(rows) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", r.id_hash) for r in rows)
    assert all(r.id_hash not in cookie_of(c) for r in rows for c in (laptop, phone))
    token = csrf_token(laptop, "/")
    laptop.post("/logout", data={"csrf_token": token})
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200  # signing out on one device leaves the other
