"""From claims to sources: each source's reliability, with an interval, shrunk toward its group.

A source's reliability is the mean of a Beta posterior. Its evidence: each settled verdict
counts as one claim (1 held up, 0 did not), each open claim as `unsettled_weight` of a claim
that held up with probability p_true. Its prior: `prior_strength` pseudo-claims at its group's
rate, where the group rate is itself hierarchical: the kind's rate (shrunk toward the configured
prior of the kind), the kind and affiliation's rate (shrunk toward the kind's), the kind,
affiliation and outlet's rate (shrunk toward that). A source with two claims stays near its
group with a wide interval; one with two hundred stands on its own record.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import beta as beta_distribution

from scoring.model import DEFAULT_PRIORS

NO_AFFILIATION = "no affiliation"


def scored_claims(features: pl.DataFrame | pl.LazyFrame, scores: pl.DataFrame) -> pl.DataFrame:
    """The input of `source_reliability`: claim_features' identity and evidence columns
    (claim_id, source_id, kind, affiliation, outlet, label, denied, contradicted) with p_true
    and p_model from `ClaimScores.frame`."""
    if isinstance(features, pl.LazyFrame):
        features = features.collect()
    return features.select(
        "claim_id", "source_id", "kind", "affiliation", "outlet", "label", "denied", "contradicted"
    ).join(scores.select("claim_id", "p_model", "p_true"), on="claim_id", how="left")


def _evidence(scored: pl.DataFrame, unsettled_weight: float, fitted: bool | None) -> pl.DataFrame:
    """Per claim: weight (1 settled, unsettled_weight open) and held (its weighted share that
    held up). Without a fitted model an open claim's p_true is only its group's prior, which
    says nothing about the source, so it weighs nothing."""
    if fitted is None:
        fitted = scored["label"].drop_nulls().n_unique() == 2
    weight = float(unsettled_weight) if fitted else 0.0
    settled = pl.col("label").is_not_null()
    return scored.with_columns(
        weight=pl.when(settled).then(1.0).otherwise(weight),
        held=pl.when(settled)
        .then(pl.col("label").cast(pl.Float64))
        .otherwise(weight * pl.col("p_true").cast(pl.Float64).fill_null(0.5)),
    )


def _interval(alpha: np.ndarray, beta: np.ndarray, interval: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - interval) / 2
    return (
        beta_distribution.ppf(tail, alpha, beta),
        beta_distribution.ppf(1 - tail, alpha, beta),
    )


def _most_common(claims: pl.DataFrame, column: str) -> pl.DataFrame:
    """source_id and the most frequent non-null value of `column` among its claims, ties
    broken by name; a source with none gets null."""
    return (
        claims.drop_nulls(column)
        .group_by("source_id", column)
        .agg(pl.len().alias("n"))
        .sort(["source_id", "n", column], descending=[False, True, False])
        .unique("source_id", keep="first", maintain_order=True)
        .drop("n")
    )


def _shrunk(held: str, weight: str, toward: pl.Expr, strength: float) -> pl.Expr:
    return (pl.col(held) + strength * toward) / (pl.col(weight) + strength)


def source_reliability(
    scored: pl.DataFrame,
    *,
    prior_strength: float = 8.0,
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
    are among the settled claims. Without a model, open claims add nothing and every source
    keeps its group prior with a wide interval.
    """
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    s = float(prior_strength)
    claims = _evidence(scored, unsettled_weight, fitted)
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
        .join(_most_common(claims, "kind"), on="source_id", how="left")
        .join(_most_common(claims, "affiliation"), on="source_id", how="left")
        .join(_most_common(claims, "outlet"), on="source_id", how="left")
        .with_columns(affiliation_group=pl.col("affiliation").fill_null(NO_AFFILIATION))
    )
    kind_prior = pl.col("kind").replace_strict(priors, default=0.5, return_dtype=pl.Float64)
    levels = [("kind_rate", ["kind"]),
              ("affiliation_rate", ["kind", "affiliation_group"]),
              ("group_reliability", ["kind", "affiliation_group", "outlet"])]
    toward = kind_prior
    for name, keys in levels:
        totals = sources.group_by(keys).agg(
            pl.col("held").sum().alias("group_held"), pl.col("weight").sum().alias("group_weight")
        )
        sources = (
            sources.join(totals, on=keys, how="left", nulls_equal=True)
            .with_columns(_shrunk("group_held", "group_weight", toward, s).alias(name))
            .drop("group_held", "group_weight")
        )
        toward = pl.col(name)
    sources = sources.with_columns(
        alpha=pl.col("held") + s * pl.col("group_reliability"),
        beta=(pl.col("weight") - pl.col("held")) + s * (1 - pl.col("group_reliability")),
    )
    low, high = _interval(sources["alpha"].to_numpy(), sources["beta"].to_numpy(), interval)
    return (
        sources.with_columns(
            reliability=pl.col("alpha") / (pl.col("alpha") + pl.col("beta")),
            reliability_low=pl.Series(low, dtype=pl.Float64),
            reliability_high=pl.Series(high, dtype=pl.Float64),
            group=pl.concat_str(
                [pl.col("kind"), pl.col("affiliation_group"), pl.col("outlet")], separator=" · "
            ),
        )
        .sort(["reliability", "claims", "source_id"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
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
    prior_strength: float = 8.0,
    unsettled_weight: float = 0.5,
    interval: float = 0.9,
    priors: dict[str, float] | None = None,
    fitted: bool | None = None,
) -> pl.DataFrame:
    """One row per outlet, ranked like sources: outlet, reliability, reliability_low,
    reliability_high, claims, rank. An outlet's evidence is every claim it carried, weighed as
    in `source_reliability`, shrunk toward the rate over all claims."""
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    s = float(prior_strength)
    claims = _evidence(scored, unsettled_weight, fitted).with_columns(
        prior=pl.col("kind").replace_strict(priors, default=0.5, return_dtype=pl.Float64)
    )
    mean_prior = float(claims["prior"].mean()) if claims.height else 0.5
    overall = (float(claims["held"].sum()) + s * mean_prior) / (float(claims["weight"].sum()) + s)
    outlets = claims.group_by("outlet").agg(
        pl.len().alias("claims"), pl.col("held").sum(), pl.col("weight").sum()
    ).with_columns(
        alpha=pl.col("held") + s * overall,
        beta=(pl.col("weight") - pl.col("held")) + s * (1 - overall),
    )
    low, high = _interval(outlets["alpha"].to_numpy(), outlets["beta"].to_numpy(), interval)
    return (
        outlets.with_columns(
            reliability=pl.col("alpha") / (pl.col("alpha") + pl.col("beta")),
            reliability_low=pl.Series(low, dtype=pl.Float64),
            reliability_high=pl.Series(high, dtype=pl.Float64),
        )
        .sort(["reliability", "claims", "outlet"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
        .select(
            "outlet",
            "reliability",
            "reliability_low",
            "reliability_high",
            pl.col("claims").cast(pl.Int64),
            pl.col("rank").cast(pl.Int64),
        )
    )
