"""Stories inferred across articles that carry none: shared names and words within a window.

Articles without a `story` are compared by scikit-learn's TF-IDF vectors and cosine
similarity: each article's words plus its capitalised names (joined into single tokens, so that
"Steve Witkoff" counts as one shared name and weighs more than two common words). Two articles
published at most `window_days` apart whose similarity reaches `similarity` belong to one story,
and stories are the connected groups of such pairs, named after their earliest article
("inferred:ARTICLE_ID"). An article given a story keeps it. Later denials and confirmations are
then linked to the claims of the same story, given or inferred.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

DEFAULT_WINDOW_DAYS = 7.0
DEFAULT_SIMILARITY = 0.2

_OPENING = 2000
_NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)+")


def _document(title: str | None, text: str | None) -> str:
    # A news story states its matter in its title and opening paragraphs; the rest of a long
    # article adds background that other stories share.
    body = f"{title or ''}\n{(text or '')[:_OPENING]}"
    names = " ".join("name_" + "_".join(m.group().lower().split()) for m in _NAME.finditer(body))
    return f"{body}\n{names}"


def infer(
    articles: pl.DataFrame,
    *,
    window_days: float = DEFAULT_WINDOW_DAYS,
    similarity: float = DEFAULT_SIMILARITY,
) -> pl.Series:
    """The story of each article of `articles` (article_id, published_at, text; optional title
    and story), in row order: the given story, else the inferred one."""
    given = articles["story"] if "story" in articles.columns else None
    ids = articles["article_id"].cast(pl.String).to_list()
    stories = [f"inferred:{i}" for i in ids]
    if given is not None:
        stories = [g if g else s for g, s in zip(given.to_list(), stories, strict=True)]
    open_rows = [i for i in range(len(ids)) if given is None or not given[i]]
    if len(open_rows) < 2:
        return pl.Series("story", stories, dtype=pl.String)
    titles = articles["title"].to_list() if "title" in articles.columns else [None] * len(ids)
    texts = articles["text"].to_list()
    dates = (
        articles["published_at"]
        .cast(pl.String)
        .str.slice(0, 10)
        .str.to_date(strict=False)
        .to_physical()
        .fill_null(0)
        .to_numpy()
    )
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [_document(titles[i], texts[i]) for i in open_rows]
    )
    close = linear_kernel(vectors) >= similarity
    days = dates[open_rows]
    close &= np.abs(days[:, None] - days[None, :]) <= window_days
    # Connected groups of close pairs, each named after its earliest article.
    parent = list(range(len(open_rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(*np.nonzero(np.triu(close, 1)), strict=True):
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    order = sorted(range(len(open_rows)), key=lambda i: (days[i], ids[open_rows[i]]))
    first: dict[int, str] = {}
    for i in order:
        first.setdefault(root(i), ids[open_rows[i]])
    for i, row in enumerate(open_rows):
        stories[row] = f"inferred:{first[root(i)]}"
    return pl.Series("story", stories, dtype=pl.String)
