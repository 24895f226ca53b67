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

import numpy as np
import polars as pl
import scipy.sparse as sparse
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from scoring.parallel import side_by_side

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


def text_pipeline(random_state: int = 0) -> Pipeline:
    """TF-IDF over the hashed words, then a regularised logistic regression (saga: fast on
    wide sparse input; a loose tolerance is plenty for one feature among many)."""
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
    by side (scoring.parallel).
    """
    feature = np.zeros(words.shape[0])
    rows, y = train[-MAX_TEXT_ROWS:], y_train[-MAX_TEXT_ROWS:]
    if len(rows) < MIN_TEXT_ROWS or not _usable(y) or words[rows].nnz == 0:
        return feature, None
    # The model of the most recent claims first: it also scores every row, the longest job.
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
        return model, _logit(model.predict_proba(scored)[:, 1]) - _logit(np.mean(fit_y))

    (model, every_row), *blocks = side_by_side(fitted, jobs)
    feature[:] = every_row
    feature[train] = 0.0
    for (_, _, predict_rows), (_, values) in zip(jobs[1:], blocks, strict=False):
        feature[predict_rows] = values
    return feature, model
