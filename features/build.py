"""One row of features per claim, as known at the claim's knowledge_day.

A claim still open at `as_of` is described as of `as_of`; a settled claim as of the day before
it was first settled, so that the model trains on the same situation it is later asked about:
a claim whose verdict is not known yet.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from features.evidence import claim_evidence, claim_labels, first_evidence, known_outcomes
from features.text import text_cues
from features.track_record import records_at

ID_COLUMNS = [
    "claim_id",
    "source_id",
    "kind",
    "affiliation",
    "outlet",
    "published",
    "label",
    "first_label",
    "settled_on",
    "knowledge_day",
    "denied",
    "contradicted",
    "base_rate",
    "src_published",
    "out_published",
    "grp_published",
    "text",
]


def feature_names(features: pl.DataFrame | pl.LazyFrame) -> list[str]:
    """The model's input columns of a claim_features frame, in order."""
    names = features.collect_schema().names()
    return [c for c in names if c.startswith("f_")]


def claim_features(claims: pl.LazyFrame, outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Features of every claim published on or before `as_of`, sorted by claim_id.

    Columns: claim_id, source_id, kind, affiliation, outlet, published, label (Int8, the label
    at `as_of`, null while unsettled), first_label (the label it got when first settled: a
    later retraction can change `label`), settled_on (first settling day, null while unsettled),
    knowledge_day (as_of if unsettled, else settled_on - 1 day), denied and contradicted
    (at least one such event by `as_of`), base_rate (overall true-rate at knowledge_day),
    src_published, out_published and grp_published (other claims of the source, outlet and
    group published by knowledge_day; informative, not model inputs), text (for the text
    model of scoring.text_model), then
    the f_ features: evidence by knowledge_day (features.evidence), track records of the
    source, its outlet and its group (features.track_record), kind/affiliation indicators, age,
    and text cues (features.text). Nothing dated after a row's knowledge_day is used.

    The claims, the outcomes and each claim's settling are computed once up front (they feed
    every later step, and a lazy plan would compute them again for each); the rest stays lazy.
    """
    # Claims are numbered in claim_id order and worked on by number: integers sort and join
    # faster than strings.
    numbered = (
        claims.filter(pl.col("published") <= as_of)
        .sort("claim_id")
        .with_row_index("claim_number")
        .collect()
        .lazy()
    )
    ids = numbered.select("claim_number", "claim_id")
    claims = numbered.drop("claim_id").rename({"claim_number": "claim_id"})
    outcomes = (
        known_outcomes(outcomes, as_of)
        .join(ids, on="claim_id", how="inner")
        .drop("claim_id")
        .rename({"claim_number": "claim_id"})
        # Events are a handful of words compared again and again: categories compare faster.
        .with_columns(pl.col("event").cast(pl.Categorical))
        .collect()
        .lazy()
    )
    # Each claim's settling and first evidence, worked out on the claim numbers alone and
    # laid beside the claims (a left join keeps the order of the left side, claim order):
    # joining onto the claims would copy every string column.
    settled = (
        claims.select("claim_id")
        .join(claim_labels(outcomes, as_of), on="claim_id", how="left", maintain_order="left")
        .join(first_evidence(outcomes, as_of), on="claim_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("denied").fill_null(False),
            pl.col("contradicted").fill_null(False),
            knowledge_day=pl.when(pl.col("settled_on").is_null())
            .then(pl.lit(as_of, pl.Date))
            .otherwise(pl.col("settled_on") - timedelta(days=1)),
        )
    )
    base = (
        pl.concat([claims.drop("text"), settled.drop("claim_id")], how="horizontal")
        .collect()
        .lazy()
    )

    # Every part has one row per claim; each is put in claim order by sorting its (narrow,
    # numeric) rows by claim number and laid beside the claims, which are in that order
    # already, rather than joining and then sorting the wide frame, text and all.
    def in_order(part: pl.LazyFrame) -> pl.LazyFrame:
        return part.sort("claim_id").drop("claim_id")

    parts = [
        numbered.drop("claim_number"),
        base.select(
            "label", "first_label", "settled_on", "knowledge_day", "denied", "contradicted"
        ),
        in_order(claim_evidence(base, outcomes, as_of)),
        in_order(records_at(base, outcomes, as_of)),
        in_order(text_cues(claims)),
    ]
    return (
        pl.concat(parts, how="horizontal")
        .with_columns(
            base_rate=pl.col("f_all_rate"),
            f_kind_anonymous=(pl.col("kind") == "anonymous").cast(pl.Float64),
            f_affiliation_missing=pl.col("affiliation").is_null().cast(pl.Float64),
            f_age_days=(pl.col("knowledge_day") - pl.col("published"))
            .dt.total_days()
            .clip(0)
            .cast(pl.Float64),
        )
        .drop("f_all_rate")
        .select(*ID_COLUMNS, pl.col("^f_.*$"))
    )
