"""Web pages: a session sign-in (Flask-Login, CSRF-protected forms, throttled like the API, the
session kept on the server so that signing out ends it) and a home page per role.

The full pages for each user group (DKFDS, WCAG 2.1 AA) are built on this; they go through the same
service functions as the API.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import (
    LoginManager,
    UserMixin,
    login_user,
    logout_user,
)
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from fortrin import cards, db
from fortrin.accounts import choose_language
from fortrin.blueprints.api.cards import verification_out
from fortrin.errors import NotFound, Unauthenticated
from fortrin.i18n import N_
from fortrin.models import User
from fortrin.security import (
    RateLimited,
    client_address,
    dummy_hash,
    end_session,
    session_user,
    sign_in,
    start_session,
)

bp = Blueprint("web", __name__)
SESSION_KEY = "sid"  # the random session id in the signed cookie; the database keeps its SHA-256


@bp.record_once
def _warm_up(state: BlueprintSetupState) -> None:
    """Make the dummy password hash when the app is built, so that not even the first sign-in with
    an unknown e-mail costs more than one with a known one."""
    app = cast(Flask, state.app)
    with app.app_context():
        dummy_hash()


login_manager = LoginManager()
login_manager.login_view = "web.login"
login_manager.login_message = "Log ind for at se siden."


class SessionUser(UserMixin):
    """The signed-in web user; the cookie holds the user's id and the random session id."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return self.user.id


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    """Only a session started at sign-in and not ended (by signing out, deactivation, a new role or
    password): a copied cookie is worth nothing once the session has ended."""
    user = session_user(db.session(), session.get(SESSION_KEY), user_id)
    return SessionUser(user) if user is not None else None


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail", validators=[DataRequired(N_("Skriv din e-mail.")), Length(max=254)]
    )
    password = PasswordField(
        "Adgangskode", validators=[DataRequired(N_("Skriv din adgangskode.")), Length(max=200)]
    )


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, never a scheme-relative ``//host``."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        try:
            with db.unit_of_work() as db_session:
                user = sign_in(
                    db_session, form.email.data or "", form.password.data or "", client_address()
                )
                session_id = start_session(db_session, user)
        except RateLimited as error:
            page = render_template("login.html", form=form, failed=False, wait=error.minutes)
            response = make_response(page, 429)
            response.headers["Retry-After"] = str(error.retry_after)
            return response
        except Unauthenticated:
            failed = True
        else:
            # A fresh session at sign-in. The language is the account's; a first choice made before
            # signing in becomes the account's.
            language = user.language or session.get("lang")
            session.clear()
            if language in ("da", "en"):
                session["lang"] = language
                if user.language is None and language == "en":
                    with db.unit_of_work() as db_session:
                        choose_language(db_session, user.id, language)
            session[SESSION_KEY] = session_id
            login_user(SessionUser(user))
            return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
    status = 401 if failed else (400 if form.errors else 200)
    return render_template("login.html", form=form, failed=failed, wait=None), status


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    with db.unit_of_work() as db_session:
        end_session(db_session, session.get(SESSION_KEY))
    logout_user()
    session.clear()
    return redirect(url_for("web.login"))


@bp.route("/cards/verify/<code>")
def verify_card(code: str) -> ResponseReturnValue:
    """Public: what an employer sees when it scans the card's QR code."""
    session_db = db.session()
    try:
        card = verification_out(session_db, cards.verify(session_db, code))
    except NotFound:
        return render_template("card_verify.html", card=None, code=code), 404
    return render_template("card_verify.html", card=card, code=code)


# The pages register themselves on ``bp``.
from fortrin.blueprints.web import (  # noqa: E402
    admin,
    admin_and_cards,
    breach_register,
    documents,
    pages,
    statistics,
    vacancy_pages,
)

__all__ = [
    "admin",
    "admin_and_cards",
    "bp",
    "breach_register",
    "documents",
    "login_manager",
    "pages",
    "statistics",
    "vacancy_pages",
]
