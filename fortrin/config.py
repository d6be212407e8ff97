"""Every setting of the service, read from ``FORTRIN_*`` environment variables.

Each setting has a default that works on a developer machine (SQLite in ``instance/``) and one line of
documentation. ``create_app(overrides)`` lets tests and tools replace any of them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
ENVIRONMENTS = ("development", "test", "production")
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(click.ClickException, RuntimeError):
    """A setting the service refuses to start with. Under ``flask --app fortrin ...`` click prints
    ``Error: <message>`` and exits 1; a WSGI server sees a RuntimeError with the same message."""

    exit_code = 1


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    doc: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("FORTRIN_ENV", "development", "development, test or production"),
    Setting(
        "FORTRIN_DATABASE_URL",
        f"sqlite:///{INSTANCE_DIR / 'fortrin.sqlite3'}",
        "SQLAlchemy URL; postgresql+psycopg://... in production",
    ),
    Setting(
        "FORTRIN_MIGRATION_DATABASE_URL",
        "",
        "URL of the tables' owner for `db upgrade` and `db grant` (empty: FORTRIN_DATABASE_URL)",
    ),
    Setting("FORTRIN_SECRET_KEY", "", "signs web sessions and CSRF tokens; required in production"),
    Setting(
        "FORTRIN_CPR_KEYS",
        "",
        "Fernet keys for CPR numbers, newest first (required in production; see crypto.py)",
    ),
    Setting(
        "FORTRIN_CPR_INDEX_KEY",
        "",
        "HMAC key of the CPR exact-match index (required in production)",
    ),
    Setting(
        "FORTRIN_NOW", "", "ISO date-time that freezes the clock (demonstrations, acceptance tests)"
    ),
    Setting("FORTRIN_TOKEN_HOURS", 12, "lifetime of an API bearer token in hours", int),
    Setting("FORTRIN_ARGON2_TIME_COST", 2, "argon2id iterations (OWASP: 2 with 19 MiB)", int),
    Setting("FORTRIN_ARGON2_MEMORY_KIB", 19456, "argon2id memory per hash in KiB (OWASP)", int),
    Setting(
        "FORTRIN_ARGON2_CONCURRENCY",
        4,
        "argon2 hashes at once per process; the rest wait (bounds memory: 4 x 19 MiB)",
        int,
    ),
    Setting(
        "FORTRIN_TRUSTED_PROXIES",
        0,
        "reverse proxies in front of the service: the client address for sign-in throttling is "
        "read that many entries from the end of X-Forwarded-For (0: the connection's address)",
        int,
    ),
    Setting("FORTRIN_BASE_URL", "http://127.0.0.1:5000", "absolute URL the service is reached at"),
    Setting(
        "FORTRIN_SMTP_URL",
        "",
        "smtp://[user:password@]host[:port] or smtps://...; empty: no e-mail",
    ),
    Setting("FORTRIN_MAIL_FROM", "fortrin@localhost", "sender address of the e-mails"),
    Setting(
        "FORTRIN_MAIL_MAX_ATTEMPTS", 8, "delivery attempts before an e-mail is marked failed", int
    ),
    Setting("FORTRIN_REMINDER_INTERVAL_MINUTES", 5, "how often the scheduler runs the pass", int),
    Setting(
        "FORTRIN_ASSESSMENT_DUE_DAYS",
        5,
        "working days in awaiting_assessment: remind jobcentre",
        int,
    ),
    Setting(
        "FORTRIN_STATEMENT_EMPLOYER_DAYS", 5, "working days without statement: remind employer", int
    ),
    Setting(
        "FORTRIN_STATEMENT_JOBCENTRE_DAYS",
        10,
        "working days without statement: tell jobcentre",
        int,
    ),
    Setting(
        "FORTRIN_NEGOTIATION_DAYS", 10, "working days without negotiation: remind jobcentre", int
    ),
    Setting(
        "FORTRIN_NEGOTIATION_WAIT_DAYS",
        10,
        "working days after the statement before the employer may record negotiation_not_held",
        int,
    ),
    Setting(
        "FORTRIN_REFUSAL_NOTICE_DAYS", 3, "working days in refusal_pending: remind employer", int
    ),
    Setting(
        "FORTRIN_FAST_TRACK_REMIND_DAYS", 2, "days before a fast-track grant is due: remind", int
    ),
    Setting(
        "FORTRIN_RETENTION_DAYS",
        1095,
        "days after a case (card, conversation) ends before its health data and free texts are "
        "erased and it is kept as anonymous figures (README, Retention)",
        int,
    ),
    Setting(
        "FORTRIN_RETENTION_INTERVAL_MINUTES", 1440, "how often the scheduler runs retention", int
    ),
    Setting(
        "FORTRIN_CASEWORKER_ACCESS_DAYS",
        90,
        "days after a case ends that its handling jobcentre still sees it",
        int,
    ),
)


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings as a dict, environment values converted to the setting's type."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.name)
        try:
            values[setting.name] = setting.default if raw in (None, "") else setting.kind(raw)
        except ValueError:
            raise ConfigurationError(
                f"{setting.name}={raw!r} is not a valid {setting.kind.__name__}"
            ) from None
    return values


def _debug_requested(environ: Mapping[str, str]) -> bool:
    """Flask's own reading of FLASK_DEBUG (``flask run --debug`` sets it too)."""
    value = environ.get("FLASK_DEBUG", "")
    return bool(value) and value.lower() not in ("0", "false", "no")


def check(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> None:
    """Refuse to start with settings that would be unsafe: an unknown FORTRIN_ENV (a typo such as
    ``prod`` must not quietly mean development), and in production a missing or short secret key,
    the debugger (FLASK_DEBUG) or a frozen clock (FORTRIN_NOW)."""
    env = os.environ if environ is None else environ
    name = settings["FORTRIN_ENV"]
    if name not in ENVIRONMENTS:
        raise ConfigurationError(
            f"FORTRIN_ENV={name!r} is not known: use one of {', '.join(ENVIRONMENTS)}"
        )
    for days in ("FORTRIN_RETENTION_DAYS", "FORTRIN_CASEWORKER_ACCESS_DAYS"):
        if int(settings.get(days, 1)) < 1:
            raise ConfigurationError(f"{days} must be at least 1 (a number of days)")
    if name != "production":
        return
    if settings["FORTRIN_NOW"]:
        raise ConfigurationError("FORTRIN_NOW freezes the clock and is refused in production")
    key = str(settings.get("FORTRIN_SECRET_KEY") or "")
    if not key:
        raise ConfigurationError("FORTRIN_SECRET_KEY must be set in production")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"FORTRIN_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters in production "
            '(for example: python -c "import secrets; print(secrets.token_hex(32))")'
        )
    if _debug_requested(env):
        raise ConfigurationError(
            "FLASK_DEBUG is refused in production: the debugger would run code from the browser"
        )
    if not settings.get("FORTRIN_CPR_KEYS") or not settings.get("FORTRIN_CPR_INDEX_KEY"):
        raise ConfigurationError(
            "FORTRIN_CPR_KEYS and FORTRIN_CPR_INDEX_KEY must be set in production: CPR numbers "
            "are encrypted at rest (README, Security and privacy)"
        )


def settings_markdown() -> str:
    """The settings as a Markdown table, for the README (a test keeps the two the same)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = setting.default
        if setting.name == "FORTRIN_DATABASE_URL":
            default = "sqlite:///instance/fortrin.sqlite3"
        lines.append(f"| `{setting.name}` | `{default}` | {setting.doc} |")
    return "\n".join(lines)
