"""Shared module: conversations, compensation cards, verification and the fast track (000, 001).

The card is given by the jobcentre to a citizen with a disability *before* any employment, so that the
citizen and possible employers know which schemes the citizen can expect; it is no legal claim (001).
The trial's lesson (001: 950 conversations, 165 cards, 16-30 minutes per card): a card must be cheap
to write, so it starts from a template and the conversations already held, and issuing is one call.

Who: the caseworkers of the applicant's home jobcentre write cards; they, the applicant, the handling
jobcentre of one of the applicant's cases and admins read them; an employer never sees the impairment
summary, only (when the applicant shares it) the schemes, through the case or the public verification.

The parts: ``conversations``, ``templates`` (the defaults are data), ``card`` (the grant limit,
the card's course, verification, and the valid cards of a page of cases), ``fast_track``
(employment and the grant tasks), ``report`` (001); ``common`` has what they share. Callers use
the names below, as ``cards.<name>``.
"""

from __future__ import annotations

from fortrin.cards.card import (
    CardIn,
    CardSchemeIn,
    FastTrackIn,
    GrantLimitIn,
    RevokeIn,
    ShareIn,
    card_conversation_ids,
    card_schemes,
    cards_of,
    create_card,
    effective_state,
    find_card,
    get_card,
    issue,
    record_change,
    remember_valid_cards,
    require_card_jobcentre,
    revoke,
    set_grant_limit,
    share,
    valid_card_for,
    valid_for,
    verify,
)
from fortrin.cards.common import (
    Text,
    check_scheme_codes,
    home_jobcentre_of,
    require_home_caseworker,
    verification_code,
)
from fortrin.cards.conversations import ConversationIn, add_conversation, conversations_of
from fortrin.cards.fast_track import (
    EmploymentIn,
    TaskDoneIn,
    complete_task,
    employments_of,
    open_work,
    record_employment,
    tasks_of,
)
from fortrin.cards.report import report
from fortrin.cards.templates import (
    TEMPLATES,
    TemplateIn,
    TemplateScheme,
    list_templates,
    load_templates,
    put_template,
)

__all__ = [
    "TEMPLATES",
    "CardIn",
    "CardSchemeIn",
    "ConversationIn",
    "EmploymentIn",
    "FastTrackIn",
    "GrantLimitIn",
    "RevokeIn",
    "ShareIn",
    "TaskDoneIn",
    "TemplateIn",
    "TemplateScheme",
    "Text",
    "add_conversation",
    "card_conversation_ids",
    "card_schemes",
    "cards_of",
    "check_scheme_codes",
    "complete_task",
    "conversations_of",
    "create_card",
    "effective_state",
    "employments_of",
    "find_card",
    "get_card",
    "home_jobcentre_of",
    "issue",
    "list_templates",
    "load_templates",
    "open_work",
    "put_template",
    "record_change",
    "record_employment",
    "remember_valid_cards",
    "report",
    "require_card_jobcentre",
    "require_home_caseworker",
    "revoke",
    "set_grant_limit",
    "share",
    "tasks_of",
    "valid_card_for",
    "valid_for",
    "verification_code",
    "verify",
]
