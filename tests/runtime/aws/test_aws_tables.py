"""The client's tables are what scripts/generate_aws_tables.py writes from the installed
botocore: a botocore upgrade that changes an endpoint, a Region, an error or a timestamp of an
answer fails here until the tables are regenerated (and the oracle tests then check the rest)."""

from __future__ import annotations

import json
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


def test_the_client_reads_the_committed_tables() -> None:
    """Read afresh (not the copy its import cached), each table is the committed JSON."""
    from runtime.broker.aws import endpoints

    directory = ROOT / "runtime" / "broker" / "aws"
    for service in ("connect", "dynamodb"):
        committed = json.loads((directory / f"{service}.json").read_text(encoding="utf-8"))
        assert endpoints.service_table.__wrapped__(service) == committed
    committed = json.loads((directory / "partitions.json").read_text(encoding="utf-8"))
    assert endpoints.partitions.__wrapped__() == committed
