"""The files an ingest is given: what each PATH names (a file, a folder, a glob), and what each
file is (its format from its name, its kind from its columns).

Every path is checked before anything is written: a missing or unreadable path, or a file with
none of the claim, outcome or article columns, raises BadInput (exit 2) and loads nothing.
An article file is told apart by its columns (`article_id` and `text`, no `source`); an
.html/.htm page is always an article.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import IO

import polars as pl

from warehouse.errors import BadInput

FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".html": "html",
    ".htm": "html",
}
READABLE = ".jsonl, .ndjson, .csv, .parquet (each optionally .gz), .html or .htm"
ARTICLE_COLUMNS = {"article_id", "text"}
CLAIM_COLUMNS = {"published_at", "source", "outlet", "text"}
OUTCOME_COLUMNS = {"event", "at"}
# Lines of a JSON-lines file read to find its keys.
SAMPLE_LINES = 1000
# A CSV header is sniffed for one of these delimiters; a comma when none stands out.
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class InputFile:
    """One checked input file. `kind` is 'claims', 'outcomes', 'articles', or None for a
    file with no rows; `columns` are a CSV file's header in order, or the keys found in a
    JSON-lines or Parquet file; `delimiter` is a CSV file's. `shown_as` is the file that
    quarantine names for its rows when that is not `path`: the article file that claims
    and outcomes extracted into a temporary file came from."""

    path: Path
    format: str
    kind: str | None
    columns: tuple[str, ...]
    delimiter: str = ","
    shown_as: Path | None = None

    @property
    def label(self) -> str:
        return str(self.shown_as or self.path)

    @property
    def gzipped(self) -> bool:
        return self.path.name.lower().endswith(".gz")


def check_inputs(paths: list[str]) -> list[InputFile]:
    """Every file named by `paths`, checked and described. Raises BadInput for a missing,
    unreadable or unrecognisable file; writes nothing."""
    return [_checked(path) for path in resolve_paths(paths)]


def resolve_paths(paths: list[str]) -> list[Path]:
    """Files named by PATHs (files, folders, globs; a path that exists is itself, wildcard
    characters or not), each checked readable. Raises BadInput."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if any(ch in given for ch in "*?[") and not path.exists():
            matches = sorted(Path(m) for m in glob(given, recursive=True))
            found = [m for m in matches if m.is_file() and _format(m)]
            if not found:
                raise BadInput(f"no input files match {given}")
            files.extend(found)
        elif path.is_dir():
            # The folder's own files, not its subfolders (a generated world keeps its hidden
            # truth in truth/, which is not input).
            found = sorted(p for p in path.iterdir() if p.is_file() and _format(p))
            if not found:
                raise BadInput(f"no {READABLE} files in {given}")
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
    return list(dict.fromkeys(p.resolve() for p in files))


def open_text(path: Path, *, errors: str = "replace", newline: str | None = "") -> IO[str]:
    """A text handle on a UTF-8 file (a byte-order mark dropped), .gz decompressed as read."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", errors=errors, newline=newline)
    return open(path, encoding="utf-8-sig", errors=errors, newline=newline)


def _format(path: Path) -> str | None:
    name = path.name.lower().removesuffix(".gz")
    return next((format for suffix, format in FORMATS.items() if name.endswith(suffix)), None)


def _checked(path: Path) -> InputFile:
    format = _format(path)
    if format is None:
        raise BadInput(f"{path}: not a file type trackrecord reads ({READABLE})")
    if format == "html":
        return InputFile(path, format, "articles", ())
    delimiter = ","
    try:
        if format == "csv":
            columns, delimiter = csv_header(path)
        elif format == "jsonl":
            columns = _json_keys(path)
        else:
            columns = _parquet_columns(path)
    except (OSError, EOFError, zlib.error, pl.exceptions.PolarsError) as error:
        raise BadInput(f"{path}: cannot be read ({str(error).splitlines()[0]})") from error
    return InputFile(path, format, _kind(set(columns), path), columns, delimiter)


def _kind(columns: set[str], path: Path) -> str | None:
    """'claims', 'outcomes' or 'articles' from a file's columns; None for an empty file."""
    if not columns:
        return None
    if ARTICLE_COLUMNS <= columns and "source" not in columns:
        return "articles"
    claim_columns = CLAIM_COLUMNS & columns
    outcome_columns = OUTCOME_COLUMNS & columns
    # Outcome columns decide only when both are there or no claim column is: a claims file
    # with a column of its own named `event` is still a claims file.
    if "claim_id" in columns and (
        outcome_columns == OUTCOME_COLUMNS or (outcome_columns and not claim_columns)
    ):
        return "outcomes"
    if claim_columns:
        return "claims"
    raise BadInput(
        f"{path}: neither claim columns (claim_id, published_at, source, outlet, text) "
        "nor outcome columns (claim_id, event, at) nor article columns (article_id, text) found"
    )


def csv_header(path: Path) -> tuple[tuple[str, ...], str]:
    """A CSV file's column names and delimiter, from its first line that is not blank.
    Raises BadInput for a header that would lose rows: a quote it never closes (the whole
    file would be the header) or a column named twice."""
    with open_text(path) as handle:
        lines = enumerate(handle, start=1)
        number, first = next(((n, text) for n, text in lines if text.strip()), (0, ""))
    if not first:
        return (), ","
    if first.count('"') % 2:
        raise BadInput(f"{path}: the header (line {number}) has a quote that never closes")
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    names = [name.strip() for name in next(csv.reader([first], delimiter=delimiter))]
    # Columns without a name (a spreadsheet's trailing commas) are read and never used.
    names = [name or f"(column {n} without a name)" for n, name in enumerate(names, 1)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BadInput(f"{path}: the header names {', '.join(repeated)} more than once")
    return tuple(names), delimiter


def _json_keys(path: Path) -> tuple[str, ...]:
    """The keys of the objects among a JSON-lines file's first SAMPLE_LINES non-blank lines;
    every line's when those hold no object. Raises BadInput for a file with lines but no
    object."""
    keys: dict[str, None] = {}
    seen = 0
    with open_text(path, newline="\n") as handle:
        for line in handle:
            if not line.strip():
                continue
            seen += 1
            row = _json_object(line)
            keys.update(dict.fromkeys(row or ()))
            if keys and seen >= SAMPLE_LINES:
                break
    if seen and not keys:
        raise BadInput(
            f"{path}: no line is a JSON object (claims, outcomes and articles are one JSON "
            "object per line)"
        )
    return tuple(keys)


def _json_object(line: str) -> dict | None:
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python goes
        return None
    return row if isinstance(row, dict) else None


def _parquet_columns(path: Path) -> tuple[str, ...]:
    """A Parquet file's column names, read from its footer (a .gz file decompressed)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        return tuple(pl.read_parquet_schema(handle))
