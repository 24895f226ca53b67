"""The claim model, source aggregation and metrics (scoring/)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from features.build import claim_features
from scoring import metrics, parallel
from scoring import model as model_module
from scoring.aggregate import outlet_reliability, scored_claims, source_reliability
from scoring.model import score_claims
from scoring.text_model import hashed_words

PRIORS = {"named": 0.6, "anonymous": 0.5}
START = date(2025, 1, 1)
AS_OF = date(2025, 12, 31)


def small_world(
    n_claims: int = 1500, seed: int = 0, settle_share: float = 0.6, verdicts: str = "both"
):
    """Claims, outcomes and the hidden truth of a small world with a signal: each source has
    a reliability, its subjects deny false claims more often, other outlets corroborate true
    ones, and about `settle_share` of the claims settle (all true, all false or both)."""
    rng = np.random.default_rng(seed)
    n_sources = max(4, n_claims // 15)
    reliability = rng.uniform(0.1, 0.9, n_sources)
    anonymous = rng.random(n_sources) < 0.4
    source = rng.integers(0, n_sources, n_claims)
    published = rng.integers(0, 300, n_claims)
    truth = rng.random(n_claims) < reliability[source]
    ids = [f"c{i:05d}" for i in range(n_claims)]
    claims = pl.LazyFrame(
        {
            "claim_id": ids,
            "published": [START + timedelta(days=int(x)) for x in published],
            "source_id": [f"s{s:03d}" for s in source],
            "kind": np.where(anonymous[source], "anonymous", "named"),
            "affiliation": [["US", "Israeli", None][s % 3] for s in source],
            "outlet": [f"Outlet {s % 5}" for s in source],
            "subject_key": ["the subject"] * n_claims,
            "text": np.where(
                rng.random(n_claims) < np.where(truth, 0.3, 0.5),
                "Officials reportedly said the talks moved",
                "Officials said the talks moved",
            ),
        }
    )
    rows = []
    for i in range(n_claims):
        day = START + timedelta(days=int(published[i]))
        if rng.random() < (0.15 if truth[i] else 0.5):
            rows.append((ids[i], "denied", day + timedelta(days=2), "the subject", None))
        if rng.random() < (0.5 if truth[i] else 0.1):
            rows.append((ids[i], "corroborated", day + timedelta(days=3), "another outlet", None))
        if rng.random() < settle_share:
            label = {"both": int(truth[i]), "true": 1, "false": 0}[verdicts]
            event = "confirmed" if label else "retracted"
            rows.append((ids[i], event, day + timedelta(days=int(rng.integers(5, 60))), "", label))
    outcomes = pl.LazyFrame(
        rows,
        orient="row",
        schema={
            "claim_id": pl.String,
            "event": pl.String,
            "at": pl.Date,
            "by_key": pl.String,
            "label": pl.Int8,
        },
    )
    truth_frame = pl.DataFrame(
        {
            "claim_id": ids,
            "truth": truth.astype(int),
            "source_id": [f"s{s:03d}" for s in source],
            "true_reliability": reliability[source],
        }
    )
    return claims, outcomes, truth_frame


def scored_world(**world):
    claims, outcomes, truth = small_world(**world)
    features = claim_features(claims, outcomes, AS_OF).collect()
    scores = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
    )
    return features, scores, truth


@pytest.fixture(scope="module")
def fitted_world():
    return scored_world()


# --- the model -----------------------------------------------------------------------------


def test_model_is_fitted_calibrated_and_beats_chance_on_open_claims(fitted_world):
    features, scores, truth = fitted_world
    assert scores.fitted, scores.note
    assert scores.frame.columns == ["claim_id", "source_id", "p_model", "p_true", "label"]
    assert scores.frame.height == features.height
    assert scores.metrics["model"] in ("track_record", "logistic", "boosting")
    assert scores.metrics["rows_valid"] > 0 and scores.metrics["rows_train"] > 0
    assert 0 <= scores.metrics["ece"] < 0.2 and scores.metrics["auc"] > 0.7
    open_claims = scores.frame.filter(pl.col("label").is_null()).join(truth, on="claim_id")
    assert metrics.auc(open_claims["truth"], open_claims["p_true"]) > 0.75
    assert scores.frame["p_model"].is_between(0, 1).all()


def test_p_true_is_the_label_for_settled_claims_and_the_model_otherwise(fitted_world):
    _, scores, _ = fitted_world
    settled = scores.frame.filter(pl.col("label").is_not_null())
    open_claims = scores.frame.filter(pl.col("label").is_null())
    assert (settled["p_true"] == settled["label"].cast(pl.Float64)).all()
    assert (open_claims["p_true"] == open_claims["p_model"]).all()
    assert settled["p_model"].n_unique() > 2  # p_model keeps what the model said


def test_same_input_gives_the_same_scores_and_fingerprint(fitted_world):
    features, scores, _ = fitted_world
    again = score_claims(
        features.sample(fraction=1.0, shuffle=True, seed=3),
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
    )
    assert again.fingerprint == scores.fingerprint
    assert again.frame.equals(scores.frame)


def test_the_fingerprint_changes_with_the_model(fitted_world):
    features, scores, _ = fitted_world
    fewer = score_claims(
        features,
        validation_fraction=0.3,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
    )
    assert fewer.fitted and fewer.fingerprint != scores.fingerprint


def test_words_hashed_ahead_give_the_same_scores(fitted_world):
    # A run hashes the words while the features are built (jobs.nightly) and hands them over.
    features, scores, _ = fitted_world
    ahead = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
        words=hashed_words(features["text"]),
    )
    assert scores.metrics["text"] and ahead.fingerprint == scores.fingerprint
    assert ahead.frame.equals(scores.frame)


def test_hashed_words_mark_each_word_once_and_no_empty_word():
    words = hashed_words(pl.Series(["a a B", "", None, "  x  ", "The “quote” — and/or John's car"]))
    assert words.shape == (5, 1 << 18)
    assert words.toarray().sum(axis=1).tolist() == [2, 0, 0, 1, 6]
    assert set(words.data) == {1.0}
    # the same word, whatever its case or punctuation, is the same column
    same = hashed_words(pl.Series(["Gaza.", "gaza"]))
    assert same[0].indices.tolist() == same[1].indices.tolist()


def _texts_with_a_signal(
    n: int = 1200, seed: int = 0, true_share: float = 0.5, signal: bool = True
):
    """Hashed words of n training claims, in the order they were settled (35 a day), and
    their labels: a word that goes with claims that held up (unless not `signal`), and noise."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < true_share).astype(int)
    noise = [f"w{i}" for i in range(50)]
    texts = [
        " ".join(
            ["solid" if signal and label and rng.random() < 0.7 else "shaky"]
            + list(rng.choice(noise, 6))
        )
        for label in y
    ]
    words = hashed_words(pl.Series("text", texts))
    return words, np.arange(n), y, np.arange(n) // 35


def test_a_training_claims_text_value_never_sees_a_later_verdict():
    """f_text of a training claim is what the words said the day before it was settled: the
    verdicts of claims settled later, even on the same day, and later retractions of claims
    settled before, never move it."""
    from scoring.text_model import TEXT_BLOCKS, text_feature

    words, train, y, days = _texts_with_a_signal()
    before, model = text_feature(words, train, y, days, y)
    assert model is not None
    block = len(train) // TEXT_BLOCKS
    # the oldest block has nothing settled before it: no information
    assert np.all(before[:block] == 0.0)
    assert np.abs(before[block:]).max() > 0.5  # the others learned the signal word

    later = y.copy()
    later[-block:] = 1 - later[-block:]  # the newest block's verdicts turned around
    after, _ = text_feature(words, train, later, days, later)
    np.testing.assert_array_equal(after[:-block], before[:-block])

    # the claims settled on the same day as a block's first claim, just before it
    first_day = days[block]
    same_day = (days == first_day) & (train < block)
    assert same_day.any()
    turned = y.copy()
    turned[same_day] = 1 - turned[same_day]
    again, _ = text_feature(words, train, turned, days, turned)
    np.testing.assert_array_equal(again[block : 2 * block], before[block : 2 * block])

    # old claims retracted by the as-of date: their label then, not now, taught the blocks
    retracted = y.copy()
    retracted[: 2 * block] = 0
    now, _ = text_feature(words, train, retracted, days, y)
    np.testing.assert_array_equal(now[train], before[train])


def test_text_value_zero_means_the_words_say_nothing_whatever_the_base_rate():
    from scoring.text_model import TEXT_BLOCKS, text_feature

    words, train, y, days = _texts_with_a_signal(true_share=0.8, signal=False)
    values, model = text_feature(words, train, y, days, y)
    assert model is not None
    scored = values[len(train) // TEXT_BLOCKS :]
    # an uncentred log-odds would sit near log(0.8 / 0.2) = 1.39 here
    assert abs(scored.mean()) < 0.2


def test_without_a_day_before_to_learn_from_the_text_feature_is_left_out():
    """All training claims settled on one day: no block has claims settled before it, so no
    training claim can say what its words were worth, and the words are left out (not fed
    to the claim model as a column of zeros)."""
    from scoring.text_model import text_feature

    words, train, y, _ = _texts_with_a_signal()
    values, model = text_feature(words, train, y, np.zeros(len(train), dtype=int), y)
    assert model is None and not values.any()


def test_scores_do_not_depend_on_how_the_rows_are_blocked(fitted_world, monkeypatch):
    features, scores, _ = fitted_world
    monkeypatch.setattr(model_module, "BLOCK_ROWS", 97)  # many small blocks, the last one short
    again = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
    )
    # the same model; the numbers at most a rounding apart (BLAS sums a block at a time)
    assert again.fingerprint == scores.fingerprint
    assert again.metrics["model"] == scores.metrics["model"]
    assert again.metrics["brier"] == pytest.approx(scores.metrics["brier"], rel=1e-12)
    assert np.abs(again.frame["p_model"] - scores.frame["p_model"]).max() < 1e-12


def test_work_side_by_side_comes_back_in_the_order_it_was_given():
    delays = [0.05, 0.0, 0.03, 0.0, 0.01]  # the first to start is the last to finish
    assert parallel.side_by_side(lambda delay: time.sleep(delay) or delay, delays) == delays


def test_with_nothing_settled_every_claim_gets_its_groups_prior():
    features, scores, _ = scored_world(n_claims=300, settle_share=0.0)
    assert not scores.fitted
    assert "no settled claims" in scores.note
    expected = features["kind"].replace_strict(PRIORS, return_dtype=pl.Float64)
    assert (scores.frame["p_true"] == expected).all()
    assert (scores.frame["p_model"] == expected).all()


def test_with_one_kind_of_verdict_there_is_no_model_and_claims_get_the_prior():
    features, scores, _ = scored_world(n_claims=600, verdicts="true")
    assert not scores.fitted
    assert "only one kind of verdict" in scores.note
    frame = scores.frame.join(features.select("claim_id", "kind"), on="claim_id")
    prior = frame["kind"].replace_strict(PRIORS, return_dtype=pl.Float64)
    assert (frame["p_model"] == prior).all()
    settled = frame["label"].is_not_null()
    assert (frame.filter(settled)["p_true"] == 1).all()
    assert (frame.filter(~settled)["p_true"] == prior.filter(~settled)).all()
    sources = source_reliability(
        scored_claims(features, scores.frame),
        prior_strength=8,
        unsettled_weight=0.5,
        interval=0.9,
        priors=PRIORS,
        fitted=scores.fitted,
    )
    assert (sources["reliability_high"] - sources["reliability_low"] > 0.4).all()
    expected = sources["kind"].replace_strict(PRIORS, return_dtype=pl.Float64)
    assert ((sources["reliability"] - expected).abs() < 1e-9).all()


def test_too_few_settled_claims_fall_back_and_say_so():
    claims, outcomes, _ = small_world(n_claims=400)
    features = claim_features(claims, outcomes, AS_OF).collect()
    scores = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=1000,
        max_training_rows=0,
        random_state=0,
        priors=PRIORS,
    )
    assert not scores.fitted and "fewer than 1000" in scores.note
    assert scores.metrics["model"] == "track_record_prior"
    # no model, but a source's record still moves its open claims off the prior
    frame = scores.frame.join(features.select("claim_id", "f_src_settled"), on="claim_id")
    assert frame.filter(pl.col("f_src_settled") >= 5)["p_model"].std() > 0.05


def test_training_rows_are_capped_at_the_most_recent(fitted_world):
    features, scores, _ = fitted_world
    capped = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=200,
        random_state=0,
        priors=PRIORS,
    )
    assert capped.metrics["rows_train"] == 200
    assert capped.metrics["rows_valid"] == scores.metrics["rows_valid"]


def test_no_training_claim_settled_on_or_after_the_first_validation_day(fitted_world):
    """A validation claim is described as of the day before it settled: a claim settled on
    that day must not teach the model it is judged with."""
    features, _, _ = fitted_world
    # claims settled by the month: many share a day, at the split too
    features = features.with_columns(pl.col("settled_on").dt.truncate("1mo"))
    scores = score_claims(
        features,
        validation_fraction=0.2,
        min_training_rows=40,
        max_training_rows=300_000,
        random_state=0,
        priors=PRIORS,
    )
    settled = features.filter(pl.col("label").is_not_null()).sort("settled_on", "claim_id")
    n_valid = scores.metrics["rows_valid"]
    first_day = settled.tail(n_valid)["settled_on"].min()
    older = settled.head(settled.height - n_valid)
    assert (older["settled_on"] == first_day).any()  # the world has such a tie
    assert scores.metrics["rows_train"] == older.filter(pl.col("settled_on") < first_day).height


def test_validation_rows_are_capped_at_the_most_recent_and_the_rest_can_train(fitted_world):
    features, scores, _ = fitted_world
    cap = scores.metrics["rows_valid"] // 2
    capped = score_claims(
        features,
        validation_fraction=0.2,
        max_validation_rows=cap,
        min_training_rows=20,
        max_training_rows=0,
        random_state=0,
        priors=PRIORS,
    )
    assert capped.metrics["rows_valid"] == cap
    assert capped.metrics["rows_train"] == scores.metrics["settled"] - cap


# --- sources -------------------------------------------------------------------------------


def scored_frame(rows: list[tuple]) -> pl.DataFrame:
    """(source_id, kind, affiliation, outlet, label, p_true, denied) per claim."""
    frame = pl.DataFrame(
        rows,
        orient="row",
        schema={
            "source_id": pl.String,
            "kind": pl.String,
            "affiliation": pl.String,
            "outlet": pl.String,
            "label": pl.Int8,
            "p_true": pl.Float64,
            "denied": pl.Boolean,
        },
    )
    return frame.with_row_index("n").select(
        pl.format("c{}", pl.col("n")).alias("claim_id"),
        pl.exclude("n"),
        contradicted=pl.lit(False),
    )


def source(source_id, labels, *, kind="named", affiliation="US", outlet="Axios", p=None):
    return [
        (
            source_id,
            kind,
            affiliation,
            outlet,
            label,
            float(label) if label is not None else p,
            False,
        )
        for label in labels
    ]


def by_source(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["source_id"]: r for r in frame.iter_rows(named=True)}


def test_a_source_always_confirmed_ranks_above_one_always_retracted():
    scored = scored_frame(
        source("liar", [0] * 10) + source("honest", [1] * 10) + source("mixed", [1, 0] * 5)
    )
    ranked = source_reliability(
        scored, prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS
    )
    assert ranked["source_id"].to_list() == ["honest", "mixed", "liar"]
    assert ranked["rank"].to_list() == [1, 2, 3]
    rows = by_source(ranked)
    assert rows["honest"]["confirmed"] == 10 and rows["liar"]["refuted"] == 10
    assert rows["honest"]["reliability"] > 0.7 > 0.3 > rows["liar"]["reliability"]


@pytest.mark.parametrize("label", [1, 0])
def test_reliability_lies_within_its_interval_even_at_the_edge(label):
    """A group where every claim went one way pushes its rate to 0 or 1, and a source's Beta
    piles against that edge: its mean may fall outside its equal-tailed interval, which is
    then widened to hold it."""
    rows = [r for i in range(50) for r in source(f"s{i}", [label] * 20)]
    # one claim the other way, in a group of its own: both verdicts are on record
    rows += source("other", [1 - label], kind="anonymous", affiliation=None, outlet="BBC")
    ranked = source_reliability(scored_frame(rows), priors=PRIORS, fitted=True)
    assert (ranked["reliability_low"] <= ranked["reliability"]).all()
    assert (ranked["reliability"] <= ranked["reliability_high"]).all()


def test_two_claims_give_a_wider_interval_than_two_hundred():
    scored = scored_frame(source("few", [1, 0]) + source("many", [1, 0] * 100))
    rows = by_source(
        source_reliability(
            scored, prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS
        )
    )
    width = {s: r["reliability_high"] - r["reliability_low"] for s, r in rows.items()}
    assert width["few"] > 2 * width["many"]
    for r in rows.values():
        assert r["reliability_low"] < r["reliability"] < r["reliability_high"]


def test_open_claims_count_by_their_p_true_and_unsettled_weight():
    scored = scored_frame(
        source("s", [1, 1, 0])
        + source("s", [None] * 4, p=0.9)
        + source("t", [1, 1, 0])
        + source("t", [None] * 4, p=0.1)
    )
    options = dict(prior_strength=8, interval=0.9, priors=PRIORS)
    rows = by_source(source_reliability(scored, unsettled_weight=0.5, **options))
    assert rows["s"]["reliability"] > rows["t"]["reliability"]
    assert rows["s"]["claims"] == 7 and rows["s"]["settled"] == 3
    flat = by_source(source_reliability(scored, unsettled_weight=0.0, **options))
    assert flat["s"]["reliability"] == pytest.approx(flat["t"]["reliability"])


def test_without_a_model_every_source_gets_its_prior_and_a_wide_interval():
    scored = scored_frame(
        source("a", [None] * 200, p=0.6) + source("b", [None] * 2, kind="anonymous", p=0.5)
    )
    rows = by_source(
        source_reliability(
            scored,
            prior_strength=8,
            unsettled_weight=0.5,
            interval=0.9,
            priors=PRIORS,
            fitted=False,
        )
    )
    assert rows["a"]["reliability"] == pytest.approx(0.6)
    assert rows["b"]["reliability"] == pytest.approx(0.5)
    for r in rows.values():
        assert r["reliability_high"] - r["reliability_low"] > 0.4


def test_a_new_source_borrows_its_groups_record():
    # Groups move away from the level above on a lot of evidence only (group_strength): these
    # have three hundred claims each.
    scored = scored_frame(
        source(
            "old", [0] * 280 + [1] * 20, kind="anonymous", affiliation="Hamas", outlet="Al Jazeera"
        )
        + source("us", [1] * 280 + [0] * 20, kind="anonymous", affiliation="US", outlet="Axios")
        + source("new", [None], kind="anonymous", affiliation="Hamas", outlet="Al Jazeera", p=0.5)
        + source("other", [None], kind="anonymous", affiliation="US", outlet="Axios", p=0.5)
    )
    rows = by_source(
        source_reliability(
            scored, prior_strength=4, unsettled_weight=0.5, interval=0.9, priors=PRIORS
        )
    )
    assert rows["new"]["reliability"] < rows["other"]["reliability"]
    assert rows["new"]["group"] == "anonymous · Hamas · Al Jazeera"
    assert rows["new"]["group_reliability"] < 0.3


def test_a_small_group_stays_near_the_level_above_it():
    # Thirty claims are not much evidence about a group: with group_strength 200 its rate
    # stays nearer the kind's prior (0.5) than its own record (0.07); shrunk as lightly as a
    # source is, it would move most of the way to its own record.
    scored = scored_frame(
        source("old", [0] * 28 + [1, 1], kind="anonymous", affiliation="Hamas", outlet="Al Jazeera")
        + source("new", [None], kind="anonymous", affiliation="Hamas", outlet="Al Jazeera", p=0.5)
    )
    options = dict(prior_strength=4, unsettled_weight=0.5, interval=0.9, priors=PRIORS)
    cautious = by_source(source_reliability(scored, group_strength=200, **options))
    eager = by_source(source_reliability(scored, group_strength=4, **options))
    assert 0.3 < cautious["new"]["group_reliability"] < 0.5
    assert eager["new"]["group_reliability"] < 0.15


def test_affiliation_and_outlet_are_the_most_common_ties_by_name():
    scored = scored_frame(
        source("s", [1], outlet="Haaretz", affiliation=None)
        + source("s", [1, 0], outlet="Axios", affiliation="US")
        + source("s", [1, 0], outlet="Reuters", affiliation="Israeli")
    )
    row = source_reliability(
        scored, prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS
    ).row(0, named=True)
    assert (row["outlet"], row["affiliation"]) == ("Axios", "Israeli")
    assert row["denied"] == 0 and row["claims"] == 5


def test_outlets_are_ranked_with_intervals():
    scored = scored_frame(
        source("a", [1] * 20, outlet="Good")
        + source("b", [0] * 20, outlet="Bad")
        + source("c", [1, 0], outlet="Small")
    )
    outlets = outlet_reliability(
        scored, prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS
    )
    assert outlets.columns == [
        "outlet",
        "reliability",
        "reliability_low",
        "reliability_high",
        "claims",
        "rank",
    ]
    assert outlets["outlet"].to_list() == ["Good", "Small", "Bad"]


def test_reliability_tracks_the_truth_of_a_small_world(fitted_world):
    features, scores, truth = fitted_world
    sources = source_reliability(
        scored_claims(features, scores.frame),
        prior_strength=8,
        unsettled_weight=0.5,
        interval=0.9,
        priors=PRIORS,
        fitted=scores.fitted,
    )
    true = truth.group_by("source_id").agg(pl.col("true_reliability").first(), pl.len().alias("n"))
    joined = sources.join(true, on="source_id").filter(pl.col("n") >= 10)
    assert joined.select(pl.corr("reliability", "true_reliability", method="spearman")).item() > 0.8


# --- metrics -------------------------------------------------------------------------------


def test_metrics_on_obvious_cases():
    y = np.array([0, 0, 1, 1])
    assert metrics.auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert np.isnan(metrics.auc([1, 1], [0.2, 0.3]))
    assert metrics.brier(y, [0, 0, 1, 1]) == 0.0
    assert metrics.brier(y, [0.5] * 4) == 0.25
    assert metrics.log_loss(y, [0.5] * 4) == pytest.approx(np.log(2))
    assert metrics.expected_calibration_error(y, [0.5] * 4) == 0.0
    assert metrics.expected_calibration_error([1, 1, 1, 1], [0.25] * 4) == pytest.approx(0.75)
    table = metrics.reliability_table(np.r_[np.zeros(50), np.ones(50)], np.linspace(0, 1, 100))
    assert table.height == 10 and table["claims"].sum() == 100
    assert table["observed"].to_list()[0] == 0 and table["observed"].to_list()[-1] == 1


def test_baselines_use_the_history_only():
    history = pl.DataFrame({"source_id": ["a"] * 4 + ["b"] * 4, "label": [1, 1, 1, 1, 0, 0, 0, 0]})
    targets = pl.DataFrame({"claim_id": ["x", "y", "z"], "source_id": ["a", "b", "new"]})
    naive = dict(
        metrics.naive_track_record(history, targets, strength=4).select("claim_id", "p").iter_rows()
    )
    assert naive["x"] == pytest.approx((4 + 4 * 0.5) / 8)
    assert naive["y"] == pytest.approx((0 + 4 * 0.5) / 8)
    assert naive["z"] == pytest.approx(0.5)
    assert metrics.overall_rate(history, targets)["p"].to_list() == [0.5] * 3


def test_sources_are_the_same_whatever_the_row_order_and_ties_go_by_source_id(fitted_world):
    features, scores, _ = fitted_world
    scored = scored_claims(features, scores.frame)
    options = dict(prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS, fitted=True)
    first = source_reliability(scored, **options)
    shuffled = source_reliability(scored.sample(fraction=1.0, shuffle=True, seed=7), **options)
    assert first.equals(shuffled)
    twins = scored_frame(source("b", [1, 0, 1]) + source("a", [1, 0, 1]) + source("c", [1, 0]))
    ranked = source_reliability(
        twins, prior_strength=8, unsettled_weight=0.5, interval=0.9, priors=PRIORS
    )
    assert ranked.filter(pl.col("source_id") != "c")["source_id"].to_list() == ["a", "b"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_feature_that_is_not_a_number_is_refused_as_before(fitted_world, bad):
    # scikit-learn's check of the matrix says what is wrong.
    features, _, _ = fitted_world
    open_row = features.with_row_index("row").filter(pl.col("label").is_null())["row"][0]
    broken = features.with_columns(
        pl.when(pl.int_range(pl.len()) == open_row)
        .then(bad)
        .otherwise(pl.col("f_denied_by_subject"))
        .alias("f_denied_by_subject")
    )
    with pytest.raises(ValueError, match="(?i)nan|infinity"):
        score_claims(
            broken,
            validation_fraction=0.2,
            min_training_rows=40,
            max_training_rows=300_000,
            random_state=0,
            priors=PRIORS,
        )
