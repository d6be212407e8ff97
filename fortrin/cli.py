"""Command line: ``flask --app fortrin db upgrade | users create | organisations create | demo load``."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from fortrin import accounts, clock, db, demo, migrate, scheduler
from fortrin.errors import DomainError, ValidationFailed
from fortrin.presenters import me_out, organisation_out
from fortrin.reference import load_reference_data

db_cli = AppGroup("db", help="Skema og referencedata.")
users_cli = AppGroup("users", help="Brugere.")
organisations_cli = AppGroup("organisations", help="Offentlige arbejdsgivere og myndigheder.")
demo_cli = AppGroup("demo", help="Demodata.")
reminders_cli = AppGroup("reminders", help="Påmindelser og e-mail.")


def _fail(error: DomainError) -> None:
    body = error.body()
    lines = [f"Fejl: {body['message']}"]
    lines += [f"  {name}: {problem}" for name, problem in body.get("fields", {}).items()]
    click.echo("\n".join(lines), err=True)
    sys.exit(1)


def _print(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))


@db_cli.command("upgrade")
def upgrade() -> None:
    """Create or migrate the schema and load the reference data (idempotent)."""
    migrate.upgrade(db.engine())
    with db.unit_of_work() as session:
        added = load_reference_data(session)
    _print({"migrated": True, "reference_data_added": added})


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True)
@click.option("--name")
@click.option("--jobcentre", "jobcentre_code")
@click.option("--organisation", "organisation_id")
@click.option("--home-municipality", "home_municipality_code")
@click.option("--cpr")
def create_user(**options: str | None) -> None:
    """Create a user; prints it as one JSON object."""
    try:
        with db.unit_of_work() as session:
            user = accounts.create_user(session, **options)
            _print(me_out(user).model_dump(mode="json"))
    except DomainError as error:
        _fail(error)


@organisations_cli.command("create")
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--municipality", "municipality_code")
@click.option("--cvr")
@click.option("--public-funding-share")
@click.option("--top-official-name")
@click.option("--top-official-email")
def create_organisation(public_funding_share: str | None, **options: str | None) -> None:
    """Create a public employer or authority; prints it as JSON (with ``id``)."""
    try:
        share: Decimal | None = None
        if public_funding_share is not None:
            try:
                share = Decimal(public_funding_share.replace(",", "."))
            except InvalidOperation as error:
                raise ValidationFailed({"public_funding_share": "skal være et tal"}) from error
        with db.unit_of_work() as session:
            organisation = accounts.create_organisation(
                session, public_funding_share=share, **options
            )
            _print(organisation_out(organisation).model_dump(mode="json"))
    except DomainError as error:
        _fail(error)


@demo_cli.command("load")
def load_demo() -> None:
    """Load the demo (idempotent) and print where and how to sign in."""
    with db.unit_of_work() as session:
        created = demo.load(session)
    click.echo(demo.instructions(created))


@reminders_cli.command("run")
@click.option("--now", "moment", help="ISO date-time to run the pass as of (default: now)")
def run_reminders(moment: str | None) -> None:
    """One pass: create the due notifications and deliver pending e-mail; prints the counts."""
    try:
        now = clock.parse_instant(moment) if moment else clock.now()
    except ValueError:
        click.echo("Fejl: --now skal være et ISO-tidspunkt, fx 2026-12-01T09:00:00+01:00", err=True)
        sys.exit(1)
    _print(scheduler.reminder_pass(now))


@click.command("scheduler")
def run_scheduler() -> None:
    """Run the scheduler process (stops cleanly on SIGTERM)."""
    scheduler.run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


def register(app: Flask) -> None:
    for group in (db_cli, users_cli, organisations_cli, demo_cli, reminders_cli):
        app.cli.add_command(group)
    app.cli.add_command(run_scheduler)
