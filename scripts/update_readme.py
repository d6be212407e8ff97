"""Regenerate the README's generated sections (transition table, settings) from the code.

Run: .venv/bin/python scripts/update_readme.py   (tests/unit/test_readme.py fails until you do)
"""

from __future__ import annotations

from pathlib import Path

from fortrin.config import settings_markdown
from fortrin.workflows.preferential_access import transition_table_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {"transitions": transition_table_markdown, "settings": settings_markdown}


def main() -> None:
    text = README.read_text(encoding="utf-8")
    for name, render in SECTIONS.items():
        start, end = f"<!-- {name}:start -->\n", f"\n<!-- {name}:end -->"
        before, found, rest = text.partition(start)
        _, found_end, after = rest.partition(end)
        if not (found and found_end):
            raise SystemExit(f"README.md has no {name} section")
        text = before + start + render() + end + after
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
