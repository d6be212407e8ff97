"""Passwords (argon2id), API bearer tokens (stored only as SHA-256) and who the caller is."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from sqlmodel import Session, select

from fortrin import clock
from fortrin.errors import Unauthenticated
from fortrin.models import ApiToken, User

ROLES = ("admin", "caseworker", "employer", "applicant")

# A hash to verify against when the e-mail is unknown, so that timing does not tell which e-mails exist.
_DUMMY_PASSWORD = "fortrin-dummy-password"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=int(config["FORTRIN_ARGON2_TIME_COST"]),
        memory_cost=int(config["FORTRIN_ARGON2_MEMORY_KIB"]),
        parallelism=1,
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        verify_password(hash_password(_DUMMY_PASSWORD), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def normalise_email(email: str) -> str:
    return email.strip().lower()


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
    record = db.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if record is None or record.revoked_at is not None or record.expires_at <= clock.now():
        raise Unauthenticated("Ugyldigt eller udløbet adgangstoken.")
    user = db.get(User, record.user_id)
    if user is None or not user.active:
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
