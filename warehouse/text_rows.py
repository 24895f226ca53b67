"""Text files read row by row, for staging: each row with its line number and its text as
given, in frames of BATCH_ROWS rows. What cannot be read is kept with a reason, never dropped.

- CSV (`csv_rows`): Python's csv module (C) streams over the decoded file; each record gives
  its fields as text. A row is numbered by its record: a quoted field that spans lines counts
  once, and so does an empty line. A record whose fields do not match the header, and a quote
  that never closes (one record from its line to the end of the file), are held as malformed.
- JSON lines (`json_lines`): each line's text; DuckDB takes the fields out
  (sql/ingest_json_text.sql).

In both, bytes that are not UTF-8 hold their row, shown with replacement characters.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

import polars as pl

from warehouse.inputs import InputFile, open_text

FIELDS = (
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
    "event",
    "at",
    "by",
    "verdict",
    "note",
)
BATCH_ROWS = 250_000  # DuckDB inserts a big frame in parallel, a small one slowly
CHUNK_ROWS = 5_000
NOT_UTF8 = "not valid UTF-8 text (the line is quarantined as read, with replacement characters)"
UNTERMINATED = "malformed CSV row (unterminated quote: a quoted field opens here and never closes)"

# Bytes that are not UTF-8, as the "surrogateescape" error handler decodes them.
_NOT_UTF8_BYTES = re.compile("[\udc80-\udcff]")

# A field may be as long as the file (a text of megabytes): no limit below the C reader's own.
csv.field_size_limit(2**31 - 1)


def json_lines(file: InputFile) -> Iterator[pl.DataFrame]:
    """The lines of JSON-lines `file` that are not blank, as frames of (line, raw,
    pre_reason). Lines end at \\n (a \\r before it goes)."""
    lines: list[int] = []
    raws: list[str] = []
    problems: list[str | None] = []
    with open_text(file.path, errors="surrogateescape", newline="\n") as handle:
        for line, text in enumerate(handle, start=1):
            raw = text.rstrip("\r\n")
            if not raw.strip():
                continue
            problem = None
            if not raw.isascii() and _NOT_UTF8_BYTES.search(raw):
                problem, raw = NOT_UTF8, _replaced(raw)
            lines.append(line)
            raws.append(raw)
            problems.append(problem)
            if len(lines) == BATCH_ROWS:
                yield _line_frame(lines, raws, problems)
                lines, raws, problems = [], [], []
    if lines:
        yield _line_frame(lines, raws, problems)


def _line_frame(lines: list[int], raws: list[str], problems: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"line": lines, "raw": raws, "pre_reason": problems},
        schema={"line": pl.Int64, "raw": pl.String, "pre_reason": pl.String},
    )


def csv_rows(file: InputFile) -> Iterator[pl.DataFrame]:
    """The rows of CSV `file` after its header, as frames of (line, raw, pre_reason, and
    each contract field the header names; an empty field is null, as it is missing)."""
    fields = {name: file.columns.index(name) for name in FIELDS if name in file.columns}
    chunks: list[pl.DataFrame] = []
    records: list[tuple] = []
    for record in _records(file):
        records.append(record)
        if len(records) == CHUNK_ROWS:
            chunks.append(_chunk(records, fields))
            records = []
            if len(chunks) * CHUNK_ROWS >= BATCH_ROWS:
                yield _batch(chunks, fields)
                chunks = []
    if records:
        chunks.append(_chunk(records, fields))
    if chunks:
        yield _batch(chunks, fields)


def _records(file: InputFile) -> Iterator[tuple]:
    """(line, raw text, problem, field, field, ...) for each record after the header that is
    not blank. Where the record cannot be read, problem says why and the fields are None."""
    taken: list[str] = []  # the lines of the record being read
    ended = False
    width = len(file.columns)
    missing = (None,) * width

    with open_text(file.path, errors="surrogateescape") as handle:

        def lines() -> Iterator[str]:
            nonlocal ended
            for text in handle:
                taken.append(text)
                yield text
            ended = True

        # strict: a quote left open at the end of the file is an error, not a record cut short.
        reader = csv.reader(lines(), delimiter=file.delimiter, strict=True)
        line, header_seen = 0, False
        while True:
            try:
                values, problem = next(reader), None
            except StopIteration:
                return
            except csv.Error as error:
                values = missing
                problem = UNTERMINATED if ended else f"malformed CSV row ({error})"
            line += 1
            raw = "".join(taken).rstrip("\r\n")
            taken.clear()
            if not raw.strip():
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(values) != width:
                problem = f"malformed CSV row ({len(values)} fields where the header names {width})"
                values = missing
            if not raw.isascii() and _NOT_UTF8_BYTES.search(raw):
                problem = problem or NOT_UTF8
                raw = _replaced(raw)
                values = [value and _replaced(value) for value in values]
            yield (line, raw, problem, *values)


def _chunk(records: list[tuple], fields: dict[str, int]) -> pl.DataFrame:
    """Records as a frame. Records become columns a few thousand at a time: few Python
    objects stay alive at once, so the garbage collector's passes stay short."""
    columns = list(zip(*records, strict=True))
    return pl.DataFrame(
        {"line": columns[0], "raw": columns[1], "pre_reason": columns[2]}
        | {name: columns[3 + position] for name, position in fields.items()},
        schema={"line": pl.Int64, "raw": pl.String, "pre_reason": pl.String}
        | dict.fromkeys(fields, pl.String),
    )


def _batch(chunks: list[pl.DataFrame], fields: dict[str, int]) -> pl.DataFrame:
    names = list(fields)
    return pl.concat(chunks).with_columns(pl.when(pl.col(names) != "").then(pl.col(names)))


def _replaced(text: str) -> str:
    """`text` with each byte that is not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
