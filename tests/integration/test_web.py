"""The minimal web sign-in: Flask-Login session, CSRF on every form, a safe ``next``."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.integration.conftest import PASSWORD, Api, World, apply, vacancy


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, page
    return match.group(1)


def sign_in(client: FlaskClient, email: str, next_url: str = "") -> TestResponse:
    token = csrf_token(client)
    query = f"?next={next_url}" if next_url else ""
    return client.post(
        f"/login{query}", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )


def test_the_login_page_is_danish_with_labelled_fields(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert 'for="email">E-mail</label>' in page
    assert 'for="password">Adgangskode</label>' in page
    assert 'href="#main-content"' in page


def test_signing_in_leads_to_the_home_page(client: FlaskClient, world: World) -> None:
    response = sign_in(client, world.applicant.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Mine ansøgninger med fortrinsadgang" in home and "Ida Ansøger" in home


def test_a_wrong_password_is_refused(client: FlaskClient, world: World) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": world.applicant.email, "password": "wrong-password"},
    )
    assert response.status_code == 401
    assert "Forkert e-mail eller adgangskode" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_form_post_without_csrf_token_is_refused_and_signs_no_one_in(
    client: FlaskClient, world: World
) -> None:
    response = client.post("/login", data={"email": world.applicant.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_must_stay_on_this_site(app: Flask, world: World) -> None:
    for target, expected in (
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/applications/abc", "/applications/abc"),
    ):
        response = sign_in(app.test_client(), world.applicant.email, target)
        assert response.headers["Location"] == expected, target


def test_logout_needs_a_post_with_csrf(client: FlaskClient, world: World) -> None:
    sign_in(client, world.applicant.email)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_case_action_without_csrf_token_is_refused_and_changes_nothing(
    app: Flask, world: World
) -> None:
    api = Api(app, app.test_client())
    v = vacancy(api, world.employer)
    case = apply(api, world.applicant, v["id"])
    browser = app.test_client()
    sign_in(browser, world.employer.email)
    response = browser.post(
        f"/applications/{case['id']}", data={"type": "eligibility_check", "eligible": "true"}
    )
    assert response.status_code == 400
    after = api.get(f"/api/v1/applications/{case['id']}", world.employer).json
    assert after["state"] == "awaiting_eligibility_check" and len(after["timeline"]) == 1
    page = browser.get(f"/applications/{case['id']}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    done = browser.post(
        f"/applications/{case['id']}",
        data={"csrf_token": token.group(1), "type": "eligibility_check", "eligible": "true"},
    )
    assert done.status_code == 302
    assert api.get(f"/api/v1/applications/{case['id']}", world.employer).json["state"] == (
        "interview_required"
    )


def test_a_missing_page_is_a_danish_page_in_the_service_layout(client: FlaskClient) -> None:
    response = client.get("/applications/does-not-exist/ankestyrelsen")
    assert response.status_code in (302, 404)
    response = client.get("/cards/verify/NOPE")
    assert response.status_code == 404 and "Ingen kort har koden" in response.get_data(as_text=True)
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "Siden findes ikke" in page.get_data(as_text=True)
    assert '<html lang="da">' in page.get_data(as_text=True)


def test_a_case_the_user_may_not_see_is_a_404_page_not_json(app: Flask, world: World) -> None:
    api = Api(app, app.test_client())
    case = apply(api, world.applicant, vacancy(api, world.employer)["id"])
    browser = app.test_client()
    sign_in(browser, world.applicant_kbh.email)
    page = browser.get(f"/applications/{case['id']}")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Siden findes ikke" in page.get_data(as_text=True)
