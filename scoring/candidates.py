"""The models the claim model chooses from, and the sigmoids that turn their scores into
probabilities (see scoring.model for how one is chosen).

Every candidate is a scikit-learn `Pipeline` over the matrix of `scoring.model.model_inputs`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

# Inputs of the track-record candidate: what a naive track record knows, nothing more.
TRACK_RECORD_FEATURES = ["f_src_rate", "f_src_naive_rate", "f_src_settled"]
# Gradient boosting learns from at most this many of the most recent training claims: it
# costs far more per row than the linear candidates and rarely gains from more.
MAX_BOOSTING_ROWS = 10_000


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


def calibrated(model, x: np.ndarray, y: np.ndarray) -> CalibratedClassifierCV:
    """The fitted `model`, frozen, with a sigmoid fitted on (x, y) over its output."""
    return CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid").fit(x, y)


def cross_fitted(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
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
