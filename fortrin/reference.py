"""Reference data: municipalities, jobcentres and the bek. §7 routing table.

``load_reference_data`` runs on every ``db upgrade``: it inserts what is missing and never overwrites
what an administrator changed. Administrators change the routing table and the jobcentre mapping
through ``set_neighbour`` and ``set_jobcentre``; each change is logged in ``reference_change``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib import resources

from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.cards import load_templates
from fortrin.errors import NotFound, ValidationFailed
from fortrin.models import Jobcentre, Municipality, ReferenceChange, User
from fortrin.registry import load_rates, load_schemes


def _rows(name: str) -> Iterator[dict[str, str]]:
    with resources.files("fortrin.data").joinpath(name).open(encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load_reference_data(db: Session) -> dict[str, int]:
    """Insert missing jobcentres, municipalities (with routing) and schemes. Idempotent."""
    jobcentre_of: dict[str, str] = {}
    known_jobcentres = set(db.exec(select(Jobcentre.code)).all())
    added_jobcentres = 0
    for row in _rows("jobcentres.csv"):
        for municipality_code in row["municipality_codes"].split():
            jobcentre_of[municipality_code] = row["code"]
        if row["code"] not in known_jobcentres:
            db.add(Jobcentre(code=row["code"], name=row["name"]))
            added_jobcentres += 1
    db.flush()

    neighbours = {row["code"]: row for row in _rows("designated_neighbour_default.csv")}
    known_municipalities = set(db.exec(select(Municipality.code)).all())
    added_municipalities = 0
    for row in _rows("municipalities.csv"):
        if row["code"] in known_municipalities:
            continue
        neighbour = neighbours[row["code"]]
        db.add(
            Municipality(
                code=row["code"],
                name=row["name"],
                region_code=row["region_code"],
                region_name=row["region_name"],
                jobcentre_code=jobcentre_of[row["code"]],
                neighbour_jobcentre_code=jobcentre_of[neighbour["designated_neighbour_code"]],
                neighbour_basis=(
                    f"Standard (ikke ministeriets oversigt): {neighbour['designated_neighbour_name']}"
                    f" — {neighbour['basis']}"
                ),
            )
        )
        added_municipalities += 1
    db.flush()
    added_schemes = load_schemes(db)
    db.flush()
    added_rates = load_rates(db)
    added_templates = load_templates(db)
    return {
        "jobcentres": added_jobcentres,
        "municipalities": added_municipalities,
        "schemes": added_schemes,
        "rates": added_rates,
        "card_templates": added_templates,
    }


def list_municipalities(db: Session) -> list[Municipality]:
    return list(db.exec(select(Municipality).order_by(Municipality.code)).all())


def get_municipality(db: Session, code: str) -> Municipality:
    municipality = db.get(Municipality, code)
    if municipality is None:
        raise NotFound("Kommunen findes ikke.")
    return municipality


def list_jobcentres(db: Session) -> list[tuple[Jobcentre, list[str]]]:
    served: dict[str, list[str]] = {}
    for municipality in list_municipalities(db):
        served.setdefault(municipality.jobcentre_code, []).append(municipality.code)
    jobcentres = db.exec(select(Jobcentre).order_by(Jobcentre.code)).all()
    return [(jobcentre, served.get(jobcentre.code, [])) for jobcentre in jobcentres]


def jobcentre_exists(db: Session, code: str) -> bool:
    return db.get(Jobcentre, code) is not None


def _change(
    db: Session, actor: User, municipality: Municipality, field: str, new: str, reason: str
) -> Municipality:
    """Set one routing field of a municipality and log who changed it, when, from what, to what."""
    old = getattr(municipality, field)
    if old == new:
        return municipality
    setattr(municipality, field, new)
    db.add(municipality)
    db.add(
        ReferenceChange(
            at=clock.now(),
            actor_id=actor.id,
            entity="municipality",
            entity_key=municipality.code,
            field=field,
            old_value=old,
            new_value=new,
            reason=reason,
        )
    )
    db.flush()
    return municipality


def set_neighbour(
    db: Session, actor: User, code: str, neighbour_jobcentre_code: str, reason: str
) -> Municipality:
    """Change the bek. §7 routing of one municipality (admin)."""
    municipality = get_municipality(db, code)
    if not jobcentre_exists(db, neighbour_jobcentre_code):
        raise ValidationFailed({"neighbour_jobcentre_code": "jobcenteret findes ikke"})
    if neighbour_jobcentre_code == municipality.jobcentre_code:
        raise ValidationFailed(
            {"neighbour_jobcentre_code": "må ikke være kommunens eget jobcenter (bek. § 7)"}
        )
    if neighbour_jobcentre_code != municipality.neighbour_jobcentre_code:
        municipality.neighbour_basis = f"Ændret af administrator: {reason}"
    return _change(
        db, actor, municipality, "neighbour_jobcentre_code", neighbour_jobcentre_code, reason
    )


def set_jobcentre(
    db: Session, actor: User, code: str, jobcentre_code: str, reason: str
) -> Municipality:
    """Change which jobcentre serves a municipality (admin)."""
    municipality = get_municipality(db, code)
    if not jobcentre_exists(db, jobcentre_code):
        raise ValidationFailed({"jobcentre_code": "jobcenteret findes ikke"})
    if jobcentre_code == municipality.neighbour_jobcentre_code:
        raise ValidationFailed(
            {
                "jobcentre_code": "er kommunens nabojobcenter efter bek. § 7; skift først "
                "nabojobcenteret"
            }
        )
    return _change(db, actor, municipality, "jobcentre_code", jobcentre_code, reason)


def list_changes(db: Session) -> list[ReferenceChange]:
    return list(
        db.exec(
            select(ReferenceChange).order_by(
                col(ReferenceChange.at).desc(), col(ReferenceChange.id).desc()
            )
        ).all()
    )
