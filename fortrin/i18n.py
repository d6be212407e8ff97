"""Danish first, English for those who choose it (Flask-Babel). The Danish text is the message id, so
Danish needs no catalogue; ``translations/en`` holds the English.

``N_`` marks a Danish text defined in Python (state labels, duties, form labels) for extraction; it
returns the text unchanged, and the page translates it when it renders (``_(label)``).
"""

from __future__ import annotations

LANGUAGES = ("da", "en")


def N_(text: str) -> str:
    return text
