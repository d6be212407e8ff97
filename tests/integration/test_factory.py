"""The app factory and the clock (style.md: a test of the factory itself)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from flask import Flask

from fortrin import clock, create_app


def test_fortrin_now_is_refused_in_production() -> None:
    with pytest.raises(RuntimeError, match="FORTRIN_NOW"):
        create_app(
            {
                "FORTRIN_ENV": "production",
                "FORTRIN_NOW": "2026-12-01T09:00:00+01:00",
                "FORTRIN_SECRET_KEY": "x",
                "FORTRIN_DATABASE_URL": "sqlite://",
            }
        )


def test_production_needs_a_secret_key() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"FORTRIN_ENV": "production", "FORTRIN_DATABASE_URL": "sqlite://"})


def test_a_frozen_clock_is_logged_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        create_app(
            {
                "FORTRIN_ENV": "test",
                "FORTRIN_NOW": "2026-12-01T09:00:00",
                "FORTRIN_DATABASE_URL": "sqlite://",
            }
        )
    assert "frozen" in caplog.text


def test_the_clock_honours_fortrin_now_as_copenhagen_time(app: Flask) -> None:
    app.config["FORTRIN_NOW"] = "2026-12-31T23:30:00"
    with app.app_context():
        assert clock.now() == datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
        assert clock.today().isoformat() == "2026-12-31"
    app.config["FORTRIN_NOW"] = ""
    with app.app_context():
        assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
