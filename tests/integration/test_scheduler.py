"""The scheduler runs in its own process, does its passes, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from tests.integration.conftest import Api, World, apply, vacancy
from tests.integration.test_notifications import kinds_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_scheduler_process_runs_the_pass_and_stops_on_sigterm(
    app: Flask, api: Api, world: World, database_url: str
) -> None:
    v = vacancy(api, world.employer)
    apply(api, world.applicant, v["id"], route="via_jobcentre")
    env = {
        **os.environ,
        "FORTRIN_ENV": "test",
        "FORTRIN_DATABASE_URL": database_url,
        "FORTRIN_NOW": "2026-12-10T09:00:00+01:00",  # 7 working days later: assessment is due
        "FORTRIN_SECRET_KEY": "test-secret",
        "FORTRIN_SMTP_URL": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "fortrin", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if sum(1 for seen in lines if seen.startswith('{"job"')) == 2:
                break
        passes = {
            entry.pop("job"): entry
            for entry in (json.loads(line) for line in lines if line.startswith('{"job"'))
        }
        assert passes["reminders"] == {"created": 1, "sent": 0, "failed": 0}, lines
        # Retention runs too, as of the same clock: nothing has ended three years ago.
        assert passes["retention"]["cases"] == 0, lines
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, out
    assert '{"scheduler": "stopped"}' in out
    assert kinds_for(app, world.cw_aarhus.id) == ["assessment_due"]
