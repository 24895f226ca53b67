"""Cues in the wording of a claim: hedging, numbers, specific names, length."""

from __future__ import annotations

import polars as pl

HEDGES = (
    "reportedly",
    "allegedly",
    "alleged",
    "apparently",
    "purportedly",
    "supposedly",
    "unverified",
    "possibly",
    "perhaps",
    "claimed",
    "according to",
    "sources say",
    "sources said",
    "may",
    "might",
    "could",
    "unconfirmed",
    "rumor",
    "rumors",
    "rumour",
    "rumours",
)

# Matched on lower-cased text with ASCII word boundaries: the hedges are English words, and
# Unicode-aware boundaries are slower.
_HEDGE = r"(?-u:\b)(?:" + "|".join(h.replace(" ", r"\s+") for h in HEDGES) + r")(?-u:\b)"
_NUMBER = r"[0-9]"
_CAPITALISED = r"\b\p{Lu}"
# A capitalised word that opens the text or a sentence is not a sign of a name.
_SENTENCE_START = r"(?:^|[.!?]\s+)[\"'“‘(]*\p{Lu}"


def text_cues(claims: pl.LazyFrame) -> pl.LazyFrame:
    """claim_id and text-cue features: f_hedges (hedging words: "reportedly", "may", ...),
    f_has_number, f_names (capitalised words not at a sentence start), f_words (words, as
    spaces + 1) and f_length (characters, log)."""
    text = pl.col("text").fill_null("")
    return claims.select(
        "claim_id",
        text.str.to_lowercase().str.count_matches(_HEDGE).cast(pl.Float64).alias("f_hedges"),
        text.str.contains(_NUMBER).cast(pl.Float64).alias("f_has_number"),
        (
            text.str.count_matches(_CAPITALISED).cast(pl.Int64)
            - text.str.count_matches(_SENTENCE_START).cast(pl.Int64)
        )
        .clip(0)
        .cast(pl.Float64)
        .alias("f_names"),
        pl.when(text.str.len_chars() > 0)
        .then(text.str.strip_chars().str.count_matches(" ", literal=True) + 1)
        .otherwise(0)
        .cast(pl.Float64)
        .alias("f_words"),
        text.str.len_chars().cast(pl.Float64).log1p().alias("f_length"),
    )
