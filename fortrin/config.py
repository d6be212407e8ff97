"""Every setting of the service, read from ``FORTRIN_*`` environment variables.

Each setting has a default that works on a developer machine (SQLite in ``instance/``) and one line of
documentation. ``create_app(overrides)`` lets tests and tools replace any of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


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
    Setting("FORTRIN_SECRET_KEY", "", "signs web sessions and CSRF tokens; required in production"),
    Setting(
        "FORTRIN_NOW", "", "ISO date-time that freezes the clock (demonstrations, acceptance tests)"
    ),
    Setting("FORTRIN_TOKEN_HOURS", 12, "lifetime of an API bearer token in hours", int),
    Setting("FORTRIN_ARGON2_TIME_COST", 3, "argon2id iterations for password hashes", int),
    Setting("FORTRIN_ARGON2_MEMORY_KIB", 65536, "argon2id memory for password hashes (KiB)", int),
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
)


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings as a dict, environment values converted to the setting's type."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.name)
        values[setting.name] = setting.default if raw in (None, "") else setting.kind(raw)
    return values


def settings_markdown() -> str:
    """The settings as a Markdown table, for the README (a test keeps the two the same)."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = setting.default
        if setting.name == "FORTRIN_DATABASE_URL":
            default = "sqlite:///instance/fortrin.sqlite3"
        lines.append(f"| `{setting.name}` | `{default}` | {setting.doc} |")
    return "\n".join(lines)
