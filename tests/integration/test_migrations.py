"""Migrations are the schema: the models must agree with them (alembic check)."""

from __future__ import annotations

from flask import Flask

from fortrin import db, migrate


def test_the_models_and_the_migrations_agree(app: Flask) -> None:
    with app.app_context():
        migrate.check(db.engine())
