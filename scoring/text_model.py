"""What the wording of a claim says about it: a bag-of-words model over hashed words.

Words are lower-cased, split on spaces and punctuation and hashed into a fixed number of
columns (no vocabulary to store); a TF-IDF weighting and a regularised logistic regression
learn which words go with claims that held up. Its output enters the claim model as one
feature, `f_text`.

f_text is how far a claim's words move the log-odds from the base rate of the claims the text
model learned from (0: they say nothing). Like every feature, a training claim's f_text is
what was known just before the claim was settled: the training claims are cut, in the order
they were settled, into TEXT_BLOCKS blocks, and each block is scored by a text model fitted on
the claims settled before that block's first day, with the labels they had then (the oldest
block, with nothing before it, gets 0). So the claim model learns how far to trust the words
from text models that, like the one scoring the open claims, never saw a later verdict, nor
the claim's own. The open claims, and every other claim, are scored by the model fitted on
the most recent training claims.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from scoring.parallel import side_by_side

if TYPE_CHECKING:
    import scipy.sparse as sparse
    from sklearn.pipeline import Pipeline

N_COLUMNS = 1 << 18
# The most recent training claims the text model learns from (bounds the cost on big
# warehouses); a model that scores one block of training claims learns from half as many.
MAX_TEXT_ROWS = 20_000
# Blocks of training claims, each scored by a text model of the claims settled before it.
TEXT_BLOCKS = 4
# Fewer training claims than this with text and the feature stays at 0 (no information).
MIN_TEXT_ROWS = 200
_PUNCTUATION = [",", ".", "!", "?", '"', "(", ")", ":", ";", "“", "”", "‘", "’", "'s ", "—", "/"]
_CLIP = 1e-4


def hashed_words(texts: pl.Series) -> sparse.csr_matrix:
    """One row per text, one column per hashed word, 1 where the word occurs."""
    # scipy is imported where it is first used (a run hashes the words in a thread of its
    # own while the features are built: the import costs the run nothing there).
    import scipy.sparse as sparse

    words = (
        pl.col("text")
        .fill_null("")
        .str.to_lowercase()
        .str.replace_many(_PUNCTUATION, [" "] * len(_PUNCTUATION))
        .str.split(" ")
    )
    # "" (from runs of spaces) is not a word; a word that occurs twice is one 1.
    empty = pl.lit(
        pl.Series([[pl.Series([""]).hash(seed=0)[0] % N_COLUMNS]], dtype=pl.List(pl.UInt64))
    )
    # Lazy, so that the string work is spread over the cores in batches of rows.
    columns = (
        pl.LazyFrame({"text": texts})
        .select(
            words.list.eval(pl.element().hash(seed=0) % N_COLUMNS)
            .list.set_difference(empty)
            .alias("column")
        )
        .collect()
    )["column"]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(columns.list.len().to_numpy(), out=indptr[1:])
    indices = columns.explode(keep_nulls=False).cast(pl.Int32).to_numpy()
    # A row's columns in the order its words first occur (scipy and scikit-learn take them
    # in any order): sorting each row's columns would cost more than building the matrix.
    return sparse.csr_matrix(
        (np.ones(len(indices)), indices, indptr), shape=(len(texts), N_COLUMNS)
    )


def hashed_words_by_claim(claims: pl.DataFrame) -> tuple[pl.Series, sparse.csr_matrix]:
    """hashed_words of `claims` (claim_id, text) with rows in claim_id order, and the ids in
    that order: the order of features.build.claim_features, so that a run can hash the words
    while the features are built and hand the matrix to scoring.model.score_claims."""
    ordered = claims.select("claim_id", "text").sort("claim_id")
    return ordered["claim_id"], hashed_words(ordered["text"])


def text_pipeline(random_state: int = 0) -> Pipeline:
    """TF-IDF over the hashed words, then a regularised logistic regression (saga: fast on
    wide sparse input; a loose tolerance is plenty for one feature among many)."""
    # Imported here, where it is used: see scoring.candidates.
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
            (
                "model",
                LogisticRegression(
                    C=0.3, solver="saga", tol=1e-3, max_iter=200, random_state=random_state
                ),
            ),
        ]
    )


def text_probability(model: Pipeline, words: sparse.csr_matrix) -> np.ndarray:
    """What `model` (a fitted text_pipeline) says of each row of `words`: its
    predict_proba(words)[:, 1], worked out without the TF-IDF copy of the matrix. With
    sublinear tf and l2 norms, a row's log-odds is (tf @ (idf * coef)) / sqrt(tf^2 @ idf^2)
    plus the intercept: two sparse products over the matrix as it is (tf is the matrix itself
    when every count is 1, as in hashed_words), where the pipeline would copy, reweigh and
    normalise the whole matrix first (85 MB at a million claims)."""
    tfidf, linear = model.named_steps["tfidf"], model.named_steps["model"]
    if not (tfidf.sublinear_tf and tfidf.use_idf and tfidf.norm == "l2"):
        return model.predict_proba(words)[:, 1]
    tf = words
    if tf.nnz and not np.all(tf.data == 1.0):
        tf = words.copy()
        tf.data = np.where(tf.data > 0, 1.0 + np.log(np.maximum(tf.data, 1e-300)), 0.0)
    idf = np.asarray(tfidf.idf_, dtype=np.float64)
    squared = tf if tf is words else tf.multiply(tf)  # a 0/1 matrix is its own square
    norm = np.sqrt(squared @ (idf * idf))
    weighted = tf @ (idf * linear.coef_[0])
    log_odds = np.divide(weighted, norm, out=np.zeros_like(weighted), where=norm > 0)
    return 1.0 / (1.0 + np.exp(-(log_odds + linear.intercept_[0])))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _CLIP, 1 - _CLIP)
    return np.log(p / (1 - p))


def _usable(y: np.ndarray) -> bool:
    return len(y) >= MIN_TEXT_ROWS // 2 and len(np.unique(y)) == 2


def text_feature(
    words: sparse.csr_matrix,
    train: np.ndarray,
    y_train: np.ndarray,
    train_days: np.ndarray,
    y_first: np.ndarray,
    random_state: int = 0,
    pool: ThreadPoolExecutor | None = None,
) -> tuple[np.ndarray, Pipeline | None]:
    """f_text for every row of `words`: how far its words move the log-odds that it holds up
    from the base rate of the claims the text model learned from (0: the words say nothing).

    `train` are the row numbers of the training claims in the order they were settled, with
    their labels at the as-of date `y_train`, the days they were settled `train_days`
    (ascending, any integer or date type) and the labels they got that day `y_first`. Each of
    TEXT_BLOCKS blocks of them gets its value from a model fitted on the claims settled
    before the block's first day, with the labels they got then (a later retraction was not
    known; at most MAX_TEXT_ROWS // 2 claims, the most recent); 0 where there are too few, as
    for the oldest block. Every other row gets its value from the model fitted on the most
    recent MAX_TEXT_ROWS training claims. Returns the feature and that model; zeros and None
    when there is too little text to learn from, or no block could be scored (the claim
    model would have nothing to learn the words' weight from). The models are fitted side
    by side on `pool` (scoring.parallel; a new one when None).
    """
    feature = np.zeros(words.shape[0])
    rows, y = train[-MAX_TEXT_ROWS:], y_train[-MAX_TEXT_ROWS:]
    if len(rows) < MIN_TEXT_ROWS or not _usable(y) or words[rows].nnz == 0:
        return feature, None
    # The model on the most recent claims first: it also scores every row, the longest job.
    jobs = [(rows, y, None)]
    edges = np.linspace(0, len(train), TEXT_BLOCKS + 1).astype(int)
    for start, stop in zip(edges[1:-1], edges[2:], strict=False):
        # Settled before the block's first day: a claim settled that day was not known the
        # day before, when the block's first claims are described.
        before = int(np.searchsorted(train_days, train_days[start], side="left"))
        fit = slice(max(0, before - MAX_TEXT_ROWS // 2), before)
        if before < MIN_TEXT_ROWS or not _usable(y_first[fit]) or words[train[fit]].nnz == 0:
            continue
        jobs.append((train[fit], y_first[fit], train[start:stop]))
    if len(jobs) == 1:
        return feature, None

    def fitted(job: tuple) -> tuple[Pipeline, np.ndarray]:
        fit_rows, fit_y, predict_rows = job
        model = text_pipeline(random_state).fit(words[fit_rows], fit_y)
        scored = words if predict_rows is None else words[predict_rows]
        return model, _logit(text_probability(model, scored)) - _logit(np.mean(fit_y))

    (model, every_row), *blocks = side_by_side(fitted, jobs, pool)
    feature[:] = every_row
    feature[train] = 0.0
    for (_, _, predict_rows), (_, values) in zip(jobs[1:], blocks, strict=False):
        feature[predict_rows] = values
    return feature, model
