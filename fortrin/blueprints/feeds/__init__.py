"""Public iCalendar feeds: the secret in the URL is the only credential (calendar clients send none)."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from fortrin import clock, db, feeds

bp = Blueprint("feeds", __name__, url_prefix="/feeds")


def calendar_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    # Which vacancies someone applied for with preferential access says that they have a
    # disability: kept in no cache, like every signed-in page (calendar clients poll anyway).
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/calendar/<token>.ics")
def calendar(token: str) -> Response:
    session = db.session()
    user = feeds.user_for_token(session, token)
    if user is None:
        abort(404)
    return calendar_response(feeds.feed(session, user, clock.now()), "fortrin.ics")
