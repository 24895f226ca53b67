"""Article files on their way into an ingest: read and checked (warehouse.articles), their
claims and events extracted (extraction), and written as claim and outcome files in the
ingest's temporary folder, so that they pass the same staging, validation and merge as the
files a person hands in. What claim and outcome files cannot hold is kept beside them in the
warehouse (sql/008_articles.sql): the articles, where each claim came from, which article
reported each event, and the links left for a person to review.

`extract_files` does the same up to the files, into a folder of the user's, with no warehouse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import polars as pl

from extraction import (
    DEFAULT_LINK_THRESHOLD,
    DEFAULT_STORY_SIMILARITY,
    DEFAULT_STORY_WINDOW_DAYS,
    extract_articles,
)
from warehouse.articles import FIELDS, read_articles
from warehouse.database import register_frame, run_script
from warehouse.errors import BadInput
from warehouse.inputs import InputFile, check_inputs

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
OUTCOME_FIELDS = ["claim_id", "event", "at", "by", "note"]
# Extraction is asked for every link, sure or not, so that each event keeps the answer (and
# so the article) it came from; the threshold is applied here, as extraction would.
_EVERY_LINK = 2.0


@dataclass(frozen=True)
class ArticleOptions:
    """How articles are read and extracted: config.toml [extraction] and the ingest's
    --outlet and --published-at, which fill what a row or page does not say."""

    link_threshold: float = DEFAULT_LINK_THRESHOLD
    story_window_days: float = DEFAULT_STORY_WINDOW_DAYS
    story_similarity: float = DEFAULT_STORY_SIMILARITY
    outlet: str | None = None
    published_at: str | None = None


@dataclass(frozen=True)
class ArticleBatch:
    """The article files of one ingest, read and extracted."""

    articles: pl.DataFrame  # FIELDS + file, content_hash
    rejected: pl.DataFrame  # file, line, raw, reason
    attributions: pl.DataFrame  # extraction's, in the contract's shape
    claims: pl.DataFrame  # extraction's claims: CLAIM_FIELDS + article_id, sentence, spans
    events: pl.DataFrame  # sure links: OUTCOME_FIELDS + article_id (of the answer)
    links: pl.DataFrame  # unsure links, for review: link_id, ..., article_id

    @property
    def without_attributions(self) -> int:
        found = self.attributions["article_id"].unique()
        return self.articles.filter(~pl.col("article_id").is_in(found.implode())).height


def read_batch(files: list[InputFile], options: ArticleOptions) -> ArticleBatch:
    """Read, check and extract the article files among `files`: one extraction over all of
    them, so that an answer finds the claims of earlier articles in any of the files."""
    good, bad = [], []
    for file in files:
        if file.kind != "articles":
            continue
        articles, rejected = read_articles(
            file.path, outlet=options.outlet, published_at=options.published_at
        )
        good.append(articles.with_columns(file=pl.lit(file.label)))
        bad.append(rejected.with_columns(file=pl.lit(file.label)))
    article_schema = dict.fromkeys([*FIELDS, "file"], pl.String)
    articles = pl.concat(
        [pl.DataFrame(schema=article_schema), *good], how="diagonal_relaxed"
    ).unique("article_id", keep="last", maintain_order=True)
    articles = articles.with_columns(
        content_hash=pl.struct(*FIELDS).map_elements(_content_hash, return_dtype=pl.UInt64)
    )
    rejected_schema = {"line": pl.Int64, "raw": pl.String, "reason": pl.String, "file": pl.String}
    rejected = pl.concat([pl.DataFrame(schema=rejected_schema), *bad], how="diagonal_relaxed")
    found = extract_articles(
        articles.select(FIELDS),
        link_threshold=_EVERY_LINK,
        story_window_days=options.story_window_days,
        story_similarity=options.story_similarity,
    )
    answers = found.attributions.select(pl.col("claim_id").alias("answer_id"), "article_id")
    links = found.links.join(answers, on="answer_id", how="left")
    sure = pl.col("confidence") >= options.link_threshold
    return ArticleBatch(
        articles=articles,
        rejected=rejected.select("file", "line", "raw", "reason"),
        attributions=found.attributions,
        claims=found.claims,
        events=links.filter(sure).select(*OUTCOME_FIELDS, "article_id"),
        links=links.filter(~sure),
    )


def _content_hash(article: dict) -> int:
    """A stable 64-bit hash of an article's fields: an edit changes it, a re-read does not."""
    text = json.dumps([article[name] for name in FIELDS], ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def extracted_inputs(batch: ArticleBatch, workdir: Path) -> list[InputFile]:
    """The batch's claims and events written as claim and outcome files under `workdir`, one
    pair per article file, each shown in quarantine as the article file it came from."""
    folder = workdir / "extracted"
    folder.mkdir(exist_ok=True)
    files_of = batch.articles.select("article_id", "file")
    claims = batch.claims.join(files_of, on="article_id")
    events = batch.events.join(files_of, on="article_id")
    inputs = []
    for number, label in enumerate(batch.articles["file"].unique(maintain_order=True)):
        for kind, frame, fields in (
            ("claims", claims, CLAIM_FIELDS),
            ("outcomes", events, OUTCOME_FIELDS),
        ):
            rows = frame.filter(pl.col("file") == label).select(fields)
            if rows.is_empty():
                continue
            path = folder / f"{number}-{kind}.jsonl"
            rows.write_ndjson(path)
            (checked,) = check_inputs([str(path)])
            inputs.append(replace(checked, shown_as=Path(label)))
    return inputs


def extract_files(
    paths: list[str], out_dir: Path, options: ArticleOptions
) -> tuple[dict[str, int], pl.DataFrame]:
    """What an ingest of the article files named by `paths` would load, written to
    out_dir/claims.jsonl, outcomes.jsonl and attributions.jsonl: the counts, and the rows
    that could not be read (file, line, raw, reason). Touches no warehouse. Raises BadInput
    when no article could be read."""
    files = check_inputs(paths)
    others = [str(file.path) for file in files if file.kind not in ("articles", None)]
    if others:
        raise BadInput(f"{others[0]}: not an article file (article_id and text, no source)")
    batch = read_batch(files, options)
    if batch.articles.is_empty():
        raise BadInput(
            f"no article could be read from {len(files)} file(s); "
            f"{batch.rejected.height} row(s) rejected"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    batch.claims.select(CLAIM_FIELDS).write_ndjson(out_dir / "claims.jsonl")
    batch.events.select(OUTCOME_FIELDS).write_ndjson(out_dir / "outcomes.jsonl")
    batch.attributions.select(
        "article_id",
        "claim_id",
        "source",
        "cue",
        "content",
        "resolved_source",
        "source_kind",
        "affiliation",
        "outlet",
    ).write_ndjson(out_dir / "attributions.jsonl")
    counts = {
        "articles": batch.articles.height,
        "without attributions": batch.without_attributions,
        "attributions": batch.attributions.height,
        "claims": batch.claims.height,
        "outcomes": batch.events.height,
        "links for review": batch.links.height,
    }
    return counts, batch.rejected


def save(con: duckdb.DuckDBPyConnection, batch: ArticleBatch) -> None:
    """Keep what the claim and outcome tables cannot hold: the articles, each loaded claim's
    origin, each loaded event's article, new links for review, and rejected rows in
    quarantine; an edited article's claims and events that it no longer gives are deleted.
    Call inside the ingest's transaction, after the merge wrote the claims and outcomes."""
    # spans as JSON text ([[start, end], ...]) that any reader of the warehouse can parse
    spans = {
        f"{role}_spans": pl.Series(
            [None if v is None else json.dumps(v) for v in batch.claims[f"{role}_spans"].to_list()],
            dtype=pl.String,
        )
        for role in ("source", "cue", "content")
    }
    frames = {
        "batch_articles": batch.articles.with_columns(
            published_at=pl.col("published_at").cast(pl.String)
        ),
        "batch_rejected": batch.rejected,
        "batch_origins": batch.claims.select("claim_id", "article_id", "sentence").with_columns(
            **spans
        ),
        "batch_events": batch.events.select(
            "claim_id", "event", "at", pl.col("by").fill_null(""), "article_id"
        ),
        "batch_links": batch.links.select(
            "link_id",
            "claim_id",
            "event",
            "at",
            "by",
            "note",
            "confidence",
            "claim_sentence",
            pl.col("note").alias("answer_sentence"),
            "article_id",
        ),
    }
    for name, frame in frames.items():
        register_frame(con, name, frame)
    try:
        run_script(con, "ingest_articles.sql")
    finally:
        for name in frames:
            con.unregister(name)
