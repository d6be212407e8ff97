"""What the parts of the card service share: the verification code, the citizen's home
jobcentre (which writes their conversations and cards) and the check of scheme codes."""

from __future__ import annotations

import secrets
from typing import Annotated

from pydantic import Field
from sqlmodel import Session

from fortrin.applicants import is_home_caseworker
from fortrin.errors import Conflict, Forbidden, ValidationFailed
from fortrin.models import Municipality, User
from fortrin.registry import known_scheme_codes

# Crockford's base32 without look-alikes: a code people can read off paper and type.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
Text = Annotated[str, Field(max_length=20000)]


def verification_code() -> str:
    """80 random bits as four groups of four: unguessable, and typable from a printed card."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def home_jobcentre_of(db: Session, applicant: User) -> str:
    home = db.get(Municipality, applicant.home_municipality_code or "")
    if home is None:
        raise Conflict("Ansøgeren har ingen bopælskommune registreret.", "no_home_municipality")
    return home.jobcentre_code


def require_home_caseworker(db: Session, user: User, applicant: User) -> None:
    if not is_home_caseworker(db, user, applicant):
        raise Forbidden("Kun jobcenteret i borgerens bopælskommune skriver samtaler og kort.")


def check_scheme_codes(db: Session, codes: list[str], field: str = "schemes") -> None:
    known = known_scheme_codes(db)
    problems = {
        f"{field}.{i}.scheme_code": "ukendt ordning"
        for i, code in enumerate(codes)
        if code not in known
    }
    if problems:
        raise ValidationFailed(problems)
