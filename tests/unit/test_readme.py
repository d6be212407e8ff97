"""The README renders the transition table and the settings from the code: they cannot drift."""

from __future__ import annotations

from pathlib import Path

from fortrin.config import settings_markdown
from fortrin.workflows.preferential_access import transition_table_markdown

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def section(name: str) -> str:
    return README.split(f"<!-- {name}:start -->\n")[1].split(f"\n<!-- {name}:end -->")[0]


def test_the_readme_shows_the_transition_table_of_the_code() -> None:
    assert section("transitions") == transition_table_markdown()


def test_the_readme_shows_every_setting() -> None:
    assert section("settings") == settings_markdown()


def test_every_marked_danish_text_has_an_english_translation() -> None:
    """The catalogue template and the English catalogue hold the same texts, all translated."""
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parents[2] / "fortrin" / "translations"
    with (translations / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    with (translations / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        english = {m.id: m.string for m in read_po(handle) if m.id}
    assert template == set(english)
    assert all(english.values())
