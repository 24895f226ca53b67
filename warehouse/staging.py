"""Staging: every row of an ingest's files typed and checked in temp tables (staged_claims,
staged_outcomes; sql/ingest_setup.sql), with why each invalid row is invalid and what loading
each valid one would do. Nothing in the warehouse changes here.

- A JSON-lines file is first read whole by DuckDB's parallel JSON reader, typed and checked
  as it is read (sql/ingest_json_file.sql). Such `fast` rows carry no line number and no raw
  text, so they are trusted only while every row of the file is valid and no key repeats in
  it; otherwise, or when the reader refuses the file (a line that is not JSON, bytes that are
  not UTF-8), the file is read again line by line.
- Every other file becomes rows of text in staged_rows, each with its line and raw text: CSV
  records (warehouse.text_rows), JSON lines and Parquet rows as JSON text, and the outcomes
  waiting in quarantine for their claim. The same SQL types and checks them.

Claims are staged before outcomes: an outcome is checked against the claims.
"""

from __future__ import annotations

import gzip
import re
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from warehouse.database import registered, run_script
from warehouse.errors import BadInput
from warehouse.inputs import InputFile
from warehouse.text_rows import csv_rows, json_lines

# The reason of an outcome whose claim has not arrived: it waits in quarantine, and loads by
# itself with a later ingest that brings the claim.
WAITING = "unknown claim"
# How the reason of an outcome dated before its claim's publication begins: such an outcome
# is checked again when its claim's publication date changes.
EARLY = "outcome dated before its claim was published"
REASONS = {"waiting": WAITING, "early": EARLY}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _KindSql:
    """The statements staging runs for one kind of row."""

    typing: str  # .sql file: the rows of file_rows typed and checked into the kind's table
    last_row_wins: str  # .sql file: the rows of a repeated key that lose, marked superseded
    repeats: str  # how many rows repeat a key
    bad_fast_files: str  # the fast-read files with an invalid row
    bad_or_repeating_fast_files: str  # ... or a key repeated within the file
    forget: str  # the rows of $files, deleted


# A claim's key is its id, counted on every row that has one (in one file the last row for an
# id wins even when invalid); an outcome's is (claim_id, event, "at", "by"), on valid rows.
_SQL = {
    "claims": _KindSql(
        typing="ingest_claims.sql",
        last_row_wins="ingest_last_claims.sql",
        repeats="select count(claim_id) - count(distinct claim_id) from staged_claims",
        bad_fast_files="""
            select distinct file_index from staged_claims where fast and reason is not null""",
        bad_or_repeating_fast_files="""
            select file_index from staged_claims where fast
            group by file_index
            having count(reason) > 0 or count(distinct claim_id) < count(claim_id)""",
        forget="delete from staged_claims where list_contains($files, file_index)",
    ),
    "outcomes": _KindSql(
        typing="ingest_outcomes.sql",
        last_row_wins="ingest_last_outcomes.sql",
        repeats="""
            select count(*) - count(distinct hash(claim_id, event, "at", "by"))
            from staged_outcomes where reason is null""",
        bad_fast_files="""
            select distinct file_index from staged_outcomes where fast and reason is not null""",
        bad_or_repeating_fast_files="""
            select file_index from staged_outcomes where fast
            group by file_index
            having count(reason) > 0
                or count(distinct hash(claim_id, event, "at", "by")) < count(*)""",
        forget="delete from staged_outcomes where list_contains($files, file_index)",
    ),
}


def stage(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    files: list[tuple[int, InputFile]],
    workdir: Path,
    note: Progress,
) -> None:
    """Stage, type and check the rows of `files` (each with its number in the ingest), all
    of `kind`; for outcomes, also those waiting in quarantine. Where a key repeats, the last
    row wins."""
    sql = _SQL[kind]
    for index, file in files:
        note(f"reading {file.path.name}")
        if not (file.format == "jsonl" and _stage_json_file(con, kind, index, file, workdir)):
            _stage_rows(con, index, file, workdir)
    if kind == "outcomes":
        run_script(con, "ingest_waiting.sql", REASONS)
        run_script(con, "ingest_json_text.sql")
    _type_staged_rows(con, kind)

    repeats = con.execute(sql.repeats).fetchall()[0][0] > 0
    check = sql.bad_or_repeating_fast_files if repeats else sql.bad_fast_files
    reread = sorted(row[0] for row in con.execute(check).fetchall())
    if reread:
        note("re-reading files with bad rows line by line")
        con.execute(sql.forget, {"files": reread})
        for index, file in files:
            if index in reread:
                _stage_rows(con, index, file, workdir)
        _type_staged_rows(con, kind)
    if repeats:
        run_script(con, sql.last_row_wins)


def _stage_json_file(
    con: duckdb.DuckDBPyConnection, kind: str, index: int, file: InputFile, workdir: Path
) -> bool:
    """Type and check JSON-lines `file` as DuckDB's JSON reader reads it. False (nothing
    staged) when the reader refuses a line (not JSON, not an object, not UTF-8)."""
    run_script(
        con,
        "ingest_json_file.sql",
        {"path": _duckdb_path(file, index, workdir), "index": index, "file": file.label},
    )
    # Speed trick (pays in an ingest into a full warehouse: benchmarks/RESULTS.md): DuckDB
    # guesses a JSON file holds few rows and would build its hash joins on the file's wide rows.
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    try:
        run_script(con, _SQL[kind].typing, REASONS)
    except duckdb.InvalidInputException:
        return False  # the failed statement inserted nothing
    except duckdb.IOException as error:
        raise _unreadable(file, error) from error
    finally:
        con.execute("reset disabled_optimizers")
    return True


def _stage_rows(con: duckdb.DuckDBPyConnection, index: int, file: InputFile, workdir: Path) -> None:
    """Add the rows of `file` to staged_rows, each with its line and raw text."""
    params = {"index": index, "file": file.label}
    try:
        if file.format == "csv":
            for frame in csv_rows(file):
                _insert(con, _INSERT_CSV_ROWS, frame, params)
            return
        if file.format == "jsonl":
            for frame in json_lines(file):
                _insert(con, _INSERT_JSON_LINES, frame, params)
        else:
            run_script(
                con, "ingest_parquet.sql", params | {"path": _duckdb_path(file, index, workdir)}
            )
        run_script(con, "ingest_json_text.sql")
    except (duckdb.Error, pl.exceptions.PolarsError, OSError, EOFError, zlib.error) as error:
        raise _unreadable(file, error) from error


def _unreadable(file: InputFile, error: Exception) -> BadInput:
    """The error that stops an ingest, before anything is written, on a file it cannot read."""
    what = "not a readable gzip file" if file.gzipped else "cannot be read"
    return BadInput(f"{file.path}: {what} ({str(error).splitlines()[0]})")


# Rows read in Python (warehouse.text_rows), of file number $index named $file: CSV records
# with their fields, JSON lines as text.
_INSERT_CSV_ROWS = (
    "insert into staged_rows by name select $index as file_index, $file as file, * from frame"
)
_INSERT_JSON_LINES = (
    "insert into raw_rows by name select $index as file_index, $file as file, * from frame"
)


def _insert(
    con: duckdb.DuckDBPyConnection, statement: str, frame: pl.DataFrame, params: dict
) -> None:
    with registered(con, "frame", frame):
        con.execute(statement, params)


def _type_staged_rows(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Type and check the rows waiting in staged_rows, if any, then let them go."""
    if not con.execute("select exists (select 1 from staged_rows)").fetchall()[0][0]:
        return
    run_script(con, "ingest_staged_rows.sql")
    run_script(con, _SQL[kind].typing, REASONS)
    con.execute("delete from staged_rows")


# Characters that DuckDB's readers take as a pattern in a path.
_GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


def _duckdb_path(file: InputFile, index: int, workdir: Path) -> str:
    """Where DuckDB reads `file` (number `index`) from. DuckDB takes a path as a glob
    ("claims[1].jsonl" would read "claims1.jsonl"), so a path holding such a character is
    read through a link in `workdir`; a .gz Parquet file through a decompressed copy (Parquet
    is read from its end). DuckDB decompresses .gz JSON lines itself."""
    path = file.path
    name = f"{index}-{_GLOB_CHARACTERS.sub('_', path.name)}"
    if file.format == "parquet" and file.gzipped:
        target = workdir / name.removesuffix(".gz")
        try:
            with gzip.open(path, "rb") as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink, length=1 << 20)
        except (OSError, EOFError, zlib.error) as error:
            raise _unreadable(file, error) from error
        return str(target)
    if _GLOB_CHARACTERS.search(str(path)):
        target = workdir / name
        if not target.is_symlink():
            target.symlink_to(path)
        return str(target)
    return str(path)
