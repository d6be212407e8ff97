"""CPR numbers encrypted at rest, still findable by an exact match (GDPR art. 32; issue 9, point 4).

The number is encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography``
library) under ``FORTRIN_CPR_KEYS``: a comma-separated list of keys, the first encrypts and all
decrypt (``MultiFernet``), so a key is rotated by putting a new one first and running
``flask --app fortrin cpr rotate``, then removing the old one. An exact-match index is a keyed
HMAC-SHA256 of the digits under ``FORTRIN_CPR_INDEX_KEY``; the same command recomputes it.

Production refuses to run without both keys. Elsewhere (development, tests) they are derived from
the service's secret key, so a developer needs nothing to set up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from fortrin import config


class MissingKey(RuntimeError):
    """A production service without its CPR keys."""


def _settings() -> dict[str, Any]:
    if has_app_context():
        return dict(current_app.config)
    return config.from_environment()


def _derived(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"fortrin:{purpose}:{secret}".encode()).digest()


def _keys(settings: dict[str, Any]) -> tuple[list[bytes], bytes]:
    raw = str(settings.get("FORTRIN_CPR_KEYS") or "")
    index = str(settings.get("FORTRIN_CPR_INDEX_KEY") or "")
    if raw and index:
        return [key.strip().encode() for key in raw.split(",") if key.strip()], index.encode()
    if settings.get("FORTRIN_ENV") == "production":
        raise MissingKey("FORTRIN_CPR_KEYS and FORTRIN_CPR_INDEX_KEY must be set in production")
    secret = str(settings.get("SECRET_KEY") or settings.get("FORTRIN_SECRET_KEY") or "")
    if not secret:
        raise MissingKey("no secret key to derive the development CPR keys from")
    fernet_key = base64.urlsafe_b64encode(_derived(secret, "cpr-encryption"))
    return [fernet_key], _derived(secret, "cpr-index")


def cipher() -> MultiFernet:
    keys, _index = _keys(_settings())
    return MultiFernet([Fernet(key) for key in keys])


def digits(cpr: str) -> str:
    return "".join(char for char in cpr if char.isdigit())


def cpr_index(cpr: str) -> str:
    """The exact-match index of a CPR number (with or without the hyphen)."""
    _keys_list, index_key = _keys(_settings())
    return hmac.new(index_key, digits(cpr).encode(), hashlib.sha256).hexdigest()


def encrypt(value: str) -> str:
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise MissingKey("a CPR number could not be decrypted with the configured keys") from error


def rotate(token: str) -> str:
    """The token encrypted again under the first key (MultiFernet.rotate)."""
    return cipher().rotate(token.encode()).decode()


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; the application reads and writes plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value)
