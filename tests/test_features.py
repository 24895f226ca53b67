"""Point-in-time claim features (features/): hand-made frames where the answer is obvious."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from features.build import claim_features, feature_names
from features.evidence import claim_labels
from features.text import text_cues

AS_OF = date(2025, 3, 1)
CLAIM_COLUMNS = [
    "claim_id",
    "published",
    "source_id",
    "kind",
    "affiliation",
    "outlet",
    "subject_key",
    "text",
]


def d(day: int) -> date:
    """Day `day` of 2025 (1 = January 1)."""
    return date(2025, 1, 1) + timedelta(days=day - 1)


def claims_frame(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(
        rows,
        schema={
            "claim_id": pl.String,
            "published": pl.Date,
            "source_id": pl.String,
            "kind": pl.String,
            "affiliation": pl.String,
            "outlet": pl.String,
            "subject_key": pl.String,
            "text": pl.String,
        },
        orient="row",
    )


def outcomes_frame(rows: list[tuple]) -> pl.LazyFrame:
    return pl.LazyFrame(
        rows,
        schema={
            "claim_id": pl.String,
            "event": pl.String,
            "at": pl.Date,
            "by_key": pl.String,
            "label": pl.Int8,
        },
        orient="row",
    )


def claim(
    claim_id,
    day,
    source="s1",
    *,
    kind="named",
    affiliation="US",
    outlet="Axios",
    subject=None,
    text="Talks resumed.",
):
    return (claim_id, d(day), source, kind, affiliation, outlet, subject, text)


def settle(claim_id, day, label):
    return (claim_id, "confirmed" if label else "retracted", d(day), "", label)


def evidence(claim_id, event, day, by=""):
    return (claim_id, event, d(day), by, None)


def features_of(claims, outcomes, as_of=AS_OF) -> dict[str, dict]:
    frame = claim_features(claims, outcomes, as_of).collect()
    return {row["claim_id"]: row for row in frame.iter_rows(named=True)}


def test_denials_are_split_between_the_subject_and_others():
    claims = claims_frame([claim("c1", 10, subject="steve witkoff")])
    outcomes = outcomes_frame(
        [
            evidence("c1", "denied", 12, "steve witkoff"),
            evidence("c1", "denied", 13, "someone else"),
            evidence("c1", "denied", 14, ""),
            evidence("c1", "contradicted", 15, "an israeli source"),
        ]
    )
    row = features_of(claims, outcomes)["c1"]
    assert row["f_denied_by_subject"] == 1
    assert row["f_denied_by_others"] == 2
    assert row["f_contradicted"] == 1
    assert row["f_has_denial"] == 1 and row["f_days_to_first_denial"] == 2
    assert row["denied"] and row["contradicted"]


def test_a_claim_without_a_subject_has_no_denial_by_its_subject():
    claims = claims_frame([claim("c1", 10, subject=None)])
    outcomes = outcomes_frame([evidence("c1", "denied", 12, "")])
    row = features_of(claims, outcomes)["c1"]
    assert (row["f_denied_by_subject"], row["f_denied_by_others"]) == (0, 1)


def test_corroborations_count_distinct_outlets_other_than_the_claims_own():
    claims = claims_frame([claim("c1", 10, outlet="The Times of Israel")])
    outcomes = outcomes_frame(
        [
            evidence("c1", "corroborated", 11, "haaretz"),
            evidence("c1", "corroborated", 12, "haaretz"),
            evidence("c1", "corroborated", 12, "axios"),
            evidence("c1", "corroborated", 13, "times of israel"),
            evidence("c1", "corroborated", 14, ""),  # by no one named: not shown independent
        ]
    )
    row = features_of(claims, outcomes)["c1"]
    assert row["f_corroborating_outlets"] == 2
    assert row["f_has_denial"] == 0 and row["f_days_to_first_denial"] == -1


@pytest.mark.parametrize("outlet", ["الجَزِيرَة", "הָאָרֶץ"])
def test_a_claims_own_outlet_written_with_vowel_marks_is_not_an_independent_corroboration(outlet):
    """The `by` of a corroboration is keyed at ingest (warehouse.identity.outlet_key, which
    drops Arabic and Hebrew vowel marks); the claim's own outlet is keyed by the same rule."""
    from warehouse.identity import outlet_key

    own = pl.select(outlet_key(pl.lit(outlet))).item()
    claims = claims_frame([claim("c1", 10, outlet=outlet)])
    outcomes = outcomes_frame(
        [evidence("c1", "corroborated", 11, own), evidence("c1", "corroborated", 12, "haaretz")]
    )
    assert features_of(claims, outcomes)["c1"]["f_corroborating_outlets"] == 1


def test_label_is_the_latest_settling_and_false_wins_a_tie():
    outcomes = outcomes_frame(
        [
            settle("flipped", 5, 1),
            settle("flipped", 9, 0),
            settle("tie", 6, 1),
            settle("tie", 6, 0),
            settle("later", 5, 0),
            ("later", "rated", d(8), "", 1),
            settle("future", 70, 1),
        ]
    )
    labels = {
        r["claim_id"]: r for r in claim_labels(outcomes, AS_OF).collect().iter_rows(named=True)
    }
    assert labels["flipped"]["label"] == 0 and labels["flipped"]["settled_on"] == d(5)
    assert labels["tie"]["label"] == 0
    assert labels["later"]["label"] == 1 and labels["later"]["settled_on"] == d(5)
    assert "future" not in labels  # settled after as_of: still open


def test_knowledge_day_is_the_day_before_settling_or_as_of():
    claims = claims_frame([claim("open", 10), claim("done", 10)])
    outcomes = outcomes_frame([settle("done", 20, 1)])
    rows = features_of(claims, outcomes)
    assert rows["open"]["knowledge_day"] == AS_OF and rows["open"]["label"] is None
    assert rows["done"]["knowledge_day"] == d(19) and rows["done"]["settled_on"] == d(20)
    assert rows["done"]["label"] == 1
    assert rows["done"]["f_age_days"] == 9


def test_track_record_counts_the_sources_other_claims_settled_by_then():
    claims = claims_frame(
        [claim("a", 1), claim("b", 2), claim("c", 3), claim("e", 4), claim("x", 3, "s2")]
    )
    outcomes = outcomes_frame(
        [
            settle("a", 5, 1),
            settle("b", 10, 0),
            settle("e", 11, 1),
            settle("x", 4, 0),  # another source's verdict
        ]
    )
    rows = features_of(claims, outcomes)
    # e's training row (day 10) knows b's verdict of that very day
    assert (rows["e"]["f_src_settled"], rows["e"]["f_src_true"]) == (2, 1)
    # a's training row (knowledge day 4) knows nothing settled of s1
    assert (rows["a"]["f_src_settled"], rows["a"]["f_src_true"]) == (0, 0)
    # b's training row (day 9) knows a's verdict, not its own
    assert (rows["b"]["f_src_settled"], rows["b"]["f_src_true"]) == (1, 1)
    # c is open: as of as_of it knows a, b and e
    assert (rows["c"]["f_src_settled"], rows["c"]["f_src_true"]) == (3, 2)
    assert rows["c"]["src_published"] == 3
    # the outlet (Axios) also carried x, settled false on day 4
    assert (rows["c"]["f_out_settled"], rows["c"]["f_out_true"]) == (4, 2)
    # a record with more true verdicts rates higher
    assert rows["b"]["f_src_rate"] > rows["a"]["f_src_rate"]


def test_a_flipped_verdict_counts_as_it_stood_on_the_day():
    claims = claims_frame([claim("a", 1), claim("b", 2), claim("c", 3)])
    outcomes = outcomes_frame([settle("a", 5, 1), settle("a", 20, 0), settle("b", 10, 1)])
    rows = features_of(claims, outcomes)
    assert rows["b"]["f_src_true"] == 1  # on day 9 a still stood confirmed
    assert (rows["c"]["f_src_settled"], rows["c"]["f_src_true"]) == (2, 1)  # a retracted by now


def test_each_source_counts_only_its_own_record_however_the_sources_interleave():
    """Sources' claims and verdicts interleave in time; each open claim's record is its own
    source's alone, counted from that source's first change (the running sums are taken over
    all sources at once and cut where each source begins)."""
    claims = [claim(f"{s}{i}", 1 + 3 * i + k, s) for i in range(4) for k, s in enumerate("abc")]
    claims += [claim(f"{s}-open", 40, s) for s in "abc"]
    outcomes = [
        settle("a0", 20, 1),
        settle("a1", 21, 0),
        settle("b0", 20, 1),
        settle("b1", 22, 1),
        settle("b2", 23, 1),
        settle("c0", 20, 1),
        settle("c0", 30, 0),  # c0 flips to false
        evidence("b3", "denied", 25, "someone"),
    ]
    rows = features_of(claims_frame(claims), outcomes_frame(outcomes))
    records = {
        s: (
            rows[f"{s}-open"]["f_src_settled"],
            rows[f"{s}-open"]["f_src_true"],
            rows[f"{s}-open"]["src_published"],
        )
        for s in "abc"
    }
    assert records == {"a": (2, 1, 4), "b": (3, 3, 4), "c": (1, 0, 4)}
    # b's training rows see b's verdicts as they came, never a's or c's of the same days
    assert (rows["b1"]["f_src_settled"], rows["b1"]["f_src_true"]) == (1, 1)  # day 21
    assert (rows["b2"]["f_src_settled"], rows["b2"]["f_src_true"]) == (2, 2)  # day 22
    assert rows["b0"]["f_src_settled"] == 0  # day 19: nothing of b settled yet
    assert rows["b-open"]["f_src_disputed_rate"] > rows["a-open"]["f_src_disputed_rate"]


def test_events_after_as_of_change_nothing():
    claims = [claim(f"c{i}", 1 + i, f"s{i % 3}", subject="p") for i in range(12)]
    outcomes = [
        settle("c0", 10, 1),
        settle("c1", 15, 0),
        evidence("c2", "denied", 20, "p"),
        evidence("c3", "corroborated", 21, "haaretz"),
        settle("c4", 30, 1),
    ]
    before = claim_features(claims_frame(claims), outcomes_frame(outcomes), AS_OF).collect()
    later = [
        settle("c2", 70, 0),
        settle("c0", 80, 0),
        evidence("c5", "denied", 61, "p"),
        evidence("c6", "contradicted", 62, "x"),
        evidence("c7", "corroborated", 90, "bbc"),
    ]
    late_claims = [claim("z1", 65, "s0"), claim("z2", 100, "s1")]
    after = claim_features(
        claims_frame(claims + late_claims), outcomes_frame(outcomes + later), AS_OF
    ).collect()
    assert_frame_equal(before, after)


def test_events_of_a_claim_published_after_as_of_change_nothing_even_when_dated_before():
    # A re-ingest can move a claim's publication past as_of after its events loaded; the run
    # reads events by their own date only (run_outcomes.sql), so the features drop them.
    claims = [claim(f"c{i}", 1 + i, f"s{i % 3}", subject="p") for i in range(12)]
    outcomes = [settle("c0", 10, 1), settle("c1", 15, 0), evidence("c2", "denied", 20, "p")]
    before = claim_features(claims_frame(claims), outcomes_frame(outcomes), AS_OF).collect()
    late = [claim("z1", 70, "s0", subject="p")]
    misdated = [
        settle("z1", 20, 0),
        evidence("z1", "denied", 21, "p"),
        evidence("z1", "corroborated", 22, "bbc"),
    ]
    after = claim_features(
        claims_frame(claims + late), outcomes_frame(outcomes + misdated), AS_OF
    ).collect()
    assert_frame_equal(before, after)


def test_a_training_row_sees_what_the_day_before_its_verdict_saw():
    """A settled claim's features are exactly those it had, open, the day before it settled:
    never its own verdict, nor anything that happened from that day on."""
    claims = claims_frame([claim(f"c{i}", 1 + 2 * i, f"s{i % 2}", subject="p") for i in range(10)])
    outcomes = outcomes_frame(
        [
            settle("c0", 8, 1),
            settle("c1", 12, 0),
            evidence("c4", "denied", 14, "p"),
            evidence("c4", "corroborated", 19, "bbc"),
            settle("c4", 20, 0),  # c4 settles on day 20 ...
            evidence("c4", "contradicted", 20, "x"),  # ... the same day as this,
            evidence("c4", "denied", 25, "q"),  # and this comes later
            settle("c6", 22, 1),
            settle("c2", 20, 1),  # others settle that day and later
        ]
    )
    trained = features_of(claims, outcomes)["c4"]
    assert trained["label"] == 0 and trained["knowledge_day"] == d(19)
    day_before = features_of(claims, outcomes, as_of=d(19))["c4"]
    assert day_before["label"] is None
    names = [n for n in trained if n.startswith("f_")]
    assert {n: trained[n] for n in names} == {n: day_before[n] for n in names}
    assert trained["f_contradicted"] == 0 and trained["f_denied_by_others"] == 0
    assert trained["f_src_settled"] == 1  # c0 only: c2 and c6 settle from day 20 on


def test_features_do_not_depend_on_row_order():
    claims = [
        claim(f"c{i:02d}", 1 + i, f"s{i % 4}", outlet=f"O{i % 3}", subject="p") for i in range(30)
    ]
    outcomes = [settle(f"c{i:02d}", 20 + i, i % 2) for i in range(0, 30, 3)]
    outcomes += [evidence(f"c{i:02d}", "denied", 10 + i, "p") for i in range(0, 30, 4)]
    first = claim_features(claims_frame(claims), outcomes_frame(outcomes), AS_OF).collect()
    rng = np.random.default_rng(1)
    shuffled = claim_features(
        claims_frame([claims[i] for i in rng.permutation(len(claims))]),
        outcomes_frame([outcomes[i] for i in rng.permutation(len(outcomes))]),
        AS_OF,
    ).collect()
    assert_frame_equal(first, shuffled)
    assert first["claim_id"].to_list() == sorted(first["claim_id"].to_list())


def test_features_are_the_same_on_either_polars_engine():
    # The command line runs Polars' in-memory engine (jobs.cli: faster here); a library
    # user may run the streaming default. The features must not care.
    claims = [
        claim(
            f"c{i:03d}",
            1 + i % 50,
            f"s{i % 7}",
            outlet=f"O{i % 3}",
            subject="p",
            affiliation=None if i % 5 == 0 else "US",
            text=f"Reportedly {i} talks.",
        )
        for i in range(200)
    ]
    outcomes = [settle(f"c{i:03d}", 40 + i % 30, i % 2) for i in range(0, 200, 3)]
    outcomes += [evidence(f"c{i:03d}", "denied", 20 + i % 30, "p") for i in range(0, 200, 4)]
    outcomes += [evidence(f"c{i:03d}", "corroborated", 25 + i % 20, "o2") for i in range(1, 200, 5)]
    built = {}
    for engine in ("in-memory", "streaming"):
        with pl.Config(engine_affinity=engine):
            built[engine] = claim_features(
                claims_frame(claims), outcomes_frame(outcomes), AS_OF
            ).collect()
    assert_frame_equal(built["in-memory"], built["streaming"])


def test_text_cues():
    frame = pl.LazyFrame(
        {
            "claim_id": ["hedged", "plain", "empty"],
            "text": [
                "Witkoff reportedly met Hamas officials, sources say, on 5 June.",
                "The talks resumed.",
                None,
            ],
        }
    )
    rows = {r["claim_id"]: r for r in text_cues(frame).collect().iter_rows(named=True)}
    assert rows["hedged"]["f_hedges"] == 2
    assert rows["hedged"]["f_has_number"] == 1 and rows["plain"]["f_has_number"] == 0
    assert rows["hedged"]["f_names"] == 2  # Hamas, June (Witkoff opens the sentence)
    assert rows["plain"]["f_names"] == 0 and rows["plain"]["f_words"] == 3
    assert rows["empty"]["f_words"] == 0 and rows["empty"]["f_length"] == 0


@pytest.mark.parametrize(
    "text, hedges",
    [
        ("Hamas apparently accepted the proposal.", 1),
        ("The alleged deal was supposedly signed, perhaps on Monday.", 3),
        ("Unverified reports say the crossing possibly reopened.", 2),
        ("An apparent deal, supposed to hold, was never seen.", 0),  # not hedges in this form
    ],
)
def test_hedging_words_are_counted(text, hedges):
    frame = pl.LazyFrame({"claim_id": ["c"], "text": [text]})
    assert text_cues(frame).collect()["f_hedges"].item() == hedges


def test_only_claims_published_by_as_of_and_every_feature_is_a_number():
    claims = claims_frame([claim("c1", 10), claim("c2", 70), claim("c3", 20, affiliation=None)])
    frame = claim_features(claims, outcomes_frame([]), AS_OF).collect()
    assert frame["claim_id"].to_list() == ["c1", "c3"]
    names = feature_names(frame)
    assert len(names) > 20
    assert frame.select(names).null_count().sum_horizontal().item() == 0
    assert all(frame.schema[n] == pl.Float64 for n in names)


@pytest.mark.parametrize("as_of", [d(1), d(59)])
def test_no_claims_or_outcomes_gives_an_empty_frame(as_of):
    frame = claim_features(claims_frame([]), outcomes_frame([]), as_of).collect()
    assert frame.height == 0
    assert "f_src_rate" in frame.columns
