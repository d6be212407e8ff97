"""Issue 12, point 4: the production web server is gunicorn, configured in ``gunicorn.conf.py``.

The configuration loads, takes its sizes from the environment, and its access log never holds a
secret: no query string (the queue's ``?soeg=`` may carry a name or a CPR number), no Referer, no
Authorization or Cookie header, and no calendar-feed key or card code from a path.
"""

from __future__ import annotations

import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("WEB_CONCURRENCY", "FORTRIN_WEB_THREADS", "FORTRIN_WEB_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_the_configuration_is_valid() -> None:
    checked = subprocess.run(
        [GUNICORN, "--check-config", "-c", str(CONFIG)],
        cwd=ROOT,
        env={**os.environ, "FORTRIN_SECRET_KEY": "x" * 32, "FORTRIN_DATABASE_URL": "sqlite://"},
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_sizes_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    default = config(monkeypatch)
    assert default["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert default["worker_class"] == "sync"
    assert default["bind"] == ["127.0.0.1:8000"]
    assert default["wsgi_app"] == "fortrin:create_app()"
    assert default["preload_app"] is True
    assert default["max_requests"] > 0 and default["max_requests_jitter"] > 0
    chosen = config(
        monkeypatch, WEB_CONCURRENCY="3", FORTRIN_WEB_THREADS="4", FORTRIN_WEB_BIND="0.0.0.0:9000"
    )
    assert (chosen["workers"], chosen["threads"], chosen["worker_class"]) == (3, 4, "gthread")
    assert chosen["bind"] == ["0.0.0.0:9000"]


def test_the_access_log_format_has_no_query_string_referer_or_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_format = config(monkeypatch)["access_log_format"]
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(u)s", "}i)s", "}o)s", "}e)s"):
        assert atom not in log_format


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[str, Path]]:
    """Fortrin under gunicorn.conf.py (one worker) on a free port, with its output in a file."""
    database = tmp_path / "fortrin.sqlite3"
    shutil.copy(sqlite_template, database)
    port = free_port()
    output = tmp_path / "gunicorn.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORTRIN_")}
    env |= {
        "FORTRIN_ENV": "development",
        "FORTRIN_SECRET_KEY": "test-secret-key-for-gunicorn-0123456789",
        "FORTRIN_DATABASE_URL": f"sqlite:///{database}",
        "FORTRIN_WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    with output.open("w") as handle:
        process = subprocess.Popen(
            [GUNICORN, "-c", str(CONFIG)], cwd=ROOT, env=env, stdout=handle, stderr=handle
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                assert process.poll() is None, output.read_text()
                time.sleep(0.1)
        yield base, output
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(url: str, headers: dict[str, str] | None = None) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_access_log_keeps_no_secret(served: tuple[str, Path]) -> None:
    base, output = served
    secret_headers = {
        "Authorization": "Bearer header-secret-token",
        "Cookie": "session=cookie-secret",
        "Referer": f"{base}/?soeg=referer-secret-0101",
    }
    assert get(f"{base}/healthz?soeg=query-secret-010190-1234", secret_headers) == 200
    get(f"{base}/calendar/feed-secret-key.ics")
    get(f"{base}/cards/verify/CARD-SECRET-CODE")
    get(f"{base}/api/v1/card-verification/APISECRETCODE")
    time.sleep(0.5)  # the access log is written after the answer
    log = output.read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log
    assert '"GET /calendar/[redacted].ics HTTP/1.1"' in log
    assert '"GET /cards/verify/[redacted] HTTP/1.1"' in log
    assert '"GET /api/v1/card-verification/[redacted] HTTP/1.1"' in log
    assert "secret" not in log.lower().replace("test-secret-key", "")
    assert "010190" not in log
