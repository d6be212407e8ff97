"""Command line: ``flask --app fortrin db upgrade|grant | users create|deactivate|activate|
reset-password | organisations create | demo load | reminders run | retention run | scheduler |
cpr rotate | synth``."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import Engine
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from fortrin import (
    accounts,
    clock,
    db,
    dbroles,
    demo,
    migrate,
    notifications,
    retention,
    scheduler,
    synth,
)
from fortrin.db import make_engine
from fortrin.errors import DomainError, ValidationFailed
from fortrin.models import User
from fortrin.presenters import me_out, organisation_out
from fortrin.reference import load_reference_data

db_cli = AppGroup("db", help="Skema og referencedata.")
users_cli = AppGroup("users", help="Brugere.")
organisations_cli = AppGroup("organisations", help="Offentlige arbejdsgivere og myndigheder.")
demo_cli = AppGroup("demo", help="Demodata.")
reminders_cli = AppGroup("reminders", help="Påmindelser og e-mail.")
cpr_cli = AppGroup("cpr", help="Krypterede CPR-numre.")
retention_cli = AppGroup("retention", help="Sletning efter opbevaringsperioden.")


def _fail(error: DomainError) -> None:
    body = error.body()
    lines = [f"Fejl: {body['message']}"]
    lines += [f"  {name}: {problem}" for name, problem in body.get("fields", {}).items()]
    click.echo("\n".join(lines), err=True)
    sys.exit(1)


def _print(payload: dict[str, Any]) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False))


def _refuse_in_production(what: str) -> None:
    """Exit 1 with a message when the service runs as production."""
    if current_app.config.get("FORTRIN_ENV") == "production":
        click.echo(f"Fejl: {what} er ikke tilladt i produktion (FORTRIN_ENV=production).", err=True)
        sys.exit(1)


def _user_json(user: User) -> dict[str, Any]:
    return {**me_out(user).model_dump(mode="json"), "active": user.active}


def _owner_engine() -> Engine:
    """Migrations run as the owner of the tables (FORTRIN_MIGRATION_DATABASE_URL), the service as
    a role that cannot alter the legal records (README, Security and privacy)."""
    url = str(current_app.config.get("FORTRIN_MIGRATION_DATABASE_URL") or "")
    return make_engine(url) if url else db.engine()


@db_cli.command("upgrade")
def upgrade() -> None:
    """Create or migrate the schema and load the reference data (idempotent)."""
    engine = _owner_engine()
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            added = load_reference_data(session)
            session.commit()
    finally:
        if engine is not db.engine():
            engine.dispose()
    _print({"migrated": True, "reference_data_added": added})


@db_cli.command("grant")
@click.option("--role", required=True, help="the PostgreSQL role the service connects as")
def grant(role: str) -> None:
    """Grant the service role what it needs, and no more (run as the owner after each upgrade)."""
    engine = _owner_engine()
    if engine.dialect.name != "postgresql":
        click.echo("Fejl: roller findes kun i PostgreSQL.", err=True)
        sys.exit(1)
    with engine.begin() as connection:
        statements = dbroles.grant_service_role(connection, role)
    _print({"role": role, "statements": len(statements)})


@cpr_cli.command("rotate")
def rotate_cpr() -> None:
    """Encrypt every CPR number again under the first key of FORTRIN_CPR_KEYS and recompute the
    exact-match index; then the old key can be removed."""
    with db.unit_of_work() as session:
        users = session.exec(select(User).where(col(User.cpr).is_not(None))).all()
        for user in users:
            flag_modified(user, "cpr")  # written again: encrypted under the newest key
            session.add(user)
    _print({"rotated": len(users)})


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


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate_user(email: str) -> None:
    """Deactivate a user: their tokens and web sessions end at once, for good."""
    _set_active(email, False)


@users_cli.command("activate")
@click.option("--email", required=True)
def activate_user(email: str) -> None:
    """Reactivate a user; they sign in afresh (no old token or session comes back)."""
    _set_active(email, True)


def _set_active(email: str, active: bool) -> None:
    try:
        with db.unit_of_work() as session:
            user = accounts.user_by_email(session, email)
            _print(_user_json(accounts.set_active(session, None, user.id, active)))
    except DomainError as error:
        _fail(error)


@users_cli.command("reset-password")
@click.option("--email", required=True)
@click.option(
    "--password",
    prompt="Ny adgangskode",
    hide_input=True,
    confirmation_prompt="Gentag adgangskoden",
    help="the new password (asked for when left out, so that it stays out of the shell history)",
)
def reset_password(email: str, password: str) -> None:
    """Set a new password (12 characters or more, hard to guess); ends every token and session."""
    try:
        with db.unit_of_work() as session:
            user = accounts.user_by_email(session, email)
            user = accounts.reset_password(session, None, user.id, {"password": password})
            _print(_user_json(user))
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
    """Load the demo (idempotent) and print where and how to sign in. Refused in production: the
    demo's users have a published password."""
    _refuse_in_production("demo load (demoens brugere har en offentlig adgangskode)")
    with db.unit_of_work() as session:
        created = demo.load(session)
    click.echo(demo.instructions(created))


@reminders_cli.command("run")
@click.option("--now", "moment", help="ISO date-time to run the pass as of (default: now)")
def run_reminders(moment: str | None) -> None:
    """One pass: create the due notifications and deliver pending e-mail; prints the counts.
    ``--now`` (a pass as of another moment) is refused in production."""
    if moment:
        _refuse_in_production("reminders run --now")
    try:
        now = clock.parse_instant(moment) if moment else clock.now()
    except ValueError:
        click.echo("Fejl: --now skal være et ISO-tidspunkt, fx 2026-12-01T09:00:00+01:00", err=True)
        sys.exit(1)
    _print(scheduler.reminder_pass(now))


@reminders_cli.command("reschedule")
def reschedule_reminders() -> None:
    """Every open case due at the next pass, which computes its reminder time and queue day again:
    after a change of the FORTRIN_*_DAYS thresholds. Prints how many cases."""
    with db.unit_of_work() as session:
        count = notifications.reschedule(session, clock.now())
    _print({"rescheduled": count})


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="show what would be erased; change nothing")
@click.option("--ids", "show_ids", is_flag=True, help="also list the ids (never the data)")
def run_retention(dry_run: bool, show_ids: bool) -> None:
    """Erase the health data and free texts of what ended more than FORTRIN_RETENTION_DAYS ago
    (README, Retention); prints the counts. The scheduler runs the same every day."""
    days = int(current_app.config["FORTRIN_RETENTION_DAYS"])
    done = retention.run(db.engine(), clock.today(), days, dry_run=dry_run)
    payload: dict[str, Any] = {"dry_run": dry_run, **done.summary()}
    if show_ids:
        payload["ids"] = {
            "cases": done.cases,
            "cards": done.cards,
            "conversations": done.conversations,
            "profiles": done.profiles,
        }
    _print(payload)
    if done.failed:
        sys.exit(1)


@click.command("scheduler")
def run_scheduler() -> None:
    """Run the scheduler process (stops cleanly on SIGTERM)."""
    scheduler.run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


@click.command("synth")
@with_appcontext
@click.option("--cases", type=click.IntRange(min=1), required=True, help="how many cases")
@click.option("--seed", type=int, default=1, show_default=True, help="the same seed, the same data")
def run_synth(cases: int, seed: int) -> None:
    """Load a synthetic national dataset (every jobcentre, every state, timelines, notifications,
    cards) into an empty database: migrated, reference data loaded, no cases. Refused in
    production. Prints the counts and the speed as JSON, and the password of every synthetic user."""
    _refuse_in_production("synth (syntetiske data med en offentlig adgangskode)")
    with click.progressbar(
        length=synth.units(cases), label="Syntetiske data", file=sys.stderr
    ) as bar:
        try:
            result = synth.run(db.engine(), cases, seed, progress=bar.update)
        except synth.SynthRefused as refused:
            click.echo(f"Fejl: {refused}", err=True)
            sys.exit(1)
    click.echo(
        f"Log ind med fx {result['logins']['caseworker_kobenhavn']} "
        f"(adgangskode: {result['password']}).",
        err=True,
    )
    _print(result)


def register(app: Flask) -> None:
    for group in (
        db_cli,
        users_cli,
        organisations_cli,
        demo_cli,
        reminders_cli,
        retention_cli,
        cpr_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(run_scheduler)
    app.cli.add_command(run_synth)
