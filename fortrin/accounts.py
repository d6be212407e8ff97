"""Users and organisations: creation with validation, shared by the CLI and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlmodel import Session, select

from fortrin import clock
from fortrin.errors import Conflict, NotFound, ValidationFailed, fields_from
from fortrin.models import Jobcentre, Municipality, Organisation, User
from fortrin.security import hash_password, normalise_email

PUBLIC_FUNDING_THRESHOLD = Decimal("0.5")
PASSWORD_MIN = 8

Code3 = Annotated[str, Field(pattern=r"^\d{3}$")]


Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Email
    password: Annotated[str, Field(min_length=PASSWORD_MIN, max_length=200)]
    role: Literal["admin", "caseworker", "employer", "applicant"]
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


def create_user(db: Session, **data: object) -> User:
    spec = _validated(UserCreate, data)
    problems: dict[str, str] = {}
    needs = {
        "caseworker": "jobcentre_code",
        "employer": "organisation_id",
        "applicant": "home_municipality_code",
    }
    for field_name in ("jobcentre_code", "organisation_id", "home_municipality_code"):
        given = getattr(spec, field_name) is not None
        if needs.get(spec.role) == field_name and not given:
            problems[field_name] = f"skal udfyldes for rollen {spec.role}"
        elif needs.get(spec.role) != field_name and given:
            problems[field_name] = f"bruges ikke for rollen {spec.role}"
    if spec.cpr is not None and spec.role != "applicant":
        problems["cpr"] = "bruges kun for ansøgere"
    if spec.jobcentre_code and db.get(Jobcentre, spec.jobcentre_code) is None:
        problems["jobcentre_code"] = "jobcenteret findes ikke"
    if spec.organisation_id and db.get(Organisation, spec.organisation_id) is None:
        problems["organisation_id"] = "organisationen findes ikke"
    if spec.home_municipality_code and db.get(Municipality, spec.home_municipality_code) is None:
        problems["home_municipality_code"] = "kommunen findes ikke"
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
