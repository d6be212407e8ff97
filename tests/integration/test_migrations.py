"""Migrations are the schema: the models must agree with them (alembic check), and every revision
can be undone and redone on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import create_engine, text

from fortrin import db, migrate
from fortrin.db import make_engine
from tests.conftest import PG_URL


def test_the_models_and_the_migrations_agree(app: Flask) -> None:
    with app.app_context():
        migrate.check(db.engine())


def _round_trip(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        cfg = migrate.alembic_config(engine)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "base")
        migrate.upgrade(engine)
        migrate.check(engine)
    finally:
        engine.dispose()


def test_every_migration_round_trips_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'round-trip.sqlite3'}")


def test_every_migration_round_trips_on_postgresql() -> None:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set FORTRIN_TEST_POSTGRES_URL")
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS fortrin_round_trip CASCADE"))
        connection.execute(text("CREATE SCHEMA fortrin_round_trip"))
    try:
        separator = "&" if "?" in PG_URL else "?"
        _round_trip(f"{PG_URL}{separator}options=-csearch_path%3Dfortrin_round_trip")
    finally:
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS fortrin_round_trip CASCADE"))
        admin.dispose()
