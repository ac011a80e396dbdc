"""README.md and docs/*.md read in one sitting: a word budget, links and anchors that resolve,
tables that are not split, no first person or hedging, the URL form the stack output gives,
and the client's exception table complete."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

import constructs_lib.client as client

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
#: The whole documentation, README included; room is left for what later changes add.
WORD_BUDGET = 12_000
README_LINES = 150
URN = "urn:connect-participant-broker:problem:"
_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
#: First person and hedging, outside code.
_UNSURE = re.compile(r"\b(I|we|We|our|Our|might|probably|perhaps|maybe|Maybe)\b")
#: A reference to no place in particular: link the section instead.
_DANGLING = re.compile(r"\bsee (above|below)\b", re.IGNORECASE)


def prose(page: Path) -> str:
    """The page without its fenced code blocks."""
    return _FENCE.sub("", page.read_text(encoding="utf-8"))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading).strip().lower()
    text = "".join(c for c in text if c in " -" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(heading) for heading in _HEADING.findall(prose(page))}


def test_the_docs_fit_the_word_budget_and_the_readme_a_page() -> None:
    words = sum(len(page.read_text(encoding="utf-8").split()) for page in PAGES)
    assert words <= WORD_BUDGET, f"README.md and docs/*.md hold {words} words"
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_LINES, f"README.md has {lines} lines"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    broken = []
    for target in _LINK.findall(prose(page)):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        found = linked.is_file() and not (
            anchor and linked.suffix == ".md" and anchor not in anchors(linked)
        )
        if not found:
            broken.append(target)
    assert not broken, f"{page.name}: links that resolve to nothing: {broken}"


def test_every_docs_page_the_code_names_exists() -> None:
    named = set()
    for folder in ("constructs_lib", "runtime", "scripts", "tests", "benchmarks"):
        for source in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"docs/[a-z-]+\.(?:md|json)", source.read_text("utf-8")))
    named |= set(re.findall(r"docs/[a-z-]+\.(?:md|json)", (ROOT / "Makefile").read_text()))
    assert named and not [name for name in named if not (ROOT / name).is_file()]


def test_every_section_the_code_names_exists() -> None:
    """Each ``(docs/<page>.md, "<Section>")`` in the code names a heading or a bold lead."""
    named = {
        (page, section)
        for folder in ("constructs_lib", "runtime", "scripts", "tests", "benchmarks")
        for source in (ROOT / folder).rglob("*.py")
        for page, section in re.findall(
            r"(docs/[a-z-]+\.md),? \(?\"([^\"]+)\"", source.read_text(encoding="utf-8")
        )
    }
    assert named
    missing = [
        (page, section)
        for page, section in named
        if not re.search(
            rf"^(#+ {re.escape(section)}$|\*\*{re.escape(section)}\b)",
            (ROOT / page).read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    ]
    assert not missing, f"sections the code names that the docs do not have: {missing}"


def test_the_alarms_runbook_is_the_page_their_descriptions_name() -> None:
    """Every alarm's description ends with "Runbook: '<title>' (docs/operating.md)"."""
    title = (ROOT / "docs" / "operating.md").read_text(encoding="utf-8").splitlines()[0]
    named = {
        match
        for source in (ROOT / "constructs_lib").rglob("*.py")
        for match in re.findall(r"Runbook: '([^']+)' \(docs/operating\.md\)", source.read_text())
    }
    assert named == {title.removeprefix("# ")}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_table_is_one_block_with_its_header(page: Path) -> None:
    """A blank line inside a table ends it: the rows after it render as text."""
    blocks = re.findall(r"(?:^\|.*\n)+", prose(page), re.MULTILINE)
    split = [b.splitlines()[0] for b in blocks if not re.match(r"^\|[ :|-]+\|$", b.splitlines()[1])]
    assert not split, f"{page.name}: table rows without a header above them: {split}"


def test_the_table_check_finds_a_split_table() -> None:
    text = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| 3 | 4 |\n| 5 | 6 |\n"
    blocks = re.findall(r"(?:^\|.*\n)+", text, re.MULTILINE)
    assert [re.match(r"^\|[ :|-]+\|$", b.splitlines()[1]) is None for b in blocks] == [
        False,
        True,
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_first_person_no_hedging_no_dangling_reference(page: Path) -> None:
    found = [
        line.strip()
        for line in prose(page).splitlines()
        if _UNSURE.search(line.replace("`", " ")) or _DANGLING.search(line)
    ]
    assert not found, f"{page.name}: {found}"


def test_the_docs_write_the_url_as_the_stack_output_gives_it() -> None:
    """The endpoint output ends with ``/``, so a path follows ``{url}`` without another."""
    snapshot = ROOT / "tests/constructs/__snapshots__/test_example_app"
    template = json.loads((snapshot / "test_example_stack_matches_snapshot.json").read_text())
    (output,) = template["Outputs"].values()
    assert output["Value"]["Fn::Join"][1][-1] == "/"
    for page in PAGES:
        assert "{url}/" not in page.read_text(encoding="utf-8"), page.name


def test_the_exception_table_names_every_client_error() -> None:
    text = (ROOT / "docs" / "calling.md").read_text(encoding="utf-8")
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `(\w+)` \| [^|]+ \| `([^`]+)` \|", text, re.MULTILINE)
    }
    errors = [
        getattr(client, name)
        for name in client.__all__
        if isinstance(getattr(client, name), type)
        and issubclass(getattr(client, name), client.BrokerError)
        and name != "BrokerError"
    ]
    assert sorted(rows) == sorted(error.__name__ for error in errors)
    for error in errors:
        expected = (error.problem_type or "about:blank").removeprefix(URN)
        assert rows[error.__name__] == expected, error.__name__
