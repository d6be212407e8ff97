"""Passwords (argon2id), sign-in throttling, API bearer tokens and web sessions (both stored only as
SHA-256), and who the caller is.

- Passwords: argon2-cffi with OWASP's argon2id parameters (19 MiB, 2 iterations, 1 lane) by default;
  at most ``FORTRIN_ARGON2_CONCURRENCY`` hashes run at once per process, so concurrent sign-ins cannot
  exhaust memory. Hashes made with other parameters still verify and are upgraded at sign-in.
- Strength: at least 12 characters and zxcvbn's estimate (score 3 of 4, i.e. >= 10^8 guesses), with
  the user's own e-mail and name counted as guessable.
- Throttling: every attempt is a ``LoginAttempt`` row (the e-mail only as a keyed hash), so the count
  holds across every worker process: 5 failures for one e-mail, or 20 from one address, within 15
  minutes give 429 ``rate_limited`` with ``Retry-After``.
- Known and unknown e-mails cost the same: one argon2 verification each (an unknown e-mail is checked
  against a dummy hash made once per process).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from sqlalchemy import Engine, String, bindparam, delete, update
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from fortrin import clock
from fortrin.db import statement
from fortrin.errors import DomainError, Unauthenticated
from fortrin.i18n import N_
from fortrin.models import ApiToken, LoginAttempt, User, UserSession

ROLES = ("admin", "caseworker", "employer", "applicant")

PASSWORD_MIN_LENGTH = 12  # OWASP ASVS 2.1.1
PASSWORD_MAX_LENGTH = 200
PASSWORD_MIN_SCORE = 3  # zxcvbn: "safely unguessable", >= 10^8 guesses
_ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are judged
TOO_SHORT = N_("skal være mindst 12 tegn")
TOO_GUESSABLE = N_(
    "er for let at gætte: undgå almindelige ord, navne, e-mailen, datoer og tal i rækkefølge; "
    "brug fx fire tilfældige ord"
)

SIGNIN_WINDOW = timedelta(minutes=15)
SIGNIN_EMAIL_LIMIT = 5
SIGNIN_ADDRESS_LIMIT = 20
ATTEMPTS_KEPT = timedelta(days=1)
TOKENS_KEPT_AFTER_EXPIRY = timedelta(days=1)
SESSIONS_KEPT_AFTER_END = timedelta(days=1)
WRONG_CREDENTIALS = "Forkert e-mail eller adgangskode."


class RateLimited(DomainError):
    """Too many failed sign-ins: 429 with ``Retry-After`` (seconds)."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            f"For mange mislykkede forsøg på at logge ind. Prøv igen om {minutes} minutter."
        )
        self.retry_after = retry_after
        self.minutes = minutes


# --- argon2 --------------------------------------------------------------------------------------

_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_dummies: dict[tuple[int, int], str] = {}
_zxcvbn_lock = threading.Lock()


def _parameters() -> tuple[int, int]:
    config = current_app.config
    return int(config["FORTRIN_ARGON2_TIME_COST"]), int(config["FORTRIN_ARGON2_MEMORY_KIB"])


def _hasher() -> PasswordHasher:
    time_cost, memory_kib = _parameters()
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


@contextmanager
def _argon2_slot() -> Iterator[None]:
    """One of the process's ``FORTRIN_ARGON2_CONCURRENCY`` hashing slots: argon2 takes its memory
    for every run, so the number at once bounds the process's memory (4 x 19 MiB by default)."""
    size = max(1, int(current_app.config.get("FORTRIN_ARGON2_CONCURRENCY", 4)))
    with _lock:
        slot = _slots.setdefault(size, threading.BoundedSemaphore(size))
    with slot:
        yield


def hash_password(password: str) -> str:
    with _argon2_slot():
        return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _argon2_slot():
            return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Made with other parameters than the current ones (an older setting, or argon2's own)."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def dummy_hash() -> str:
    """A hash of a random password with the current parameters, made once per process: an unknown
    e-mail is verified against it, so it costs what a known one does."""
    key = _parameters()
    with _lock:
        known = _dummies.get(key)
    if known is None:
        known = hash_password(secrets.token_urlsafe(16))
        with _lock:
            known = _dummies.setdefault(key, known)
    return known


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """Why the password may not be used (Danish, for the ``password`` field), or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return TOO_SHORT
    words = {"fortrin", "fortrinsadgang", "adgangskode", "password"}
    for value in user_inputs:
        if value:
            lowered = value.lower()
            words.add(lowered)
            words.update(part for part in _split(lowered) if len(part) >= 3)
    with _zxcvbn_lock:  # zxcvbn keeps the user inputs in a module-level dictionary
        result: dict[str, Any] = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=sorted(words))
    if int(result["score"]) < PASSWORD_MIN_SCORE:
        return TOO_GUESSABLE
    return None


def _split(value: str) -> list[str]:
    for separator in "@.-_+ ":
        value = value.replace(separator, " ")
    return value.split()


# --- sign-in -------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_key(email: str) -> str:
    """The keyed hash of the e-mail that the attempts are counted by (never the e-mail itself)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def client_address() -> str:
    """The caller's address for throttling. Behind ``FORTRIN_TRUSTED_PROXIES`` reverse proxies it is
    the entry of ``X-Forwarded-For`` the outermost trusted proxy added (entries further left are the
    client's own say and could be forged); without proxies, the connection's address."""
    proxies = int(current_app.config.get("FORTRIN_TRUSTED_PROXIES", 0))
    address = request.remote_addr or "unknown"
    if proxies > 0:
        forwarded = [
            part.strip()
            for header in request.headers.getlist("X-Forwarded-For")
            for part in header.split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            address = forwarded[-proxies]
    return address[:64]


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Exactly one argon2 verification whether the
    e-mail is known or not; a hash made with older parameters is upgraded."""
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.add(user)
        db.flush()
    return user


def _failures(
    db: Session, condition: Any, since: datetime, limit: int, exclude: int | None
) -> list[datetime]:
    rows = db.exec(
        select(LoginAttempt.at)
        .where(condition, col(LoginAttempt.at) > since, col(LoginAttempt.succeeded).is_(False))
        .where(col(LoginAttempt.id) != (exclude or 0))
        .order_by(col(LoginAttempt.at).desc())
        .limit(limit)
    ).all()
    return list(rows)


def _retry_after(db: Session, key: str, address: str, now: datetime, own: int | None) -> int:
    """Seconds until a sign-in for this e-mail from this address may be tried, or 0."""
    since = now - SIGNIN_WINDOW
    last_success = db.exec(
        select(LoginAttempt.at)
        .where(LoginAttempt.email_key == key, col(LoginAttempt.succeeded).is_(True))
        .where(col(LoginAttempt.at) > since)
        .order_by(col(LoginAttempt.at).desc())
        .limit(1)
    ).first()
    email_since = max(since, last_success) if last_success is not None else since
    waits = [0.0]
    for condition, start, limit in (
        (LoginAttempt.email_key == key, email_since, SIGNIN_EMAIL_LIMIT),
        (LoginAttempt.address == address, since, SIGNIN_ADDRESS_LIMIT),
    ):
        failures = _failures(db, condition, start, limit, own)
        if len(failures) >= limit:  # the oldest of the last ``limit`` must age out first
            waits.append((failures[limit - 1] + SIGNIN_WINDOW - now).total_seconds())
    return math.ceil(max(waits))


def sign_in(db: Session, email: str, password: str, address: str) -> User:
    """The user with these credentials, counted against the limits; raises ``RateLimited`` (before
    any hashing) or ``Unauthenticated``. The attempt is committed before the password is checked,
    so concurrent attempts on other workers see it: no burst gets past the limits."""
    now = clock.now()
    key = email_key(email)
    attempt = LoginAttempt(at=now, email_key=key, address=address[:64], succeeded=False)
    db.add(attempt)
    db.commit()
    wait = _retry_after(db, key, attempt.address, now, attempt.id)
    if wait > 0:
        # A refused attempt is not a failure: a flood of them does not extend the wait.
        db.delete(attempt)
        db.commit()
        raise RateLimited(wait)
    user = authenticate(db, email, password)
    if user is None:
        raise Unauthenticated(WRONG_CREDENTIALS)
    attempt.succeeded = True
    db.add(attempt)
    db.flush()
    return user


# --- tokens and web sessions ---------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: Session, user: User) -> tuple[str, ApiToken]:
    """A new bearer token for the user; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    issued = clock.now()
    record = ApiToken(
        user_id=user.id,
        token_hash=token_digest(token),
        created_at=issued,
        expires_at=issued + timedelta(hours=int(current_app.config["FORTRIN_TOKEN_HOURS"])),
    )
    db.add(record)
    db.flush()
    return token, record


def user_for_token(db: Session, token: str) -> User:
    """The token's user, with the token, in one query (every API call asks this first)."""
    query = statement(
        "token",
        lambda: (
            select(ApiToken, User)
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(col(ApiToken.token_hash) == bindparam("token_hash", type_=String()))
        ),
    )
    found = db.exec(query, params={"token_hash": token_digest(token)}).first()
    if found is None:
        raise Unauthenticated("Ugyldigt eller udløbet adgangstoken.")
    record, user = found
    if record.revoked_at is not None or record.expires_at <= clock.now() or not user.active:
        raise Unauthenticated("Ugyldigt eller udløbet adgangstoken.")
    g.api_token = record
    return user


def bearer_user(db: Session) -> User:
    """The API caller, from ``Authorization: Bearer <token>``; cookies are never looked at."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Log ind: send 'Authorization: Bearer <token>'.")
    return user_for_token(db, token.strip())


def start_session(db: Session, user: User) -> str:
    """A new web session: the random id goes in the (signed) cookie, only its SHA-256 is kept."""
    session_id = secrets.token_urlsafe(32)
    now = clock.now()
    db.add(
        UserSession(
            id_hash=token_digest(session_id), user_id=user.id, created_at=now, last_seen_at=now
        )
    )
    db.flush()
    return session_id


def session_user(db: Session, session_id: str | None, user_id: str) -> User | None:
    """The active user of a web session that was started and not ended, or None."""
    if not session_id or not isinstance(session_id, str):
        return None
    row = db.get(UserSession, token_digest(session_id))
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    lifetime = current_app.permanent_session_lifetime
    if row.created_at + lifetime <= clock.now():  # no older than the cookie's own signature allows
        return None
    user = db.get(User, user_id)
    return user if user is not None and user.active else None


def end_session(db: Session, session_id: str | None) -> None:
    if not session_id or not isinstance(session_id, str):
        return
    row = db.get(UserSession, token_digest(session_id))
    if row is not None and row.ended_at is None:
        row.ended_at = clock.now()
        db.add(row)
        db.flush()


def revoke_access(db: Session, user_id: str) -> None:
    """End every token and web session of the user at once (deactivation, a new role or scope, a new
    password). They stay ended: reactivation needs a fresh sign-in."""
    now = clock.now()
    db.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    db.exec(
        update(UserSession)
        .where(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
        .values(ended_at=now)
    )
    db.flush()


def purge_expired(engine: Engine, now: datetime) -> dict[str, int]:
    """Forget what no longer protects anything: sign-in attempts after a day, tokens a day after
    they expired, web sessions a day after they ended or once their cookie can no longer be valid.
    Run by the reminder pass."""
    lifetime = current_app.permanent_session_lifetime
    with Session(engine) as db:
        counts = {
            "login_attempts": db.exec(
                delete(LoginAttempt).where(col(LoginAttempt.at) < now - ATTEMPTS_KEPT)
            ).rowcount,
            "api_tokens": db.exec(
                delete(ApiToken).where(col(ApiToken.expires_at) < now - TOKENS_KEPT_AFTER_EXPIRY)
            ).rowcount,
            "user_sessions": db.exec(
                delete(UserSession).where(
                    (col(UserSession.ended_at) < now - SESSIONS_KEPT_AFTER_END)
                    | (col(UserSession.created_at) < now - lifetime - SESSIONS_KEPT_AFTER_END)
                )
            ).rowcount,
        }
        db.commit()
    return counts
