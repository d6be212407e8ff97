"""The scheduler: APScheduler in its own process (``flask --app fortrin scheduler``), never inside
the web workers. The whole schedule is the table ``JOBS``. SIGTERM and SIGINT stop it cleanly: the
pass under way finishes, then the process exits 0.
"""

from __future__ import annotations

import json
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from fortrin import clock, db, notifications, retention, security

log = logging.getLogger("fortrin.scheduler")


def reminder_pass(now: datetime | None = None) -> dict[str, int]:
    """One pass of the reminder engine (needs an app context); it also purges expired tokens, web
    sessions and sign-in attempts, by the clock, not by a pass run as of another moment."""
    result = notifications.run_pass(
        db.engine(), now or clock.now(), notifications.mailer_from_config()
    )
    security.purge_expired(db.engine(), clock.now())
    return result


def retention_pass() -> dict[str, Any]:
    """Erase what ended more than FORTRIN_RETENTION_DAYS ago (needs an app context)."""
    days = int(current_app.config["FORTRIN_RETENTION_DAYS"])
    return retention.run(db.engine(), clock.today(), days).summary()


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], dict[str, Any]]
    interval_setting: str
    doc: str


JOBS: tuple[Job, ...] = (
    Job(
        "reminders",
        reminder_pass,
        "FORTRIN_REMINDER_INTERVAL_MINUTES",
        "create due notifications and deliver pending e-mail",
    ),
    Job(
        "retention",
        retention_pass,
        "FORTRIN_RETENTION_INTERVAL_MINUTES",
        "erase health data and free texts past the retention period",
    ),
)


def build(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=clock.COPENHAGEN)

    def runner(job: Job) -> Callable[[], None]:
        def run() -> None:
            with app.app_context():
                try:
                    result = job.run()
                except Exception:
                    log.exception("job %s failed", job.name)
                    return
            print(json.dumps({"job": job.name, **result}), flush=True)

        return run

    for job in JOBS:
        scheduler.add_job(
            runner(job),
            "interval",
            minutes=int(app.config[job.interval_setting]),
            id=job.name,
            name=job.doc,
            next_run_time=datetime.now(clock.COPENHAGEN),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
    return scheduler


def run_forever(app: Flask) -> None:
    scheduler = build(app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        print(json.dumps({"stopping": signal.Signals(signum).name}), flush=True)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({"scheduler": "started", "jobs": [job.name for job in JOBS]}), flush=True)
    scheduler.start()
    print(json.dumps({"scheduler": "stopped"}), flush=True)
