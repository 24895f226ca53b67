"""What happened to each claim by a given day: its verdict, and the evidence for and against it.

Settling events (`confirmed`, `retracted`, `rated`) carry a 1/0 label; `denied`, `contradicted`
and `corroborated` are evidence with a null label. Everything here takes `as_of` and never looks
past it; the evidence of a claim is further cut at the claim's own `knowledge_day`.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from warehouse.identity import outlet_key

EVIDENCE_EVENTS = ("denied", "contradicted", "corroborated")

# Sentinel for "no denial yet" in days_to_first_denial; f_has_denial says which rows use it.
NO_DENIAL_DAYS = -1


def known_outcomes(outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """The outcomes that had happened by the end of `as_of`."""
    return outcomes.filter(pl.col("at") <= as_of)


def label_changes(outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Each day a claim's label was set or changed, on or before `as_of`, sorted by claim_id
    and day.

    Columns: claim_id, day, label (the label from that day on; on one day a false settling
    wins), first (this is the day the claim was first settled), d_true (the change in the
    claim's contribution to a count of true claims: +1, -1 or 0).
    """
    same_claim = pl.col("claim_id") == pl.col("claim_id").shift(1)
    return (
        known_outcomes(outcomes, as_of)
        .filter(pl.col("label").is_not_null())
        .select("claim_id", pl.col("at").alias("day"), pl.col("label").cast(pl.Int8))
        # false (0) sorts first, so the first row of a day is that day's verdict
        .sort("claim_id", "day", "label")
        .filter(~(same_claim & (pl.col("day") == pl.col("day").shift(1))).fill_null(False))
        .with_columns(previous=pl.when(same_claim).then(pl.col("label").shift(1)))
        .filter(pl.col("previous").is_null() | (pl.col("previous") != pl.col("label")))
        .select(
            "claim_id",
            "day",
            "label",
            pl.col("previous").is_null().alias("first"),
            (pl.col("label").cast(pl.Int32) - pl.col("previous").fill_null(0).cast(pl.Int32)).alias(
                "d_true"
            ),
        )
    )


def claim_labels(outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """The label of each settled claim at `as_of`: its latest settling event on or before that
    day (a false settling wins a tie), settled_on, the day of its first settling event, and
    first_label, the label it got that day. Unsettled claims have no row."""
    last_of_claim = (pl.col("claim_id") != pl.col("claim_id").shift(-1)).fill_null(True)
    return (
        label_changes(outcomes, as_of)
        .with_columns(
            settled_on=pl.when(pl.col("first")).then(pl.col("day")).forward_fill(),
            first_label=pl.when(pl.col("first")).then(pl.col("label")).forward_fill(),
        )
        .filter(last_of_claim)
        .select("claim_id", "label", "settled_on", "first_label")
    )


def first_evidence(outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Per claim with evidence by `as_of`: denied and contradicted (at least one such event),
    and the days it was first disputed (denied or contradicted) and first corroborated, for
    the counts and the running totals of its source."""
    evidence = known_outcomes(outcomes, as_of).filter(pl.col("event").is_in(EVIDENCE_EVENTS))
    disputed = pl.col("event").is_in(("denied", "contradicted"))
    return evidence.group_by("claim_id").agg(
        (pl.col("event") == "denied").any().alias("denied"),
        (pl.col("event") == "contradicted").any().alias("contradicted"),
        pl.col("at").filter(disputed).min().alias("first_disputed"),
        pl.col("at").filter(pl.col("event") == "corroborated").min().alias("first_corroborated"),
    )


def claim_evidence(claims: pl.LazyFrame, outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Evidence known about each claim by its knowledge_day (inclusive).

    `claims` needs claim_id, published, subject_key, outlet and knowledge_day (never after
    `as_of`). Returns claim_id and f_ columns: denials by the claim's own subject and by
    others, contradictions, corroborating outlets (distinct `by`, not the claim's own
    outlet, nor unnamed), days from publication to the first denial (NO_DENIAL_DAYS when none) with
    f_has_denial, and every claim, with zeros where nothing was known.
    """
    # Each distinct outlet keyed once, by the rule that keyed the `by` of corroborations at
    # ingest (warehouse.identity), so that a claim's own outlet is known among them.
    outlets = claims.select("outlet").unique().with_columns(outlet_key=outlet_key(pl.col("outlet")))
    keyed = claims.select("claim_id", "published", "subject_key", "knowledge_day", "outlet").join(
        outlets, on="outlet", how="left", nulls_equal=True
    )
    evidence = (
        known_outcomes(outcomes, as_of)
        .filter(pl.col("event").is_in(EVIDENCE_EVENTS))
        .select("claim_id", "event", "at", pl.col("by_key").fill_null(""))
        .join(keyed, on="claim_id", how="inner")
        .filter(pl.col("at") <= pl.col("knowledge_day"))
    )
    denied = pl.col("event") == "denied"
    by_subject = (
        denied
        & pl.col("subject_key").is_not_null()
        & (pl.col("by_key") != "")
        & (pl.col("by_key") == pl.col("subject_key"))
    )
    # A corroboration by no one named cannot be shown to be independent: it is not counted.
    corroborated = (
        (pl.col("event") == "corroborated")
        & (pl.col("by_key") != "")
        & (pl.col("by_key") != pl.col("outlet_key"))
    )
    counted = evidence.group_by("claim_id").agg(
        by_subject.sum().alias("f_denied_by_subject"),
        (denied & ~by_subject).sum().alias("f_denied_by_others"),
        (pl.col("event") == "contradicted").sum().alias("f_contradicted"),
        pl.col("by_key").filter(corroborated).n_unique().alias("f_corroborating_outlets"),
        pl.col("at").filter(denied).min().alias("first_denial"),
    )
    counts = [
        "f_denied_by_subject",
        "f_denied_by_others",
        "f_contradicted",
        "f_corroborating_outlets",
    ]
    return (
        keyed.select("claim_id", "published")
        .join(counted, on="claim_id", how="left")
        .select(
            "claim_id",
            *[pl.col(c).fill_null(0).cast(pl.Float64) for c in counts],
            pl.col("first_denial").is_not_null().cast(pl.Float64).alias("f_has_denial"),
            (pl.col("first_denial") - pl.col("published"))
            .dt.total_days()
            .clip(0)
            .fill_null(NO_DENIAL_DAYS)
            .cast(pl.Float64)
            .alias("f_days_to_first_denial"),
        )
    )
