"""Render the README's generated sections (the transition table and the settings) from the code.

Run after changing either: ``.venv/bin/python scripts/render_readme.py``. tests/unit/test_readme.py
fails while the README and the code differ.
"""

from __future__ import annotations

import re
from pathlib import Path

from fortrin.config import settings_markdown
from fortrin.workflows.preferential_access import transition_table_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def render(text: str) -> str:
    for name, body in (
        ("transitions", transition_table_markdown()),
        ("settings", settings_markdown()),
    ):
        start, end = f"<!-- {name}:start -->\n", f"\n<!-- {name}:end -->"
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
        replacement = start + body + end
        text = pattern.sub(lambda _match: replacement, text)  # noqa: B023 (used at once)
    return text


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
