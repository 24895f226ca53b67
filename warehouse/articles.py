"""Article files read and checked before extraction: JSON lines, CSV and Parquet (also .gz)
with the article columns of design.md ("Input: articles"), and .html/.htm pages, whose main
text, title, date and site name trafilatura takes out of the page.

`read_articles` returns the articles that can be extracted and the rows that cannot, each
with its line and a reason a person understands; nothing is dropped silently. Articles are
documents, a few thousand at a time, so rows are read one by one here; the checks run in
Polars over the whole frame.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import polars as pl

from warehouse.inputs import open_text

FIELDS = ("article_id", "published_at", "outlet", "text", "title", "url", "byline", "story")
HTML_SUFFIXES = (".html", ".htm")
# An ISO 8601 date or datetime with a four-digit year; the calendar is checked apart.
_ISO = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
_SCHEMA = {
    "line": pl.Int64,
    "raw": pl.String,
    "problem": pl.String,
    **dict.fromkeys(FIELDS, pl.String),
}
NOT_OBJECT = "not a JSON object (an article is one JSON object per line)"


def is_html(path: Path) -> bool:
    return path.name.lower().endswith(HTML_SUFFIXES)


def read_articles(
    path: Path, *, outlet: str | None = None, published_at: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(articles, rejected) of one article file. `outlet` and `published_at` fill what a
    row or page leaves empty. Rejected rows carry line, raw and reason."""
    name = path.name.lower().removesuffix(".gz")
    if is_html(path):
        rows = _html_rows(path)
    elif name.endswith(".csv"):
        rows = _csv_rows(path)
    elif name.endswith(".parquet"):
        rows = _parquet_rows(path)
    else:
        rows = _json_rows(path)
    filled = rows.with_columns(
        pl.col(name).str.strip_chars().replace("", None) for name in FIELDS if name != "text"
    ).with_columns(
        outlet=pl.col("outlet").fill_null(pl.lit(outlet, pl.String)),
        published_at=pl.col("published_at").fill_null(pl.lit(published_at, pl.String)),
    )
    checked = filled.with_columns(reason=_reason())
    articles = checked.filter(pl.col("reason").is_null()).select(FIELDS)
    rejected = checked.filter(pl.col("reason").is_not_null()).select("line", "raw", "reason")
    return articles.unique("article_id", keep="last", maintain_order=True), rejected


def _reason() -> pl.Expr:
    """Why a row cannot be extracted, or null."""
    day = pl.col("published_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    return (
        pl.when(pl.col("problem").is_not_null())
        .then(pl.col("problem"))
        .when(pl.col("article_id").is_null())
        .then(pl.lit("missing article_id"))
        .when(pl.col("text").is_null() | (pl.col("text").str.strip_chars() == ""))
        .then(pl.lit("no text: the article is empty"))
        .when(pl.col("published_at").is_null())
        .then(pl.lit("no date: published_at is missing (give --published-at for pages)"))
        .when(~pl.col("published_at").str.contains(_ISO) | day.is_null())
        .then(pl.lit("published_at is not an ISO 8601 date or datetime"))
        .when(~day.dt.year().is_between(1000, 9999))
        .then(pl.lit("published_at is outside the years 1000-9999"))
        .when(pl.col("outlet").is_null())
        .then(pl.lit("missing outlet (give --outlet for pages)"))
    )


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=_SCHEMA)


def _text(value: object) -> str | None:
    return None if value is None else value if isinstance(value, str) else str(value)


def _json_rows(path: Path) -> pl.DataFrame:
    rows = []
    with open_text(path, newline="\n") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                value = None
            fields = value if isinstance(value, dict) else {}
            row = {name: _text(fields.get(name)) for name in FIELDS}
            problem = None if isinstance(value, dict) else NOT_OBJECT
            rows.append({"line": line, "raw": raw.rstrip("\r\n"), "problem": problem, **row})
    return _frame(rows)


def _csv_rows(path: Path) -> pl.DataFrame:
    rows = []
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        line = reader.line_num + 1
        for record in reader:
            fields = {(key or "").strip(): value for key, value in record.items()}
            raw = json.dumps(record, ensure_ascii=False)
            rows.append({"line": line, "raw": raw, **{n: fields.get(n) for n in FIELDS}})
            line = reader.line_num + 1
    return _frame(rows)


def _parquet_rows(path: Path) -> pl.DataFrame:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        table = pl.read_parquet(handle)
    present = [name for name in FIELDS if name in table.columns]
    return table.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("line"),
        pl.lit(None, pl.String).alias("raw"),
        pl.lit(None, pl.String).alias("problem"),
        *[pl.col(name).cast(pl.String) for name in present],
        *[pl.lit(None, pl.String).alias(name) for name in FIELDS if name not in present],
    ).select(list(_SCHEMA))


def _html_rows(path: Path) -> pl.DataFrame:
    """One article from a page: trafilatura's main text (paragraphs separated by blank lines),
    title, date and site name; the file's name is its article_id."""
    import trafilatura  # only pages need it

    page = path.read_bytes()
    document = trafilatura.bare_extraction(page, with_metadata=True)
    found = document.as_dict() if document is not None else {}
    text = "\n\n".join(p for p in (found.get("text") or "").splitlines() if p.strip())
    # trafilatura falls back to any text it finds (a menu's "Home"): less than its own least
    # size of an extraction is a page with no article in it.
    least = trafilatura.settings.DEFAULT_CONFIG.getint("DEFAULT", "MIN_EXTRACTED_SIZE")
    problem = None if len(text) >= least else "no article text found in the page"
    row = {
        "article_id": path.stem,
        "published_at": found.get("date"),
        "outlet": found.get("sitename"),
        "text": text or None,
        "title": found.get("title"),
        "url": found.get("url"),
        "byline": found.get("author"),
        "story": None,
    }
    return _frame([{"line": None, "raw": None, "problem": problem, **row}])
