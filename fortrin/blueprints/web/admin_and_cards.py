"""The compensation-card pages: the citizen's page, writing a card from a template in one screen, and
the printable card with its QR code; and ``admin_user``, which the admin pages (``admin.py``, the
bek. § 7 routing table among them) call first."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_required
from markupsafe import Markup

from fortrin import applicants, cards, clock, db
from fortrin.blueprints.api.cards import card_out, verification_out, verification_url
from fortrin.blueprints.web import bp, confirm
from fortrin.blueprints.web.pages import signed_in_user
from fortrin.errors import DomainError, NotFound, ValidationFailed
from fortrin.i18n import N_
from fortrin.models import User


def say_refused(prefix: str, error: DomainError) -> None:
    """Tell the user why nothing was saved, in their language where the text is known."""
    fields = getattr(error, "fields", {})
    reasons = "; ".join(gettext(problem) for problem in fields.values()) or gettext(error.message)
    flash(f"{gettext(prefix)} {reasons}", "error")


def admin_user() -> User:
    user = signed_in_user()
    if user.role != "admin":
        abort(403)
    return user


# --- the citizen and the card ----------------------------------------------------------------------


@bp.get("/applicants/<applicant_id>")
@login_required
def applicant_page(applicant_id: str) -> ResponseReturnValue:
    user = signed_in_user()
    with db.unit_of_work() as session:  # commits the audit rows of the reads
        applicant, profile = applicants.get_profile(session, user, applicant_id)
        return render_template(
            "applicant.html",
            applicant=applicant,
            profile=profile,
            home=applicants.is_home_caseworker(session, user, applicant),
            conversations=cards.conversations_of(session, user, applicant_id),
            cards=[card_out(session, c) for c in cards.cards_of(session, user, applicant_id)],
            today=clock.today().isoformat(),
        )


@bp.post("/applicants/<applicant_id>/conversations")
@login_required
def conversation_add(applicant_id: str) -> ResponseReturnValue:
    body = {
        "held_on": request.form.get("held_on") or None,
        "topics": request.form.getlist("topics"),
        "notes": request.form.get("notes", ""),
    }
    try:
        with db.unit_of_work() as session:
            cards.add_conversation(session, signed_in_user(), applicant_id, body)
    except DomainError as error:
        say_refused(N_("Samtalen blev ikke gemt:"), error)
    else:
        flash(gettext("Samtalen er gemt."), "success")
    return redirect(url_for("web.applicant_page", applicant_id=applicant_id))


@bp.route("/cards/new", methods=["GET", "POST"])
@login_required
def card_new() -> ResponseReturnValue:
    """One screen: a template, the conversations already held, a few lines; save as draft or issue."""
    user = signed_in_user()
    session = db.session()
    applicant_id = request.values.get("applicant", "")
    applicant = applicants.get_applicant(session, user, applicant_id)
    if not applicants.is_home_caseworker(session, user, applicant):
        abort(403)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = request.form.to_dict()
        body = {
            "applicant_id": applicant.id,
            "template_code": request.form.get("template_code") or None,
            "conversation_ids": request.form.getlist("conversation_ids"),
            "impairment_summary": request.form.get("impairment_summary", ""),
            "valid_until": request.form.get("valid_until") or None,
            "fast_track": {
                "responsible": request.form.get("responsible", ""),
                "max_days": int(request.form["max_days"])
                if request.form.get("max_days", "").isdigit()
                else None,
            },
        }
        try:
            with db.unit_of_work() as work:
                card = cards.create_card(work, user, body)
                if request.form.get("issue") == "yes":
                    cards.issue(work, user, card.id)
        except ValidationFailed as error:
            errors = error.fields
        except DomainError as error:
            errors = {"template_code": error.message}
        else:
            flash(
                gettext("Kortet er udstedt.")
                if request.form.get("issue") == "yes"
                else gettext("Kladden er gemt."),
                "success",
            )
            return redirect(url_for("web.card_page", card_id=card.id))
    labels = {
        "template_code": ("card-template", "Skabelon"),
        "conversation_ids": ("card-conversations", "Samtaler"),
        "schemes": ("card-template", "Ordninger"),
        "valid_until": ("card-valid-until", "Gyldig til"),
        "fast_track.responsible": ("card-responsible", "Ansvarlig"),
        "fast_track.max_days": ("card-max-days", "Behandlingstid"),
        "impairment_summary": ("card-impairment", "Funktionsnedsættelse"),
    }
    with db.unit_of_work() as work:  # commits the audit rows of the conversations shown
        conversations = cards.conversations_of(work, user, applicant.id)
    return render_template(
        "card_new.html",
        applicant=applicant,
        templates=cards.list_templates(session, user),
        conversations=conversations,
        errors=errors,
        labels=labels,
        values=values,
        default_valid_until=(clock.today() + timedelta(days=365)).isoformat(),
        user=user,
    ), (422 if errors else 200)


@bp.get("/cards/<card_id>")
@login_required
def card_page(card_id: str) -> ResponseReturnValue:
    """The printable card, with its QR code for the employer's check."""
    return _render_card(card_id)


def _render_card(card_id: str, revoke_reason: str = "") -> ResponseReturnValue:
    user = signed_in_user()
    with db.unit_of_work() as session:  # commits the audit row of the read
        card = cards.get_card(session, user, card_id)
    qr = None
    if card.verification_code:
        buffer = io.BytesIO()
        segno.make(verification_url(card.verification_code), error="m").save(
            buffer,
            kind="svg",
            scale=4,
            xmldecl=False,
            svgns=True,
            title="QR-kode til kontrol af kortet",
        )
        qr = Markup(buffer.getvalue().decode())
    return render_template(
        "card.html",
        card=card_out(session, card),
        qr=qr,
        user=user,
        can_manage=user.role == "caseworker" and user.jobcentre_code == card.jobcentre_code,
        revoke_reason=revoke_reason,
    )


@bp.post("/cards/<card_id>/<action>")
@login_required
def card_action(card_id: str, action: str) -> ResponseReturnValue:
    if action not in ("issue", "revoke", "share"):
        abort(404)
    if action == "revoke" and confirm.wanted() != "yes":
        return _confirm_revoke(card_id)
    try:
        with db.unit_of_work() as session:
            if action == "issue":
                cards.issue(session, signed_in_user(), card_id)
            elif action == "revoke":
                cards.revoke(
                    session, signed_in_user(), card_id, {"reason": request.form.get("reason", "")}
                )
            else:
                cards.share(
                    session,
                    signed_in_user(),
                    card_id,
                    {"shared": request.form.get("shared") == "yes"},
                )
    except DomainError as error:
        say_refused(N_("Ikke gemt:"), error)
    else:
        flash(
            gettext(
                {
                    "issue": N_("Kortet er udstedt."),
                    "revoke": N_("Kortet er tilbagekaldt."),
                    "share": N_("Dit valg om deling er gemt."),
                }[action]
            ),
            "success",
        )
    return redirect(url_for("web.card_page", card_id=card_id))


@bp.post("/applicants/<applicant_id>/profile")
@login_required
def profile_save(applicant_id: str) -> ResponseReturnValue:
    """The home jobcentre's registration (bek. § 5)."""
    body = {
        name: request.form.get(name, "")
        for name in ("education", "qualifications", "disability_nature", "disability_extent")
    }
    try:
        with db.unit_of_work() as session:
            applicants.put_profile(session, signed_in_user(), applicant_id, body)
    except DomainError as error:
        say_refused(N_("Registreringen blev ikke gemt:"), error)
    else:
        flash(gettext("Registreringen er gemt."), "success")
    return redirect(url_for("web.applicant_page", applicant_id=applicant_id))


@bp.post("/cards/<card_id>/employment")
@login_required
def card_employment(card_id: str) -> ResponseReturnValue:
    body = {
        "employer_name": request.form.get("employer_name", ""),
        "starts_on": request.form.get("starts_on") or None,
    }
    try:
        with db.unit_of_work() as session:
            cards.record_employment(session, signed_in_user(), card_id, body)
    except DomainError as error:
        say_refused(N_("Ansættelsen blev ikke gemt:"), error)
    else:
        flash(gettext("Ansættelsen er registreret; det hurtige spor er åbnet."), "success")
    return redirect(url_for("web.card_page", card_id=card_id))


@bp.post("/fast-track-tasks/<int:task_id>/done")
@login_required
def fast_track_done(task_id: int) -> ResponseReturnValue:
    try:
        with db.unit_of_work() as session:
            task = cards.complete_task(session, signed_in_user(), task_id, {})
    except DomainError as error:
        flash(gettext(error.message), "error")
        return redirect(url_for("web.home"))
    flash(gettext("Bevillingen er markeret som behandlet."), "success")
    return redirect(url_for("web.card_page", card_id=task.card_id))


def _confirm_revoke(card_id: str) -> ResponseReturnValue:
    """Revoking cannot be undone: the card's code stops working for every employer at once."""
    reason = request.form.get("reason", "")
    if confirm.wanted() == "edit":
        return _render_card(card_id, reason)
    user = signed_in_user()

    def would(session: Any) -> str:
        card = cards.revoke(session, user, card_id, {"reason": reason})
        holder = session.get(User, card.applicant_id)
        return holder.name if holder is not None else ""

    try:
        holder = confirm.preview(would)
    except DomainError as error:
        say_refused(N_("Ikke gemt:"), error)
        return redirect(url_for("web.card_page", card_id=card_id))
    return confirm.page(
        gettext("Tilbagekald kortet?"),
        [(gettext("Kortholder"), holder), (gettext("Årsag"), reason)],
        [
            gettext("Kortet bliver ugyldigt med det samme, også for arbejdsgivere, der har koden."),
            gettext("Forhåndstilkendegivelserne på kortet gælder ikke længere."),
        ],
        gettext("Ja, tilbagekald kortet"),
        url_for("web.card_action", card_id=card_id, action="revoke"),
        gettext("Borgeren kan få et nyt kort, som jobcenteret skriver og udsteder."),
    )


# --- the employer's check of a card, without signing in (issue 10, point 7) ------------------------

CODE_GROUPS = 4  # a code is four groups of four characters ("7K3M-Q9TX-4HND-W2PB")
# Crockford's alphabet leaves out O, I and L because they look like 0 and 1: read as those.
_LOOK_ALIKES = str.maketrans("OIL", "011")
CHECK_LABELS = {"kode": ("card-code", N_("Kortets kode"))}


def normalised_code(typed: str) -> str:
    """The code as printed on the card, from what was typed or pasted: upper or lower case, spaces,
    dashes and other separators make no difference."""
    raw = "".join(c for c in typed.upper() if c.isascii() and c.isalnum()).translate(_LOOK_ALIKES)
    if len(raw) != CODE_GROUPS * 4:
        return raw
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@bp.get("/kort/tjek")
def card_check() -> ResponseReturnValue:
    """Public, like the card's QR code: an employer types the code and sees what the API's public
    verification gives (valid until, the schemes and whether each is pre-approved, the holder's name
    and jobcentre), never anything about the impairment. A code that is not a card's is said to be
    so (404, as the API); nothing tells more about it. The codes are 80 random bits, so there is
    nothing to find by trying."""
    typed = request.args.get("kode")
    errors: dict[str, str] = {}
    card = None
    code = ""
    status = 200
    if typed is not None:
        code = normalised_code(typed[:200])
        if not code:
            errors = {"kode": N_("Skriv kortets kode.")}
        elif len(code) != CODE_GROUPS * 5 - 1:
            errors = {
                "kode": N_(
                    "Koden har 16 tegn, fx 7K3M-Q9TX-4HND-W2PB. Skriv den, som den står på kortet."
                )
            }
        else:
            session = db.session()
            try:
                card = verification_out(session, cards.verify(session, code))
            except NotFound:
                status = 404
        status = 400 if errors else status
    labels = {name: (i, gettext(label)) for name, (i, label) in CHECK_LABELS.items()}
    response = make_response(
        render_template(
            "card_verify.html",
            card=card,
            code=code,
            typed=typed or "",
            checked=typed is not None and not errors,
            check_page=True,
            errors=errors,
            labels=labels,
        ),
        status,
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response
