"""Track records at a day: what a source, its outlet and its group had shown by then.

A ledger holds, per claim, the days its standing changed: published, first settled (with the
label it got), label flipped (a `retracted` after a `confirmed`), first disputed, first
corroborated. Running sums of the ledger per source (outlet, group, ...) give each one's
record at any day, read off at each claim's knowledge_day. A claim is never settled on or
before its own knowledge_day, so its own verdict never enters its record; its own publication
and evidence are taken out explicitly.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from features.evidence import claim_labels, first_evidence, label_changes

# Pseudo-claims with which each level's true-rate is shrunk toward the level above.
SMOOTHING = 5.0

# The levels a claim's record is read at: its source, its outlet, its group (kind and
# affiliation), its kind, and everything.
LEVELS = ("src", "out", "grp", "kind", "all")

_DELTAS = ["n_published", "n_settled", "n_true", "n_disputed", "n_corroborated"]
_DAY_OFFSET = 1 << 20
_PER_CLAIM = ["settled_on", "first_label", "first_disputed", "first_corroborated"]


def _code(*columns: str) -> pl.Expr:
    """A UInt32 code per distinct value (equal values, equal code). Codes are only compared
    with each other within one computation, never stored."""
    value = (
        pl.col(columns[0])
        if len(columns) == 1
        else pl.concat_str([pl.col(c).fill_null("") for c in columns], separator="\x1f")
    )
    return value.fill_null("").cast(pl.Categorical).to_physical().cast(pl.UInt32)


def _packed(code: str, day: str) -> pl.Expr:
    """One sortable UInt64 from a code and a day: code in the high bits, then the day (days
    since 1970, shifted positive), then one bit that puts queries after that day's changes."""
    return (
        pl.col(code).cast(pl.UInt64) * (1 << 32)
        + (pl.col(day).cast(pl.Int32).cast(pl.Int64) + _DAY_OFFSET).cast(pl.UInt64)
    ) * 2


def ledger(per_claim: pl.LazyFrame, outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """The changes to track records, one row per claim and kind of change, on or before
    `as_of`. `per_claim` needs claim_id, published, settled_on, first_label, first_disputed,
    first_corroborated and the level codes (src_code, out_code, grp_code, kind_code).
    Columns: the codes, day, and the _DELTAS (n_published, n_settled, n_true, n_disputed,
    n_corroborated) changed that day."""
    codes = ["src_code", "out_code", "grp_code", "kind_code"]

    def rows(frame: pl.LazyFrame, day: str, **deltas: pl.Expr) -> pl.LazyFrame:
        return frame.filter(pl.col(day).is_not_null()).select(
            *codes,
            pl.col(day).alias("day"),
            **{c: deltas.get(c, pl.lit(0)).cast(pl.Int32) for c in _DELTAS},
        )

    flips = (
        label_changes(outcomes, as_of)
        .filter(~pl.col("first"))
        .join(per_claim.select("claim_id", *codes), on="claim_id", how="inner")
    )
    return pl.concat(
        [
            rows(per_claim, "published", n_published=pl.lit(1)),
            rows(per_claim, "settled_on", n_settled=pl.lit(1), n_true=pl.col("first_label")),
            rows(flips, "day", n_true=pl.col("d_true")),
            rows(per_claim, "first_disputed", n_disputed=pl.lit(1)),
            rows(per_claim, "first_corroborated", n_corroborated=pl.lit(1)),
        ]
    )


def _source_totals(entries: pl.LazyFrame, per_claim: pl.LazyFrame) -> pl.LazyFrame:
    """claim_id and the source's running totals at the claim's knowledge_day (inclusive).

    Sources are many, so changes and queries are sorted together once by (source, day,
    query after change) and summed in order; each query row reads its source's totals."""
    claim_id = per_claim.collect_schema()["claim_id"]
    changes = entries.select(
        pl.lit(None, claim_id).alias("claim_id"),
        (_packed("src_code", "day")).alias("key"),
        *_DELTAS,
    )
    queries = per_claim.select(
        "claim_id",
        (_packed("src_code", "knowledge_day") + 1).alias("key"),
        *[pl.lit(0, pl.Int32).alias(c) for c in _DELTAS],
    )
    # The source is the key's high bits; a query is a key's lowest bit.
    source = pl.col("key") // (1 << 33)
    first_of_source = (source != source.shift(1)).fill_null(True)
    return (
        pl.concat([changes, queries])
        .sort("key", multithreaded=False)
        # Running sums over all rows less where they stood when the row's source began: the
        # same as summing within each source (`over`) without grouping millions of rows.
        .with_columns(pl.col(c).cum_sum().alias(f"src_{c}") for c in _DELTAS)
        .with_columns(
            pl.col(f"src_{c}")
            - pl.when(first_of_source).then(pl.col(f"src_{c}") - pl.col(c)).forward_fill()
            for c in _DELTAS
        )
        .filter(pl.col("key") % 2 == 1)
        .select("claim_id", *[f"src_{c}" for c in _DELTAS])
    )


def _daily_totals(daily: pl.LazyFrame, code: str, level: str) -> pl.LazyFrame:
    """Running totals per `code` at the end of each day with a change, sorted by day."""
    return (
        daily.group_by(code, "day")
        .agg(pl.col(c).sum() for c in _DELTAS)
        .sort(code, "day")
        .with_columns(pl.col(c).cum_sum().over(code).alias(f"{level}_{c}") for c in _DELTAS)
        .drop(_DELTAS)
        .sort("day")
    )


def records_at(claims: pl.LazyFrame, outcomes: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """Each claim's track-record features at its knowledge_day.

    `claims` needs claim_id, published, source_id, outlet, kind, affiliation and
    knowledge_day, cut at `as_of`; it may carry settled_on, first_label, first_disputed and
    first_corroborated (as claim_features does), else they are computed here. Returns
    claim_id and, for the source (src), its outlet (out) and its group (grp: kind and
    affiliation): f_<level>_settled, f_<level>_true, f_<level>_rate (true-rate shrunk toward
    the level above: source -> group -> kind -> all, outlet -> all), f_<level>_disputed_rate
    and f_<level>_corroborated_rate (share of its other claims denied or contradicted /
    corroborated by then, shrunk toward the overall share), and <level>_published (its other
    claims published by then; no f_ prefix: it is not a model input, because where verdicts
    are held back it counts the held-back claims and so tells them from the rest). Also
    f_src_naive_rate (the source's rate shrunk straight toward the overall rate) and
    f_all_rate (the overall rate). A missing affiliation is a group of its own.
    """
    present = set(claims.collect_schema().names())
    if not set(_PER_CLAIM) <= present:
        claims = (
            claims.drop(
                *[c for c in _PER_CLAIM + ["denied", "contradicted", "label"] if c in present]
            )
            .join(claim_labels(outcomes, as_of), on="claim_id", how="left")
            .join(first_evidence(outcomes, as_of), on="claim_id", how="left")
        )
    # per_claim and entries feed every level: computed once, not once per use.
    per_claim = (
        claims.select(
            "claim_id",
            "published",
            "knowledge_day",
            *_PER_CLAIM,
            src_code=_code("source_id"),
            out_code=_code("outlet"),
            grp_code=_code("kind", "affiliation"),
            kind_code=_code("kind"),
        )
        .collect()
        .lazy()
    )
    entries = ledger(per_claim, outcomes, as_of).collect().lazy()

    grp_daily = (
        entries.group_by("grp_code", "kind_code", "day")
        .agg(pl.col(c).sum() for c in _DELTAS)
        .collect()
        .lazy()
    )
    target = per_claim.select(
        "claim_id",
        "out_code",
        "grp_code",
        "kind_code",
        "knowledge_day",
        (pl.col("published") <= pl.col("knowledge_day")).cast(pl.Int32).alias("own_published"),
        (pl.col("first_disputed") <= pl.col("knowledge_day"))
        .fill_null(False)
        .cast(pl.Int32)
        .alias("own_disputed"),
        (pl.col("first_corroborated") <= pl.col("knowledge_day"))
        .fill_null(False)
        .cast(pl.Int32)
        .alias("own_corroborated"),
        all_code=pl.lit(0, pl.UInt32),
    ).sort("knowledge_day")
    coarse = {
        "out": (entries, "out_code"),
        "grp": (grp_daily, "grp_code"),
        "kind": (grp_daily, "kind_code"),
        "all": (grp_daily.with_columns(all_code=pl.lit(0, pl.UInt32)), "all_code"),
    }
    for level, (daily, code) in coarse.items():
        target = target.join_asof(
            _daily_totals(daily, code, level),
            left_on="knowledge_day",
            right_on="day",
            by=code,
            strategy="backward",
            check_sortedness=False,
        ).drop("day", strict=False)
    # Both in claim order, laid side by side: cheaper than joining on claim_id.
    by_claim = _source_totals(entries, per_claim).sort("claim_id").drop("claim_id")
    target = pl.concat([target.sort("claim_id"), by_claim], how="horizontal")
    target = target.with_columns(
        pl.col(f"{level}_{c}").fill_null(0) for level in LEVELS for c in _DELTAS
    ).with_columns(
        # The claim's own publication and evidence are not part of its record.
        *[
            (pl.col(f"{level}_n_published") - pl.col("own_published")).alias(f"{level}_n_published")
            for level in LEVELS
        ],
        *[
            (pl.col(f"{level}_n_disputed") - pl.col("own_disputed")).alias(f"{level}_n_disputed")
            for level in LEVELS
        ],
        *[
            (pl.col(f"{level}_n_corroborated") - pl.col("own_corroborated")).alias(
                f"{level}_n_corroborated"
            )
            for level in LEVELS
        ],
    )

    def shrunk(level: str, toward: pl.Expr, strength: float = SMOOTHING) -> pl.Expr:
        return (pl.col(f"{level}_n_true") + strength * toward) / (
            pl.col(f"{level}_n_settled") + strength
        )

    def share(level: str, what: str) -> pl.Expr:
        # Exactly 0 where no claim had such an event: a feature with no information must not
        # wobble with the number of claims published (a scaled linear model would read the
        # wobble as a signal).
        overall = pl.col(f"all_n_{what}") / pl.max_horizontal(pl.col("all_n_published"), 1)
        return (pl.col(f"{level}_n_{what}") + SMOOTHING * overall) / (
            pl.col(f"{level}_n_published") + SMOOTHING
        )

    target = (
        target.with_columns(
            f_all_rate=shrunk("all", pl.lit(0.5), 2.0),
        )
        .with_columns(
            kind_rate=shrunk("kind", pl.col("f_all_rate")),
            f_out_rate=shrunk("out", pl.col("f_all_rate")),
            f_src_naive_rate=shrunk("src", pl.col("f_all_rate")),
        )
        .with_columns(
            f_grp_rate=shrunk("grp", pl.col("kind_rate")),
        )
        .with_columns(
            f_src_rate=shrunk("src", pl.col("f_grp_rate")),
        )
    )
    features = []
    for level in ("src", "out", "grp"):
        features += [
            pl.col(f"{level}_n_settled").cast(pl.Float64).alias(f"f_{level}_settled"),
            pl.col(f"{level}_n_true").cast(pl.Float64).alias(f"f_{level}_true"),
            pl.col(f"f_{level}_rate"),
            pl.col(f"{level}_n_published").cast(pl.Float64).alias(f"{level}_published"),
            share(level, "disputed").alias(f"f_{level}_disputed_rate"),
            share(level, "corroborated").alias(f"f_{level}_corroborated_rate"),
        ]
    return target.select("claim_id", *features, "f_src_naive_rate", "f_all_rate")
