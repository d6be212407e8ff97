"""The production web server: ``.venv/bin/gunicorn -c gunicorn.conf.py`` (or ``make serve``).

Gunicorn runs ``fortrin:create_app()`` in pre-forked worker processes behind the reverse proxy that
terminates TLS (README, Production). The workers are stateless (sessions, sign-in throttling and the
outbox live in the database), so more of them, on more machines behind a load balancer, is how the
service grows. Settings from the environment:

- ``FORTRIN_WEB_BIND`` (``127.0.0.1:8000``): where to listen; the proxy connects here.
- ``WEB_CONCURRENCY`` (2 x CPU cores + 1): worker processes.
- ``FORTRIN_WEB_THREADS`` (1): threads per worker; more than one uses the ``gthread`` worker.
- ``FORTRIN_FORWARDED_ALLOW_IPS`` (``127.0.0.1,::1``): the proxies whose ``X-Forwarded-Proto`` is
  believed (HTTPS, and so HSTS and secure cookies). ``FORTRIN_TRUSTED_PROXIES`` is the app's own
  setting for the client address of sign-in throttling.
- ``FORTRIN_WEB_TIMEOUT`` (30): seconds a request may take before its worker is replaced.

The access log (stdout) never holds a secret or personal data: the path without its query string
(the queue's ``?soeg=`` may carry a name or a CPR number), with the calendar feed's key and a card's
verification code blanked out; never the Referer (the previous page's address, query included),
the Authorization or Cookie headers, or the user of HTTP Basic auth.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from typing import Any

from gunicorn.glogging import Logger

wsgi_app = "fortrin:create_app()"
bind = [os.environ.get("FORTRIN_WEB_BIND") or "127.0.0.1:8000"]

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("FORTRIN_WEB_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this has its worker replaced (the letters' PDFs take about a
# second); on SIGTERM or a reload, requests under way get graceful_timeout to finish.
timeout = int(os.environ.get("FORTRIN_WEB_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection from the proxy stays open
# Each worker is replaced after about this many requests (a guard against slow leaks), not all at once.
max_requests = 20_000
max_requests_jitter = 2_000

# The app is built once, in the master, and forked: workers start fast and share its memory. No
# database connection is open at that point; each worker opens its own (post_fork below).
preload_app = True
forwarded_allow_ips = os.environ.get("FORTRIN_FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files off the disk

# No control socket (gunicorn 25+): its one default path per user would be shared by every gunicorn
# of the user on the machine; nothing here uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = "info"
# Address, time, "method path protocol", status, bytes, milliseconds, user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Secrets that are part of a path: the key of a calendar feed, a card's verification code.
_SECRET_PATHS = (
    (re.compile(r"^(/calendar/)[^/]+(\.ics)$"), r"\1[redacted]\2"),
    (re.compile(r"^(/cards/verify/)[^/]+$"), r"\1[redacted]"),
    (re.compile(r"^(/api/v1/card-verification/)[^/]+$"), r"\1[redacted]"),
)


class AccessLogger(Logger):
    """Gunicorn's logger with the atoms that could carry a secret made safe: the path (``%(U)s``)
    with path secrets blanked, no query string (``%(q)s``, or in ``%(r)s``), no Referer, no
    request or response headers (``%({...}i)s``, ``%({...}o)s``), no environment, no Basic user."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        found = super().atoms(resp, req, environ, request_time)
        path = str(found.get("U") or "")
        for pattern, replacement in _SECRET_PATHS:
            path = pattern.sub(replacement, path)
        safe = {key: value for key, value in found.items() if not key.startswith("{")}
        safe.update(
            U=path,
            q="-",
            r=f"{found.get('m')} {path} {found.get('H')}",
            f="-",
            u="-",
        )
        return safe


logger_class = AccessLogger


def post_fork(server: Any, worker: Any) -> None:
    """A forked worker must not share the master's database connections: drop the pool (it holds
    none when the app was only built, but this keeps it so whatever the app did at start-up)."""
    app = getattr(server.app, "callable", None)
    engine = getattr(app, "extensions", {}).get("fortrin_engine")
    if engine is not None:
        engine.dispose(close=False)
