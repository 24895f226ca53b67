"""Articles in, attributed claims and the events they report out: pure functions, no database.

`extract_articles(articles)` takes a frame of articles (article_id, published_at, outlet, text;
optionally title, url, byline, story) and returns an `Extraction` of four frames in the
contract's shapes: `attributions` (extract's attributions.jsonl), `claims` and `outcomes` (the
claim and outcome input formats, claims keeping their article, sentence and spans), and `links`
(answers whose confidence is below `link_threshold`, kept for a person to review). Everything is
derived from the text, so extracting the same articles again gives the same frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from extraction import attributions as finder
from extraction import links as linker
from extraction import sources, stories
from warehouse import identity

__all__ = [
    "Extraction",
    "extract_articles",
    "DEFAULT_LINK_THRESHOLD",
    "DEFAULT_STORY_WINDOW_DAYS",
    "DEFAULT_STORY_SIMILARITY",
]

DEFAULT_LINK_THRESHOLD = 0.7
DEFAULT_STORY_WINDOW_DAYS = stories.DEFAULT_WINDOW_DAYS
DEFAULT_STORY_SIMILARITY = stories.DEFAULT_SIMILARITY
_ROLE = pl.Struct({"text": pl.String, "spans": pl.List(pl.List(pl.Int64))})
_PRONOUNS = ["he", "she", "they", "we", "i", "it", "you"]


@dataclass(frozen=True)
class Extraction:
    """What extraction found: attributions, the claims they make, the events loaded as
    outcomes, and the links left for review."""

    attributions: pl.DataFrame
    claims: pl.DataFrame
    outcomes: pl.DataFrame
    links: pl.DataFrame


def _role(text: str, spans: list[tuple[int, int]]) -> dict | None:
    if not spans:
        return None
    return {"text": " … ".join(text[a:b] for a, b in spans), "spans": [[a, b] for a, b in spans]}


def _found(article: dict) -> list[dict]:
    """The raw attribution rows of one article, with the mentions they resolve to."""
    text = article["text"] or ""
    found = finder.find(text)
    resolved = sources.resolve(text, found, article["outlet"])
    rows = []
    for attribution, who in zip(found, resolved, strict=True):
        cue_start = attribution.cue[0][0]
        content = _role(text, attribution.content)
        rows.append(
            {
                "article_id": article["article_id"],
                "claim_id": f"{article['article_id']}#{cue_start}",
                "source": _role(text, attribution.source),
                "cue": _role(text, attribution.cue),
                "content": content,
                "entity": who["entity"],
                "subject_mention": who["subject"],
                "owner_mention": who["owner"],
                "outlet": who["outlet"],
                "published_at": article["published_at"],
                "story": article.get("story"),
                "link_story": article.get("link_story"),
                "url": article.get("url"),
                "sentence": text[attribution.sentence[0] : attribution.sentence[1]],
                "sentence_start": attribution.sentence[0],
                "cue_start": cue_start,
                "form": attribution.form,
                "family": attribution.family,
                "nested": attribution.nested,
                "content_text": content["text"] if content else None,
            }
        )
    return rows


_SCHEMA = {
    "article_id": pl.String,
    "claim_id": pl.String,
    "source": _ROLE,
    "cue": _ROLE,
    "content": _ROLE,
    "entity": pl.String,
    "subject_mention": pl.String,
    "owner_mention": pl.String,
    "outlet": pl.String,
    "published_at": pl.String,
    "story": pl.String,
    "link_story": pl.String,
    "url": pl.String,
    "sentence": pl.String,
    "sentence_start": pl.Int64,
    "cue_start": pl.Int64,
    "form": pl.String,
    "family": pl.String,
    "nested": pl.Boolean,
    "content_text": pl.String,
}


def _identified(raw: pl.DataFrame) -> pl.DataFrame:
    """Kind, display name and key of every source, subject and owner, by the warehouse's
    identity rules, applied once to each distinct mention of the batch."""
    mentions = (
        pl.concat(
            [
                raw.select(pl.col(c).alias("mention"))
                for c in ("entity", "subject_mention", "owner_mention")
            ]
        )
        .unique()
        .drop_nulls()
    )
    who = sources.identify(pl.col("mention"))
    known = mentions.with_columns(
        kind=who["kind"],
        key=who["key"],
        display=who["display"],
        affiliation=pl.when(who["kind"] == "anonymous").then(
            pl.col("mention").map_elements(sources.affiliation, return_dtype=pl.String)
        ),
    )

    def joined(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
        named = known.rename({c: f"{prefix}{c}" for c in known.columns if c != "mention"})
        return frame.join(named, left_on=column, right_on="mention", how="left")

    found = joined(
        joined(joined(raw, "entity", "_s_"), "subject_mention", "_b_"), "owner_mention", "_o_"
    )
    unresolved = pl.col("entity").is_null() | pl.col("entity").str.to_lowercase().is_in(_PRONOUNS)
    return found.with_columns(
        resolved_source=pl.when(unresolved).then(None).otherwise(pl.col("_s_display")),
        source_kind=pl.when(unresolved).then(None).otherwise(pl.col("_s_kind")),
        source_key=pl.when(unresolved).then(None).otherwise(pl.col("_s_key")),
        affiliation=pl.col("_s_affiliation"),
        subject=pl.col("_b_display"),
        subject_key=pl.col("_b_key"),
        owner_key=pl.col("_o_key"),
        outlet=identity.outlet_display(pl.col("outlet")),
    ).select(pl.exclude("^_[sbo]_.*$"))


def extract_articles(
    articles: pl.DataFrame,
    *,
    link_threshold: float = DEFAULT_LINK_THRESHOLD,
    story_window_days: float = DEFAULT_STORY_WINDOW_DAYS,
    story_similarity: float = DEFAULT_STORY_SIMILARITY,
) -> Extraction:
    """Attributions, claims, outcomes and links for review found in `articles` (columns
    article_id, published_at, outlet, text; optional title, story, url). A link whose
    confidence is at least `link_threshold` becomes an outcome; a weaker one is kept in
    `links`. Answers link to claims of the same story: the one given, else one inferred from
    articles at most `story_window_days` apart whose TF-IDF cosine similarity reaches
    `story_similarity` (extraction/stories.py)."""
    wanted = ["article_id", "published_at", "outlet", "text", "title", "story", "url"]
    present = articles.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in wanted if c not in articles.columns]
    ).select(pl.col(wanted).cast(pl.String))
    present = present.with_columns(
        link_story=stories.infer(
            present, window_days=story_window_days, similarity=story_similarity
        )
    )
    columns: dict[str, list] = {name: [] for name in _SCHEMA}
    for article in present.iter_rows(named=True):
        for row in _found(article):
            for name, value in row.items():
                columns[name].append(value)
    raw = pl.DataFrame(columns, schema=_SCHEMA).unique(
        "claim_id", keep="first", maintain_order=True
    )
    found = _identified(raw)
    owners = dict(zip(found["claim_id"], found["owner_key"], strict=True))
    links = linker.find(found, owners)
    sure = links.filter(pl.col("confidence") >= link_threshold)
    return Extraction(
        attributions=found.select(
            "article_id",
            "claim_id",
            "source",
            "cue",
            "content",
            "resolved_source",
            "source_kind",
            "affiliation",
            "outlet",
            "subject",
            "story",
            "published_at",
            "sentence",
            "form",
            "family",
        ),
        claims=_claims(found),
        outcomes=sure.select("claim_id", "event", "at", "by", "note"),
        links=links.filter(pl.col("confidence") < link_threshold),
    )


def _claims(found: pl.DataFrame) -> pl.DataFrame:
    """One claim per attribution with a resolved source and content, in the claim input
    format, with its article, sentence and spans kept."""
    return found.filter(
        pl.col("resolved_source").is_not_null()
        & pl.col("content_text").is_not_null()
        & ~pl.col("nested")
    ).select(
        "claim_id",
        "published_at",
        pl.col("resolved_source").alias("source"),
        "source_kind",
        "affiliation",
        "outlet",
        pl.col("content_text").alias("text"),
        "subject",
        "story",
        "url",
        "article_id",
        "sentence",
        pl.col("source").struct.field("spans").alias("source_spans"),
        pl.col("cue").struct.field("spans").alias("cue_spans"),
        pl.col("content").struct.field("spans").alias("content_spans"),
    )
