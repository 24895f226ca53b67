"""The claim model: learn from settled claims how likely an open claim is to hold up.

Candidates are trained on the older settled claims and judged on the most recently settled
ones (a time split by settled_on, never random): the source's track record alone (the naive
baseline as a model, so that when the other features carry little signal the choice falls
back to it), a logistic regression on every feature, and gradient-boosted trees. A more
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

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data
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
# Candidates from simplest to most complex, and the least validation log loss a more complex
# one must gain over a simpler one to be chosen (see _choose).
CANDIDATE_ORDER = ("track_record", "logistic", "boosting")
TOLERANCE = 0.002


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


def model_inputs(features: pl.DataFrame, names: list[str], extra_columns: int = 0) -> np.ndarray:
    """The f_ columns `names` as a float matrix in the shapes a linear model can use: counts
    on a log scale (log1p), rates as log-odds; other columns as they are. Trees do not care
    (the transforms are monotone), so every candidate reads the same matrix. Row-major, as
    scikit-learn's estimators want it (slices of rows then need no copy); `extra_columns` zero
    columns are left at the end for features computed later."""

    def shaped(name: str) -> pl.Expr:
        column = pl.col(name).cast(pl.Float64).fill_null(0.0)
        if name.endswith("_rate"):
            column = column.clip(0.005, 0.995)
            return (column / (1 - column)).log()
        if name.endswith(COUNT_SUFFIXES):
            return column.clip(0.0).log1p()
        return column

    extra = [pl.lit(0.0, pl.Float64).alias(f"__extra_{i}") for i in range(extra_columns)]
    x = features.select(*[shaped(n) for n in names], *extra).to_numpy(order="c")
    return x if x.flags.writeable and x.flags.c_contiguous else np.ascontiguousarray(x).copy()


class ClipToTraining(TransformerMixin, BaseEstimator):
    """Clips each column to the range it had in training, so that a linear model never
    extrapolates: an open claim whose source has ten times more claims than any training row
    did is scored like the busiest training row, not ten times further along a line."""

    def fit(self, X, y=None):
        X = validate_data(self, X, dtype=np.float64)
        self.min_ = X.min(axis=0) if len(X) else np.zeros(X.shape[1])
        self.max_ = X.max(axis=0) if len(X) else np.zeros(X.shape[1])
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return np.clip(X, self.min_, self.max_)


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
                ("clip", ClipToTraining()),
                ("scale", StandardScaler(copy=False)),
                ("model", LogisticRegression(C=1.0, solver="newton-cholesky")),
            ]
        ),
        "logistic": Pipeline(
            [
                ("clip", ClipToTraining()),
                ("scale", StandardScaler(copy=False)),
                ("model", LogisticRegression(C=0.5, solver="newton-cholesky")),
            ]
        ),
        "boosting": Pipeline(
            [
                (
                    "model",
                    HistGradientBoostingClassifier(
                        learning_rate=0.15,
                        max_iter=60,
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


def _fallback(features: pl.DataFrame, names: list[str], priors: dict[str, float], note: str,
              settled: int, records: bool = False) -> ClaimScores:
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
    max_training_rows: int = 100_000,
    random_state: int = 0,
    priors: dict[str, float] | None = None,
) -> ClaimScores:
    """Train, choose and calibrate the claim model on the settled rows of `features` (from
    `features.build.claim_features`) and score every claim; see `ClaimScores`.

    The most recently settled `validation_fraction` of the settled claims (by settled_on, then
    claim_id) choose the candidate and calibrate it; the `max_training_rows` most recent of the
    rest train it (0: no cap). With no settled claims, one verdict only, fewer than
    `min_training_rows` settled claims or fewer than that many of either verdict among the
    validation claims, no model is fitted: every claim gets the prior of its kind from
    `priors` (in the last two cases updated by its source's and group's record; p_true stays
    the label of a settled claim), and the note says why.
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
    validation_fraction: float,
    min_training_rows: int,
    max_training_rows: int,
    random_state: int,
    priors: dict[str, float] | None,
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
            f"only one kind of verdict ({n} settled, all {verdict}): no model, "
            "scored on group priors",
            n,
        )
    if n < min_training_rows:
        return _fallback(
            features, names, priors,
            f"only {n} settled claims (fewer than {min_training_rows}): no model, scored on "
            "group priors updated by each source's record",
            n, records=True,
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
            f"needs {min_training_rows} of each): no model, scored on group priors updated "
            "by each source's record",
            n, records=True,
        )

    y_train = train["label"].to_numpy().astype(int)
    y_valid = valid["label"].to_numpy().astype(int)
    # The model's rows in an order where the training claims (oldest first) and then the
    # validation claims come last: both are then slices of one matrix, not copies.
    train_rows, valid_rows = train["row"].to_numpy(), valid["row"].to_numpy()
    in_fit = np.zeros(features.height, dtype=bool)
    in_fit[train_rows] = in_fit[valid_rows] = True
    order = np.concatenate([np.flatnonzero(~in_fit), train_rows, valid_rows])
    ordered = features.select(names)[order]
    start_train = features.height - len(train_rows) - len(valid_rows)
    fit_train = slice(start_train, start_train + len(train_rows))
    fit_valid = slice(start_train + len(train_rows), features.height)

    x_all = model_inputs(ordered, names, extra_columns=1)
    text_model = None
    if "text" in features.columns:
        words = hashed_words(features["text"])[order]
        f_text, text_model = text_feature(
            words, np.arange(fit_train.start, fit_train.stop), y_train, random_state
        )
    if text_model is not None:
        x_all[:, -1] = f_text
        names = [*names, "f_text"]
    else:
        x_all = x_all[:, :-1]
    x_train, x_valid = x_all[fit_train], x_all[fit_valid]

    trials, fitted = {}, {}
    for name, candidate in candidates(names, random_state).items():
        rows = slice(-MAX_BOOSTING_ROWS, None) if name == "boosting" else slice(None)
        model = clone(candidate).fit(x_train[rows], y_train[rows])
        p_valid = _cross_fitted(model.decision_function(x_valid), y_valid)
        trials[name] = metrics.log_loss(y_valid, p_valid)
        fitted[name] = (model, p_valid)
    chosen = _choose(y_valid, {name: p for name, (_, p) in fitted.items()})
    model, p_valid = fitted[chosen]
    calibrated = _calibrated(model, x_valid, y_valid)
    # Trees predict row by row, so a second core halves the time on a big warehouse.
    with threadpool_limits(2 if chosen == "boosting" else 1, user_api="openmp"):
        p_ordered = calibrated.predict_proba(x_all)[:, 1]
    p_model = np.empty(features.height)
    p_model[order] = p_ordered

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
