"""Loading claim and outcome files into the warehouse, with validation and quarantine.

Every input row becomes a JSON text (`raw`) in a staging table, whatever its file format, so
one SQL path extracts and validates fields for JSON lines, CSV and Parquet alike. Valid rows
merge into `claims` / `outcomes`; each invalid row goes to `quarantine` with a reason a person
understands; an outcome whose claim has not arrived waits there (`unknown claim`) and loads by
itself on a later ingest that brings the claim. All work is bulk SQL and Polars.

Nothing is written until every path has been checked (exists, readable, recognisable columns).
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from warehouse import identity
from warehouse.connection import fetch_frame, sql_text
from warehouse.errors import BadInput

CLAIM_FIELDS = ["claim_id", "published_at", "source", "source_kind", "affiliation", "outlet",
                "text", "subject", "story", "url"]
OUTCOME_FIELDS = ["claim_id", "event", "at", "by", "verdict", "url", "note"]
EVENTS = ["confirmed", "corroborated", "denied", "contradicted", "retracted", "rated"]
VERDICT_WORDS = ["true", "mostly-true", "half-true", "mostly-false", "barely-true", "false",
                 "pants-fire"]
SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
WAITING = "unknown claim"

Progress = Callable[[str], None]


@dataclass
class IngestReport:
    """What one ingest did, for the summary line and for tests."""

    files: list[str] = field(default_factory=list)
    claims_loaded: int = 0
    claims_updated: int = 0
    claims_unchanged: int = 0
    outcomes_loaded: int = 0
    outcomes_updated: int = 0
    outcomes_unchanged: int = 0
    quarantined: int = 0
    waiting: int = 0
    released: int = 0
    dry_run: bool = False

    @property
    def loaded_anything(self) -> bool:
        return bool(self.claims_loaded + self.claims_updated + self.claims_unchanged
                    + self.outcomes_loaded + self.outcomes_updated + self.outcomes_unchanged
                    + self.released + self.waiting)

    def summary(self) -> str:
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{len(self.files)} file(s): claims {self.claims_loaded} {verb}, "
            f"{self.claims_updated} updated, {self.claims_unchanged} unchanged; "
            f"outcomes {self.outcomes_loaded + self.released} {verb}, {self.outcomes_updated} updated, "
            f"{self.outcomes_unchanged} unchanged; {self.quarantined} quarantined, "
            f"{self.waiting} waiting for their claim"
        )


# ----------------------------------------------------------------------------- paths


def _is_input_file(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUFFIXES)


def resolve_paths(paths: list[str]) -> list[Path]:
    """Files named by PATHs (files, folders, globs), each checked readable. Raises BadInput."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if any(ch in given for ch in "*?["):
            matches = sorted(Path(m) for m in glob(given, recursive=True))
            found = [m for m in matches if m.is_file() and _is_input_file(m)]
            if not found:
                raise BadInput(f"no input files match {given}")
            files.extend(found)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _is_input_file(p))
            if not found:
                raise BadInput(f"no .jsonl, .ndjson, .csv or .parquet files in {given}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise BadInput(f"no such file or folder: {given}")
    for path in files:
        try:
            with open(path, "rb") as handle:
                handle.read(1)
        except OSError as error:
            raise BadInput(f"cannot read {path}: {error.strerror}") from error
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique


# ----------------------------------------------------------------------------- staging


def _plain_copy(path: Path, workdir: Path) -> Path:
    """A decompressed copy of a .gz file (DuckDB and Polars then read it as usual)."""
    target = workdir / path.name.removesuffix(".gz")
    with gzip.open(path, "rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink, length=1 << 20)
    return target


def _stage_file(con: duckdb.DuckDBPyConnection, path: Path, index: int, workdir: Path) -> None:
    """Append the rows of one file to `staged_rows` as (file_index, file, line, raw JSON)."""
    readable = _plain_copy(path, workdir) if path.name.lower().endswith(".gz") else path
    name = readable.name.lower()
    where = {"index": index, "file": str(path)}
    params = {**where, "path": str(readable)}
    if name.endswith((".jsonl", ".ndjson")):
        lines = (
            pl.scan_lines(readable, name="raw", row_index_name="line", row_index_offset=1)
            .filter(pl.col("raw").str.strip_chars().str.len_bytes() > 0)
            .collect()
        )
        con.register("file_lines", lines)
        con.execute(
            "insert into staged_rows select $index, $file, line, raw, null from file_lines", where
        )
        con.unregister("file_lines")
    elif name.endswith(".csv"):
        con.execute(
            """
            insert into staged_rows
            select $index, $file, row_number() over () + 1, to_json(t)::varchar, null
            from read_csv($path, all_varchar = true, header = true, quote = '"', escape = '"',
                          store_rejects = true) as t
            """,
            params,
        )
        con.execute(
            """
            insert into staged_rows
            select $index, $file, line, csv_line,
                   'malformed CSV row (' || lower(error_type::varchar) || ')'
            from reject_errors
            """,
            where,
        )
        con.execute("delete from reject_errors")
        con.execute("delete from reject_scans")
    else:
        con.execute(
            """
            insert into staged_rows
            select $index, $file, row_number() over (), to_json(t)::varchar, null
            from read_parquet($path) as t
            """,
            params,
        )


def _file_kind(con: duckdb.DuckDBPyConnection, index: int, path: Path) -> str | None:
    """'claims' or 'outcomes' from the keys of the file's first rows; None for an empty file."""
    keys = {
        row[0]
        for row in con.execute(
            """
            with sample as (
                select raw from staged_rows
                where file_index = $index and coalesce(case when json_valid(raw) then json_type(raw) = 'OBJECT' end, false)
                limit 1000
            )
            select distinct unnest(json_keys(raw)) from sample
            """,
            {"index": index},
        ).fetchall()
    }
    if not keys:
        rows = con.execute(
            "select count(*) from staged_rows where file_index = $index", {"index": index}
        ).fetchall()[0][0]
        if rows == 0:
            return None
    if {"event", "at"} & keys and "claim_id" in keys:
        return "outcomes"
    if {"published_at", "source", "outlet", "text"} & keys:
        return "claims"
    raise BadInput(
        f"{path}: neither claim columns (claim_id, published_at, source, outlet, text) "
        "nor outcome columns (claim_id, event, at) found"
    )


# ----------------------------------------------------------------------------- ingest


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: list[str],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Validate and load the files named by `paths`. With `dry_run`, validate and count only.

    `con` is a writable warehouse connection (read-only is enough for a dry run). Raises
    BadInput (exit 2) for missing or unrecognisable paths before anything is written, and
    when no row at all could load.
    """
    note = progress or (lambda message: None)
    files = resolve_paths(paths)
    report = IngestReport(files=[str(f) for f in files], dry_run=dry_run)
    con.execute(sql_text("ingest_staging.sql"))
    kinds: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="trackrecord-") as workdir:
        for index, path in enumerate(files):
            note(f"reading {path.name}")
            try:
                _stage_file(con, path, index, Path(workdir))
            except (duckdb.Error, pl.exceptions.PolarsError, OSError, EOFError) as error:
                raise BadInput(f"{path}: cannot be read ({str(error).splitlines()[0]})") from error
            kind = _file_kind(con, index, path)
            if kind:
                kinds[index] = kind
    claim_files = [i for i, k in kinds.items() if k == "claims"]
    outcome_files = [i for i, k in kinds.items() if k == "outcomes"]

    note("validating claims")
    _validate_claims(con, claim_files)
    note("validating outcomes")
    _validate_outcomes(con, outcome_files)

    if not dry_run:
        con.execute("begin")
    try:
        counts = _merge(con, dry_run=dry_run)
        if not dry_run:
            refresh_identities(con)
            con.execute("commit")
    except Exception:
        if not dry_run:
            con.execute("rollback")
        raise
    for key, value in counts.items():
        setattr(report, key, value)
    if not report.loaded_anything and files:
        raise BadInput(
            f"no row could load from {len(files)} file(s); "
            f"{report.quarantined} row(s) quarantined (see `trackrecord quarantine`)"
        )
    return report


def _validate_claims(con: duckdb.DuckDBPyConnection, file_indexes: list[int]) -> None:
    """staged_claims: every claim row with its fields and a reason (null when valid);
    identity columns are filled for valid rows."""
    con.execute(sql_text("ingest_claims.sql"), {"files": file_indexes})
    distinct = fetch_frame(con,         """
        select distinct source, source_kind, outlet from staged_claims where reason is null
        """
    )
    identities = identity.identify(distinct.lazy()).collect()
    subjects = fetch_frame(con,         "select distinct subject from staged_claims where reason is null and subject is not null"
    ).with_columns(subject_key=identity.named_key(pl.col("subject")))
    con.register("identities", identities)
    con.register("subject_keys", subjects)
    con.execute(
        """
        create or replace temp table staged_claims as
        select s.* exclude (source_kind),
               coalesce(i.kind, s.source_kind) as source_kind,
               i.source_key, i.source_display as source_name,
               i.outlet_key, i.outlet_display as outlet_name,
               k.subject_key
        from staged_claims as s
        left join identities as i
          on s.reason is null and i.source = s.source and i.outlet = s.outlet
         and i.source_kind is not distinct from s.source_kind
        left join subject_keys as k on s.reason is null and k.subject = s.subject
        """
    )
    con.unregister("identities")
    con.unregister("subject_keys")


def _validate_outcomes(con: duckdb.DuckDBPyConnection, file_indexes: list[int]) -> None:
    """staged_outcomes: new outcome rows plus those waiting in quarantine, with reasons."""
    con.execute(
        sql_text("ingest_outcomes.sql"),
        {"files": file_indexes, "events": EVENTS, "verdicts": VERDICT_WORDS, "waiting": WAITING},
    )
    bys = fetch_frame(con,         "select distinct event, \"by\" from staged_outcomes where reason is null"
    )
    bys = bys.with_columns(
        by_key=pl.when(pl.col("by") == "")
        .then(pl.lit(""))
        .when(pl.col("event") == "corroborated")
        .then(identity.outlet_key(pl.col("by")))
        .otherwise(identity.named_key(pl.col("by")))
    )
    con.register("by_keys", bys)
    con.execute(
        """
        create or replace temp table staged_outcomes as
        select s.*, coalesce(b.by_key, '') as by_key
        from staged_outcomes as s
        left join by_keys as b on b.event = s.event and b."by" = s."by"
        """
    )
    con.unregister("by_keys")


def _merge(con: duckdb.DuckDBPyConnection, *, dry_run: bool) -> dict[str, int]:
    """Classify staged rows against the warehouse and (unless dry) write them."""
    statements = sql_text("ingest_merge.sql").split(";\n")
    counts = {}
    for statement in statements:
        text = statement.strip()
        if not text or (dry_run and "-- write" in text):
            continue
        con.execute(text, {"waiting": WAITING} if "$waiting" in text else {})
    counts = fetch_frame(con, "select * from ingest_counts").row(0, named=True)
    return {name: int(value or 0) for name, value in counts.items()}


def refresh_identities(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute source_id of every claim whose identity changed (new rows, new or removed
    aliases) and rebuild the `sources` and `outlets` tables. Call inside a transaction."""
    for statement in sql_text("refresh_identities.sql").split(";\n"):
        if statement.strip():
            con.execute(statement)
