"""Print the mutation score of the last ``mutmut run``: per file and in total.

mutmut keeps each mutated file's results in ``mutants/<path>.meta`` (JSON, ``exit_code_by_key``:
mutant name -> the exit code of its test run). A mutant is *caught* when a test failed (exit 1
or 3) or the run timed out; it *survived* when every test passed (0) or no test reached it (33).
Mutants on lines marked ``# pragma: no mutate`` (equivalent ones) are never generated, so they
are in neither count.

Usage: ``python scripts/mutation_score.py [--max-survivors PERCENT] [MUTANTS_DIR]``. Exits 1 when
survivors exceed ``--max-survivors`` percent of the checked mutants, or nothing was checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

CAUGHT = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
SURVIVED = {0: "survived", 33: "no tests", 5: "no tests"}


def status(exit_code: int | None) -> str:
    """The word mutmut's own report uses for an exit code (``not checked`` before a run)."""
    if exit_code is None:
        return "not checked"
    return CAUGHT.get(exit_code) or SURVIVED.get(exit_code) or "suspicious"


def file_counts(mutants_dir: Path) -> dict[str, Counter[str]]:
    """Status counts per source file, from every ``.meta`` file under ``mutants_dir``."""
    counts: dict[str, Counter[str]] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:
            source = str(meta.relative_to(mutants_dir)).removesuffix(".meta")
            counts[source] = Counter(status(code) for code in codes.values())
    return counts


def caught(counter: Counter[str]) -> int:
    return counter["killed"] + counter["timeout"]


def survived(counter: Counter[str]) -> int:
    return counter["survived"] + counter["no tests"] + counter["suspicious"]


def report(counts: dict[str, Counter[str]]) -> tuple[str, float, int]:
    """The report's text, the survivors' share of the checked mutants (%) and their number."""
    width = max([len("total"), *map(len, counts)])
    lines = [f"{'file':<{width}}  checked  caught  survived  not checked"]
    total: Counter[str] = Counter()
    for source, counter in counts.items():
        total.update(counter)
        checked = caught(counter) + survived(counter)
        lines.append(
            f"{source:<{width}}  {checked:>7}  {caught(counter):>6}  {survived(counter):>8}"
            f"  {counter['not checked']:>11}"
        )
    checked = caught(total) + survived(total)
    share = 100.0 * survived(total) / checked if checked else 100.0
    lines.append(
        f"{'total':<{width}}  {checked:>7}  {caught(total):>6}  {survived(total):>8}"
        f"  {total['not checked']:>11}"
    )
    lines.append(
        f"mutation score {100.0 - share:.1f}%: {survived(total)} of {checked} checked mutants "
        f"survived ({share:.1f}%; timeouts {total['timeout']}, suspicious "
        f"{total['suspicious']}, unreached {total['no tests']})"
    )
    return "\n".join(lines), share, checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants_dir", nargs="?", type=Path, default=Path("mutants"))
    parser.add_argument("--max-survivors", type=float, default=None, metavar="PERCENT")
    args = parser.parse_args(argv)
    text, share, checked = report(file_counts(args.mutants_dir))
    print(text)
    if not checked:
        print("no mutant was checked; run mutmut first", file=sys.stderr)
        return 1
    if args.max_survivors is not None and share > args.max_survivors:
        print(f"survivors above {args.max_survivors}% of the checked mutants", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
