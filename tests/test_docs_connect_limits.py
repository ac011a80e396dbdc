"""docs/contacts.md names each limit Connect enforces out of the broker's sight, and its source."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_rules.connect_limits import LIMITS, Limit

CONTACTS = Path(__file__).resolve().parents[1] / "docs" / "contacts.md"
HEADING = "## What Connect enforces out of the broker's sight"


def limit_rows() -> list[str]:
    section = CONTACTS.read_text(encoding="utf-8").split(HEADING, 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ")][2:]


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: limit.says)
def test_each_limit_has_a_row_citing_its_page(limit: Limit) -> None:
    rows = [row for row in limit_rows() if limit.says in row]
    assert len(rows) == 1, f"docs/contacts.md has no single row saying {limit.says!r}"
    # A row may cite its page or say "the same page" after a row that does.
    cited = [row for row in limit_rows() if limit.source in row]
    assert cited and limit_rows().index(cited[0]) <= limit_rows().index(rows[0])


def test_the_table_has_no_row_without_a_rule() -> None:
    assert len(limit_rows()) == len(LIMITS)
