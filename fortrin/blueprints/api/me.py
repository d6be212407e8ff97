"""The caller's own things: notifications, the calendar feed, and everything the service holds about
them (GDPR art. 15)."""

from __future__ import annotations

from datetime import datetime

from flask import Response, request
from pydantic import BaseModel
from sqlmodel import Session, col, select

from fortrin import audit, clock, db, feeds, notifications
from fortrin.blueprints.api import bp, caller, cursor_arg, page_args, paged, render
from fortrin.blueprints.api.cards import CardOut, ConversationOut, card_out, conversation_out
from fortrin.blueprints.api.spec import CURSOR_QUERY, QueryParam, api_route
from fortrin.errors import ValidationFailed
from fortrin.models import (
    ApiToken,
    ApplicantProfile,
    Application,
    CalendarFeed,
    CompensationCard,
    Conversation,
    Notification,
    User,
    UserSession,
)
from fortrin.presenters import (
    ApplicationOut,
    AuditEventOut,
    CalendarFeedMetaOut,
    FeedOut,
    Instant,
    NotificationOut,
    ProfileOut,
    SessionMetaOut,
    TokenMetaOut,
    UserRecordOut,
    application_out,
    audit_event_out,
    calendar_feed_meta_out,
    notification_out,
    profile_out,
    session_meta_out,
    token_meta_out,
    user_record_out,
)


@api_route(
    bp,
    "/me/notifications",
    "GET",
    "The caller's notifications, newest first",
    "me",
    response=NotificationOut,
    many=True,
    query=(
        QueryParam("unread", {"type": "boolean"}, "only those not marked as read"),
        QueryParam("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "page size"),
        QueryParam("offset", {"type": "integer", "minimum": 0}, "items to skip"),
        CURSOR_QUERY,
    ),
)
def my_notifications() -> Response:
    limit, offset = page_args()
    unread = request.args.get("unread", "false")
    if unread not in ("true", "false"):
        raise ValidationFailed({"unread": "skal være true eller false"})
    rows = notifications.for_user(
        db.session(), caller(), limit, offset, unread == "true", cursor_arg()
    )
    shown: list[BaseModel] = [notification_out(n, caller().language) for n in rows]
    return paged(shown, None, notifications.next_cursor(rows, limit))


@api_route(
    bp,
    "/me/notifications/<int:notification_id>/read",
    "POST",
    "Mark a notification as read",
    "me",
    response=NotificationOut,
    errors=(404,),
)
def read_notification(notification_id: int) -> Response:
    with db.unit_of_work() as session:
        read = notifications.mark_read(session, caller(), notification_id)
        return render(notification_out(read, caller().language))


@api_route(
    bp,
    "/me/calendar-feed",
    "GET",
    "The absolute URL of the caller's secret iCalendar feed (created on first use)",
    "me",
    response=FeedOut,
)
def calendar_feed() -> Response:
    with db.unit_of_work() as session:
        return render(FeedOut(url=feeds.feed_url(session, caller())))


@api_route(
    bp,
    "/me/calendar-feed/rotate",
    "POST",
    "Replace the feed's secret: the old URL stops working",
    "me",
    response=FeedOut,
)
def rotate_calendar_feed() -> Response:
    with db.unit_of_work() as session:
        return render(FeedOut(url=feeds.feed_url(session, caller(), rotate=True)))


class DataExportOut(BaseModel):
    """Everything the service holds about the caller, as one document (GDPR art. 15). For an
    applicant: the bek. § 5 registration with the disability and the CPR number, their cases with the
    timelines, their compensation cards and conversations. For everyone: the user record, the
    notifications, whether a calendar feed exists, the API tokens and web sign-ins (never a hash or a
    secret), who read or changed their data (``audit_about_you``) and what they did themself
    (``audit_by_you``)."""

    generated_at: Instant
    user: UserRecordOut
    profile: ProfileOut | None
    applications: list[ApplicationOut]
    compensation_cards: list[CardOut]
    conversations: list[ConversationOut]
    notifications: list[NotificationOut]
    calendar_feed: CalendarFeedMetaOut
    api_tokens: list[TokenMetaOut]
    web_sessions: list[SessionMetaOut]
    audit_about_you: list[AuditEventOut]
    audit_by_you: list[AuditEventOut]


@api_route(
    bp,
    "/me/data-export",
    "GET",
    "Everything the service holds about the caller, including who read or changed it (GDPR art. "
    "15); the export itself is recorded in the audit trail",
    "me",
    response=DataExportOut,
)
def data_export() -> Response:
    user = caller()
    with db.unit_of_work() as session:  # the export is audited; its row is in the export itself
        audit.record(session, user, audit.EXPORT, audit.USER, user.id, user.id)
        return render(export_of(session, user, clock.now()))


def export_of(session: Session, user: User, now: datetime) -> DataExportOut:
    applicant = user.role == "applicant"
    return DataExportOut(
        generated_at=now,
        user=user_record_out(user),
        profile=profile_out(user, session.get(ApplicantProfile, user.id)) if applicant else None,
        applications=[
            application_out(session, user, application)
            for application in session.exec(
                select(Application)
                .where(Application.applicant_id == user.id)
                .order_by(col(Application.created_at), col(Application.id))
            ).all()
        ],
        compensation_cards=[
            card_out(session, card)
            for card in session.exec(
                select(CompensationCard)
                .where(CompensationCard.applicant_id == user.id)
                .order_by(col(CompensationCard.created_at))
            ).all()
        ],
        conversations=[
            conversation_out(conversation)
            for conversation in session.exec(
                select(Conversation)
                .where(Conversation.applicant_id == user.id)
                .order_by(col(Conversation.held_on), col(Conversation.created_at))
            ).all()
        ],
        notifications=[
            notification_out(notification, user.language)
            for notification in session.exec(
                select(Notification)
                .where(Notification.recipient_id == user.id)
                .order_by(col(Notification.created_at), col(Notification.id))
            ).all()
        ],
        calendar_feed=calendar_feed_meta_out(session.get(CalendarFeed, user.id)),
        api_tokens=[
            token_meta_out(token)
            for token in session.exec(
                select(ApiToken)
                .where(ApiToken.user_id == user.id)
                .order_by(col(ApiToken.created_at), col(ApiToken.id))
            ).all()
        ],
        web_sessions=[
            session_meta_out(web_session)
            for web_session in session.exec(
                select(UserSession)
                .where(UserSession.user_id == user.id)
                .order_by(col(UserSession.created_at))
            ).all()
        ],
        audit_about_you=[audit_event_out(e, name) for e, name in audit.about(session, user.id)],
        audit_by_you=[audit_event_out(e, name) for e, name in audit.by(session, user.id)],
    )
