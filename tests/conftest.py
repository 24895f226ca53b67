"""Shared fixtures: a warehouse under `tmp_path`, the CLI through click's CliRunner, writers for
small hand-made claim and outcome files, and the ceasefire story when /work/shared is there.

Tests build their own rows inline (a few lines each, so the right answer is obvious) and check
what was written by reopening the warehouse read-only after the command has closed it.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner, Result

from jobs.cli import cli

# The shared checks folder sits beside the project: /work/shared next to /work/main.
CEASEFIRE = Path(__file__).resolve().parents[2] / "shared" / "checks" / "ceasefire"


@pytest.fixture(autouse=True)
def _no_trackrecord_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own TRACKRECORD_DB / TRACKRECORD_CONFIG must not leak into a test."""
    monkeypatch.delenv("TRACKRECORD_DB", raising=False)
    monkeypatch.delenv("TRACKRECORD_CONFIG", raising=False)


# ----------------------------------------------------------------------------- rows and files


def claim_row(claim_id: str = "c1", **fields) -> dict:
    """A valid claim row; keyword arguments replace fields, and a value of None drops it."""
    row = {
        "claim_id": claim_id,
        "published_at": "2025-05-29",
        "source": "Steve Witkoff",
        "outlet": "Axios",
        "text": "The proposal is still on the table.",
    }
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


def outcome_row(claim_id: str = "c1", **fields) -> dict:
    """A valid outcome row; keyword arguments replace fields, and a value of None drops it."""
    row = {"claim_id": claim_id, "event": "denied", "at": "2025-05-30", "by": "Hamas"}
    row.update(fields)
    return {key: value for key, value in row.items() if value is not None}


def write_jsonl(path: Path, rows: Iterable[dict | str]) -> Path:
    """One JSON object per line; a str is written as the line itself (for broken rows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows).write_parquet(path)
    return path


@pytest.fixture
def rows():
    """Row builders and file writers, for tests that make their own little world."""

    class Rows:
        claim = staticmethod(claim_row)
        outcome = staticmethod(outcome_row)
        jsonl = staticmethod(write_jsonl)
        csv = staticmethod(write_csv)
        parquet = staticmethod(write_parquet)

    return Rows


# ----------------------------------------------------------------------------- warehouse and CLI


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where the test's warehouse lives (not created until a command writes it)."""
    return tmp_path / "wh.duckdb"


@pytest.fixture(scope="session")
def template_warehouse(tmp_path_factory) -> Path:
    """An empty, migrated warehouse made once per session by `trackrecord init`."""
    path = tmp_path_factory.mktemp("template") / "wh.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(path), "init"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def warehouse(db: Path, template_warehouse: Path) -> Path:
    """The test's warehouse, already created (a copy of the template: faster than `init`)."""
    shutil.copyfile(template_warehouse, db)
    return db


class Reader:
    """Read-only connections to warehouses, opened on first use and kept until `close`.

    Opening a DuckDB file costs more than most queries here, so a test's queries share one
    connection; it must be closed before a command opens the file for writing (the
    `trackrecord` fixture does that), and the next query then sees what the command wrote.
    """

    def __init__(self) -> None:
        self._connections: dict[Path, duckdb.DuckDBPyConnection] = {}

    def query(self, db_path: Path, sql: str, params: dict | None = None) -> list[tuple]:
        con = self._connections.get(db_path)
        if con is None:
            con = self._connections[db_path] = duckdb.connect(str(db_path), read_only=True)
        return con.execute(sql, params or {}).fetchall()

    def close(self) -> None:
        for con in self._connections.values():
            con.close()
        self._connections.clear()


@pytest.fixture
def reader():
    reader = Reader()
    yield reader
    reader.close()


@pytest.fixture
def trackrecord(db: Path, reader: Reader) -> Callable[..., Result]:
    """Run the CLI in-process against the test's warehouse: trackrecord("ingest", path)."""
    runner = CliRunner()

    def invoke(*args: str | Path, db_path: Path | None = db, input: str | None = None) -> Result:
        reader.close()  # the command may need the file to itself
        prefix = ["--db", str(db_path)] if db_path is not None else []
        return runner.invoke(cli, [*prefix, *map(str, args)], input=input)

    return invoke


@pytest.fixture
def query(db: Path, reader: Reader) -> Callable[..., list[tuple]]:
    """query("select ...") over the test's warehouse (read-only)."""

    def run(sql: str, params: dict | None = None, *, db_path: Path = db) -> list[tuple]:
        return reader.query(db_path, sql, params)

    return run


TABLES = [
    "claims",
    "outcomes",
    "quarantine",
    "sources",
    "outlets",
    "source_aliases",
    "source_spellings",
    "outlet_spellings",
    "subject_spellings",
    "by_spellings",
]


@pytest.fixture
def snapshot(query) -> Callable[[], dict[str, list[tuple]]]:
    """Every row of the tables ingest and alias write, sorted, to compare before and after."""

    def take() -> dict[str, list[tuple]]:
        return {name: sorted(query(f"select * from {name}"), key=repr) for name in TABLES}

    return take


@pytest.fixture
def ingest_ok(trackrecord):
    """Ingest paths and insist it succeeded; returns the CliRunner result."""

    def ingest(*paths: str | Path, db_path: Path | None = None):
        args = ("ingest", *paths)
        result = trackrecord(*args) if db_path is None else trackrecord(*args, db_path=db_path)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    return ingest


# ----------------------------------------------------------------------------- shared data


@pytest.fixture
def ceasefire() -> Path:
    """The folder holding the ceasefire story's claims.jsonl and outcomes.jsonl."""
    if not (CEASEFIRE / "claims.jsonl").is_file():
        pytest.skip(
            f"the shared ceasefire files are absent ({CEASEFIRE}); they live in /work/shared"
        )
    return CEASEFIRE
