"""The jobcentre's report on conversations, cards and the fast track (001, domain.md section 11)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.errors import Forbidden, ValidationFailed
from fortrin.models import (
    CardScheme,
    CompensationCard,
    Conversation,
    Employment,
    FastTrackTask,
    Jobcentre,
    User,
)


def report(db: Session, user: User, jobcentre: str, start: date, end: date) -> dict[str, Any]:
    if user.role not in ("caseworker", "admin") or (
        user.role == "caseworker" and user.jobcentre_code != jobcentre
    ):
        raise Forbidden("Rapporten er for jobcenterets egne sagsbehandlere og administratorer.")
    if db.get(Jobcentre, jobcentre) is None:
        raise ValidationFailed({"jobcentre": "jobcenteret findes ikke"})
    if end < start:
        raise ValidationFailed({"to": "skal ligge efter from"})
    first = clock.local_start(start)
    after = clock.local_start(end + timedelta(days=1))
    conversations = db.exec(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.jobcentre_code == jobcentre,
            col(Conversation.held_on) >= start,
            col(Conversation.held_on) <= end,
        )
    ).one()
    issued = list(
        db.exec(
            select(CompensationCard.id).where(
                CompensationCard.jobcentre_code == jobcentre,
                col(CompensationCard.issued_at) >= first,
                col(CompensationCard.issued_at) < after,
            )
        ).all()
    )
    pre_approvals = (
        db.exec(
            select(func.count())
            .select_from(CardScheme)
            .where(col(CardScheme.card_id).in_(issued), col(CardScheme.pre_approved).is_(True))
        ).one()
        if issued
        else 0
    )
    own_cards = select(CompensationCard.id).where(CompensationCard.jobcentre_code == jobcentre)
    employments = db.exec(
        select(func.count())
        .select_from(Employment)
        .where(
            col(Employment.card_id).in_(own_cards),
            col(Employment.starts_on) >= start,
            col(Employment.starts_on) <= end,
        )
    ).one()
    tasks = list(
        db.exec(
            select(FastTrackTask)
            .join(Employment, col(Employment.id) == col(FastTrackTask.employment_id))
            .where(
                col(FastTrackTask.card_id).in_(own_cards),
                col(Employment.starts_on) >= start,
                col(Employment.starts_on) <= end,
            )
        ).all()
    )
    return {
        "jobcentre": jobcentre,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "conversations": int(conversations),
        "cards_issued": len(issued),
        "cards_per_conversation": round(len(issued) / conversations, 3) if conversations else None,
        "pre_approvals": int(pre_approvals),
        "employments": int(employments),
        "fast_track_tasks": len(tasks),
        "fast_track_on_time": sum(
            1 for t in tasks if t.done_on is not None and t.done_on <= t.due_on
        ),
    }
