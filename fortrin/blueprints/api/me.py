"""The caller's own things: notifications and the calendar feed."""

from __future__ import annotations

from flask import Response, request

from fortrin import db, feeds, notifications
from fortrin.blueprints.api import bp, caller, page_args, render
from fortrin.blueprints.api.spec import QueryParam, api_route
from fortrin.errors import ValidationFailed
from fortrin.presenters import FeedOut, NotificationOut, notification_out


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
    ),
)
def my_notifications() -> Response:
    limit, offset = page_args()
    unread = request.args.get("unread", "false")
    if unread not in ("true", "false"):
        raise ValidationFailed({"unread": "skal være true eller false"})
    rows = notifications.for_user(db.session(), caller(), limit, offset, unread == "true")
    return render([notification_out(n) for n in rows])


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
        return render(notification_out(notifications.mark_read(session, caller(), notification_id)))


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
