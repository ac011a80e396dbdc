"""The client's tables are what scripts/generate_aws_tables.py writes from the installed
botocore: a botocore upgrade that changes an endpoint, a Region, an error or a timestamp of an
answer fails here until the tables are regenerated (and the oracle tests then check the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_oracle import ROOT, tables_script

generate_aws_tables = tables_script()


@pytest.fixture(scope="module")
def tables() -> dict[Path, str]:
    return generate_aws_tables.tables()  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["connect.json", "dynamodb.json", "partitions.json"])
def test_committed_table_is_what_the_script_writes(tables: dict[Path, str], name: str) -> None:
    path = ROOT / "runtime" / "broker" / "aws" / name
    assert path.read_text(encoding="utf-8") == tables[path]


def test_check_mode_reports_a_difference(
    tables: dict[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    moved = {tmp_path / path.name: text for path, text in tables.items()}
    monkeypatch.setattr(generate_aws_tables, "tables", lambda: moved)
    (tmp_path / "connect.json").write_text("{}\n", encoding="utf-8")
    assert generate_aws_tables.main(["--check"]) == 1
    assert capsys.readouterr().err.count("differs from the installed botocore's") == 3
    assert generate_aws_tables.main([]) == 0
    assert generate_aws_tables.main(["--check"]) == 0
