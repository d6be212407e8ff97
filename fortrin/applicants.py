"""The jobcentre's registration of an applicant (bek. §5): education, qualifications, and the nature
and extent of the disability. Health data (GDPR art. 9): never shown to an employer.

Who may read: the caseworkers of the applicant's home jobcentre, the caseworkers of a jobcentre that
handles one of the applicant's applications, the applicant, admin. Who may write: the home jobcentre.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from fortrin import audit, clock, crypto, paging
from fortrin.errors import Forbidden, NotFound
from fortrin.models import ApplicantProfile, Application, Municipality, User
from fortrin.validation import validate

Text = Annotated[str, Field(max_length=20000)]


class ProfileUpdate(BaseModel):
    """A PUT replaces the registration, so all four fields are required (each may be empty): a body
    that names none of them must not wipe it."""

    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    education: Text
    qualifications: Text
    disability_nature: Text
    disability_extent: Text


def is_home_caseworker(db: Session, user: User, applicant: User) -> bool:
    if user.role != "caseworker" or not applicant.home_municipality_code:
        return False
    home = db.get(Municipality, applicant.home_municipality_code)
    return home is not None and home.jobcentre_code == user.jobcentre_code


def handles_a_case_of(db: Session, user: User, applicant: User) -> bool:
    """A caseworker whose jobcentre handles a case of the applicant that it still sees (a case
    ended longer ago than FORTRIN_CASEWORKER_ACCESS_DAYS no longer opens the profile)."""
    if user.role != "caseworker":
        return False
    from fortrin.cases import application_scope  # cases imports this module (through cards)

    found = db.exec(
        select(Application.id).where(
            Application.applicant_id == applicant.id, application_scope(user)
        )
    ).first()
    return found is not None


def get_applicant(db: Session, user: User, applicant_id: str) -> User:
    """The applicant, if the caller may see them; else 404."""
    applicant = db.get(User, applicant_id)
    if applicant is None or applicant.role != "applicant":
        raise NotFound("Ansøgeren findes ikke.")
    visible = (
        user.role == "admin"
        or user.id == applicant.id
        or is_home_caseworker(db, user, applicant)
        or handles_a_case_of(db, user, applicant)
    )
    if not visible:
        raise NotFound("Ansøgeren findes ikke.")
    return applicant


def get_profile(db: Session, user: User, applicant_id: str) -> tuple[User, ApplicantProfile | None]:
    """The registration (and the CPR number), to be shown to the caller: the read is audited."""
    applicant = get_applicant(db, user, applicant_id)
    audit.record(db, user, audit.READ, audit.PROFILE, applicant.id, applicant.id)
    return applicant, db.get(ApplicantProfile, applicant.id)


def put_profile(
    db: Session, user: User, applicant_id: str, body: dict[str, Any]
) -> tuple[User, ApplicantProfile]:
    applicant = get_applicant(db, user, applicant_id)
    if not is_home_caseworker(db, user, applicant):
        raise Forbidden("Kun jobcenteret i ansøgerens bopælskommune registrerer oplysningerne.")
    spec = validate(ProfileUpdate, body)
    existing = db.get(ApplicantProfile, applicant.id)
    profile = existing or ApplicantProfile(user_id=applicant.id)
    profile.education = spec.education
    profile.qualifications = spec.qualifications
    profile.disability_nature = spec.disability_nature
    profile.disability_extent = spec.disability_extent
    profile.updated_at = clock.now()
    profile.updated_by = user.id
    db.add(profile)
    action = audit.UPDATE if existing is not None else audit.CREATE
    audit.record(db, user, action, audit.PROFILE, applicant.id, applicant.id)
    db.flush()
    return applicant, profile


CPR_QUERY = re.compile(r"\d{6}-?\d{4}")


def search(
    db: Session, user: User, query: str, limit: int, offset: int, cursor: str | None = None
) -> list[User]:
    """Applicants the caller may see, by name or e-mail, or by an exact CPR number: the home
    jobcentre's caseworkers see those of its area, admins all. (Handling jobcentres reach theirs
    through the cases.)"""
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Kun jobcentre og administratorer kan søge borgere.")
    conditions = [col(User.role) == "applicant"]
    if user.role == "caseworker":
        area = select(Municipality.code).where(Municipality.jobcentre_code == user.jobcentre_code)
        conditions.append(col(User.home_municipality_code).in_(area))
    if CPR_QUERY.fullmatch(query.strip()):
        # The CPR number is encrypted at rest: found by its exact-match index only (crypto.py).
        conditions.append(col(User.cpr_index) == crypto.cpr_index(query))
    elif query.strip():
        pattern = f"%{query.strip().lower()}%"
        conditions.append(
            or_(func.lower(col(User.name)).like(pattern), func.lower(col(User.email)).like(pattern))
        )
    order = (col(User.name), col(User.id))
    found = select(User).where(*conditions)
    return list(
        db.exec(paging.apply(found, order, (str, str), cursor, limit, offset, descending=False))
    )
