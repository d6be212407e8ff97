"""E-mail through a real SMTP server on loopback (aiosmtpd): delivered, an outage, recovery,
exactly once, also with two passes at the same time."""

from __future__ import annotations

import email
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import delete
from sqlmodel import col, select

from fortrin import clock, db
from fortrin.models import Notification
from fortrin.scheduler import reminder_pass
from tests.integration.conftest import Api, World, apply, drive, make_user, vacancy
from tests.integration.test_scheduler import ROOT


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    app.config["FORTRIN_SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    app.config["FORTRIN_MAIL_FROM"] = "fortrin@kommune.example"
    yield server
    server.stop()


def run(app: Flask, moment: str | None = None) -> dict[str, int]:
    with app.app_context():
        return reminder_pass(clock.parse_instant(moment) if moment else clock.now())


def refused(api: Api, world: World, applicant: Any) -> str:
    """A refused case: one e-mail, the opinion window's. The invitation to the interview on the way
    (issue 10, point 7; tested in test_web_citizen.py) is removed, so each case sends one."""
    v = vacancy(api, world.employer)
    case_id = str(drive(api, world, apply(api, applicant, v["id"])["id"], "opinion_window")["id"])
    with api.app.app_context(), db.unit_of_work() as session:
        session.execute(
            delete(Notification).where(
                col(Notification.application_id) == case_id,
                col(Notification.kind).in_(["interview_invitation", "interview_moved"]),
            )
        )
    return case_id


def notifications(app: Flask) -> list[Notification]:
    with app.app_context():
        return list(db.session().exec(select(Notification).order_by(col(Notification.id))).all())


def test_a_reminder_is_delivered_by_email(
    app: Flask, api: Api, world: World, smtp: SmtpServer
) -> None:
    refused(api, world, world.applicant)
    assert run(app) == {"created": 0, "sent": 1, "failed": 0}  # created with the refusal
    [message] = smtp.inbox.messages
    assert message["To"] == world.applicant.email
    assert message["From"] == "fortrin@kommune.example"
    assert "29. december 2026" in message["Subject"]
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "§ 17 a" in body and "/applications/" in body
    [stored] = notifications(app)
    assert message["Message-ID"] == f"<notification-{stored.id}@kommune.example>"
    assert (stored.channel, stored.status, stored.attempts) == ("email", "sent", 1)
    assert run(app) == {"created": 0, "sent": 0, "failed": 0}
    assert len(smtp.inbox.messages) == 1


def test_an_outage_loses_nothing_and_recovery_sends_each_once(
    app: Flask, api: Api, world: World, smtp: SmtpServer
) -> None:
    smtp.stop()
    refused(api, world, world.applicant)
    refused(api, world, world.applicant_kbh)
    assert run(app, "2026-12-01T09:00:00+01:00") == {"created": 0, "sent": 0, "failed": 2}
    waiting = notifications(app)
    assert {(n.status, n.attempts) for n in waiting} == {("pending", 1)}
    assert all("Connection" in (n.last_error or "") for n in waiting)
    # Backed off: a pass before the next attempt is due does not try again.
    assert run(app, "2026-12-01T09:04:00+01:00") == {"created": 0, "sent": 0, "failed": 0}
    assert run(app, "2026-12-01T09:05:00+01:00") == {"created": 0, "sent": 0, "failed": 2}
    assert {n.attempts for n in notifications(app)} == {2}
    smtp.start()
    assert run(app, "2026-12-01T09:14:59+01:00") == {"created": 0, "sent": 0, "failed": 0}
    assert run(app, "2026-12-01T09:15:00+01:00") == {"created": 0, "sent": 2, "failed": 0}
    assert run(app, "2026-12-01T10:00:00+01:00") == {"created": 0, "sent": 0, "failed": 0}
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted(
        [world.applicant.email, world.applicant_kbh.email]
    )
    assert {n.status for n in notifications(app)} == {"sent"}


def test_after_the_last_attempt_an_email_is_failed_but_still_in_the_app(
    app: Flask, api: Api, world: World, smtp: SmtpServer
) -> None:
    smtp.stop()
    app.config["FORTRIN_MAIL_MAX_ATTEMPTS"] = 2
    refused(api, world, world.applicant)
    run(app, "2026-12-01T09:00:00+01:00")
    run(app, "2026-12-01T10:00:00+01:00")
    [failed] = notifications(app)
    assert (failed.status, failed.attempts, failed.next_attempt_at) == ("failed", 2, None)
    assert run(app, "2026-12-02T10:00:00+01:00")["failed"] == 0
    listed = api.get("/api/v1/me/notifications", world.applicant).json
    assert [(n["kind"], n["status"]) for n in listed] == [("opinion_window_opened", "failed")]


def test_two_passes_at_once_send_each_email_once(
    app: Flask, api: Api, world: World, smtp: SmtpServer
) -> None:
    applicants = [make_user(app, "applicant", home_municipality_code="751") for _ in range(6)]
    for applicant in applicants:
        refused(api, world, applicant)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def worker() -> None:
        barrier.wait()
        results.append(run(app))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r["sent"] for r in results) == 6
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert {n.status for n in notifications(app)} == {"sent"}


def test_two_concurrent_passes_create_each_notification_once(
    app: Flask, api: Api, world: World
) -> None:
    """Creation is idempotent by its unique key, whoever gets there first."""
    v = vacancy(api, world.employer)
    for applicant in (world.applicant, world.applicant_kbh):
        apply(api, applicant, v["id"], route="via_jobcentre")
    later = (clock.parse_instant("2026-12-01T09:00:00+01:00") + timedelta(days=10)).isoformat()
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def worker() -> None:
        barrier.wait()
        results.append(run(app, later))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r["created"] for r in results) == 2
    assert [(n.kind, n.channel) for n in notifications(app)] == [("assessment_due", "in_app")] * 2


def test_two_processes_at_once_send_each_email_once(
    app: Flask, api: Api, world: World, smtp: SmtpServer, database_url: str
) -> None:
    applicants = [make_user(app, "applicant", home_municipality_code="751") for _ in range(8)]
    for applicant in applicants:
        refused(api, world, applicant)
    env = {
        **os.environ,
        "FORTRIN_ENV": "test",
        "FORTRIN_DATABASE_URL": database_url,
        "FORTRIN_SECRET_KEY": "test-secret",
        "FORTRIN_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
        "FORTRIN_MAIL_FROM": "fortrin@kommune.example",
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "fortrin",
        "reminders",
        "run",
        "--now",
        "2026-12-01T09:00:00+01:00",
    ]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [
        json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1]) for p in processes
    ]
    assert all(p.returncode == 0 for p in processes)
    assert sum(o["sent"] for o in outputs) == 8
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 8 and len(set(ids)) == 8
