"""The claim model: learn from settled claims how likely an open claim is to hold up.

Candidates (scoring.candidates) are trained on the older settled claims and judged on the
most recently settled ones (a time split by settled_on, never random): the source's track
record alone (the naive baseline as a model, so that when the other features carry little
signal the choice falls back to it), a logistic regression on every feature, and
gradient-boosted trees. A more
complex candidate is chosen only when it beats a simpler one by more than the noise of the
validation (one standard error). The words of a claim enter as one more feature, `f_text`,
from a bag-of-words model (scoring.text_model). The winner is calibrated on the validation
claims with a sigmoid (`CalibratedClassifierCV` over a `FrozenEstimator`). Without enough
settled claims of both verdicts there is no model: claims get their group's prior from the
configuration.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from features.build import feature_names
from features.track_record import SMOOTHING
from scoring import metrics
from scoring.candidates import MAX_BOOSTING_ROWS, calibrated, candidates, cross_fitted
from scoring.parallel import side_by_side
from scoring.text_model import hashed_words, text_feature

if TYPE_CHECKING:
    import scipy.sparse as sparse

DEFAULT_PRIORS = {"named": 0.6, "anonymous": 0.5}

# Counts go to a linear model on a log scale, rates (names ending in _rate) as log-odds.
COUNT_SUFFIXES = (
    "_settled",
    "_true",
    "_published",
    "_days",
    "_outlets",
    "_by_subject",
    "_by_others",
    "_contradicted",
    "_first_denial",
    "_hedges",
    "_names",
    "_words",
)
# Candidates from simplest to most complex, and the least validation log loss a more complex
# one must gain over a simpler one to be chosen (see _choose).
CANDIDATE_ORDER = ("track_record", "logistic", "boosting")
TOLERANCE = 0.002
# Claims scored at a time (blocks side by side): the model matrix of every claim at once
# would not fit in memory on the biggest warehouses.
BLOCK_ROWS = 100_000


@dataclass(frozen=True)
class ClaimScores:
    """What scoring the claims of one run produced.

    frame: claim_id, source_id, p_model (what the model alone says, every claim), p_true
    (the label for a settled claim, p_model otherwise), label (Int8, null while unsettled).
    metrics: auc, brier, log_loss, ece (on the validation claims, each half calibrated on
    the other; None without a model), rows_train, rows_valid, settled, model (the chosen
    candidate, or "prior" / "track_record_prior" without one), candidates (the validation
    log loss of each) and text (whether the text model fed the model).
    fingerprint: a stable hash of the feature names and the fitted model's numbers.
    fitted: whether a model was trained. note: one line for `runs`.
    model: the calibrated estimator (None without one), for inspection.
    """

    frame: pl.DataFrame
    metrics: dict
    fingerprint: str
    fitted: bool
    note: str
    model: object = field(default=None, repr=False, compare=False)


def _shaped(name: str) -> pl.Expr:
    """Column `name` of the features as a linear model reads it: counts on a log scale
    (log1p), rates as log-odds, other columns as they are; nulls as 0."""
    column = pl.col(name).cast(pl.Float64).fill_null(0.0)
    if name.endswith("_rate"):
        column = column.clip(0.005, 0.995)
        return (column / (1 - column)).log()
    if name.endswith(COUNT_SUFFIXES):
        return column.clip(0.0).log1p()
    return column


def model_inputs(features: pl.DataFrame, names: list[str]) -> np.ndarray:
    """The f_ columns `names` as a float matrix in the shapes a linear model can use
    (`_shaped`: counts on a log scale, rates as log-odds). Trees do not care (the transforms
    are monotone), so every candidate reads the same matrix."""
    return features.select(_shaped(n) for n in names).to_numpy(order="c")


def _row_log_loss(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _choose(y: np.ndarray, p_valid: dict[str, np.ndarray]) -> str:
    """The simplest candidate whose validation log loss is within one standard error (of the
    paired per-claim difference; at least TOLERANCE) of the best: a more complex model has to
    earn its place, the more so the fewer validation claims there are to show it."""
    losses = {name: _row_log_loss(y, p) for name, p in p_valid.items()}
    best = min(losses, key=lambda name: (losses[name].mean(), name))
    for name in CANDIDATE_ORDER:
        if name not in losses:
            continue
        gap = losses[name] - losses[best]
        standard_error = gap.std() / np.sqrt(len(gap)) if len(gap) > 1 else 0.0
        if gap.mean() <= max(TOLERANCE, standard_error):
            return name
    return best


def _state(model) -> list:
    """The fitted numbers of a pipeline, for its fingerprint."""
    state = []
    for _, step in getattr(model, "steps", [("model", model)]):
        for attribute in ("min_", "max_", "mean_", "scale_", "idf_", "coef_", "intercept_"):
            if hasattr(step, attribute):
                values = np.round(np.asarray(getattr(step, attribute), dtype=float), 10) + 0.0
                state.append(hashlib.sha256(values.tobytes()).hexdigest())
        for iteration in getattr(step, "_predictors", []):
            for predictor in iteration:
                nodes = predictor.nodes
                state.append(hashlib.sha256(nodes.tobytes()).hexdigest())
    return state


def _fingerprint(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _clean(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _fallback(
    features: pl.DataFrame,
    names: list[str],
    priors: dict[str, float],
    note: str,
    settled: int,
    records: bool = False,
) -> ClaimScores:
    """No model (design.md, "Point in time"): every claim gets its group's prior from the
    configuration, by kind; a settled claim's p_true is still its label. With `records`
    (both verdicts settled, just too few of them for a model) the prior is updated by what
    had settled by the claim's knowledge_day: the source's record shrunk toward its group's
    record shrunk toward the prior, so that a small warehouse still does as well as a naive
    track record."""
    prior = pl.col("kind").replace_strict(priors, default=0.5, return_dtype=pl.Float64)
    p_model = prior
    if records:
        group = (pl.col("f_grp_true") + SMOOTHING * prior) / (pl.col("f_grp_settled") + SMOOTHING)
        p_model = (pl.col("f_src_true") + SMOOTHING * group) / (pl.col("f_src_settled") + SMOOTHING)
    chosen = "track_record_prior" if records else "prior"
    frame = _claim_frame(features, p_model)
    return ClaimScores(
        frame=frame,
        metrics={
            "model": chosen,
            "rows_train": 0,
            "rows_valid": 0,
            "auc": None,
            "brier": None,
            "log_loss": None,
            "ece": None,
            "settled": settled,
        },
        fingerprint=_fingerprint({"model": chosen, "priors": priors, "features": names}),
        fitted=False,
        note=note,
    )


def _claim_frame(features: pl.DataFrame, p_model: pl.Expr | pl.Series) -> pl.DataFrame:
    """ClaimScores.frame: p_model for every claim; p_true is the label where settled."""
    return features.select(
        "claim_id", "source_id", pl.col("label").cast(pl.Int8), p_model=p_model
    ).select(
        "claim_id",
        "source_id",
        "p_model",
        pl.coalesce(pl.col("label").cast(pl.Float64), pl.col("p_model")).alias("p_true"),
        "label",
    )


def score_claims(
    features: pl.DataFrame | pl.LazyFrame,
    *,
    validation_fraction: float = 0.2,
    max_validation_rows: int = 40_000,
    min_training_rows: int = 40,
    max_training_rows: int = 50_000,
    random_state: int = 0,
    priors: dict[str, float] | None = None,
    words: sparse.csr_matrix | None = None,
) -> ClaimScores:
    """Train, choose and calibrate the claim model on the settled rows of `features` (from
    `features.build.claim_features`) and score every claim; see `ClaimScores`.

    The most recently settled `validation_fraction` of the settled claims (by settled_on, then
    claim_id; at most `max_validation_rows` of them, 0 or less: no cap) choose the candidate
    and calibrate it; the `max_training_rows` most recent of the rest that settled before the
    first validation day train it (0 or less: no cap). With no settled claims, one verdict
    only, fewer than `min_training_rows` settled claims or fewer than that many of either
    verdict among the validation claims, no model is fitted: every claim gets the prior of
    its kind from `priors` (in the last two cases updated by its source's and group's record;
    p_true stays the label of a settled claim), and the note says why.

    `words`, when given, is `scoring.text_model.hashed_words` of the text of `features`, row
    for row in claim_id order (a run hashes them while the features are built).
    """
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    if isinstance(features, pl.LazyFrame):
        features = features.collect()
    if not features["claim_id"].is_sorted():
        features = features.sort("claim_id")
    names = feature_names(features)
    # Rows are in claim_id order, so (settled_on, row) is (settled_on, claim_id) in integers.
    settled = (
        features.select("label", "first_label", "settled_on")
        .with_row_index("row")
        .filter(pl.col("label").is_not_null())
        .sort("settled_on", "row")
    )
    n = settled.height
    if n == 0:
        return _fallback(features, names, priors, "no settled claims: scored on group priors", 0)
    true = int(settled["label"].sum())
    if true in (0, n):
        verdict = "true" if true else "false"
        return _fallback(
            features,
            names,
            priors,
            f"only one kind of verdict ({n} settled, all {verdict}): no model, "
            "scored on group priors",
            n,
        )
    if n < min_training_rows:
        return _fallback(
            features,
            names,
            priors,
            f"only {n} settled claims (fewer than {min_training_rows}): no model, scored on "
            "group priors updated by each source's record",
            n,
            records=True,
        )
    n_valid = max(1, math.ceil(n * validation_fraction))
    if max_validation_rows > 0:
        n_valid = min(n_valid, max_validation_rows)
    valid = settled.tail(n_valid)
    # Training claims settled before the first validation day: a validation claim is
    # described as of the day before it settled, so a verdict of that day is not known to it.
    train = settled.head(n - n_valid).filter(pl.col("settled_on") < valid["settled_on"].min())
    if max_training_rows > 0:
        train = train.tail(max_training_rows)
    valid_true = int(valid["label"].sum())
    fewest = min(valid_true, valid.height - valid_true)
    train_true = int(train["label"].sum())
    if fewest < min_training_rows or train_true in (0, train.height):
        return _fallback(
            features,
            names,
            priors,
            f"too few of each verdict to validate a model ({valid_true} true, "
            f"{valid.height - valid_true} false among the {valid.height} latest settled; "
            f"needs {min_training_rows} of each): no model, scored on group priors updated "
            "by each source's record",
            n,
            records=True,
        )

    return _model_scores(features, names, train, valid, n, random_state, words)


def _model_scores(
    features: pl.DataFrame,
    names: list[str],
    train: pl.DataFrame,
    valid: pl.DataFrame,
    settled: int,
    random_state: int,
    words: sparse.csr_matrix | None,
) -> ClaimScores:
    """score_claims with a model: `train` and `valid` are the row numbers (row) and labels
    of the training and validation claims, oldest first."""
    y_train = train["label"].to_numpy().astype(int)
    y_valid = valid["label"].to_numpy().astype(int)
    train_rows, valid_rows = train["row"].to_numpy(), valid["row"].to_numpy()
    text_model = None
    if "text" in features.columns:
        f_text, text_model = text_feature(
            hashed_words(features["text"]) if words is None else words,
            train_rows,
            y_train,
            train["settled_on"].to_numpy(),
            train["first_label"].to_numpy().astype(int),
            random_state,
        )
        if text_model is not None:
            features = features.with_columns(f_text=f_text)
            names = [*names, "f_text"]
    x_train = model_inputs(features[train_rows], names)
    x_valid = model_inputs(features[valid_rows], names)

    def tried_out(item: tuple[str, object]) -> tuple[object, np.ndarray]:
        """A candidate fitted on the training claims, and its probabilities on the validation
        claims, each half calibrated on the other (cross_fitted)."""
        name, candidate = item
        rows = slice(-MAX_BOOSTING_ROWS, None) if name == "boosting" else slice(None)
        fitted = candidate.fit(x_train[rows], y_train[rows])
        return fitted, cross_fitted(fitted.decision_function(x_valid), y_valid)

    tried = candidates(names, random_state)
    results = dict(zip(tried, side_by_side(tried_out, tried.items()), strict=True))
    models = {name: fitted for name, (fitted, _) in results.items()}
    p_valids = {name: p for name, (_, p) in results.items()}
    trials = {name: metrics.log_loss(y_valid, p) for name, p in p_valids.items()}
    chosen = _choose(y_valid, p_valids)
    model, p_valid = models[chosen], p_valids[chosen]
    final = calibrated(model, x_valid, y_valid)
    calibrator = final.calibrated_classifiers_[0].calibrators[0]

    def scored(start: int) -> np.ndarray:
        block = model_inputs(features[start : start + BLOCK_ROWS], names)
        return final.predict_proba(block)[:, 1]

    p_model = np.concatenate(side_by_side(scored, range(0, features.height, BLOCK_ROWS)))

    frame = _claim_frame(features, pl.Series(p_model, dtype=pl.Float64))
    fingerprint = _fingerprint(
        {
            "features": names,
            "model": chosen,
            "params": {
                k: repr(v) for k, v in model.get_params(deep=True).items() if not hasattr(v, "fit")
            },
            "state": _state(model),
            "text": _state(text_model) if text_model is not None else None,
            "calibration": [round(float(calibrator.a_), 10), round(float(calibrator.b_), 10)],
        }
    )
    summary = {k: _clean(v) for k, v in metrics.summary(y_valid, p_valid).items()}
    return ClaimScores(
        frame=frame,
        metrics={
            **summary,
            "model": chosen,
            "rows_train": train.height,
            "rows_valid": valid.height,
            "settled": settled,
            "candidates": {k: round(v, 5) for k, v in sorted(trials.items())},
            "text": text_model is not None,
        },
        fingerprint=fingerprint,
        fitted=True,
        note=f"model {chosen} trained on {train.height} settled claims, "
        f"calibrated on the {valid.height} latest",
        model=final,
    )
