"""The card templates: the defaults (data) and the admin's versions, a card's starting point
(001: a card must be cheap to write)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.cards.common import Text, check_scheme_codes
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.models import CardTemplate, User
from fortrin.validation import validate


class TemplateScheme(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    scheme_code: Annotated[str, Field(min_length=1, max_length=60)]
    need: Annotated[str, Field(min_length=1, max_length=2000)]
    pre_approved: bool = False


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text = ""
    job_functions: Text = ""
    schemes: Annotated[list[TemplateScheme], Field(min_length=1, max_length=20)]


TEMPLATES: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "hearing",
        {
            "name": "Hørehandicap",
            "description": "Døve og hørehæmmede: tolkning og tekniske hjælpemidler.",
            "job_functions": "Møder, telefon- og videomøder, undervisning og samarbejde med kolleger.",
            "schemes": [
                {
                    "scheme_code": "interpretation",
                    "need": "Tegnsprogs- eller skrivetolkning ved møder og samtaler.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "assistive_devices",
                    "need": "Teleslynge, lydforstærkning og visuelle alarmer.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "vision",
        {
            "name": "Synshandicap",
            "description": "Blinde og svagsynede: hjælpemidler og personlig assistance.",
            "job_functions": "Læsning af dokumenter og skærmarbejde.",
            "schemes": [
                {
                    "scheme_code": "assistive_devices",
                    "need": "Skærmlæser, forstørrelse, CCTV og lupper.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "personal_assistance",
                    "need": "Hjælp til læsning og orientering.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "mobility",
        {
            "name": "Bevægelseshandicap",
            "description": "Nedsat bevægelighed: indretning af arbejdspladsen og praktisk hjælp.",
            "job_functions": "Kontorarbejde og praktiske opgaver.",
            "schemes": [
                {
                    "scheme_code": "assistive_devices",
                    "need": "Hæve-sænkebord, særlig stol og tilpasset værktøj.",
                    "pre_approved": True,
                },
                {
                    "scheme_code": "personal_assistance",
                    "need": "Praktisk hjælp til løft og transport af materialer.",
                    "pre_approved": False,
                },
            ],
        },
    ),
    (
        "chronic_illness",
        {
            "name": "Kronisk sygdom",
            "description": "Langvarig eller kronisk sygdom med risiko for fravær.",
            "job_functions": "",
            "schemes": [
                {
                    "scheme_code": "sickness_agreement_56",
                    "need": "Refusion af sygedagpenge fra første fraværsdag (§ 56-aftale).",
                    "pre_approved": True,
                },
            ],
        },
    ),
    (
        "new_graduate",
        {
            "name": "Nyuddannet med handicap",
            "description": "Første job efter uddannelsen.",
            "job_functions": "",
            "schemes": [
                {
                    "scheme_code": "icebreaker",
                    "need": "Løntilskud det første år (isbryderordning).",
                    "pre_approved": False,
                },
                {"scheme_code": "mentor", "need": "Mentor i opstarten.", "pre_approved": False},
            ],
        },
    ),
)


def load_templates(db: Session) -> int:
    """Insert the default templates that are missing; never overwrite an admin's version."""
    existing = set(db.exec(select(CardTemplate.code)).all())
    added = 0
    for code, data in TEMPLATES:
        if code not in existing:
            db.add(CardTemplate(code=code, updated_at=clock.now(), **data))
            added += 1
    db.flush()
    return added


def list_templates(db: Session, user: User) -> list[CardTemplate]:
    if user.role not in ("caseworker", "admin"):
        raise Forbidden("Skabeloner er for jobcentre og administratorer.")
    return list(db.exec(select(CardTemplate).order_by(col(CardTemplate.name))).all())


def put_template(db: Session, user: User, code: str, body: dict[str, Any]) -> CardTemplate:
    if user.role != "admin":
        raise Forbidden("Kun administratorer vedligeholder skabeloner.")
    if not code or len(code) > 60 or not code.replace("_", "").isalnum():
        raise ValidationFailed({"code": "kun bogstaver, tal og _"})
    spec = validate(TemplateIn, body)
    check_scheme_codes(db, [s.scheme_code for s in spec.schemes])
    template = db.get(CardTemplate, code) or CardTemplate(code=code, name=spec.name)
    template.name = spec.name
    template.description = spec.description
    template.job_functions = spec.job_functions
    template.schemes = [s.model_dump() for s in spec.schemes]
    template.updated_at = clock.now()
    template.updated_by = user.id
    db.add(template)
    db.flush()
    return template
