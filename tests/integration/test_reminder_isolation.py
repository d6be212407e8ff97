"""Issue 9, point 1: one bad case never stops the reminder pass for everyone else, and the lengths and
e-mail headers hold whatever users typed."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from fortrin import db, notifications
from fortrin.models import Notification
from tests.integration.conftest import Api, World, apply, drive, make_user, vacancy
from tests.integration.test_notifications import at, kinds_for, pass_at


def test_a_failing_case_is_skipped_logged_without_personal_data_and_retried(
    app: Flask, api: Api, world: World, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    v = vacancy(api, world.employer)
    bad = drive(api, world, apply(api, world.applicant, v["id"])["id"], "opinion_window")
    drive(api, world, apply(api, world.applicant_kbh, v["id"])["id"], "opinion_window")
    real = notifications.batch_snapshot

    def broken(batch: Any, application: Any) -> Any:
        if application.id == bad["id"]:
            raise RuntimeError(f"boom for {world.applicant.name}")
        return real(batch, application)

    monkeypatch.setattr(notifications, "batch_snapshot", broken)
    with caplog.at_level(logging.ERROR, logger="fortrin.notifications"):
        pass_at(app, at(date(2026, 12, 23)))  # 6 days before the deadline of 29 December
    assert "opinion_deadline_soon" in kinds_for(app, world.applicant_kbh.id)
    assert "opinion_deadline_soon" not in kinds_for(app, world.applicant.id)
    [record] = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert bad["id"] in record.getMessage() and "RuntimeError" in record.getMessage()
    assert world.applicant.name not in caplog.text
    monkeypatch.setattr(notifications, "batch_snapshot", real)
    pass_at(app, at(date(2026, 12, 23), 10))
    assert kinds_for(app, world.applicant.id).count("opinion_deadline_soon") == 1


def test_a_long_title_and_a_line_break_in_a_name_do_not_break_the_pass(
    app: Flask, api: Api, world: World
) -> None:
    """A 300-character title overflowed notification.subject (300) on PostgreSQL; a line break in a
    name made the e-mail's headers invalid."""
    applicant = make_user(
        app, "applicant", home_municipality_code="751", name="Ida\r\nBcc: x@evil.example"
    )
    v = vacancy(api, world.employer, title="Stilling " + "x" * 291)
    case = drive(api, world, apply(api, applicant, v["id"])["id"], "interview_required")
    assert case["state"] == "interview_required"
    pass_at(app, at(date(2026, 12, 21)))  # after the application deadline: the employer is told
    with app.app_context():
        subjects = db.session().exec(select(Notification.subject)).all()
    assert subjects and all(len(s) <= notifications.SUBJECT_MAX for s in subjects)
    assert not any("\n" in s or "\r" in s for s in subjects)
    assert "interview_not_scheduled" in kinds_for(app, world.employer.id)


def test_header_text_folds_control_characters_and_cuts_to_the_column() -> None:
    assert notifications.header_text("a\r\nb\tc\x00d") == "a b c d"
    cut = notifications.header_text("x" * 400)
    assert len(cut) == notifications.SUBJECT_MAX and cut.endswith("…")


def test_every_notification_kind_fits_its_columns(app: Flask) -> None:
    with app.app_context():
        table = Notification.__table__  # type: ignore[attr-defined]
        assert table.c.subject.type.length == notifications.SUBJECT_MAX
        assert table.c.kind.type.length == 40
