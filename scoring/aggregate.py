"""From claims to sources: each source's reliability, with an interval, shrunk toward its group.

A source's reliability is the mean of a Beta posterior. Its evidence: each settled verdict
counts as one claim (1 held up, 0 did not), each open claim as `unsettled_weight` of a claim
that held up with probability p_true. Its prior: `prior_strength` pseudo-claims at its group's
rate, where the group rate is itself hierarchical: the kind's rate (shrunk toward the configured
prior of the kind), the kind and affiliation's rate (shrunk toward the kind's), the kind,
affiliation and outlet's rate (shrunk toward that), each level by `group_strength`
pseudo-claims. A group moves away from the level above only on a lot of evidence (groups
differ less than sources, and a group rate fitted to a few dozen claims is mostly noise); a
source with two claims stays near its group with a wide interval; one with two hundred
stands on its own record.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.special import betaincinv

from scoring.model import DEFAULT_PRIORS

NO_AFFILIATION = "no affiliation"
UNIT = 1_000_000_000


def scored_claims(features: pl.DataFrame, scores: pl.DataFrame) -> pl.DataFrame:
    """The input of `source_reliability`: claim_features' identity and evidence columns
    (claim_id, source_id, kind, affiliation, outlet, label, denied, contradicted) with p_true
    and p_model from `scores`, the `ClaimScores.frame` of these features (same rows, same
    order: score_claims keeps the order of claim_features)."""
    claims = features.select(
        "claim_id", "source_id", "kind", "affiliation", "outlet", "label", "denied", "contradicted"
    )
    if not scores["claim_id"].equals(claims["claim_id"]):
        raise ValueError("the scores are not those of these features, row for row")
    return claims.hstack(scores.select("p_model", "p_true"))


def _evidence(scored: pl.DataFrame, unsettled_weight: float, fitted: bool | None) -> pl.DataFrame:
    """Per claim: weight (1 settled, unsettled_weight open) and held (its weighted share that
    held up). Without a fitted model an open claim's p_true is only its group's prior, which
    says nothing about the source, so it weighs nothing; and with fewer than both kinds of
    verdict there is no record to speak of either (design.md: no model, every source its
    group's prior and a wide interval), so settled claims weigh nothing too."""
    one_sided = scored["label"].drop_nulls().n_unique() < 2
    if fitted is None:
        fitted = not one_sided
    settled_weight = 0.0 if one_sided else 1.0
    open_weight = float(unsettled_weight) if fitted else 0.0
    settled = pl.col("label").is_not_null()
    weight = pl.when(settled).then(settled_weight).otherwise(open_weight)
    held = (
        pl.when(settled)
        .then(settled_weight * pl.col("label").cast(pl.Float64))
        .otherwise(open_weight * pl.col("p_true").cast(pl.Float64).fill_null(0.5))
    )
    # In integer units of 1e-9, so that sums are exact and do not depend on the order in
    # which parallel workers add them: two sources with the same record tie exactly and
    # their rank is settled by claims and source_id, the same on every run.
    return scored.with_columns(
        weight=(weight * UNIT).round().cast(pl.Int64),
        held=(held * UNIT).round().cast(pl.Int64),
    )


def _interval(
    alpha: np.ndarray, beta: np.ndarray, interval: float
) -> tuple[np.ndarray, np.ndarray]:
    """The central `interval` of Beta(alpha, beta), vectorised: the inverse of the regularised
    incomplete beta function at both tails."""
    tail = (1 - interval) / 2
    alpha, beta = np.maximum(alpha, 1e-9), np.maximum(beta, 1e-9)
    return betaincinv(alpha, beta, tail), betaincinv(alpha, beta, 1 - tail)


def _ranked(frame: pl.DataFrame, interval: float, name: str) -> pl.DataFrame:
    """`frame` (alpha, beta and claims per row) with reliability (the Beta posterior mean),
    reliability_low and reliability_high (its central `interval`, widened to hold the mean
    where that lies outside it) and rank: highest first,
    ties to more claims, then to `name` in order, so a rank is the same on every run."""
    low, high = _interval(frame["alpha"].to_numpy(), frame["beta"].to_numpy(), interval)
    mean = pl.col("alpha") / (pl.col("alpha") + pl.col("beta"))
    return (
        frame.with_columns(
            reliability=mean,
            # The mean of a Beta piled against 0 or 1 (alpha or beta far below 1) can lie
            # outside its equal-tailed interval; the interval is widened to hold it.
            reliability_low=pl.min_horizontal(pl.Series(low, dtype=pl.Float64), mean),
            reliability_high=pl.max_horizontal(pl.Series(high, dtype=pl.Float64), mean),
        )
        .sort(["reliability", "claims", name], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )


def _most_common(ties: pl.DataFrame, column: str) -> pl.DataFrame:
    """source_id and the most frequent non-null value of `column` among its claims, ties
    broken by name; a source with none gets null. `ties` counts the claims (n) of each
    source_id and value of `column` (and of other columns: the counts are summed)."""
    return (
        ties.drop_nulls(column)
        .group_by("source_id", column)
        .agg(pl.col("n").sum())
        .group_by("source_id")
        .agg(pl.col(column).sort_by(["n", column], descending=[True, False]).first())
    )


def _shrunk(held: str, weight: str, toward: pl.Expr, strength: float) -> pl.Expr:
    """(held + strength * toward) / (weight + strength), held and weight in UNITs."""
    return (pl.col(held) / UNIT + strength * toward) / (pl.col(weight) / UNIT + strength)


def source_reliability(
    scored: pl.DataFrame,
    *,
    prior_strength: float = 4.0,
    group_strength: float = 200.0,
    unsettled_weight: float = 0.5,
    interval: float = 0.9,
    priors: dict[str, float] | None = None,
    fitted: bool | None = None,
) -> pl.DataFrame:
    """One row per source, ranked: source_id, kind, affiliation, outlet, reliability,
    reliability_low, reliability_high, claims, settled, confirmed, refuted, denied,
    contradicted, group, group_reliability, rank.

    `scored` has per claim: claim_id, source_id, kind, affiliation, outlet, label, p_true,
    denied, contradicted (see `scored_claims`). `fitted` says whether p_true came from a
    fitted model (`ClaimScores.fitted`); when None it is taken to be so when both verdicts
    are among the settled claims. Without a model open claims add nothing; with no settled
    claims, or one kind of verdict only, settled ones add nothing either, and every source
    keeps its group's prior (the configured prior of its kind) with a wide interval.
    """
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    s = max(float(prior_strength), 1e-6)
    g = max(float(group_strength), 1e-6)
    claims = _evidence(scored, unsettled_weight, fitted)
    # The claims of each source by kind, affiliation and outlet, counted in one pass: a
    # source mostly has one of each, so its most common ones are then found among few rows.
    ties = claims.group_by("source_id", "kind", "affiliation", "outlet").agg(n=pl.len())
    sources = (
        claims.group_by("source_id")
        .agg(
            pl.len().alias("claims"),
            pl.col("label").is_not_null().sum().alias("settled"),
            (pl.col("label") == 1).sum().alias("confirmed"),
            (pl.col("label") == 0).sum().alias("refuted"),
            pl.col("denied").fill_null(False).sum().alias("denied"),
            pl.col("contradicted").fill_null(False).sum().alias("contradicted"),
            pl.col("held").sum(),
            pl.col("weight").sum(),
        )
        .join(_most_common(ties, "kind"), on="source_id", how="left")
        .join(_most_common(ties, "affiliation"), on="source_id", how="left")
        .join(_most_common(ties, "outlet"), on="source_id", how="left")
        .with_columns(affiliation_group=pl.col("affiliation").fill_null(NO_AFFILIATION))
    )
    kind_prior = pl.col("kind").replace_strict(priors, default=0.5, return_dtype=pl.Float64)
    levels = [
        ("kind_rate", ["kind"]),
        ("affiliation_rate", ["kind", "affiliation_group"]),
        ("group_reliability", ["kind", "affiliation_group", "outlet"]),
    ]
    toward = kind_prior
    for name, keys in levels:
        totals = sources.group_by(keys).agg(
            pl.col("held").sum().alias("group_held"), pl.col("weight").sum().alias("group_weight")
        )
        sources = (
            sources.join(totals, on=keys, how="left", nulls_equal=True)
            .with_columns(_shrunk("group_held", "group_weight", toward, g).alias(name))
            .drop("group_held", "group_weight")
        )
        toward = pl.col(name)
    sources = sources.with_columns(
        alpha=pl.col("held") / UNIT + s * pl.col("group_reliability"),
        beta=(pl.col("weight") - pl.col("held")) / UNIT + s * (1 - pl.col("group_reliability")),
    )
    return (
        _ranked(sources, interval, "source_id")
        .with_columns(
            group=pl.concat_str(
                [pl.col("kind"), pl.col("affiliation_group"), pl.col("outlet")], separator=" · "
            ),
        )
        .select(
            "source_id",
            "kind",
            "affiliation",
            "outlet",
            "reliability",
            "reliability_low",
            "reliability_high",
            pl.col("claims").cast(pl.Int64),
            pl.col("settled").cast(pl.Int64),
            pl.col("confirmed").cast(pl.Int64),
            pl.col("refuted").cast(pl.Int64),
            pl.col("denied").cast(pl.Int64),
            pl.col("contradicted").cast(pl.Int64),
            "group",
            "group_reliability",
            pl.col("rank").cast(pl.Int64),
        )
    )


def outlet_reliability(
    scored: pl.DataFrame,
    *,
    prior_strength: float = 4.0,
    group_strength: float = 200.0,
    unsettled_weight: float = 0.5,
    interval: float = 0.9,
    priors: dict[str, float] | None = None,
    fitted: bool | None = None,
) -> pl.DataFrame:
    """One row per outlet, ranked like sources: outlet, reliability, reliability_low,
    reliability_high, claims, rank. An outlet's evidence is every claim it carried, weighed as
    in `source_reliability`, shrunk by `prior_strength` toward the rate over all claims (that
    rate shrunk by `group_strength` toward the configured priors)."""
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    s = max(float(prior_strength), 1e-6)
    g = max(float(group_strength), 1e-6)
    claims = _evidence(scored, unsettled_weight, fitted)
    kinds = sorted(claims.group_by("kind").len().iter_rows(), key=lambda row: str(row[0]))
    mean_prior = 0.5
    if claims.height:
        mean_prior = sum(n * priors.get(kind, 0.5) for kind, n in kinds) / claims.height
    overall = (int(claims["held"].sum()) / UNIT + g * mean_prior) / (
        int(claims["weight"].sum()) / UNIT + g
    )
    outlets = (
        claims.group_by("outlet")
        .agg(pl.len().alias("claims"), pl.col("held").sum(), pl.col("weight").sum())
        .with_columns(
            alpha=pl.col("held") / UNIT + s * overall,
            beta=(pl.col("weight") - pl.col("held")) / UNIT + s * (1 - overall),
        )
    )
    return _ranked(outlets, interval, "outlet").select(
        "outlet",
        "reliability",
        "reliability_low",
        "reliability_high",
        pl.col("claims").cast(pl.Int64),
        pl.col("rank").cast(pl.Int64),
    )
