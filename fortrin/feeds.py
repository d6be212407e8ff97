"""iCalendar (RFC 5545) documents: each user's secret feed and single interview invitations.

The feed holds the caller's visible cases: one timed event per interview (with location; a reschedule
bumps SEQUENCE, an interview that will not take place is STATUS:CANCELLED) and one all-day event per
deadline. UIDs are stable, so calendar clients update events instead of duplicating them. Nothing about
health is ever in an event.

The feed URL's token is HMAC-SHA256(secret key, feed_key) with a random ``feed_key`` per user: the URL
can be shown again, only the token's SHA-256 is stored, and rotating the key kills the old URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from fortrin import clock
from fortrin.cases import application_scope
from fortrin.models import Application, ApplicationEvent, CalendarFeed, Organisation, User, Vacancy
from fortrin.workflows import preferential_access as pa

log = logging.getLogger(__name__)

INTERVIEW_LENGTH = timedelta(hours=1)
HORIZON = timedelta(days=60)  # how far back the feed reaches


def _token(feed_key: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"calendar:{feed_key}".encode(), hashlib.sha256).hexdigest()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(db: Session, user: User, rotate: bool = False) -> str:
    feed = db.get(CalendarFeed, user.id)
    if feed is None or rotate:
        feed = feed or CalendarFeed(user_id=user.id, feed_key="", token_hash="")
        feed.feed_key = secrets.token_hex(32)
        feed.token_hash = _digest(_token(feed.feed_key))
        feed.created_at = clock.now()
        db.add(feed)
        db.flush()
    base = str(current_app.config["FORTRIN_BASE_URL"]).rstrip("/")
    return f"{base}/feeds/calendar/{_token(feed.feed_key)}.ics"


def user_for_token(db: Session, token: str) -> User | None:
    if len(token) != 64:
        return None
    feed = db.exec(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))).first()
    if feed is None or not hmac.compare_digest(_token(feed.feed_key), token):
        return None
    user = db.get(User, feed.user_id)
    return user if user is not None and user.active else None


@dataclass(frozen=True)
class CaseEvents:
    application: Application
    vacancy: Vacancy
    organisation: Organisation | None
    applicant: User
    schedulings: int
    held: bool


def _case_events(db: Session, applications: list[Application]) -> list[CaseEvents]:
    ids = [a.id for a in applications]
    counts: dict[tuple[str, str], int] = {}
    if ids:
        rows = db.exec(
            select(ApplicationEvent.application_id, ApplicationEvent.type, func.count())
            .where(
                col(ApplicationEvent.application_id).in_(ids),
                col(ApplicationEvent.type).in_(["interview_scheduled", "interview_held"]),
            )
            .group_by(col(ApplicationEvent.application_id), col(ApplicationEvent.type))
        ).all()
        counts = {(row[0], row[1]): int(row[2]) for row in rows}
    result = []
    for application in applications:
        vacancy = db.get(Vacancy, application.vacancy_id)
        applicant = db.get(User, application.applicant_id)
        assert vacancy is not None and applicant is not None
        result.append(
            CaseEvents(
                application=application,
                vacancy=vacancy,
                organisation=db.get(Organisation, vacancy.organisation_id),
                applicant=applicant,
                schedulings=counts.get((application.id, "interview_scheduled"), 0),
                held=counts.get((application.id, "interview_held"), 0) > 0,
            )
        )
    return result


# UIDs must never change, or every subscribed calendar would duplicate its events: so they depend
# on nothing configurable (not the host name, not the mail domain).
UID_DOMAIN = "fortrin"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Fortrin//Fortrinsadgang//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Fortrin")
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    if method:
        calendar.add("method", method)
    return calendar


def _link(application_id: str) -> str:
    return (
        f"{str(current_app.config['FORTRIN_BASE_URL']).rstrip('/')}/applications/{application_id}"
    )


def interview_event(case: CaseEvents, viewer: User, now: datetime) -> Event | None:
    application = case.application
    if application.interview_starts_at is None:
        return None
    today = clock.local(now).date()
    state = pa.effective_state(application.state, application.opinion_due, today)
    cancelled = not case.held and state not in (pa.State.INTERVIEW_SCHEDULED,)
    start = clock.local(application.interview_starts_at)
    event = Event()
    event.add("uid", f"interview-{application.id}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + INTERVIEW_LENGTH)
    title = case.vacancy.title
    who = "" if viewer.id == case.applicant.id else f" med {case.applicant.name}"
    event.add("summary", f"Ansættelsessamtale{who}: {title}")
    if application.interview_location:
        event.add("location", application.interview_location)
    organisation = case.organisation.name if case.organisation else ""
    event.add("description", f"{title}, {organisation}.\n{_link(application.id)}")
    event.add("url", _link(application.id))
    event.add("sequence", max(case.schedulings - 1, 0) + (1 if cancelled else 0))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def deadline_event(case: CaseEvents, now: datetime) -> Event | None:
    due = case.application.opinion_due
    if due is None:
        return None
    event = Event()
    event.add("uid", f"deadline-opinion-{case.application.id}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", f"Sidste frist for anmodning til Ankestyrelsen: {case.vacancy.title}")
    event.add(
        "description",
        "Sidste dag for at bede Ankestyrelsen om en udtalelse om afslaget (lov om kompensation til "
        f"handicappede i erhverv § 17 a, stk. 3).\n{_link(case.application.id)}",
    )
    event.add("url", _link(case.application.id))
    event.add("transp", "TRANSPARENT")
    return event


def feed(db: Session, user: User, now: datetime) -> bytes:
    """The user's feed: interviews and deadlines of the cases they may see."""
    since_instant = now - HORIZON
    since_day: date = clock.local(since_instant).date()
    applications = list(
        db.exec(
            select(Application)
            .where(
                application_scope(user),
                or_(
                    col(Application.interview_starts_at) >= since_instant,
                    col(Application.opinion_due) >= since_day,
                ),
            )
            .order_by(col(Application.created_at))
        ).all()
    )
    calendar = _calendar()
    for case in _case_events(db, applications):
        for make in (
            lambda c=case: interview_event(c, user, now),
            lambda c=case: deadline_event(c, now),
        ):
            component = _robustly(make, case.application.id)
            if component is not None:
                calendar.add_component(component)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _robustly(make: Callable[[], Event | None], application_id: str) -> Event | None:
    """One event of the feed, or None if its dates cannot be rendered (an instant at the end of the
    calendar, stored before the service kept dates within 1900-2100): one bad case must never take
    away everyone's feed. Logged by the case's id only."""
    try:
        component = make()
        if component is not None:
            component.to_ical()  # render now, so a failure is this event's and not the feed's
        return component
    except (OverflowError, ValueError) as error:
        log.warning(
            "calendar feed: left out an event of case %s (%s)",
            application_id,
            error.__class__.__name__,
        )
        return None


def invitation(db: Session, user: User, application: Application, now: datetime) -> bytes | None:
    """A METHOD:REQUEST invitation to one interview, organised by the employer, for the applicant."""
    [case] = _case_events(db, [application])
    event = _robustly(lambda: interview_event(case, user, now), application.id)
    if event is None:
        return None
    organiser = db.get(User, case.vacancy.created_by) if case.vacancy.created_by else None
    if organiser is not None:
        address = vCalAddress(f"mailto:{organiser.email}")
        address.params["cn"] = vText(organiser.name)
        event.add("organizer", address)
    attendee = vCalAddress(f"mailto:{case.applicant.email}")
    attendee.params["cn"] = vText(case.applicant.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    event.add("attendee", attendee)
    calendar = _calendar("REQUEST")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
