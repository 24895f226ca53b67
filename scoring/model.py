"""The claim model: learn from settled claims how likely an open claim is to hold up.

Candidates are trained on the older settled claims and judged on the most recently settled
ones (a time split by settled_on, never random): the source's track record alone (the naive
baseline, so the model can never do worse than it by much), a logistic regression on every
feature, and gradient-boosted trees. The winner is calibrated on the validation claims with a
sigmoid (`CalibratedClassifierCV` over a `FrozenEstimator`). Without enough settled claims of
both verdicts there is no model: claims get their group's prior, or a smoothed group rate.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from features.build import feature_names
from features.track_record import SMOOTHING
from scoring import metrics
from scoring.text_model import hashed_words, text_feature

DEFAULT_PRIORS = {"named": 0.6, "anonymous": 0.5}

# Inputs of the track-record candidate: what a naive track record knows, nothing more.
TRACK_RECORD_FEATURES = ["f_src_rate", "f_src_naive_rate", "f_src_settled"]
# Counts go to a linear model on a log scale, rates (names ending in _rate) as log-odds.
COUNT_SUFFIXES = ("_settled", "_true", "_published", "_days", "_outlets", "_by_subject",
                  "_by_others", "_contradicted", "_first_denial", "_hedges", "_names", "_words")
# Gradient boosting learns from at most this many of the most recent training claims: it
# costs far more per row than the linear candidates and rarely gains from more.
MAX_BOOSTING_ROWS = 20_000
# Candidates from simplest to most complex, and the validation log loss a more complex one
# must gain over a simpler one to be chosen.
CANDIDATE_ORDER = ("track_record", "logistic", "boosting")
TOLERANCE = 0.002


@dataclass(frozen=True)
class ClaimScores:
    """What scoring the claims of one run produced.

    frame: claim_id, source_id, p_model (what the model alone says, every claim), p_true
    (the label for a settled claim, p_model otherwise), label (Int8, null while unsettled).
    metrics: auc, brier, log_loss, ece (on the validation claims, cross-fitted calibration),
    rows_train, rows_valid, model (the chosen candidate, or "prior" / "group_rate"), and the
    validation log loss of every candidate. fingerprint: a stable hash of the feature names
    and the fitted model. fitted: whether a model was trained. note: one line for `runs`.
    """

    frame: pl.DataFrame
    metrics: dict
    fingerprint: str
    fitted: bool
    note: str
    model: object = field(default=None, repr=False, compare=False)


def model_inputs(features: pl.DataFrame, names: list[str]) -> np.ndarray:
    """The f_ columns `names` as a float matrix in the shapes a linear model can use: counts
    on a log scale (log1p), rates as log-odds; other columns as they are. Trees do not care
    (the transforms are monotone), so every candidate reads the same matrix. Column-major,
    transformed column by column in place."""
    x = np.asfortranarray(features.select(names).to_numpy().astype(np.float64, copy=False))
    if not x.flags.writeable:
        x = x.copy(order="F")
    for j, name in enumerate(names):
        column = x[:, j]
        if name.endswith("_rate"):
            np.clip(column, 0.005, 0.995, out=column)
            np.log(column / (1 - column), out=column)
        elif name.endswith(COUNT_SUFFIXES):
            np.maximum(column, 0, out=column)
            np.log1p(column, out=column)
    return x


def _select(x: np.ndarray, columns: list[int]) -> np.ndarray:
    return np.asarray(x)[:, columns]


def candidates(names: list[str], random_state: int) -> dict[str, Pipeline]:
    """The models tried, keyed by name, each a Pipeline over `model_inputs(features, names)`:
    the naive track record as a model (the source's smoothed true-rates and how many verdicts
    they rest on), a logistic regression on everything, gradient-boosted trees."""
    track = [names.index(n) for n in TRACK_RECORD_FEATURES if n in names]
    return {
        "track_record": Pipeline(
            [
                ("select", FunctionTransformer(_select, kw_args={"columns": track})),
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=1.0, solver="newton-cholesky")),
            ]
        ),
        "logistic": Pipeline(
            [
                ("scale", StandardScaler()),
                ("model", LogisticRegression(C=0.5, solver="newton-cholesky")),
            ]
        ),
        "boosting": Pipeline(
            [
                (
                    "model",
                    HistGradientBoostingClassifier(
                        learning_rate=0.1,
                        max_iter=100,
                        max_leaf_nodes=15,
                        min_samples_leaf=40,
                        l2_regularization=1.0,
                        early_stopping=False,
                        random_state=random_state,
                    ),
                )
            ]
        ),
    }


def _calibrated(model, x: np.ndarray, y: np.ndarray) -> CalibratedClassifierCV:
    """The fitted `model`, frozen, with a sigmoid fitted on (x, y) over its output."""
    return CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid").fit(x, y)


def _cross_fitted(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Validation probabilities from a model's raw `scores`, each half (in time order)
    calibrated by a sigmoid fitted on the other half, so that choosing a model does not
    reward a calibration fitted to its own test."""
    half = len(y) // 2
    first, second = slice(0, half), slice(half, len(y))
    if min(len(np.unique(y[first])), len(np.unique(y[second]))) < 2:
        return 1 / (1 + np.exp(-scores))
    out = np.empty(len(y))
    for fit, apply in ((second, first), (first, second)):
        sigmoid = LogisticRegression(C=1e6).fit(scores[fit, None], y[fit])
        out[apply] = sigmoid.predict_proba(scores[apply, None])[:, 1]
    return out


def _choose(trials: dict[str, float]) -> str:
    """The simplest candidate whose validation log loss is within TOLERANCE of the best: a
    more complex model has to earn its place (and its cost at scoring time)."""
    best = min(trials.values())
    return next(name for name in CANDIDATE_ORDER if name in trials and trials[name] <= best + TOLERANCE)


def _state(model) -> list:
    """The fitted numbers of a pipeline, for its fingerprint."""
    state = []
    for _, step in getattr(model, "steps", [("model", model)]):
        for attribute in ("mean_", "scale_", "idf_", "coef_", "intercept_"):
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


def _fallback(features: pl.DataFrame, names: list[str], priors: dict[str, float], note: str,
              settled: int) -> ClaimScores:
    """No model: the group's prior, or with some claims settled, the source's record shrunk
    toward its group's record shrunk toward the prior of its kind (all at knowledge_day)."""
    prior = pl.col("kind").replace_strict(priors, default=0.5, return_dtype=pl.Float64)
    group = (pl.col("f_grp_true") + SMOOTHING * prior) / (pl.col("f_grp_settled") + SMOOTHING)
    p_model = (pl.col("f_src_true") + SMOOTHING * group) / (pl.col("f_src_settled") + SMOOTHING)
    if not settled:
        p_model = prior
    frame = features.select(
        "claim_id",
        "source_id",
        p_model.alias("p_model"),
        pl.col("label").cast(pl.Int8),
    ).select(
        "claim_id",
        "source_id",
        "p_model",
        pl.coalesce(pl.col("label").cast(pl.Float64), pl.col("p_model")).alias("p_true"),
        "label",
    )
    chosen = "group_rate" if settled else "prior"
    return ClaimScores(
        frame=frame,
        metrics={"model": chosen, "rows_train": 0, "rows_valid": 0, "auc": None, "brier": None,
                 "log_loss": None, "ece": None, "settled": settled},
        fingerprint=_fingerprint({"model": chosen, "priors": priors, "features": names}),
        fitted=False,
        note=note,
    )


def score_claims(
    features: pl.DataFrame | pl.LazyFrame,
    *,
    validation_fraction: float = 0.2,
    min_training_rows: int = 40,
    max_training_rows: int = 300_000,
    random_state: int = 0,
    priors: dict[str, float] | None = None,
) -> ClaimScores:
    """Train, choose and calibrate the claim model on the settled rows of `features` (from
    `features.build.claim_features`) and score every claim; see `ClaimScores`.

    The most recently settled `validation_fraction` of the settled claims (by settled_on, then
    claim_id) choose the candidate and calibrate it; the `max_training_rows` most recent of the
    rest train it (0: no cap). With fewer than `min_training_rows` settled claims, or fewer than
    that many of either verdict among the validation claims, or one verdict only, no model is
    fitted and the note says why.
    """
    # BLAS and OpenMP run single-threaded here: their worker threads spin while they wait,
    # and on a machine busy with other work that made fitting several times slower than one
    # core; the matrices are too narrow to gain much from a second one anyway.
    with threadpool_limits(1):
        return _score_claims(
            features,
            validation_fraction=validation_fraction,
            min_training_rows=min_training_rows,
            max_training_rows=max_training_rows,
            random_state=random_state,
            priors=priors,
        )


def _score_claims(
    features: pl.DataFrame | pl.LazyFrame,
    *,
    validation_fraction: float = 0.2,
    min_training_rows: int = 40,
    max_training_rows: int = 300_000,
    random_state: int = 0,
    priors: dict[str, float] | None = None,
) -> ClaimScores:
    priors = {**DEFAULT_PRIORS, **(priors or {})}
    if isinstance(features, pl.LazyFrame):
        features = features.collect()
    if not features["claim_id"].is_sorted():
        features = features.sort("claim_id")
    names = feature_names(features)
    settled = (
        features.select("claim_id", "label", "settled_on")
        .with_row_index("row")
        .filter(pl.col("label").is_not_null())
        .sort("settled_on", "claim_id")
    )
    n = settled.height
    if n == 0:
        return _fallback(features, names, priors, "no settled claims: scored on group priors", 0)
    true = int(settled["label"].sum())
    if true in (0, n):
        verdict = "true" if true else "false"
        return _fallback(
            features, names, priors,
            f"only one kind of verdict ({n} settled, all {verdict}): scored on smoothed group rates",
            n,
        )
    if n < min_training_rows:
        return _fallback(
            features, names, priors,
            f"only {n} settled claims (fewer than {min_training_rows}): scored on smoothed group rates",
            n,
        )
    n_valid = max(1, math.ceil(n * validation_fraction))
    train, valid = settled.head(n - n_valid), settled.tail(n_valid)
    if max_training_rows:
        train = train.tail(max_training_rows)
    valid_true = int(valid["label"].sum())
    fewest = min(valid_true, valid.height - valid_true)
    train_true = int(train["label"].sum())
    if fewest < min_training_rows or train_true in (0, train.height):
        return _fallback(
            features, names, priors,
            f"too few of each verdict to validate a model ({valid_true} true, "
            f"{valid.height - valid_true} false among the {valid.height} latest settled; "
            f"needs {min_training_rows} of each): scored on smoothed group rates",
            n,
        )

    # Row numbers into `features` of the training and validation claims, oldest first.
    train_rows, valid_rows = train["row"].to_numpy(), valid["row"].to_numpy()
    y_train = train["label"].to_numpy().astype(int)
    y_valid = valid["label"].to_numpy().astype(int)

    x_all = model_inputs(features, names)
    text_model = None
    if "text" in features.columns:
        words = hashed_words(features["text"])
        f_text, text_model = text_feature(words, train_rows, y_train, random_state)
        if text_model is not None:
            x_all = np.asfortranarray(np.column_stack([x_all, f_text]))
            names = [*names, "f_text"]
    x_train, x_valid = x_all[train_rows], x_all[valid_rows]

    trials, fitted = {}, {}
    for name, candidate in candidates(names, random_state).items():
        if name == "boosting":
            model = clone(candidate).fit(x_train[-MAX_BOOSTING_ROWS:], y_train[-MAX_BOOSTING_ROWS:])
            scores = model.decision_function(x_valid)
        else:
            model = clone(candidate).fit(x_train, y_train)
            scores = model.decision_function(x_valid)
        p_valid = _cross_fitted(scores, y_valid)
        trials[name] = metrics.log_loss(y_valid, p_valid)
        fitted[name] = (model, p_valid)
    chosen = _choose(trials)
    model, p_valid = fitted[chosen]
    calibrated = _calibrated(model, x_valid, y_valid)
    p_model = calibrated.predict_proba(x_all)[:, 1]

    frame = features.select("claim_id", "source_id", pl.col("label").cast(pl.Int8)).with_columns(
        p_model=pl.Series(p_model, dtype=pl.Float64)
    ).select(
        "claim_id",
        "source_id",
        "p_model",
        pl.coalesce(pl.col("label").cast(pl.Float64), pl.col("p_model")).alias("p_true"),
        "label",
    )
    calibrator = calibrated.calibrated_classifiers_[0].calibrators[0]
    fingerprint = _fingerprint(
        {
            "features": names,
            "model": chosen,
            "params": {k: repr(v) for k, v in model.get_params(deep=True).items()
                       if not hasattr(v, "fit")},
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
            "settled": n,
            "candidates": {k: round(v, 5) for k, v in sorted(trials.items())},
            "text": text_model is not None,
        },
        fingerprint=fingerprint,
        fitted=True,
        note=f"model {chosen} trained on {train.height} settled claims, "
             f"calibrated on the {valid.height} latest",
        model=calibrated,
    )
