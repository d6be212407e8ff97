"""Employment and the fast track (000, core element 4): one grant task per pre-approved scheme,
and a caseworker's open card work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.cards.card import (
    card_schemes,
    effective_state,
    find_card,
    record_change,
    require_card_jobcentre,
)
from fortrin.errors import Conflict, NotFound, ValidationFailed
from fortrin.models import CompensationCard, Employment, FastTrackTask, User
from fortrin.validation import validate


class EmploymentIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=True)

    employer_name: Annotated[str, Field(min_length=1, max_length=200)]
    starts_on: date


def record_employment(db: Session, user: User, card_id: str, body: dict[str, Any]) -> Employment:
    """A concrete employment opens the fast track: one grant task per pre-approved scheme, each due
    ``starts_on + max_days`` (000, core element 4)."""
    card = find_card(db, user, card_id)
    require_card_jobcentre(user, card)
    state = effective_state(card, clock.today())
    if state != "issued":
        raise Conflict(f"Kortet er ikke gyldigt (status '{state}').", "card_not_valid")
    spec = validate(EmploymentIn, body)
    employment = Employment(
        card_id=card.id,
        employer_name=spec.employer_name,
        starts_on=spec.starts_on,
        created_at=clock.now(),
        created_by=user.id,
    )
    db.add(employment)
    db.flush()
    due = spec.starts_on + timedelta(days=card.fast_track_max_days)
    for scheme in card_schemes(db, card):
        if scheme.pre_approved:
            assert employment.id is not None
            db.add(
                FastTrackTask(
                    employment_id=employment.id,
                    card_id=card.id,
                    scheme_code=scheme.scheme_code,
                    due_on=due,
                )
            )
    record_change(db, user, card, "employment")
    db.flush()
    return employment


def tasks_of(db: Session, card: CompensationCard) -> list[FastTrackTask]:
    return list(
        db.exec(
            select(FastTrackTask)
            .where(FastTrackTask.card_id == card.id)
            .order_by(col(FastTrackTask.id))
        ).all()
    )


def employments_of(db: Session, card: CompensationCard) -> list[Employment]:
    return list(db.exec(select(Employment).where(Employment.card_id == card.id)).all())


class TaskDoneIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    done_on: date | None = None


def complete_task(db: Session, user: User, task_id: int, body: dict[str, Any]) -> FastTrackTask:
    task = db.get(FastTrackTask, task_id)
    if task is None:
        raise NotFound("Opgaven findes ikke.")
    card = find_card(db, user, task.card_id)
    require_card_jobcentre(user, card)
    if task.done_on is not None:
        raise Conflict("Opgaven er allerede færdig.", "invalid_transition")
    spec = validate(TaskDoneIn, body)
    done_on = spec.done_on or clock.today()
    if done_on > clock.today():
        raise ValidationFailed({"done_on": "må ikke ligge i fremtiden"})
    task.done_on = done_on
    task.done_by = user.id
    db.add(task)
    record_change(db, user, card, "fast_track_task_done")
    db.flush()
    return task


def open_work(db: Session, user: User) -> tuple[list[CompensationCard], list[FastTrackTask]]:
    """A caseworker's card work: its jobcentre's draft cards and open fast-track grants by due date."""
    if user.role != "caseworker":
        return [], []
    drafts = list(
        db.exec(
            select(CompensationCard)
            .where(
                CompensationCard.jobcentre_code == user.jobcentre_code,
                CompensationCard.state == "draft",
                col(CompensationCard.erased_at).is_(None),
            )
            .order_by(col(CompensationCard.created_at))
        ).all()
    )
    own = select(CompensationCard.id).where(CompensationCard.jobcentre_code == user.jobcentre_code)
    tasks = list(
        db.exec(
            select(FastTrackTask)
            .where(col(FastTrackTask.card_id).in_(own), col(FastTrackTask.done_on).is_(None))
            .order_by(col(FastTrackTask.due_on))
        ).all()
    )
    return drafts, tasks
