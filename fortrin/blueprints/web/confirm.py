"""Check your answers before an action that cannot be undone (issue 10, point 5): withdrawing a
vacancy, revoking a card, sending the refusal (its date fixes the applicant's deadline), withdrawing
an application. The form posts as before; without ``confirmed=yes`` the action is run only to see
what it would do (the same checks, the same outcome), then rolled back, and the confirmation page
shows it. ``confirmed=edit`` goes back to the form with the answers kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from fortrin import db

T = TypeVar("T")


def wanted() -> str:
    """``yes`` (do it), ``edit`` (back to the form) or ``""`` (show the confirmation first)."""
    answer = request.form.get("confirmed", "")
    return answer if answer in ("yes", "edit") else ""


def preview(run: Callable[[Session], T]) -> T:
    """Run a write to see what it would do, then undo all of it (a refusal raises as usual)."""
    session = db.session()
    try:
        return run(session)
    finally:
        session.rollback()


def page(
    heading: str,
    answers: Iterable[tuple[str, str]],
    consequences: Iterable[str],
    confirm_label: str,
    action: str,
    undo_hint: str = "",
    download: str = "",
) -> ResponseReturnValue:
    """The confirmation page; the posted fields go along unchanged (but the CSRF token, which the
    page renews, and the previous answer to the question). ``download``: where the same answers
    fetch the document the action records (the refusal letter, issue 11)."""
    hidden = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirmed")
    ]
    return render_template(
        "confirm.html",
        heading=heading,
        answers=list(answers),
        consequences=list(consequences),
        confirm_label=confirm_label,
        action=action,
        hidden=hidden,
        undo_hint=undo_hint,
        download=download,
    )
