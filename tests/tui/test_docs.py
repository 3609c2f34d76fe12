"""docs/keys.md lists the keys as reader/tui/keys.py binds them: its table is made from the key table, and this
test keeps the two equal. After a change to the keys: `python3 tests/tui/test_docs.py` writes the table again."""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
START = "<!-- keys: made from reader/tui/keys.py by tests/tui/test_docs.py -->"
END = "<!-- end of keys -->"


def keys_table() -> str:
    from reader.tui.keys import KEYS

    rows = ["| key | what it does |", "|---|---|"]
    for key in KEYS:
        label = " / ".join(f"`{part.strip()}`" for part in key.label.split(" / "))
        rows.append(f"| {label.replace('|', chr(92) + '|')} | {key.description.replace('|', chr(92) + '|')} |")
    return "\n".join(rows)


def _written(text: str) -> str:
    found = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    assert found, f"docs/keys.md has no block between {START!r} and {END!r}"
    return found.group(1)


def test_the_keys_page_lists_every_key_as_the_app_binds_it() -> None:
    assert _written((DOCS / "keys.md").read_text(encoding="utf-8")) == keys_table(), (
        "docs/keys.md differs from reader/tui/keys.py: run python3 tests/tui/test_docs.py"
    )


def test_every_page_the_readme_links_to_is_there() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)#]+)", readme))
    assert linked and all((DOCS.parent / page).is_file() for page in linked), linked


if __name__ == "__main__":
    sys.path.insert(0, str(DOCS.parent))
    page = DOCS / "keys.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(_written(text), keys_table()), encoding="utf-8")
