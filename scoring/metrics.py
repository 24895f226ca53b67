"""How good probabilities are, and the baselines a model has to beat.

Metric functions take arrays (or Series) of 1/0 outcomes and predicted probabilities. The
baselines take frames: a `history` of settled claims (source_id, label) and the `targets` to
predict (claim_id, source_id), and return the targets with a column `p`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_EPS = 1e-6


def _arrays(y, p) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if y.shape != p.shape:
        raise ValueError(f"outcomes and probabilities differ in length: {y.shape} vs {p.shape}")
    return y, p


def auc(y, p) -> float:
    """Area under the ROC curve; NaN when only one kind of outcome is present."""
    # Imported here, where it is used: scikit-learn is slow to import (see scoring.candidates).
    from sklearn.metrics import roc_auc_score

    y, p = _arrays(y, p)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, p))


def brier(y, p) -> float:
    """Mean squared error of the probabilities (0 is perfect, 0.25 is a coin)."""
    y, p = _arrays(y, p)
    return float(np.mean((p - y) ** 2)) if len(y) else float("nan")


def log_loss(y, p) -> float:
    """Mean negative log-likelihood, probabilities clipped away from 0 and 1."""
    y, p = _arrays(y, p)
    if not len(y):
        return float("nan")
    p = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def expected_calibration_error(y, p, bins: int = 10) -> float:
    """Expected calibration error: the gap between predicted and observed rates in equal-width
    probability bins, weighted by the share of claims in each bin."""
    y, p = _arrays(y, p)
    if not len(y):
        return float("nan")
    which = np.minimum((p * bins).astype(int), bins - 1)
    np.bincount(which, minlength=bins)
    predicted = np.bincount(which, weights=p, minlength=bins)
    observed = np.bincount(which, weights=y, minlength=bins)
    return float(np.sum(np.abs(predicted - observed)) / len(y))


def reliability_table(y, p, bins: int = 10) -> pl.DataFrame:
    """Predicted against observed by bin of predicted probability (deciles by default):
    columns bin (1 = lowest predictions), claims, predicted (mean), observed (true rate)."""
    y, p = _arrays(y, p)
    order = np.argsort(p, kind="stable")
    which = np.empty(len(p), dtype=np.int64)
    which[order] = np.arange(len(p)) * bins // max(len(p), 1)
    return (
        pl.DataFrame({"bin": which + 1, "y": y, "p": p})
        .group_by("bin")
        .agg(
            pl.len().alias("claims"),
            pl.col("p").mean().alias("predicted"),
            pl.col("y").mean().alias("observed"),
        )
        .sort("bin")
    )


def summary(y, p) -> dict[str, float]:
    """auc, brier, log_loss and ece of one set of predictions."""
    return {
        "auc": auc(y, p),
        "brier": brier(y, p),
        "log_loss": log_loss(y, p),
        "ece": expected_calibration_error(y, p),
    }


def overall_rate(history: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Baseline: every target gets the share of settled history claims that held up."""
    settled = history.filter(pl.col("label").is_not_null())
    rate = settled["label"].mean() if settled.height else 0.5
    return targets.with_columns(p=pl.lit(float(rate)))


def naive_track_record(
    history: pl.DataFrame, targets: pl.DataFrame, *, strength: float = 8.0
) -> pl.DataFrame:
    """Baseline: each target gets its source's share of settled history claims that held up,
    shrunk toward the overall share with `strength` pseudo-claims; history only."""
    settled = history.filter(pl.col("label").is_not_null())
    rate = float(settled["label"].mean()) if settled.height else 0.5
    records = settled.group_by("source_id").agg(
        pl.col("label").cast(pl.Float64).sum().alias("true"), pl.len().alias("settled")
    )
    return (
        targets.join(records, on="source_id", how="left")
        .with_columns(
            p=(pl.col("true").fill_null(0) + strength * rate)
            / (pl.col("settled").fill_null(0) + strength)
        )
        .drop("true", "settled")
    )
