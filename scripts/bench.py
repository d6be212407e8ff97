#!/usr/bin/env python3
"""``make bench`` (issue 12, point 5): Fortrin against a bare Flask app, in one run, on one machine.

1. PostgreSQL database ``fortrin_bench`` on 127.0.0.1:5432 (user postgres): created, migrated and
   loaded with ``synth --cases N`` (default 500,000), then VACUUM ANALYZE; a database loaded
   earlier with the same N and seed is reused (its size is in the database's comment).
2. The bare app (``scripts/bare_app.py``) and Fortrin, each under gunicorn with the same
   ``gunicorn.conf.py`` on loopback, one after the other, measured with ``wrk`` at 16 connections
   for a fixed time after a warm-up: the bare app's ``/``, and its reads of one case by its key
   through psycopg alone and through SQLModel (what a single indexed read costs at each layer,
   ``scripts/bare_app.py``); a case as JSON, the 20-row list and an
   event POST, as a caseworker of Jobcenter København (a bearer token). Two yardsticks of
   Fortrin's own come first: ``/healthz`` (every request's cost before it reads anything: the
   app's hooks and security headers) and ``/api/v1/me`` (every API call's: the token's check).
   Each measurement also gives the CPU time per request of the web server's processes and of
   PostgreSQL's (``/proc``, Linux: where the time goes; what is left of the cores is wrk's).
3. The reminder pass in this process: with nothing due, and with 1,000 cases due.
4. Prints each as requests per second, its ratio to the bare app, p50 and p99, and the targets;
   writes ``docs/bench.md`` (with the machine) and ``docs/query-plans.md`` (``EXPLAIN (ANALYZE,
   BUFFERS)`` of the hot queries, captured from real requests), and puts the output in the README
   (between ``<!-- bench:start -->`` and ``<!-- bench:end -->``).

Both apps run with the same settings: gunicorn.conf.py with 2 sync workers by default, as in issue
12's measurement (``--workers 0`` keeps the configuration's 2 x cores + 1, meant for a web machine
without the database; on a 2-core machine that also runs PostgreSQL and wrk, fewer workers serve
Fortrin better).

What the event POST measures: each request records the jobcentre's ``assessment`` on a case of its
own that waits for one (prepared fresh before the run, one per request, so every request is a real
change of a case: the timeline entry, the audit row, the notices and the reminder schedule), and
``wrk`` never sends two requests to one case. If the prepared cases run out, the rest are answered
409 and counted as errors in the output.

Usage: ``scripts/bench [--cases N] [--duration S] [--workers W] [--threads T] [--no-docs]``.
``wrk`` is the Debian package (``apt-get install -y wrk``). Other processes on the machine change the
numbers: the output says what the load was.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import and_, event, func, text  # noqa: E402
from sqlmodel import Session, col, select  # noqa: E402

from fortrin import (  # noqa: E402
    cases,
    clock,
    create_app,
    db,
    notifications,
    scheduler,
    synth,
    work_queue,
)
from fortrin.models import Application, User  # noqa: E402
from fortrin.security import issue_token  # noqa: E402
from fortrin.workflows import preferential_access as pa  # noqa: E402

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
# The service's keys for the benchmark, the same for the load and the server (the synthetic CPR
# numbers are encrypted under them). Not secrets: the bench database holds invented people only.
KEYS = {
    "FORTRIN_SECRET_KEY": "bench-secret-key-" + "0" * 32,
    "FORTRIN_CPR_KEYS": "YmVuY2gtY3ByLWtleS0wMDAwMDAwMDAwMDAwMDAwMDA=",
    "FORTRIN_CPR_INDEX_KEY": "bench-cpr-index-key-" + "0" * 20,
}
JOBCENTRE = "101"  # København
CASEWORKER = f"sagsbehandler1.jc{JOBCENTRE}@{synth.DOMAIN}"
TARGETS = {"case": 0.25, "list": 0.22, "post": 0.20}
P99_TARGET_MS = 30.0
ASSESSMENT = {
    "type": "assessment",
    "can_perform": True,
    "has_difficulty_getting_work": True,
    "reasoning": "Ansøgeren kan bestride stillingen med hjælpemidler og en tilpasset arbejdsplads.",
}
BIG_TABLES = ("application", "application_event", "notification", "user", "audit_event", "vacancy")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database ----------------------------------------------------------------------------------


def connect(name: str, autocommit: bool = True) -> psycopg.Connection[Any]:
    return psycopg.connect(
        f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={name}", autocommit=autocommit
    )


def admin_connection() -> psycopg.Connection[Any]:
    return connect("postgres")


def database_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def bench_app(name: str) -> Flask:
    return create_app(
        {
            **KEYS,
            "FORTRIN_ENV": "development",
            "FORTRIN_DATABASE_URL": database_url(name),
            "FORTRIN_NOW": "",
            "FORTRIN_SMTP_URL": "",
        }
    )


def synth_line(summary: dict[str, Any], when: str) -> str:
    return (
        f"synth{when}: {summary['cases']:,} cases in {summary['seconds']} s "
        f"({summary['cases_per_second']:,} cases/s; load {summary['load_seconds']} s, indexes "
        f"and constraints {summary['index_seconds']} s, ANALYZE {summary['analyze_seconds']} s)"
    )


def ensure_loaded(name: str, count: int, seed: int, fresh: bool) -> str:
    """The bench database with ``count`` synthetic cases, loaded now or reused when its comment
    says it holds that load; returns synth's speed (the comment keeps it for later runs)."""
    marker = f"fortrin-bench cases={count} seed={seed}"
    flask = [sys.executable, "-m", "flask", "--app", "fortrin"]
    with admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        comment = None
        if exists:
            comment = admin.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                (name,),
            ).fetchone()
        if exists and not fresh and comment and str(comment[0]).split(" | ")[0] == marker:
            say(f"{name}: reusing the loaded database ({marker})")
            subprocess.run(
                [*flask, "db", "upgrade"],
                cwd=ROOT,
                env=server_env(name),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            earlier = str(comment[0]).split(" | ")
            return earlier[1] if len(earlier) > 1 else "synth: (speed not recorded)"
        if exists:
            say(f"{name}: dropping it (it holds {comment[0] if comment else 'something else'})")
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    say(f"{name}: migrating and loading {count:,} synthetic cases")
    env = server_env(name) | {"FORTRIN_ENV": "development"}
    subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    loaded = subprocess.run(
        [*flask, "synth", "--cases", str(count), "--seed", str(seed)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    summary: dict[str, Any] = json.loads(loaded.stdout.strip().splitlines()[-1])
    say(f"{name}: {summary['cases_per_second']:,} cases/s; VACUUM ANALYZE")
    with connect(name) as connection:
        connection.execute("VACUUM ANALYZE")
    with admin_connection() as admin:
        line = synth_line(summary, " (when the bench database was loaded)")
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker} | {line}'")
    return synth_line(summary, "")


@dataclass
class Prepared:
    token: str
    case_ids: list[str]
    warmup_ids: list[str]
    post_ids: list[str]


def prepare(app: Flask, posts: int) -> Prepared:
    """A token of a Copenhagen caseworker, cases it sees, and fresh cases to send events to."""
    with app.app_context():
        with Session(db.engine()) as session:
            user = session.exec(select(User).where(User.email == CASEWORKER)).one()
            token, _record = issue_token(session, user)
            session.commit()
            visible = session.exec(
                select(Application.id)
                .where(cases.application_scope(user))
                .order_by(func.random())
                .limit(1000)
            ).all()
            # Fresh cases an earlier run prepared and did not use are used first.
            fresh = list(
                session.exec(
                    select(Application.id)
                    .join(User, col(User.id) == col(Application.applicant_id))
                    .where(
                        col(User.email).like(f"borger.%@{synth.DOMAIN}"),
                        col(Application.state) == "awaiting_assessment",
                        col(Application.handling_jobcentre_code) == JOBCENTRE,
                    )
                    .limit(posts)
                ).all()
            )
        if len(fresh) < posts:
            fresh += synth.fresh_cases(
                db.engine(), JOBCENTRE, posts - len(fresh), seed=int(time.time())
            )
    warmup = len(fresh) // 5
    return Prepared(token, list(visible), fresh[:warmup], fresh[warmup:])


def reminder_pass(app: Flask) -> dict[str, Any]:
    """The pass as the scheduler runs it: settled once, then timed with nothing due (median of 3)
    and with 1,000 open cases due."""
    with app.app_context():
        scheduler.reminder_pass()  # whatever earlier runs left due
        idle = []
        for _ in range(3):
            started = time.perf_counter()
            scheduler.reminder_pass()
            idle.append(time.perf_counter() - started)
        with db.engine().begin() as connection:
            connection.execute(
                text(
                    "UPDATE application SET reminder_due_at = :due WHERE id IN (SELECT id FROM "
                    "application WHERE state IN ('awaiting_assessment', 'interview_required', "
                    "'interview_scheduled', 'statement_required', 'negotiation_required', "
                    "'refusal_pending', 'opinion_window') AND erased_at IS NULL "
                    "ORDER BY random() LIMIT 1000)"
                ),
                {"due": clock.now() - timedelta(minutes=1)},
            )
        started = time.perf_counter()
        counts = scheduler.reminder_pass()
        busy = time.perf_counter() - started
    return {"idle_ms": statistics.median(idle) * 1000, "due_ms": busy * 1000, "due_counts": counts}


# --- the servers -----------------------------------------------------------------------------------


def server_env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORTRIN_")}
    return env | KEYS | {"FORTRIN_ENV": "production", "FORTRIN_DATABASE_URL": database_url(name)}


@contextlib.contextmanager
def serving(
    app_uri: str | None, env: dict[str, str], port: int, log: Path
) -> Iterator[tuple[str, int]]:
    """Gunicorn with gunicorn.conf.py on 127.0.0.1:port, until the block ends: its address and
    the process id of its master."""
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"]
    if app_uri:
        command += ["--pythonpath", "scripts", app_uri]
    env = env | {"FORTRIN_WEB_BIND": f"127.0.0.1:{port}"}
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{base}/readyz", timeout=2) as answer,
            ):
                if answer.status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not become ready: see {log}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    web_cpu_ms: float | None = None  # CPU time per request of the web server's processes
    db_cpu_ms: float | None = None  # and of PostgreSQL's


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(name: str, output: str) -> Result:
    """Requests/sec, the 50% and 99% of --latency, and the non-2xx answers and socket errors."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    return Result(name, rps, p50, p99, requests, errors)


def wrk(
    name: str, url: str, script: Path | None, seconds: int, connections: int, threads: int
) -> Result:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run([*command, url], check=True, capture_output=True, text=True)
    if done.stderr.strip():  # a Lua error: wrk would go on with its default request
        raise RuntimeError(f"wrk: {done.stderr.strip()}")
    return parse_wrk(name, done.stdout)


_Processes = dict[str, tuple[str, str, float]]


def _cpu_seconds() -> _Processes | None:
    """CPU seconds used so far by each process on the machine (``/proc``, Linux), children that
    ended and were waited for included (a gunicorn worker replaced after ``max_requests``, a
    PostgreSQL backend that closed), by process id: ``(command name, parent id, seconds)``."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    found: _Processes = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # utime, stime, cutime, cstime: fields 14-17 of proc(5), here 11-14
        seconds = sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks
        found[entry.name] = (name, fields[1], seconds)
    return found


def cpu_split(
    before: _Processes | None, after: _Processes | None, master: int
) -> tuple[float | None, float | None]:
    """CPU seconds between two ``_cpu_seconds``: of the web server (its master and workers) and of
    PostgreSQL (every ``postgres`` process: the backends serving it, and its writers and
    autovacuum). Each is the sum over its processes afterwards less the sum before: a process that
    ended in between was counted whole into its parent's, so what it had used before is taken off
    with the sum before."""
    if before is None or after is None:
        return None, None

    def sums(found: _Processes) -> tuple[float, float]:
        web = db = 0.0
        for pid, (name, parent, seconds) in found.items():
            if pid == str(master) or parent == str(master):
                web += seconds
            elif name.startswith("postgres"):
                db += seconds
        return web, db

    (web_before, db_before), (web_after, db_after) = sums(before), sums(after)
    return web_after - web_before, db_after - db_before


def answers(log: Path) -> str:
    """What the server answered, by method and status, from its access log."""
    found: dict[str, int] = {}
    for match in re.finditer(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3})', log.read_text()):
        method, path, status = match.groups()
        if path != "/readyz":
            key = f"{method} {status}"
            found[key] = found.get(key, 0) + 1
    return ", ".join(f"{key}: {count:,}" for key, count in sorted(found.items()))


def lua_strings(values: list[str]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def scripts(folder: Path, prepared: Prepared, threads: int) -> dict[str, Path]:
    """The wrk scripts: the caseworker's token; the cases cycled through; the POST spread so that
    no case gets two (each wrk thread takes every ``threads``-th id)."""
    auth = f'wrk.headers["Authorization"] = "Bearer {prepared.token}"\n'

    def cycled(prefix: str) -> str:
        return (
            f"local ids = {lua_strings(prepared.case_ids)}\nlocal n = 0\n"
            + "request = function()\n  n = n + 1\n"
            + f'  return wrk.format("GET", "{prefix}" .. ids[(n % #ids) + 1])\nend\n'
        )

    made = {
        "signed_in": auth,  # the same request each time (the list, /me)
        "case": auth + cycled("/api/v1/applications/"),
        # the bare app's reads of one case by key, over the same cases (no token: no sign-in)
        "row_driver": cycled("/row/driver/"),
        "row_orm": cycled("/row/orm/"),
    }
    body = json.dumps(ASSESSMENT, ensure_ascii=False)
    for name, ids in (("post_warmup", prepared.warmup_ids), ("post", prepared.post_ids)):
        made[name] = (
            auth
            + 'wrk.headers["Content-Type"] = "application/json"\n'
            + f"local body = [==[{body}]==]\nlocal ids = {lua_strings(ids)}\n"
            + "local counter = 0\n"
            + "function setup(thread)\n  thread:set('tid', counter)\n  counter = counter + 1\nend\n"
            + "local n = 0\nrequest = function()\n"
            + f"  local i = n * {threads} + tid + 1\n  n = n + 1\n"
            + "  if i > #ids then i = ((i - 1) % #ids) + 1 end\n"
            + '  return wrk.format("POST", "/api/v1/applications/" .. ids[i] .. "/events", nil, '
            + "body)\nend\n"
        )
    paths = {}
    for name, source in made.items():
        paths[name] = folder / f"{name}.lua"
        paths[name].write_text(source)
    return paths


# --- the plans ---------------------------------------------------------------------------------------


def query_plans(app: Flask, prepared: Prepared) -> tuple[str, list[str]]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every read of the hot requests, captured as they run
    (SQLAlchemy's before_cursor_execute) and explained on the bench database afterwards; and the
    sequential scans of big tables found in them (they should be none)."""
    captured: list[tuple[str, str, Any]] = []
    label = ["", ""]

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        # The reads, and those that carry their audit rows in a WITH (rolled back after EXPLAIN).
        if label[0] and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((label[0], statement, parameters))

    with app.app_context():
        engine = db.engine()
        event.listen(engine, "before_cursor_execute", capture)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {prepared.token}"}
        try:
            label[0] = "The case as JSON: GET /api/v1/applications/{id} (a caseworker)"
            client.get(f"/api/v1/applications/{prepared.case_ids[0]}", headers=headers)
            label[0] = "The 20-row list: GET /api/v1/applications?limit=20 (a caseworker)"
            client.get("/api/v1/applications?limit=20", headers=headers)
            label[0] = "The caseworker's queue, first page (work_queue.caseworker_queue)"
            with Session(engine) as session:
                user = session.exec(select(User).where(User.email == CASEWORKER)).one()
                work_queue.caseworker_queue(session, user)
                session.rollback()
            label[0] = "The reminder pass: the cases due (notifications.create_due, nothing due)"
            with Session(engine) as session:
                notifications.create_due(session, clock.now())
                session.rollback()
        finally:
            label[0] = ""
            event.remove(engine, "before_cursor_execute", capture)
        sections: dict[str, list[str]] = {}
        scans: list[str] = []
        with engine.connect() as connection:
            for name, statement, parameters in captured:
                plan = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                ).scalars()
                lines = "\n".join(plan)
                for table in BIG_TABLES:
                    if re.search(rf'Seq Scan on "?{table}"?\b', lines):
                        scans.append(f"{name}: Seq Scan on {table}")
                sections.setdefault(name, []).append(
                    f"```sql\n{statement.strip()}\n```\n\n```\n{lines}\n```\n"
                )
            connection.rollback()
    body = "\n".join(f"## {name}\n\n" + "\n".join(parts) for name, parts in sections.items())
    return body, scans


# --- the report ------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    with admin_connection() as connection:
        row = connection.execute("SHOW server_version").fetchone()
        version = str(row[0]) if row else "unknown"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    gunicorn = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "postgresql": version,
        "python": platform.python_version(),
        "gunicorn": gunicorn.rsplit(" ", 1)[-1].rstrip(")"),
        "load average": load,
    }


def table(bare: Result, results: list[Result]) -> list[str]:
    lines = [
        "| measurement | req/s | x bare Flask | p50 ms | p99 ms | errors | CPU ms/request: web + "
        "database | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in [bare, *results]:
        ratio = result.rps / bare.rps if bare.rps else 0.0
        target = ""
        if result.name in TARGETS:
            met = ratio >= TARGETS[result.name] and result.p99_ms <= P99_TARGET_MS
            target = (
                f"{'met' if met else 'MISSED'} (>= {TARGETS[result.name]:.2f}x, "
                f"p99 <= {P99_TARGET_MS:.0f} ms)"
            )
        cpu = "-"
        if result.web_cpu_ms is not None and result.db_cpu_ms is not None:
            cpu = f"{result.web_cpu_ms:.2f} + {result.db_cpu_ms:.2f}"
        lines.append(
            f"| {result.name} | {result.rps:,.0f} | {ratio:.2f} | {result.p50_ms:.1f} | "
            f"{result.p99_ms:.1f} | {result.errors} | {cpu} | {target} |"
        )
    return lines


NAMES = {
    "bare": "bare Flask `GET /`",
    "row_driver": "bare Flask, one case by its key through psycopg `GET /row/driver/{id}`",
    "row_orm": "bare Flask, one case by its key through SQLModel `GET /row/orm/{id}`",
    "health": "Fortrin without the database `GET /healthz`",
    "me": "the token check alone `GET /api/v1/me`",
    "case": "case JSON `GET /api/v1/applications/{id}`",
    "list": "20-row list `GET /api/v1/applications?limit=20`",
    "post": "event POST `POST /api/v1/applications/{id}/events`",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="fortrin_bench")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="WEB_CONCURRENCY, for both apps (default 2, as in issue 12's measurement; 0: "
        "gunicorn.conf.py's 2 x cores + 1)",
    )
    parser.add_argument("--threads", type=int, help="FORTRIN_WEB_THREADS (default: 1, sync)")
    parser.add_argument(
        "--posts", type=int, default=6_000, help="fresh cases for the POSTs (warm-up included)"
    )
    parser.add_argument("--fresh", action="store_true", help="load the database again")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/*.md")
    parser.add_argument("--port", type=int, default=18_700)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        say("wrk is missing: apt-get install -y wrk (Debian/Ubuntu) or brew install wrk")
        return 2

    started = datetime.now(UTC)
    about = machine()
    loaded = ensure_loaded(args.database, args.cases, args.seed, args.fresh)
    app = bench_app(args.database)
    say(f"preparing a token and {args.posts:,} fresh cases for the POSTs")
    prepared = prepare(app, args.posts)
    say("the reminder pass")
    reminder = reminder_pass(app)
    say("the query plans")
    plans, scans = query_plans(app, prepared)
    with app.app_context():
        db.engine().dispose()

    env = server_env(args.database)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["FORTRIN_WEB_THREADS"] = str(args.threads)
    measure = {"duration": args.duration, "connections": args.connections}
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="fortrin-bench-") as folder:
        lua = scripts(Path(folder), prepared, args.wrk_threads)

        def run(
            name: str, url: str, script: Path | None, master: int, warm: Path | None = None
        ) -> Result:
            say(f"wrk: {NAMES[name]} ({args.warmup} s warm-up, {args.duration} s)")
            wrk(name, url, warm or script, args.warmup, args.connections, args.wrk_threads)
            before = _cpu_seconds()
            result = wrk(name, url, script, args.duration, args.connections, args.wrk_threads)
            web, database = cpu_split(before, _cpu_seconds(), master)
            if web is not None and database is not None and result.requests:
                result.web_cpu_ms = web * 1000 / result.requests
                result.db_cpu_ms = database * 1000 / result.requests
            return result

        with serving("bare_app:app", env, args.port, Path(folder) / "bare.log") as (base, pid):
            bare = run("bare", f"{base}/", None, pid)
            # What one read of a case by its key costs, by psycopg alone and through the ORM.
            results.append(run("row_driver", base, lua["row_driver"], pid))
            results.append(run("row_orm", base, lua["row_orm"], pid))
        log = Path(folder) / "fortrin.log"
        with serving(None, env, args.port + 1, log) as (base, pid):
            # Two yardsticks of Fortrin's own: what every request costs before it reads anything
            # (the app's hooks and headers), and what every API call costs (the token's check).
            results.append(run("health", f"{base}/healthz", None, pid))
            results.append(run("me", f"{base}/api/v1/me", lua["signed_in"], pid))
            results.append(run("case", base, lua["case"], pid))
            results.append(
                run("list", f"{base}/api/v1/applications?limit=20", lua["signed_in"], pid)
            )
            results.append(run("post", base, lua["post"], pid, lua["post_warmup"]))
        statuses = answers(log)
        workers = env.get("WEB_CONCURRENCY") or f"{2 * (os.cpu_count() or 1) + 1} (2 x cores + 1)"
        threads = env.get("FORTRIN_WEB_THREADS") or "1"

    rows = table(bare, results)
    due = reminder["due_counts"]
    passes = [
        f"- reminder pass, nothing due: {reminder['idle_ms']:.0f} ms (median of 3)",
        f"- reminder pass, 1,000 cases due: {reminder['due_ms']:.0f} ms "
        f"(created {due.get('created')}, sent {due.get('sent')}, failed {due.get('failed')})",
    ]
    with app.app_context(), Session(db.engine()) as session:
        total = session.exec(select(func.count()).select_from(Application)).one()
        events = int(
            session.connection()
            .execute(text("SELECT count(*) FROM application_event"))
            .scalar_one()
        )
        open_here = session.exec(
            select(func.count())
            .select_from(Application)
            .where(
                col(Application.handling_jobcentre_code) == JOBCENTRE,
                col(Application.state).not_in([str(state) for state in pa.TERMINAL]),
                ~and_(  # a window that ran out reads as closed (pa.effective_state)
                    col(Application.state) == pa.State.OPINION_WINDOW,
                    col(Application.opinion_due) < clock.today(),
                ),
            )
        ).one()
        db.engine().dispose()
    lines = [
        f"Fortrin benchmark, {started:%Y-%m-%d %H:%M} UTC.",
        "",
        "- Machine: " + "; ".join(f"{k} {v}" for k, v in about.items()),
        f"- Data: {total:,} cases ({args.cases:,} synthetic, seed {args.seed}, plus the fresh cases "
        f"of the POSTs), {events:,} timeline entries; Jobcenter København has {open_here:,} "
        f"open cases.",
        f"- Servers: gunicorn.conf.py, {workers} workers, {threads} thread(s) each, on loopback; "
        f"wrk {args.wrk_threads} threads, {measure['connections']} connections, "
        f"{args.warmup} s warm-up then {measure['duration']} s per measurement.",
        "",
        *rows,
        "",
        *passes,
    ]
    lines += ["", f"- {loaded}"]
    lines += ["", "Fortrin's answers (its access log, warm-ups included): " + statuses + "."]
    if scans:
        lines += [
            "",
            "Sequential scans of big tables in the hot queries:",
            *(f"- {x}" for x in scans),
        ]
    report = "\n".join(lines)
    print(report)
    if not args.no_docs:
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        (docs / "bench.md").write_text(
            "# Benchmark\n\nThe last output of `make bench` (`scripts/bench`; see its docstring for "
            "what is measured and how). Other processes on the machine at the time change the "
            "numbers; the load average says how busy it was when the run began.\n\n"
            + report
            + "\n",
            encoding="utf-8",
        )
        (docs / "query-plans.md").write_text(
            "# Query plans of the hot requests\n\n"
            f"Captured by `make bench` on {started:%Y-%m-%d} from real requests on the bench "
            f"database ({total:,} cases), as a caseworker of Jobcenter København, and explained "
            "with `EXPLAIN (ANALYZE, BUFFERS)`. They should use indexes, never a sequential scan "
            "of a big table; `scripts/bench` lists any it finds"
            + (": " + "; ".join(scans) if scans else " (none in this run)")
            + ".\n\n"
            + plans,
            encoding="utf-8",
        )
        readme = ROOT / "README.md"
        section = re.compile(r"<!-- bench:start -->.*?<!-- bench:end -->", re.DOTALL)
        current = readme.read_text(encoding="utf-8")
        if section.search(current):
            replacement = f"<!-- bench:start -->\n{report}\n<!-- bench:end -->"
            readme.write_text(section.sub(lambda _m: replacement, current), encoding="utf-8")
        say("wrote docs/bench.md, docs/query-plans.md and the README's benchmark section")
    return 0


if __name__ == "__main__":
    sys.exit(main())
