"""The command line of the contract (run through Flask's CLI runner)."""

from __future__ import annotations

import json

from flask import Flask
from sqlmodel import col, select

from fortrin import db
from fortrin.models import Application, ApplicationEvent, Breach, Notification
from tests.integration.conftest import World


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_db_upgrade_is_idempotent(app: Flask) -> None:
    code, out = run(app, "db", "upgrade")
    assert code == 0, out
    assert json.loads(out)["reference_data_added"] == {
        "jobcentres": 0,
        "municipalities": 0,
        "schemes": 0,
        "rates": 0,
        "card_templates": 0,
    }


def test_users_create_prints_the_user_as_json(app: Flask, world: World) -> None:
    code, out = run(
        app,
        "users",
        "create",
        "--email",
        "Ny@Example.dk",
        "--password",
        "long-enough-and-odd",
        "--role",
        "employer",
        "--organisation",
        world.org_aarhus,
        "--name",
        "Nina Ny",
    )
    assert code == 0, out
    user = json.loads(out)
    assert user["email"] == "ny@example.dk"
    assert user["organisation_id"] == world.org_aarhus and user["role"] == "employer"
    assert "password" not in out


def test_users_create_refuses_bad_input_with_exit_1(app: Flask, world: World) -> None:
    for args in (
        ["--email", "x@example.dk", "--password", "long-enough", "--role", "superuser"],
        ["--email", "not-an-email", "--password", "long-enough", "--role", "admin"],
        ["--email", "y@example.dk", "--password", "short", "--role", "admin"],
        ["--email", "z@example.dk", "--password", "long-enough", "--role", "caseworker"],
        [
            "--email",
            "z@example.dk",
            "--password",
            "long-enough",
            "--role",
            "caseworker",
            "--jobcentre",
            "999",
        ],
        ["--email", "a@example.dk", "--password", "long-enough", "--role", "applicant"],
        ["--email", world.admin.email, "--password", "long-enough", "--role", "admin"],
    ):
        code, out = run(app, "users", "create", *args)
        assert code == 1, (args, out)
        assert out.startswith("Fejl:"), out


def test_organisations_create_refuses_employers_the_law_does_not_bind(app: Flask) -> None:
    """bek. §4: public employers only; publicly funded needs at least 50 % public funding."""
    code, out = run(app, "organisations", "create", "--name", "Privat A/S", "--kind", "private")
    assert code == 1
    code, out = run(
        app,
        "organisations",
        "create",
        "--name",
        "Forening",
        "--kind",
        "publicly_funded",
        "--public-funding-share",
        "0.49",
    )
    assert code == 1 and "public_funding_share" in out
    code, out = run(
        app,
        "organisations",
        "create",
        "--name",
        "Forening",
        "--kind",
        "publicly_funded",
        "--public-funding-share",
        "0,5",
        "--cvr",
        "12345678",
    )
    assert code == 0, out
    created = json.loads(out)
    assert created["id"] and created["public_funding_share"] == 0.5


def test_demo_load_is_idempotent_and_prints_the_logins(app: Flask) -> None:
    code, out = run(app, "demo", "load")
    assert code == 0, out
    assert "admin@fortrin.example" in out and "fortrin-demo" in out
    code, out = run(app, "demo", "load")
    assert code == 0 and out.startswith("Demodata var allerede indlæst")


def test_the_demo_shows_a_breach_and_a_window_opened_after_a_negative_eligibility_check(
    app: Flask,
) -> None:
    """Issue 8: the demo has a breach found by Ankestyrelsen (kompensationslov § 17 a stk. 4) and a
    case whose window to Ankestyrelsen opened after a "no" to the formal education (domain.md § 12),
    and every step of its past was recorded at its own time, never after a later one."""
    code, out = run(app, "demo", "load")
    assert code == 0, out
    with app.app_context():
        session = db.session()
        [breach] = session.exec(select(Breach)).all()
        assert breach.source == "ankestyrelsen" and breach.application_id
        told = session.exec(
            select(Notification.kind, Notification.recipient_email).where(
                col(Notification.kind).in_(["breach_recorded", "breach_top_official"])
            )
        ).all()
        assert ("breach_top_official", "regionsraadet@rm.example") in told
        assert any(kind == "breach_recorded" for kind, _ in told)
        refused_first = [
            a
            for a in session.exec(select(Application)).all()
            if [
                (e.type, e.data.get("eligible"))
                for e in session.exec(
                    select(ApplicationEvent)
                    .where(ApplicationEvent.application_id == a.id)
                    .order_by(col(ApplicationEvent.seq))
                ).all()
            ][1:]
            == [("eligibility_check", False), ("refusal_notified", None)]
        ]
        assert [a.state for a in refused_first] == ["opinion_window"]
        for application in session.exec(select(Application)).all():
            times = [
                e.at
                for e in session.exec(
                    select(ApplicationEvent)
                    .where(ApplicationEvent.application_id == application.id)
                    .order_by(col(ApplicationEvent.seq))
                ).all()
            ]
            assert times == sorted(times), application.id
