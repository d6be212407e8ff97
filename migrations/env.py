"""Alembic environment: the schema is the migrations; models are only compared against them."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import fortrin.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from fortrin.config import from_environment
from fortrin.db import make_engine

target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url") or str(
        from_environment()["FORTRIN_DATABASE_URL"]
    )
    with make_engine(url).connect() as fresh:
        run(fresh)
