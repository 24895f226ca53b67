"""Loading claim and outcome files into the warehouse, with validation and quarantine.

How a file travels:

1. Staged, typed and checked (`_stage_kind`): a clean JSON-lines file is read by DuckDB's
   parallel JSON reader straight into `staged_claims` / `staged_outcomes`, every field typed
   and checked as it is read (sql/ingest_claims.sql, sql/ingest_outcomes.sql). Any other file
   (CSV, Parquet, a JSON-lines file with a bad line, the outcomes waiting in quarantine) first
   becomes rows of text in `staged_rows`, each with its raw text and line number, and goes
   through the same SQL from there. Claims come first: outcomes are checked against them.
2. Identified (`_claim_identities`, `_identify`): the identity rules (warehouse.identity,
   Polars) run on the distinct names of the valid rows; the claims' while DuckDB stages the
   outcomes.
3. Merged (`_merge`, sql/ingest_merge.sql), in one transaction: valid rows insert or update
   `claims` / `outcomes` with their identities joined on; each invalid row goes to
   `quarantine` with a reason a person understands; an outcome whose claim has not arrived
   waits there (`unknown claim`) and loads by itself on a later ingest that brings the
   claim. Then `sources` and `outlets` are rebuilt (`refresh_identities`).

All work is bulk SQL and Polars. Nothing is written until every path has been checked
(exists, readable, recognisable columns).
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import json
import re
import shutil
import tempfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import duckdb
import polars as pl

from warehouse import identity
from warehouse.connection import fetch_frame, register_frame, sql_text, transaction
from warehouse.errors import BadInput
from warehouse.refresh import refresh_identities

CLAIM_FIELDS = [
    "claim_id",
    "published_at",
    "source",
    "source_kind",
    "affiliation",
    "outlet",
    "text",
    "subject",
    "story",
    "url",
]
OUTCOME_FIELDS = ["claim_id", "event", "at", "by", "verdict", "url", "note"]
EVENTS = ["confirmed", "corroborated", "denied", "contradicted", "retracted", "rated"]
VERDICT_WORDS = [
    "true",
    "mostly-true",
    "half-true",
    "mostly-false",
    "barely-true",
    "false",
    "pants-fire",
]
SUFFIXES = (".jsonl", ".ndjson", ".csv", ".parquet")
ALL_FIELDS = list(dict.fromkeys(CLAIM_FIELDS + OUTCOME_FIELDS))


def _from_raw(source: str, file: str = "$file", index: str = "$index") -> str:
    """SELECT turning rows (line, raw JSON text) of `source` into staged rows, every field
    extracted in one parse per row."""
    fields = ", ".join(f'f[{i + 1}] as "{name}"' for i, name in enumerate(ALL_FIELDS))
    paths = ", ".join(f"'$.{name}'" for name in ALL_FIELDS)
    return f"""
        select {index} as file_index, {file} as file, line, raw, false as fast,
               coalesce(json_valid(raw), false) as is_json,
               coalesce(case when json_valid(raw) then json_type(raw) = 'OBJECT' end, false) as is_object,
               {fields}
        from (select *, case when json_valid(raw) then
                            case when json_type(raw) = 'OBJECT'
                                 then json_extract_string(raw, [{paths}]) end end as f
              from {source})
    """


WAITING = "unknown claim"
# How the reason of an outcome dated before its claim's publication begins. Such an outcome is
# checked again when its claim's publication date changes (ingest_merge.sql).
EARLY = "outcome dated before its claim was published"

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
    resolved: int = 0
    dry_run: bool = False

    @property
    def loaded_anything(self) -> bool:
        return bool(
            self.claims_loaded
            + self.claims_updated
            + self.claims_unchanged
            + self.outcomes_loaded
            + self.outcomes_updated
            + self.outcomes_unchanged
            + self.released
            + self.waiting
        )

    def summary(self) -> str:
        verb = "would load" if self.dry_run else "loaded"
        return (
            f"{len(self.files)} file(s): claims {self.claims_loaded} {verb}, "
            f"{self.claims_updated} updated, {self.claims_unchanged} unchanged; "
            f"outcomes {self.outcomes_loaded + self.released} {verb}, {self.outcomes_updated} updated, "
            f"{self.outcomes_unchanged} unchanged; {self.quarantined} quarantined, "
            f"{self.waiting} waiting for their claim"
            + (
                f"; {self.resolved} quarantined row(s) {'would leave' if self.dry_run else 'left'} "
                "quarantine, their claim loaded from the same file"
                if self.resolved
                else ""
            )
        )


# ----------------------------------------------------------------------------- paths


def _is_input_file(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(SUFFIXES)


def resolve_paths(paths: list[str]) -> list[Path]:
    """Files named by PATHs (files, folders, globs; a path that exists is itself, wildcard
    characters or not), each checked readable. Raises BadInput."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if any(ch in given for ch in "*?[") and not path.exists():
            matches = sorted(Path(m) for m in glob(given, recursive=True))
            found = [m for m in matches if m.is_file() and _is_input_file(m)]
            if not found:
                raise BadInput(f"no input files match {given}")
            files.extend(found)
        elif path.is_dir():
            # The folder's own files, not its subfolders (a generated world keeps its hidden
            # truth in truth/, which is not input).
            found = sorted(p for p in path.iterdir() if p.is_file() and _is_input_file(p))
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


# Characters that DuckDB's readers take as a pattern in a path.
_GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")


def _readable(path: Path, index: int, workdir: Path) -> Path:
    """Where DuckDB and Polars read file number `index` from: a .gz file's decompressed copy,
    a symbolic link for a path holding a wildcard character (DuckDB's readers take a path as
    a glob: "claims[1].jsonl" would read "claims1.jsonl"), else the file itself. Each lives in
    `workdir` under its own number, so two files of the same name stay two files."""
    name = path.name
    if name.lower().endswith(".gz"):
        target = workdir / f"{index}-{_GLOB_CHARACTERS.sub('_', name[:-3])}"
        try:
            _gunzip(path, target)
        except (OSError, EOFError, zlib.error) as error:
            # Before anything is written: a damaged archive is the user's to replace.
            raise BadInput(f"{path}: not a readable gzip file ({error})") from error
        return target
    if _GLOB_CHARACTERS.search(str(path)):
        target = workdir / f"{index}-{_GLOB_CHARACTERS.sub('_', name)}"
        target.symlink_to(path)
        return target
    return path


def _gunzip(path: Path, target: Path) -> None:
    """Write the decompressed content of .gz file `path` to `target`, in 1 MB blocks."""
    with gzip.open(path, "rb") as source, open(target, "wb") as sink:
        shutil.copyfileobj(source, sink, length=1 << 20)


def _is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith((".jsonl", ".ndjson"))


def _open_text(path: Path):
    """A text handle on a file, decompressing .gz on the fly (for sampling its first rows)."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")


def _csv_header(path: Path) -> tuple[list[str], str, int]:
    """A CSV file's column names, delimiter and header line (its first line that is not
    blank). Raises BadInput for a header that would lose rows: a quote it never closes (the
    reader would take the whole file for the header) or a column named twice."""
    number, first = 1, ""
    with _open_text(path) as handle:
        for number, first in enumerate(handle, start=1):  # leading blank lines only
            if first.strip():
                break
    if not first.strip():
        return [], ",", 1
    if first.count('"') % 2:
        raise BadInput(f"{path}: the header (line {number}) has a quote that never closes")
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    names = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
    # Columns without a name (a spreadsheet's trailing commas) are read and never used.
    names = [name or f"(column {number} without a name)" for number, name in enumerate(names, 1)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BadInput(f"{path}: the header names {', '.join(repeated)} more than once")
    return names, delimiter, number


# Lines of a JSON-lines file read to find its keys, before DuckDB looks at the whole file.
SAMPLE_LINES = 1000


def _file_keys(path: Path) -> set[str]:
    """The column names of a file (JSON lines: the keys of its first objects; every object's
    when its first SAMPLE_LINES non-blank lines hold none). Raises BadInput for a file that
    has content but no columns to read, or is not of a type trackrecord reads."""
    name = path.name.lower().removesuffix(".gz")
    try:
        if name.endswith((".jsonl", ".ndjson")):
            keys, content = _sampled_keys(path)
            if content and not keys:
                keys = _all_keys(path)
            if content and not keys:
                raise BadInput(
                    f"{path}: no line is a JSON object (claims and outcomes are "
                    "one JSON object per line)"
                )
            return keys
        if name.endswith(".csv"):
            return set(_csv_header(path)[0])
        if not name.endswith(".parquet"):
            raise BadInput(
                f"{path}: not a file type trackrecord reads (.jsonl, .ndjson, .csv "
                "or .parquet, each optionally .gz)"
            )
        return _parquet_columns(path)
    except (OSError, EOFError, zlib.error, duckdb.Error, UnicodeError) as error:
        raise BadInput(f"{path}: cannot be read ({str(error).splitlines()[0]})") from error


def _parquet_columns(path: Path) -> set[str]:
    """A Parquet file's column names (a .gz one is unpacked to a temporary file first: its
    schema is at the end). Read once per file and version: an ingest asks twice for each file,
    and a folder of a thousand daily files would open a thousand DuckDB instances twice."""
    stat = path.stat()
    return set(_parquet_schema(str(path), stat.st_mtime_ns, stat.st_size))


@functools.cache
def _parquet_schema(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    if not path.lower().endswith(".gz"):
        return tuple(
            row[0]
            for row in _schema_reader()
            .execute("select name from parquet_schema($path)", {"path": path})
            .fetchall()
        )
    with tempfile.TemporaryDirectory(prefix="trackrecord-") as workdir:
        target = Path(workdir) / "file.parquet"
        _gunzip(Path(path), target)
        return tuple(
            row[0]
            for row in _schema_reader()
            .execute("select name from parquet_schema($path)", {"path": str(target)})
            .fetchall()
        )


@functools.cache
def _schema_reader() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for reading file schemas, opened when first needed."""
    return duckdb.connect()


def _sampled_keys(path: Path) -> tuple[set[str], bool]:
    """The keys of the objects among a JSON-lines file's first SAMPLE_LINES non-blank lines,
    and whether it has a non-blank line at all."""
    keys: set[str] = set()
    seen = 0
    with _open_text(path) as handle:
        for line in handle:  # a sample, not the file
            if not line.strip():
                continue
            seen += 1
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
                row = None
            if isinstance(row, dict):
                keys.update(row)
            if seen >= SAMPLE_LINES:
                break
    return keys, seen > 0


def _all_keys(path: Path) -> set[str]:
    """The keys of every JSON object on a line of its own in a JSON-lines file (DuckDB,
    skipping lines that are not objects)."""
    with duckdb.connect() as con:
        return {
            row[0]
            for row in con.execute(
                "select distinct unnest(json_keys(json)) from read_json_objects($path, "
                "format = 'newline_delimited', ignore_errors = true, "
                "maximum_object_size = 67108864) where json_type(json) = 'OBJECT'",
                {"path": str(path)},
            ).fetchall()
        }


def check_inputs(paths: list[str]) -> dict[Path, str | None]:
    """Every file named by `paths` with its kind ('claims', 'outcomes', None when empty).
    Raises BadInput for a missing, unreadable or unrecognisable file; writes nothing."""
    return {path: _file_kind(_file_keys(path), path) for path in resolve_paths(paths)}


def _file_kind(keys: set[str], path: Path) -> str | None:
    """'claims' or 'outcomes' from a file's columns; None for an empty file."""
    if not keys:
        return None
    claim_columns = {"published_at", "source", "outlet", "text"} & keys
    outcome_columns = {"event", "at"} & keys
    # Outcome columns decide only when both are there or no claim column is: a claims file
    # with a column of its own named `event` is still a claims file.
    if "claim_id" in keys and (
        len(outcome_columns) == 2 or (outcome_columns and not claim_columns)
    ):
        return "outcomes"
    if claim_columns:
        return "claims"
    raise BadInput(
        f"{path}: neither claim columns (claim_id, published_at, source, outlet, text) "
        "nor outcome columns (claim_id, event, at) found"
    )


def _fast_rows(fields: list[str]) -> str:
    """A relation shaped like staged_rows over DuckDB's parallel JSON reader on one file
    ($path), reading the `fields` of its kind: no raw text, no line numbers."""
    return f"""(
        select $index as file_index, $file as file, null::bigint as line, null::varchar as raw,
               null::varchar as pre_reason, true as fast, true as is_json, true as is_object,
               {", ".join(f'"{field}"' for field in fields)}
        from read_json($path, format = 'newline_delimited', columns = $columns,
                       maximum_object_size = 67108864)
    )"""


# The rows of the files in staged_rows (read line by line, CSV, Parquet, waiting outcomes).
_FROM_ROWS = "(select * from staged_rows where list_contains($files, file_index))"


def _typed(kind: str, rows: str) -> tuple[str, dict]:
    """The statement adding the rows of `rows` (a relation shaped like staged_rows) to
    staged_claims or staged_outcomes, typed and checked, and the parameters of its checks.
    Outcomes are checked against the claims this ingest loads (claim_changes)."""
    text = sql_text(f"ingest_{kind}.sql").replace("__ROWS__", rows)
    if kind == "claims":
        return text, {}
    return text, {"events": EVENTS, "verdicts": VERDICT_WORDS, "waiting": WAITING}


def _define_claim_changes(con: duckdb.DuckDBPyConnection, repeats: int) -> None:
    """The view of the claims this ingest loads (ingest_claim_changes.sql), once the claims
    are staged; its "last row wins" windows are left out when no id repeats (`repeats`)."""
    text = sql_text("ingest_claim_changes.sql")
    if not repeats:
        text = _without_window(text, "qualify row_number() over (partition by claim_id")
    con.execute(text)


def _without_window(statement: str, opening: str) -> str:
    """`statement` with its "last row wins" window (a one-line QUALIFY starting with
    `opening`) commented out: when no key repeats, every row is the last of its key, and the
    window would only sort every row for nothing."""
    return statement.replace(opening, "-- ")


def _stage_fast(
    con: duckdb.DuckDBPyConnection, path: Path, index: int, kind: str, name: str
) -> bool:
    """Read a JSON-lines file of `kind` with DuckDB's parallel JSON reader straight into
    staged_claims or staged_outcomes, typed and checked as it is read (one pass). False
    (nothing staged) when a line is not JSON or not an object, which the reader refuses.
    Without raw text and line numbers the rows are only trusted while every one is valid:
    `_stage_kind` reads the file again line by line when a row turns out bad or an id
    repeats (quarantine needs the raw text and line number, the last repeated row wins)."""
    fields = CLAIM_FIELDS if kind == "claims" else OUTCOME_FIELDS
    statement, params = _typed(kind, _fast_rows(fields))
    # DuckDB cannot tell how many rows a JSON file holds and guesses few, so it would build
    # its hash joins (outcomes with the known claims, a file with the warehouse's rows) on
    # the file's wide rows rather than on the narrow other side: the joins are planned as
    # written (0.15 s of outcomes at 1M claims).
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    try:
        con.execute(
            statement,
            params
            | {
                "index": index,
                "file": name,
                "path": str(path),
                "columns": {field: "VARCHAR" for field in fields},
            },
        )
    except duckdb.InvalidInputException:
        # Malformed or invalid UTF-8: the line-by-line read finds which lines. A failed
        # statement inserts nothing; the delete only makes that explicit.
        con.execute(f"delete from staged_{kind} where file_index = $index", {"index": index})
        return False
    finally:
        con.execute("reset disabled_optimizers")
    return True


NOT_UTF8 = "not valid UTF-8 text (the line is quarantined as read, with replacement characters)"


def _stage_lines(con: duckdb.DuckDBPyConnection, path: Path, index: int, name: str) -> None:
    """Stage a JSON-lines file line by line (bulk, in Polars and DuckDB), keeping each line's
    raw text and number, so broken JSON is quarantined as it was. A line that is not valid
    UTF-8 is quarantined as such and the others load."""
    try:
        lines = pl.scan_lines(path, name="raw", row_index_name="line", row_index_offset=1).collect()
        not_utf8: list[int] = []
    except pl.exceptions.ComputeError:
        lines, not_utf8 = _lossy_lines(path)
    lines = lines.with_columns(
        # A byte-order mark opens the file, not the first row.
        raw=pl.when(pl.col("line") == 1)
        .then(pl.col("raw").str.strip_prefix("\ufeff"))
        .otherwise(pl.col("raw"))
    ).filter(pl.col("raw").str.strip_chars().str.len_bytes() > 0)
    register_frame(con, "file_lines", lines)
    con.execute(
        f"insert into staged_rows by name {_from_raw('file_lines')}",
        {"index": index, "file": name},
    )
    con.unregister("file_lines")
    if not_utf8:
        con.execute(
            "update staged_rows set pre_reason = $reason "
            "where file_index = $index and list_contains($lines, line)",
            {"reason": NOT_UTF8, "index": index, "lines": not_utf8},
        )


def _lossy_lines(path: Path) -> tuple[pl.DataFrame, list[int]]:
    """The lines of a file that is not all valid UTF-8 (line, raw: decoded with replacement
    characters) and the numbers of the lines that were not valid. The file is decoded in one
    go; only lines showing a replacement character are looked at one by one."""
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    # Lines end at \n; a \r before it goes, as scan_lines drops it.
    lines = pl.DataFrame({"raw": text.split("\n")}).with_columns(
        pl.col("raw").str.strip_suffix("\r")
    )
    lines = lines.with_row_index("line", offset=1).with_columns(pl.col("line").cast(pl.Int64))
    if data.endswith(b"\n"):
        lines = lines.head(-1)
    suspects = lines.filter(pl.col("raw").str.contains("\ufffd", literal=True))["line"].to_list()
    if suspects:
        raw_lines = data.split(b"\n")
        suspects = [n for n in suspects if not _is_utf8(raw_lines[n - 1])]
    return lines, suspects


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Appended to the copy of a CSV file that DuckDB reads (see _prepared_csv): ASCII letters
# only, so that it reads the same in a JSON copy of a row.
END_MARK = "trackrecordendoffilemark"
UNTERMINATED = "malformed CSV row (unterminated quote: a quoted field opens here and never closes)"


@dataclass
class PreparedCsv:
    """The copy of a CSV file that DuckDB reads (see _prepared_csv) and what copying saw."""

    path: Path
    transcoded: bool  # bytes that are not UTF-8 were replaced by U+FFFD
    empty_lines: bool  # the file has an empty line


def _prepared_csv(
    path: Path, workdir: Path, *, transcode: bool = False, one_line_end: bool = False
) -> PreparedCsv:
    """The copy of CSV file `path` that DuckDB reads: the file as it is, or with U+FFFD for
    bytes that are not UTF-8 (`transcode`: DuckDB garbles their rows and the rows around
    them; _stage_table quarantines them) and \\n for every \\r\\n (`one_line_end`: DuckDB
    refuses a file that mixes the two whole).

    The copy ends with a line of its own, `END_MARK"`. DuckDB's CSV reader (2.0) drops a
    file's last record silently, with every line after its opening quote, when the file ends
    inside that quote: the added quote closes it, so the record comes out (loaded or
    rejected) with END_MARK in it and _mark_unterminated quarantines it. In a file that ends
    outside quotes the added line is a malformed row of its own, dropped. Copied in 16 MB
    blocks, not by row."""
    target = workdir / f"prepared-{path.name}"
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    empty, line_end, previous, held = False, None, b"", b""
    with open(path, "rb") as source, open(target, "wb") as sink:
        for block in iter(lambda: source.read(1 << 24), b""):
            joined = previous[-2:] + block[:2]  # a block's edge cuts no line end in two
            empty = (
                empty
                or b"\n\n" in block
                or b"\n\r\n" in block
                or b"\n\n" in joined
                or b"\n\r\n" in joined
            )
            if line_end is None and (found := re.search(rb"\r\n|\n|\r", block)):
                line_end = found.group(0)
            previous = block
            if one_line_end:  # a \\r that ends a block waits for the block after it
                block = held + block
                block, held = (block[:-1], b"\r") if block.endswith(b"\r") else (block, b"")
                block = block.replace(b"\r\n", b"\n")
            sink.write(decoder.decode(block).encode("utf-8") if transcode else block)
        sink.write(decoder.decode(held, final=True).encode("utf-8") if transcode else held)
        newline = b"\n" if one_line_end else line_end or b"\n"
        if previous[-1:] and previous[-1:] not in b"\r\n":
            sink.write(newline)
        sink.write(END_MARK.encode() + b'"' + newline)
    return PreparedCsv(target, transcode, empty)


def _mark_unterminated(con: duckdb.DuckDBPyConnection, index: int) -> None:
    """After reading a _prepared_csv copy: drop the added line where it stood alone, and
    quarantine the record it closed (the text from the unclosed quote to the end of the
    file) without the mark. Only the file's last record can hold the added line."""
    last = (
        "file_index = $index "
        "and line = (select max(line) from staged_rows where file_index = $index)"
    )
    con.execute(
        f"delete from staged_rows where {last} and pre_reason is not null and trim(raw) = $alone",
        {"index": index, "alone": f'{END_MARK}"'},
    )
    # A rejected record is raw CSV: the mark closes it with its quote, after a line end. A
    # loaded one is JSON text: the mark ends a field's text, after an escaped line end.
    params = {"index": index, "reason": UNTERMINATED}
    con.execute(
        "update staged_rows set pre_reason = $reason, raw = regexp_replace(raw, $tail, '') "
        f"where {last} and pre_reason is not null and regexp_matches(raw, $tail)",
        params | {"tail": f'[\\r\\n]*{END_MARK}"$'},
    )
    con.execute(
        "update staged_rows set pre_reason = $reason, raw = regexp_replace(raw, $tail, '\"') "
        f"where {last} and pre_reason is null and regexp_matches(raw, $tail)",
        params | {"tail": f'(\\\\r\\\\n|\\\\n|\\\\r){END_MARK}"'},
    )


def _stage_table(con: duckdb.DuckDBPyConnection, path: Path, index: int, name: str) -> None:
    """Stage a CSV or Parquet file: each row to JSON text, then the same path as JSON lines.
    A malformed CSV line (too many or too few fields, a broken quote) is kept with its reason
    and the good lines load; so are rows holding bytes that are not UTF-8."""
    if not path.name.lower().endswith(".csv"):
        _stage_parquet(con, path, index, name)
        return
    with tempfile.TemporaryDirectory(prefix="trackrecord-") as workdir:
        one_line_end = False
        copy = _prepared_csv(path, Path(workdir))
        try:
            garbled = _stage_csv(con, copy, index, name)
        except duckdb.InvalidInputException:
            # DuckDB refuses a file that mixes line ends: once more, with one kind of them.
            _forget_staged_csv(con, index)
            one_line_end = True
            copy = _prepared_csv(path, Path(workdir), one_line_end=True)
            garbled = _stage_csv(con, copy, index, name)
        if garbled:
            # Bytes that are not UTF-8: once more, with U+FFFD in their place.
            _forget_staged_csv(con, index)
            copy = _prepared_csv(path, Path(workdir), transcode=True, one_line_end=one_line_end)
            _stage_csv(con, copy, index, name)
        _mark_unterminated(con, index)
    if copy.transcoded:
        # In the values, not the column names: a bad byte in the header flags no row.
        values = ", ".join(f'"{field}"' for field in ALL_FIELDS)
        con.execute(
            "update staged_rows set pre_reason = $reason where file_index = $index and "
            f"pre_reason is null and contains(concat_ws(chr(31), {values}), chr(65533))",
            {"index": index, "reason": NOT_UTF8},
        )


def _forget_staged_csv(con: duckdb.DuckDBPyConnection, index: int) -> None:
    """Undo a CSV file's staging, to stage it again (DuckDB's tables of malformed rows exist
    once a read has kept one)."""
    con.execute("delete from staged_rows where file_index = $index", {"index": index})
    kept = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where table_name in ('reject_errors', 'reject_scans')"
        ).fetchall()
    }
    for table in sorted(kept):
        con.execute(f"delete from {table}")


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path, index: int, name: str) -> None:
    """Stage a Parquet file: each row to JSON text, numbered from 1."""
    rows = (
        "(select row_number() over () as line, to_json(t)::varchar as raw "
        "from read_parquet($path, binary_as_string = true) as t)"
    )
    con.execute(
        f"insert into staged_rows by name {_from_raw(rows)}",
        {"index": index, "file": name, "path": str(path)},
    )


def _stage_csv(con: duckdb.DuckDBPyConnection, copy: PreparedCsv, index: int, name: str) -> bool:
    """Stage a CSV file (its _prepared_csv copy): each good row to JSON text, each malformed
    row (too many or too few fields, a broken quote) as it was, with its reason. True when
    DuckDB found bytes that are not UTF-8 (their rows are garbled: to be staged again from a
    transcoded copy)."""
    path = copy.path
    names, delimiter, header_line = _csv_header(path)
    # The header is read by Python and the dialect given, so one bad line cannot mislead
    # DuckDB's sniffer into rejecting the whole file. One thread: DuckDB's parallel CSV
    # reader, keeping rejects, can lose every row after a malformed one that straddles its
    # 8 MB buffers, silently (DuckDB 2.0); it also keeps the rows in file order for the line
    # numbers.
    reader = (
        "read_csv($path, columns = $columns, header = false, skip = $header_line, "
        "auto_detect = false, delim = $delimiter, quote = '\"', escape = '\"', "
        "store_rejects = true, parallel = false, max_line_size = 67108864)"
    )
    rows = (
        f"(select row_number() over () + $header_line as line, to_json(t)::varchar as raw "
        f"from {reader} as t)"
    )
    con.execute(
        f"insert into staged_rows by name {_from_raw(rows)}",
        {
            "index": index,
            "file": name,
            "path": str(path),
            "header_line": header_line,
            "columns": {column: "VARCHAR" for column in names},
            "delimiter": delimiter,
        },
    )
    # Rows were numbered among the good ones, empty lines skipped; each malformed row and
    # empty line before one pushes it a line further (sql/csv_line_numbers.sql says how).
    register_frame(con, "blank_lines", _empty_lines(con, copy, index, after=header_line))
    try:
        con.execute(sql_text("csv_line_numbers.sql"), {"index": index, "header_line": header_line})
    finally:
        con.unregister("blank_lines")
    con.execute(
        """
        insert into staged_rows (file_index, file, line, raw, pre_reason, fast)
        select $index, $file, line, trim(csv_line, chr(10) || chr(13)),
               'malformed CSV row (' || lower(error_type::varchar) || ')', false
        from reject_errors
        """,
        {"index": index, "file": name},
    )
    # DuckDB keeps a malformed record's first KEPT_BYTES only: the few that are longer are
    # read whole from the file (a character cut in two may leave a few bytes fewer).
    cut = con.execute(
        "select distinct line, line_byte_position, csv_line from reject_errors "
        "where strlen(csv_line) >= $kept - 3 order by line_byte_position",
        {"kept": KEPT_BYTES},
    ).fetchall()
    if cut:
        whole = pl.DataFrame(
            {"line": [line for line, _, _ in cut], "raw": _record_texts(path, cut, delimiter)},
            schema={"line": pl.Int64, "raw": pl.String},
        )
        register_frame(con, "whole_records", whole)
        con.execute(
            "update staged_rows as s set raw = w.raw from whole_records as w "
            "where s.file_index = $index and s.pre_reason is not null and s.line = w.line",
            {"index": index},
        )
        con.unregister("whole_records")
    garbled = con.execute(
        "select count(*) > 0 from reject_errors where error_type = 'INVALID ENCODING'"
    ).fetchall()[0][0]
    con.execute("delete from reject_errors")
    con.execute("delete from reject_scans")
    return bool(garbled)


def _empty_lines(
    con: duckdb.DuckDBPyConnection, copy: PreparedCsv, index: int, after: int
) -> pl.DataFrame:
    """The numbers (line) of the empty lines of a CSV file (its copy) after line `after`
    (its header): DuckDB's CSV reader skips them. No rows when the file has no empty line,
    and none when one of its records spans lines (staged as file `index`, or malformed): DuckDB
    then numbers records, not lines, and an empty line inside a quoted field is not
    skipped."""
    empty = pl.DataFrame({"line": []}, schema={"line": pl.Int64})
    if not copy.empty_lines:
        return empty
    spanning = con.execute(
        "select exists (select 1 from staged_rows where file_index = $index "
        "and (contains(raw, '\\n') or contains(raw, '\\r'))) "
        "or exists (select 1 from reject_errors "
        "where contains(trim(csv_line, chr(10) || chr(13)), chr(10)) "
        "or contains(trim(csv_line, chr(10) || chr(13)), chr(13)))",
        {"index": index},
    ).fetchall()[0][0]
    if spanning:
        return empty
    return (
        pl.scan_lines(copy.path, name="raw", row_index_name="line", row_index_offset=1)
        .filter((pl.col("line") > after) & (pl.col("raw").str.strip_suffix("\r") == ""))
        .select(pl.col("line").cast(pl.Int64))
        .collect()
    )


# How much of a malformed CSV record DuckDB (2.0) keeps in reject_errors.csv_line, in bytes.
KEPT_BYTES = 10_000


def _record_texts(path: Path, cut: list[tuple], delimiter: str) -> list[str]:
    """The whole text of each CSV record cut short by DuckDB (line, byte offset, the text
    kept): each parsed as one record by Python's csv module, from where its kept text
    starts (quotes may carry it over several lines), and its lines read again as they are.
    A loop over these few long malformed records, never over the file's rows."""
    limit = csv.field_size_limit()
    csv.field_size_limit((1 << 31) - 1)  # a record may be as long as the file
    try:
        with open(path, "rb") as handle:
            return [_record_text(handle, offset, kept, delimiter) for _, offset, kept in cut]
    finally:
        csv.field_size_limit(limit)


def _record_text(handle, offset: int, kept: str, delimiter: str) -> str:
    """The whole text of the one record that starts near byte `offset` of the open binary
    `handle`, where its `kept` text begins (see _record_texts)."""
    start = max(offset - 2, 0)  # DuckDB counts the offset from 1 (2.0)
    handle.seek(start)
    head = handle.read(256).decode("utf-8", errors="replace")
    found = max(head.find(kept.lstrip("\r\n")[:64]), 0)
    begin = start + len(head[:found].encode("utf-8", errors="replace"))

    def text_from_record() -> io.TextIOWrapper:
        handle.seek(begin)
        return io.TextIOWrapper(handle, encoding="utf-8", errors="replace", newline="")

    stream = text_from_record()
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"', doublequote=True)
    try:
        next(reader)
    except (csv.Error, StopIteration):
        pass
    lines = max(reader.line_num, 1)
    stream.detach()  # the handle stays open for the next record
    stream = text_from_record()
    text = "".join(stream.readline() for _ in range(lines))  # the record's own lines
    stream.detach()
    return text.rstrip("\r\n")


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    index: int,
    kind: str,
    name: str,
    *,
    fast: bool = True,
) -> bool:
    """Stage the rows of one (already decompressed) file of `kind`; `name` is the file as the
    user gave it, for quarantine. True when its rows went straight into staged_claims or
    staged_outcomes, False when they are in staged_rows, still to be typed."""
    try:
        if _is_jsonl(path):
            if fast and _stage_fast(con, path, index, kind, name):
                return True
            _stage_lines(con, path, index, name)
        else:
            _stage_table(con, path, index, name)
        return False
    except (duckdb.Error, pl.exceptions.PolarsError, OSError) as error:
        raise BadInput(f"{name}: cannot be read ({str(error).splitlines()[0]})") from error


def _stage_kind(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    indexes: list[int],
    readable: list[Path],
    names: list[str],
    note: Progress,
) -> int:
    """Stage, type and check every file of `kind` (claims before outcomes: outcomes are
    checked against the staged claims), then read again line by line each fast-read file
    with a bad or repeated row. Returns how many valid rows repeat a key of another."""
    from_rows = []
    for index in indexes:
        note(f"reading {Path(names[index]).name}")
        if not _stage_file(con, readable[index], index, kind, names[index]):
            from_rows.append(index)
    if kind == "outcomes" and _stage_waiting(con):
        from_rows.append(-1)
    _type_rows(con, kind, from_rows)
    redo, repeats = _redo_and_repeats(con, kind)
    if redo:
        note("re-reading files with bad rows line by line")
        con.execute(
            f"delete from staged_{kind} where list_contains($redo, file_index)", {"redo": redo}
        )
        for index in redo:
            _stage_file(con, readable[index], index, kind, names[index], fast=False)
        _type_rows(con, kind, redo)
        repeats = _redo_and_repeats(con, kind)[1]
    return repeats


def _type_rows(con: duckdb.DuckDBPyConnection, kind: str, files: list[int]) -> None:
    """Type and check the rows of `files` held in staged_rows."""
    if files:
        statement, params = _typed(kind, _FROM_ROWS)
        con.execute(statement, params | {"files": files})


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
    # Row order only matters where it is kept explicitly (line numbers, file order), so DuckDB
    # may stream rows in any order: faster, and far less memory on big files.
    con.execute("set preserve_insertion_order = false")
    con.execute(sql_text("ingest_staging.sql"))
    names = [str(f) for f in files]
    with tempfile.TemporaryDirectory(prefix="trackrecord-") as workdir:
        readable = [_readable(path, index, Path(workdir)) for index, path in enumerate(files)]
        # Every file's kind is known before anything is staged, let alone written.
        kinds = {
            index: kind
            for index, path in enumerate(files)
            if (kind := _file_kind(_file_keys(path), path))
        }
        claim_files = [i for i, k in kinds.items() if k == "claims"]
        outcome_files = [i for i, k in kinds.items() if k == "outcomes"]
        claim_repeats = _stage_kind(con, "claims", claim_files, readable, names, note)
        _define_claim_changes(con, claim_repeats)
        # The claims' identities are worked out (Polars) while DuckDB stages the outcomes.
        distinct = _distinct_claim_values(con)
        with ThreadPoolExecutor(max_workers=1) as pool:
            identities = pool.submit(_claim_identities, distinct)
            outcome_repeats = _stage_kind(con, "outcomes", outcome_files, readable, names, note)
            note("identifying sources")
            claim_identities = identities.result()
    _identify(con, claim_identities)

    with nullcontext() if dry_run else transaction(con):
        note("merging")
        counts = _merge(con, outcome_repeats, dry_run=dry_run)
        if not dry_run:
            note("updating sources and outlets")
            refresh_identities(con)
            note("committing")
    for key, value in counts.items():
        setattr(report, key, value)
    if not report.loaded_anything and files:
        raise BadInput(
            f"no row could load from {len(files)} file(s); "
            f"{report.quarantined} row(s) quarantined (see `trackrecord quarantine`)"
        )
    return report


def _stage_waiting(con: duckdb.DuckDBPyConnection) -> int:
    """Outcomes waiting in quarantine for their claim, and those held as dated before their
    claim's publication when this ingest changes that claim, join this ingest as file_index
    -1, in staged_rows (checked again like any row). Returns how many."""
    waiting = """(select file, line, raw from main.quarantine
                  where reason = $waiting
                     or (kind = 'outcomes' and starts_with(reason, $early)
                         and claim_id in (select claim_id from claim_changes
                                          where change = 'changed')))"""
    return con.execute(
        f"insert into staged_rows by name {_from_raw(waiting, file='file', index='-1')}",
        {"waiting": WAITING, "early": EARLY},
    ).fetchall()[0][0]


def _distinct_claim_values(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The distinct sources (with their given kind), outlets and subjects of the valid staged
    claims, in one scan of the rows; is_source, is_outlet and is_subject say which a row is."""
    return fetch_frame(
        con,
        """
        select source, source_kind_given as source_kind, outlet, subject,
               grouping(source, source_kind_given) = 0 as is_source,
               grouping(outlet) = 0 as is_outlet, grouping(subject) = 0 as is_subject
        from staged_claims where reason is null
        group by grouping sets ((source, source_kind_given), (outlet), (subject))""",
    )


def _claim_identities(distinct: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The identities of the claims' distinct values (_distinct_claim_values), by the rules
    of warehouse.identity: source_identities, outlet_identities and subject_keys. Polars
    only, so that it can run beside DuckDB's staging of the outcomes."""
    subjects = distinct.filter(pl.col("is_subject") & pl.col("subject").is_not_null())
    return {
        "source_identities": identity.identify_sources(
            distinct.filter(pl.col("is_source")).select("source", "source_kind")
        ),
        "outlet_identities": identity.identify_outlets(
            distinct.filter(pl.col("is_outlet")).select("outlet")
        ),
        "subject_keys": identity.named_keys(
            subjects.lazy().select("subject"), "subject", "subject_key"
        ).collect(),
    }


def _identify(con: duckdb.DuckDBPyConnection, claim_identities: dict[str, pl.DataFrame]) -> None:
    """Identities of the valid staged rows, as temp tables for the merge to join: those of
    the claims (_claim_identities: source_identities, outlet_identities, subject_keys) and
    by_identities (who did an outcome, folded: by_kind, by, by_key). The rules (Polars,
    warehouse.identity) run on distinct values only."""
    # Those who denied or contradicted a claim are people, keyed like subjects (each distinct
    # name once: a subject's key is reused); corroborations come from outlets.
    bys = fetch_frame(
        con,
        """
        select distinct event, "by" from staged_outcomes where reason is null""",
    )
    subjects = claim_identities["subject_keys"].select(
        pl.col("subject").alias("name"), pl.col("subject_key").alias("key")
    )
    names = (
        bys.filter((pl.col("event") != "corroborated") & (pl.col("by") != ""))
        .select(pl.col("by").alias("name"))
        .unique()
        .join(subjects, on="name", how="anti")
    )
    people = pl.concat([subjects, identity.named_keys(names.lazy(), "name", "key").collect()])
    corroborators = (
        bys.filter(pl.col("event") == "corroborated")
        .select("by")
        .unique()
        .with_columns(outlet=identity.outlet_key(pl.col("by")))
    )
    corroborated = pl.col("event") == "corroborated"
    by_identities = (
        bys.filter(pl.col("by") != "")
        .join(people, left_on="by", right_on="name", how="left")
        .join(corroborators, on="by", how="left")
        .select(
            by_kind=pl.when(corroborated).then(pl.lit("outlet")).otherwise(pl.lit("person")),
            by="by",
            by_key=pl.when(corroborated)
            .then(pl.col("outlet"))
            .otherwise(pl.col("key"))
            .fill_null(""),
        )
        .unique()
    )
    for name, frame in {**claim_identities, "by_identities": by_identities}.items():
        register_frame(con, "identity_frame", frame)
        con.execute(f"create or replace temp table {name} as select * from identity_frame")
        con.unregister("identity_frame")


def _redo_and_repeats(con: duckdb.DuckDBPyConnection, kind: str) -> tuple[list[int], int]:
    """The fast-read files of `kind` to read again line by line (a row is invalid or
    waiting, or a key repeats in the file), and how many rows repeat a key of another (valid
    rows; for claims also any rows with an id within one file, as a claim's last row in a
    file wins even when invalid). 0 in the usual case: then no file can hold a repeat, and
    only files with a bad row are looked for."""
    table = f"staged_{kind}"
    key = "claim_id" if kind == "claims" else 'hash(claim_id, event, "at", "by")'
    own = "fast" if kind == "claims" else "fast and not was_waiting"
    # A claim's last row in a file wins even when invalid (ingest_merge.sql): repeats within
    # a file count whatever the rows' reasons, repeats across files among valid rows. Both
    # are 0 when no id repeats among all the rows, the usual case, which one count tells.
    bad = con.execute(
        f"select list(distinct file_index) from {table} where {own} and reason is not null"
    ).fetchall()[0][0]
    if kind == "claims":
        repeats = con.execute(
            "select count(*) - count(distinct claim_id) from staged_claims "
            "where claim_id is not null"
        ).fetchall()[0][0]
    else:
        # Polars counts a million outcomes' distinct keys in 0.09 s, DuckDB in 0.14 s.
        keys = fetch_frame(con, f"select {key} as key from {table} where reason is null")["key"]
        repeats = keys.len() - keys.n_unique()
    if repeats and kind == "claims":
        repeats = con.execute("""
            select (select count(*) - count(distinct (file_index, claim_id)) from staged_claims
                    where claim_id is not null)
                 + (select count(*) - count(distinct claim_id) from staged_claims
                    where reason is null)""").fetchall()[0][0]
    if repeats:
        bad = [
            row[0]
            for row in con.execute(f"""
            select file_index from {table} where {own}
            group by file_index
            having count(*) filter (where reason is not null) > 0
                or count(distinct {key}) < count(*)""").fetchall()
        ]
    return sorted(bad or []), repeats


# outcomes_now_early's lookup of an early outcome among the staged ones (ingest_merge.sql).
_RESTAGED_LOOKUP = r"exists \(select 1 from staged_outcomes as s where [^\n]*\) as restaged"


def _merge(
    con: duckdb.DuckDBPyConnection, outcome_repeats: int, *, dry_run: bool
) -> dict[str, int]:
    """Classify staged rows against the warehouse and (unless dry) write them.
    `outcome_repeats`: how many valid outcome rows repeat a key (the dedupe window is skipped
    when 0). When no claim changed, no stored outcome can be early, and the early outcomes'
    lookup among the staged ones (0.1 s at a million outcomes) is left out."""
    statements = sql_text("ingest_merge.sql").split(";\n")
    changed = con.execute(
        "select bool_or(change = 'changed') from staged_claims where reason is null"
    ).fetchone()[0]
    for statement in statements:
        text = statement.strip()
        if not text or (dry_run and text.startswith("-- write")):
            continue
        if "-- dedupe: the last row for a key" in text and not outcome_repeats:
            text = _without_window(text, "qualify row_number() over (")
        if not changed:
            text = re.sub(_RESTAGED_LOOKUP, "false as restaged", text)
        params = {"waiting": WAITING, "early": EARLY}
        con.execute(text, {k: v for k, v in params.items() if f"${k}" in text})
    counts = fetch_frame(con, "select * from ingest_counts").row(0, named=True)
    return {name: int(value or 0) for name, value in counts.items()}
