"""Users and organisations: creation with validation, shared by the CLI and the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from fortrin import audit, clock, paging
from fortrin.errors import Conflict, NotFound, ValidationFailed, fields_from
from fortrin.models import Jobcentre, Municipality, Organisation, User
from fortrin.security import (
    PASSWORD_MAX_LENGTH,
    hash_password,
    normalise_email,
    password_problem,
    revoke_access,
)

PUBLIC_FUNDING_THRESHOLD = Decimal("0.5")
Role = Literal["admin", "caseworker", "employer", "applicant"]
# The field each role must have (and no other role may have).
SCOPE_OF_ROLE = {
    "caseworker": "jobcentre_code",
    "employer": "organisation_id",
    "applicant": "home_municipality_code",
}
SCOPE_FIELDS = ("jobcentre_code", "organisation_id", "home_municipality_code")
ROLE_KEPT = "en ansøgers konto skifter ikke rolle, og en medarbejder bliver ikke ansøger: opret en ny bruger"

Code3 = Annotated[str, Field(pattern=r"^\d{3}$")]


Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Email
    # Strength (at least 12 characters, zxcvbn) is checked with the user's e-mail and name at hand.
    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH)]
    role: Role
    name: Annotated[str, Field(max_length=200)] | None = None
    jobcentre_code: Code3 | None = None
    organisation_id: Annotated[str, Field(max_length=32)] | None = None
    home_municipality_code: Code3 | None = None
    cpr: Annotated[str, Field(pattern=r"^\d{6}-?\d{4}$")] | None = None


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    # bek. §4: only public employers are bound by preferential access; private ones are refused.
    kind: Literal[
        "municipality", "region", "municipal_partnership", "state_institution", "publicly_funded"
    ]
    municipality_code: Code3 | None = None
    cvr: Annotated[str, Field(pattern=r"^\d{8}$")] | None = None
    public_funding_share: Annotated[Decimal, Field(ge=0, le=1)] | None = None
    top_official_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    top_official_email: Email | None = None

    @field_validator("public_funding_share")
    @classmethod
    def _share_precision(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.0001"))


M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], data: dict[str, object]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(fields_from(error)) from error


def _scope_problems(db: Session, role: str, scope: dict[str, str | None]) -> dict[str, str]:
    """The role's own field must be given and exist; the other roles' fields must not be given."""
    problems: dict[str, str] = {}
    for field_name in SCOPE_FIELDS:
        given = scope.get(field_name) is not None
        if SCOPE_OF_ROLE.get(role) == field_name and not given:
            problems[field_name] = f"skal udfyldes for rollen {role}"
        elif SCOPE_OF_ROLE.get(role) != field_name and given:
            problems[field_name] = f"bruges ikke for rollen {role}"
    jobcentre, organisation, municipality = (scope.get(name) for name in SCOPE_FIELDS)
    if jobcentre and "jobcentre_code" not in problems and db.get(Jobcentre, jobcentre) is None:
        problems["jobcentre_code"] = "jobcenteret findes ikke"
    if organisation and db.get(Organisation, organisation) is None:
        problems.setdefault("organisation_id", "organisationen findes ikke")
    if municipality and db.get(Municipality, municipality) is None:
        problems.setdefault("home_municipality_code", "kommunen findes ikke")
    return problems


def create_user(db: Session, /, **data: object) -> User:
    spec = _validated(UserCreate, data)
    problems = _scope_problems(db, spec.role, spec.model_dump(include=set(SCOPE_FIELDS)))
    if spec.cpr is not None and spec.role != "applicant":
        problems["cpr"] = "bruges kun for ansøgere"
    weak = password_problem(spec.password, [spec.email, spec.name])
    if weak:
        problems["password"] = weak
    if problems:
        raise ValidationFailed(problems)
    email = normalise_email(spec.email)
    if db.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("Der findes allerede en bruger med den e-mail.", "email_taken")
    user = User(
        email=email,
        name=spec.name or email.split("@")[0],
        password_hash=hash_password(spec.password),
        role=spec.role,
        jobcentre_code=spec.jobcentre_code,
        organisation_id=spec.organisation_id,
        home_municipality_code=spec.home_municipality_code,
        cpr=spec.cpr,
        created_at=clock.now(),
    )
    db.add(user)
    db.flush()
    return user


# --- the user lifecycle --------------------------------------------------------------------------


class UserUpdate(BaseModel):
    """``PATCH /api/v1/users/{id}``: only the fields given change. A new role takes its own field
    (a caseworker's jobcentre, an employer's organisation); the old role's field is cleared."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    active: StrictBool | None = None
    role: Role | None = None
    jobcentre_code: Code3 | None = None
    organisation_id: Annotated[str, Field(max_length=32)] | None = None


class Preferences(BaseModel):
    """``PATCH /api/v1/me``: the caller's own choices. The language is that of the pages, and of
    the notices and e-mails the service writes to them from then on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    language: Literal["da", "en"]


def set_preferences(db: Session, user_id: str, data: dict[str, object]) -> User:
    spec = _validated(Preferences, data)
    choose_language(db, user_id, spec.language)
    return get_user(db, user_id)


def choose_language(db: Session, user_id: str, language: str) -> None:
    """Keep a person's language (None is Danish, the default). Not audited: it is no one's data
    but their own choice, and it changes nothing they may see."""
    if language not in ("da", "en"):
        raise ValidationFailed({"language": "vælg da eller en"})
    user = db.get(User, user_id)
    if user is not None and (user.language or "da") != language:
        user.language = None if language == "da" else language
        db.add(user)
        db.flush()


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Annotated[str, Field(max_length=PASSWORD_MAX_LENGTH)]


def get_user(db: Session, user_id: str) -> User:
    user = db.get(User, user_id) if len(user_id) <= 32 else None
    if user is None:
        raise NotFound("Brugeren findes ikke.")
    return user


def user_by_email(db: Session, email: str) -> User:
    user = db.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise NotFound("Der findes ingen bruger med den e-mail.")
    return user


def list_users(
    db: Session,
    email: str | None,
    role: str | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[list[User], int]:
    conditions = []
    if email:
        conditions.append(col(User.email) == normalise_email(email))
    if role:
        conditions.append(col(User.role) == role)
    total = db.exec(select(func.count()).select_from(User).where(*conditions)).one()
    order = (col(User.created_at), col(User.id))
    query = select(User).where(*conditions)
    users = db.exec(paging.apply(query, order, (datetime, str), cursor, limit, offset)).all()
    return list(users), int(total)


def _other_active_admins(db: Session, user: User) -> int:
    return int(
        db.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.role) == "admin", col(User.active).is_(True), col(User.id) != user.id)
        ).one()
    )


def update_user(db: Session, actor: User | None, user_id: str, data: dict[str, object]) -> User:
    """Deactivate or reactivate, change role or scope (``actor``: the admin, None for the command
    line). Any change of who the user is or what they may see ends all their tokens and web sessions
    at once; reactivation revives none of them. Each change is in the audit trail."""
    user = get_user(db, user_id)
    spec = _validated(UserUpdate, data)
    given = spec.model_fields_set
    if not given:
        raise ValidationFailed({"body": "angiv active, role, jobcentre_code eller organisation_id"})
    problems: dict[str, str] = {
        name: "må ikke være null"
        for name in ("active", "role")
        if name in given and getattr(spec, name) is None
    }
    if problems:
        raise ValidationFailed(problems)
    role = spec.role or user.role
    if role != user.role and "applicant" in (role, user.role):
        # A citizen's account holds their cases and health data; staff accounts are other people.
        raise ValidationFailed({"role": ROLE_KEPT})
    scope: dict[str, str | None] = {}
    for name in SCOPE_FIELDS:
        current = getattr(user, name) if role == user.role else None
        scope[name] = getattr(spec, name) if name in given else current
    problems = _scope_problems(db, role, scope)
    if problems:
        raise ValidationFailed(problems)
    active = user.active if spec.active is None else spec.active
    leaves_admins = user.role == "admin" and user.active and (role != "admin" or not active)
    if leaves_admins and _other_active_admins(db, user) == 0:
        raise Conflict(
            "Den sidste aktive administrator kan ikke deaktiveres eller skifte rolle.",
            "last_admin",
        )
    changed_scope = role != user.role or any(scope[n] != getattr(user, n) for n in SCOPE_FIELDS)
    if changed_scope or (user.active and not active):
        revoke_access(db, user.id)
    changes = []
    if active != user.active:
        changes.append("activated" if active else "deactivated")
    if changed_scope:
        changes.append(
            f"role={role} " + " ".join(f"{n}={scope[n]}" for n in SCOPE_FIELDS if scope[n])
        )
    if changes:
        audit.record(db, actor, audit.UPDATE, audit.USER, user.id, user.id, "; ".join(changes))
    user.role = role
    for name in SCOPE_FIELDS:
        setattr(user, name, scope[name])
    user.active = active
    db.add(user)
    db.flush()
    return user


def set_active(db: Session, actor: User | None, user_id: str, active: bool) -> User:
    return update_user(db, actor, user_id, {"active": active})


def reset_password(db: Session, actor: User | None, user_id: str, data: dict[str, object]) -> User:
    """A new password chosen by an admin; every token and web session of the user ends."""
    user = get_user(db, user_id)
    spec = _validated(PasswordReset, data)
    problem = password_problem(spec.password, [user.email, user.name])
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = hash_password(spec.password)
    revoke_access(db, user.id)
    audit.record(db, actor, audit.UPDATE, audit.USER, user.id, user.id, "password_reset")
    db.add(user)
    db.flush()
    return user


def create_organisation(db: Session, **data: object) -> Organisation:
    spec = _validated(OrganisationCreate, data)
    problems: dict[str, str] = {}
    if spec.kind == "publicly_funded" and (
        spec.public_funding_share is None or spec.public_funding_share < PUBLIC_FUNDING_THRESHOLD
    ):
        # bek. §4 nr. 3: at least 50 % of expenses covered by public grants.
        problems["public_funding_share"] = (
            "skal være mindst 0,5: fortrinsadgang gælder kun arbejdsgivere, hvis udgifter mindst "
            "halvt dækkes af offentlige tilskud (bek. § 4)"
        )
    if spec.kind == "municipality" and spec.municipality_code is None:
        problems["municipality_code"] = "skal udfyldes for en kommune"
    if spec.municipality_code and db.get(Municipality, spec.municipality_code) is None:
        problems["municipality_code"] = "kommunen findes ikke"
    if problems:
        raise ValidationFailed(problems)
    organisation = Organisation(
        name=spec.name,
        kind=spec.kind,
        municipality_code=spec.municipality_code,
        cvr=spec.cvr,
        public_funding_share=spec.public_funding_share,
        top_official_name=spec.top_official_name,
        top_official_email=spec.top_official_email,
        created_at=clock.now(),
    )
    db.add(organisation)
    db.flush()
    return organisation


class TopOfficialUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    top_official_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    top_official_email: Email | None = None


def set_top_official(db: Session, organisation_id: str, data: dict[str, object]) -> Organisation:
    """The organisation's øverste ledelse, who gets a copy of a breach (kompensationslov § 17 a
    stk. 4). Only the fields given change; null clears one."""
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("Organisationen findes ikke.")
    spec = _validated(TopOfficialUpdate, data)
    if not spec.model_fields_set:
        raise ValidationFailed({"top_official_name": "angiv top_official_name og/eller _email"})
    for name in spec.model_fields_set:
        setattr(organisation, name, getattr(spec, name))
    db.add(organisation)
    db.flush()
    return organisation
