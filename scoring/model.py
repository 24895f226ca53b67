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

scikit-learn is imported only when there is a model to fit, and then while the words are
hashed and the feature matrix built; independent fits run side by side (scoring.parallel).
"""

from __future__ import annotations

import hashlib
import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from features.build import feature_names
from features.track_record import SMOOTHING
from scoring import metrics
from scoring.parallel import WORKERS, blockwise, side_by_side, thread_limits
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
# The candidate most often chosen, finished (calibrated, every claim scored) while the others
# are still being tried.
AHEAD = "logistic"


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


def _shape(name: str) -> str:
    """How a linear model reads column `name`: "rate" (as log-odds), "count" (log1p) or
    "plain". The one rule for `_shaped` (Polars) and `_linear_probability` (numpy)."""
    if name.endswith("_rate"):
        return "rate"
    if name.endswith(COUNT_SUFFIXES):
        return "count"
    return "plain"


def _shaped(name: str) -> pl.Expr:
    """Column `name` of the features as a linear model reads it (`_shape`): counts on a log
    scale (log1p), rates as log-odds, other columns as they are; nulls as 0."""
    column = pl.col(name).cast(pl.Float64).fill_null(0.0)
    if _shape(name) == "rate":
        column = column.clip(0.005, 0.995)
        return (column / (1 - column)).log()
    if _shape(name) == "count":
        return column.clip(0.0).log1p()
    return column


def model_inputs(
    features: pl.DataFrame, names: list[str], extra_columns: int = 0, rows: np.ndarray | None = None
) -> np.ndarray:
    """The f_ columns `names` as a float matrix in the shapes a linear model can use
    (`_shaped`: counts on a log scale, rates as log-odds). Trees do not care (the transforms
    are monotone), so every candidate reads the same matrix. Row-major, as scikit-learn's
    estimators want it (blocks of rows then need no copy); `extra_columns` zero columns are
    left at the end for features computed later. With `rows`, only those rows, in that
    order."""
    if rows is not None:
        features = features.select(names)[rows]
    extra = [pl.lit(0.0, pl.Float64).alias(f"__extra_{i}") for i in range(extra_columns)]
    x = features.select(*[_shaped(n) for n in names], *extra).to_numpy(order="c")
    return x if x.flags.writeable and x.flags.c_contiguous else np.ascontiguousarray(x).copy()


def _linear_probability(
    features: pl.DataFrame,
    names: list[str],
    f_text: np.ndarray | None,
    score,
    a: float,
    b: float,
    pool: ThreadPoolExecutor | None = None,
) -> np.ndarray:
    """The calibrated probability of a linear model (`score`, candidates.LinearScore, over
    the model matrix of `names`, whose last is f_text when `f_text` is given) followed by
    the sigmoid 1 / (1 + exp(a * log_odds + b)), for every row of `features`, without the
    matrix of every claim: each column is shaped as `_shaped` does, clipped, weighted and
    summed, a block of rows at a time (in cache) on the threads of `pool`."""
    needed = sorted({names[column] for column in score.columns} - {"f_text"})
    values = features.select(pl.col(n).cast(pl.Float64).fill_null(0.0) for n in needed)
    columns = {n: values[n].to_numpy() for n in needed}
    if f_text is not None:
        columns["f_text"] = np.asarray(f_text, dtype=np.float64)
    # coef * (x - mean) / scale is x * weight, less a constant taken once for every column.
    weight = score.coef / score.scale
    constant = score.intercept - float(weight @ score.mean)
    terms = [
        (_shape(names[column]), columns[names[column]], low, high, w)
        for column, low, high, w in zip(score.columns, score.low, score.high, weight, strict=False)
    ]

    def block(rows: slice) -> np.ndarray:
        log_odds = np.full(rows.stop - rows.start, constant)
        shaped = np.empty_like(log_odds)
        for shape, column, low, high, w in terms:
            part = column[rows]
            # A value that is not finite leaves the claim without a number, and the matrix
            # (with scikit-learn's checks) is used instead; clipping would hide it.
            log_odds[~np.isfinite(part)] = np.nan
            if shape == "rate":
                np.clip(part, 0.005, 0.995, out=shaped)
                np.log(shaped / (1.0 - shaped), out=shaped)
            elif shape == "count":
                np.maximum(part, 0.0, out=shaped)
                np.log1p(shaped, out=shaped)
            else:
                shaped[:] = part
            np.clip(shaped, low, high, out=shaped)
            shaped *= w
            log_odds += shaped
        return 1.0 / (1.0 + np.exp(a * log_odds + b))

    return blockwise({"p": block}, features.height, pool)["p"]


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
    first validation day train it (0 or less: no cap). With no settled claims, one verdict only, fewer than
    `min_training_rows` settled claims or fewer than that many of either verdict among the
    validation claims, no model is fitted: every claim gets the prior of its kind from
    `priors` (in the last two cases updated by its source's and group's record; p_true stays
    the label of a settled claim), and the note says why.

    `words`, when given, is `scoring.text_model.hashed_words` of the text of `features`, row
    for row (a run hashes them while the features are built); else they are hashed here.
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
    hashed: sparse.csr_matrix | None,
) -> ClaimScores:
    """score_claims with a model: `train` and `valid` are the row numbers (row) and labels
    of the training and validation claims, oldest first; `hashed` the words, if known."""
    y_train = train["label"].to_numpy().astype(int)
    y_valid = valid["label"].to_numpy().astype(int)
    train_rows, valid_rows = train["row"].to_numpy(), valid["row"].to_numpy()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        words = None
        if hashed is not None and hashed.shape[0] == features.height:
            words = pool.submit(lambda: hashed)
        elif "text" in features.columns:
            words = pool.submit(hashed_words, features["text"])
        # Only the rows that train and validate are laid out as a matrix here; every claim
        # is scored below without one when the chosen model is linear.
        fit_rows = np.concatenate([train_rows, valid_rows])
        inputs = pool.submit(model_inputs, features, names, 1, fit_rows)
        # scikit-learn takes most of a second to import: it comes in here, where it is first
        # needed, while the pool hashes the words and builds the matrix.
        from sklearn.base import clone

        from scoring.candidates import (
            MAX_BOOSTING_ROWS,
            calibrated,
            candidates,
            cross_fitted,
            linear_score,
        )

        # BLAS and OpenMP run single-threaded (the limit reaches the libraries loaded by now):
        # their worker threads spin while they wait, and on a machine busy with other work
        # that made fitting several times slower than one core. The two cores are used by
        # fitting independent models side by side instead (scoring.parallel).
        with thread_limits().limit(limits=1):
            text_model, f_text = None, None
            if words is not None:
                f_text, text_model = text_feature(
                    words.result(),
                    train_rows,
                    y_train,
                    train["settled_on"].to_numpy(),
                    train["first_label"].to_numpy().astype(int),
                    random_state,
                    pool,
                )
            x_fit = inputs.result()
            feature_columns = names
            if text_model is not None:
                x_fit[:, -1] = f_text[fit_rows]
                names = [*names, "f_text"]
            else:
                f_text = None
                x_fit = np.ascontiguousarray(x_fit[:, :-1])
            x_train, x_valid = x_fit[: len(train_rows)], x_fit[len(train_rows) :]

            def finished(
                model, pool: ThreadPoolExecutor | None
            ) -> tuple[object, np.ndarray | None]:
                """`model` calibrated on the validation rows and, when it is linear, every
                claim's probability without the matrix of every claim (None otherwise)."""
                final = calibrated(model, x_valid, y_valid)
                linear = linear_score(model)
                if linear is None:
                    return final, None
                sigmoid = final.calibrated_classifiers_[0].calibrators[0]
                p = _linear_probability(
                    features, names, f_text, linear, float(sigmoid.a_), float(sigmoid.b_), pool
                )
                # The shortcut stands only where it gives what the fitted model gives (were a
                # scikit-learn release to change how a calibrated pipeline scores, the matrix
                # would be used), and gives a number for every claim (else scikit-learn's
                # checks of the matrix say what is wrong).
                if not (
                    np.isfinite(p).all()
                    and np.allclose(
                        p[valid_rows], final.predict_proba(x_valid)[:, 1], rtol=0.0, atol=1e-9
                    )
                ):
                    return final, None
                return final, p

            def tried_out(item: tuple[str, object]) -> tuple[object, np.ndarray, tuple | None]:
                """A candidate fitted on the training rows, and its probabilities on the
                validation rows, each half calibrated on the other (cross_fitted). The
                usual choice (AHEAD) is also finished (`finished`) while the slower
                candidates still fit: the core would otherwise wait for them."""
                name, candidate = item
                rows = slice(-MAX_BOOSTING_ROWS, None) if name == "boosting" else slice(None)
                fitted = clone(candidate).fit(x_train[rows], y_train[rows])
                p_valid = cross_fitted(fitted.decision_function(x_valid), y_valid)
                # A pool of its own (None): this runs on a worker of `pool`, and waiting there
                # for jobs queued behind it in the same pool would never end.
                return fitted, p_valid, finished(fitted, None) if name == AHEAD else None

            # The slowest (most complex) candidate starts first; the other core fits and
            # validates the rest meanwhile.
            tried = sorted(
                candidates(names, random_state).items(),
                key=lambda item: -CANDIDATE_ORDER.index(item[0]),
            )
            results = dict(
                zip([name for name, _ in tried], side_by_side(tried_out, tried, pool), strict=False)
            )
            models = {name: fitted for name, (fitted, _, _) in results.items()}
            p_valids = {name: p for name, (_, p, _) in results.items()}
            trials = {name: metrics.log_loss(y_valid, p) for name, p in p_valids.items()}
            chosen = _choose(y_valid, p_valids)
            model, p_valid = models[chosen], p_valids[chosen]
            # The chosen one finished ahead, or now (p_model None: score with the matrix).
            ahead = results[chosen][2]
            final, p_model = ahead if ahead is not None else finished(model, pool)
            calibrator = final.calibrated_classifiers_[0].calibrators[0]
            if p_model is None:
                x_all = model_inputs(features, feature_columns, 1)
                if f_text is not None:
                    x_all[:, -1] = f_text
                else:
                    x_all = np.ascontiguousarray(x_all[:, :-1])
                p_model = blockwise(
                    {"p_model": lambda rows: final.predict_proba(x_all[rows])[:, 1]},
                    features.height,
                    pool,
                )["p_model"]

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
