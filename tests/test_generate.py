"""Tests of the synthetic world generator (jobs/generate.py).

Each test reads the files the way a user would (JSON lines) and checks one promise of the
contract or of the generator's docstring against the hidden truth.
"""

import json
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from jobs import generate
from jobs import world as world_plan
from jobs.generate import write_world

EVENTS = {"confirmed", "corroborated", "denied", "contradicted", "retracted", "rated"}
TRUE_VERDICTS = {"true", "mostly-true", "half-true"}
FALSE_VERDICTS = {"mostly-false", "barely-true", "false", "pants-fire"}
SETTLING = {"confirmed", "retracted", "rated"}


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def utc_day(value: str) -> date:
    """The contract's rule: a date stands for that day; a datetime is converted to UTC."""
    if len(value) == 10:
        return date.fromisoformat(value)
    stamp = datetime.fromisoformat(value)
    assert stamp.tzinfo is not None, f"datetime without a timezone: {value}"
    return stamp.astimezone(UTC).date()


# Folding of anonymous descriptors as the brief states it, written out independently here.
ARTICLES = {"a", "an", "the"}
NUMBER_WORDS = {"one", "two", "three", "several", "some", "multiple"}
SENIORITY = {"senior", "top", "high-ranking"}
CLAUSE_STARTS = [("who",), ("speaking",), ("familiar", "with"), ("on", "condition", "of")]


def fold_descriptor(source: str) -> str:
    words = source.lower().split()
    for i in range(1, len(words)):
        if any(tuple(words[i : i + len(c)]) == c for c in CLAUSE_STARTS):
            words = words[:i]
            break
    words = [w for w in words if w not in ARTICLES | NUMBER_WORDS | SENIORITY]
    last = words[-1]
    words[-1] = "person" if last == "people" else last[:-1] if last.endswith("s") else last
    return " ".join(words)


def without_diacritics(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def strip_title(source: str) -> str:
    """'US special envoy Steve X' or 'Special Envoy Steve X' -> 'Steve X'."""
    for title, _ in sorted(generate.TITLES, key=lambda t: -len(t[0])):
        if source.startswith(f"{title.title()} "):
            return source[len(title) + 1 :]
        head, sep, rest = source.partition(f" {title} ")
        if sep and head in {a for a, _ in generate.AFFILIATIONS}:
            return rest
    return source


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A 20k-claim world with its files read back, shared by the checks below."""
    out = tmp_path_factory.mktemp("world")
    counts = write_world(20_000, out, seed=7)
    return {
        "dir": out,
        "counts": counts,
        "claims": read(out / "claims.jsonl"),
        "outcomes": read(out / "outcomes.jsonl"),
        "identities": read(out / "truth" / "identities.jsonl"),
        "truth": {t["claim_id"]: t for t in read(out / "truth" / "claims.jsonl")},
    }


def test_same_seed_gives_the_same_bytes_in_another_process(tmp_path):
    write_world(1500, tmp_path / "here", seed=3)
    # another interpreter with another hash seed: nothing may depend on set order or the clock
    code = "import sys; from jobs.generate import write_world as w; w(1500, sys.argv[1], seed=3)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "there")],
        check=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    for name in ["claims.jsonl", "outcomes.jsonl", "truth/identities.jsonl", "truth/claims.jsonl"]:
        here, there = (tmp_path / "here" / name), (tmp_path / "there" / name)
        assert here.read_bytes() == there.read_bytes(), name


def test_another_seed_gives_another_world(tmp_path):
    write_world(1500, tmp_path / "a", seed=3)
    write_world(1500, tmp_path / "b", seed=4)
    for name in ["claims.jsonl", "outcomes.jsonl"]:
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def test_writes_exactly_claims_outcomes_and_truth(world):
    out = world["dir"]
    assert sorted(os.listdir(out)) == ["claims.jsonl", "outcomes.jsonl", "truth"]
    assert sorted(os.listdir(out / "truth")) == ["claims.jsonl", "identities.jsonl"]
    assert world["counts"]["claims"] == len(world["claims"]) == 20_000
    assert world["counts"]["outcomes"] == len(world["outcomes"])


def test_claims_have_valid_fields(world):
    claims = world["claims"]
    assert len({c["claim_id"] for c in claims}) == len(claims)
    for c in claims:
        for field in ("claim_id", "published_at", "source", "outlet", "text"):
            assert isinstance(c[field], str) and c[field].strip(), (field, c)
        assert c["source_kind"] in ("named", "anonymous", None)
        assert date(2024, 1, 1) <= utc_day(c["published_at"]) <= date(2025, 12, 31)
    kinds = Counter(c["source_kind"] for c in claims)
    assert kinds["named"] > kinds[None] > 0 and kinds["anonymous"] > kinds[None]
    missing_affiliation = sum(c["affiliation"] is None for c in claims) / len(claims)
    assert 0.03 < missing_affiliation < 0.15
    assert any("T" in c["published_at"] and c["published_at"][-6] in "+-" for c in claims)
    assert sum(c["subject"] is not None for c in claims) > 0.7 * len(claims)


def test_outcomes_have_valid_fields_and_verdicts_match_the_truth(world):
    truth = world["truth"]
    numeric = 0
    for o in world["outcomes"]:
        assert o["claim_id"] in truth and o["event"] in EVENTS
        utc_day(o["at"])
        if o["event"] != "rated":
            assert o["verdict"] is None, o
            continue
        verdict, true = o["verdict"], truth[o["claim_id"]]["true"]
        if isinstance(verdict, str):
            assert verdict in (TRUE_VERDICTS if true else FALSE_VERDICTS), o
        else:
            numeric += 1
            assert 0 <= verdict <= 1 and (verdict >= 0.5) == true, o
        assert o["by"]
    assert numeric > 0
    keys = [(o["claim_id"], o["event"], o["at"][:10], o["by"] or "") for o in world["outcomes"]]
    assert len(set(keys)) == len(keys), "an outcome repeats (claim_id, event, at, by)"


def test_settling_events_match_the_truth(world):
    truth = world["truth"]
    for o in world["outcomes"]:
        if o["event"] == "confirmed":
            assert truth[o["claim_id"]]["true"], o
        if o["event"] == "retracted":
            assert not truth[o["claim_id"]]["true"], o


def test_outcomes_never_before_their_claim(world):
    published = {c["claim_id"]: utc_day(c["published_at"]) for c in world["claims"]}
    early = [o for o in world["outcomes"] if utc_day(o["at"]) < published[o["claim_id"]]]
    assert early == []
    assert all(utc_day(o["at"]) <= date(2025, 12, 31) for o in world["outcomes"])


def test_about_half_the_claims_settle(world):
    settled = {o["claim_id"] for o in world["outcomes"] if o["event"] in SETTLING}
    assert 0.4 < len(settled) / len(world["claims"]) < 0.6


def test_anonymous_identities_reach_twenty_claims_in_a_20k_world(world):
    anonymous = [i for i in world["identities"] if i["kind"] == "anonymous"]
    assert sum(i["claims"] >= 20 for i in anonymous) >= 10
    assert all(i["outlet"] for i in anonymous)


def test_subjects_deny_false_claims_more_often_than_true_ones(world):
    truth = world["truth"]
    denied = {o["claim_id"] for o in world["outcomes"] if o["event"] == "denied"}
    rate = {flag: [] for flag in (True, False)}
    for claim_id, t in truth.items():
        rate[t["true"]].append(claim_id in denied)
    false_rate = sum(rate[False]) / len(rate[False])
    true_rate = sum(rate[True]) / len(rate[True])
    assert false_rate > 2 * true_rate and true_rate > 0.05


def test_claim_counts_have_a_long_tail(world):
    named = sorted(i["claims"] for i in world["identities"] if i["kind"] == "named")
    few = sum(n <= 3 for n in named) / len(named)
    assert few > 0.5, "most named sources should have 1-3 claims"
    assert sum(n >= 10 for n in named) / len(named) > 0.05, "a real middle: records of 10 or more"
    assert named[0] == 1 and named[-1] >= 100


def test_truth_adds_up(world):
    identities = {i["identity"]: i for i in world["identities"]}
    counts = Counter(t["identity"] for t in world["truth"].values())
    assert counts == {k: i["claims"] for k, i in identities.items()}
    # the loud identities' share of true claims is close to their stated reliability
    for _key, i in identities.items():
        assert 0 < i["reliability"] < 1
    big = [i for i in identities.values() if i["claims"] >= 150]
    share = Counter(t["identity"] for t in world["truth"].values() if t["true"])
    assert big
    for i in big:
        assert abs(share[i["identity"]] / i["claims"] - i["reliability"]) < 0.15, i


def test_every_anonymous_surface_form_folds_to_its_descriptor(world):
    desc = world_plan._descriptors()
    offsets = list(desc.variant_offset) + [desc.variants.len()]
    for d, name in enumerate(desc.names):
        for variant in desc.variants[offsets[d] : offsets[d + 1]]:
            assert fold_descriptor(variant) == name.lower(), (variant, name)

    identities = {i["identity"]: i for i in world["identities"]}
    seen = Counter()
    for c in world["claims"]:
        ident = identities[world["truth"][c["claim_id"]]["identity"]]
        if ident["kind"] == "anonymous":
            assert fold_descriptor(c["source"]) == ident["name"].lower()
            assert c["outlet"].removeprefix("The ") == ident["outlet"]
            seen[c["source"] == c["source"].lower()] += 1
    assert len(seen) == 2  # some surface forms are capitalised


def test_named_mentions_are_the_name_with_titles_and_rare_typos(world):
    identities = {i["identity"]: i for i in world["identities"]}
    plain = titled = typo = total = 0
    for c in world["claims"]:
        ident = identities[world["truth"][c["claim_id"]]["identity"]]
        if ident["kind"] != "named":
            continue
        total += 1
        name = strip_title(c["source"])
        titled += name != c["source"]
        if without_diacritics(name) == without_diacritics(ident["name"]):
            plain += 1
        else:
            typo += 1
            first, surname = without_diacritics(name).split(" ", 1)
            true_first, true_surname = without_diacritics(ident["name"]).split(" ", 1)
            assert first == true_first and abs(len(surname) - len(true_surname)) == 1, (name, ident)
    assert 0.2 < titled / total < 0.4
    assert 0.005 < typo / total < 0.03
    assert plain + typo == total


def test_tiny_worlds_work_and_an_empty_one_is_refused(tmp_path):
    for n in (1, 2, 5):
        counts = write_world(n, tmp_path / str(n), seed=0)
        assert len(read(tmp_path / str(n) / "claims.jsonl")) == n == counts["claims"]
    with pytest.raises(ValueError):
        write_world(0, tmp_path / "none")


def test_sample_data_is_valid_and_holds_the_story():
    sample = Path(__file__).resolve().parents[1] / "sample"
    claims = {c["claim_id"]: c for c in read(sample / "claims.jsonl")}
    outcomes = read(sample / "outcomes.jsonl")
    assert len(claims) == len(read(sample / "claims.jsonl"))
    for o in outcomes:
        assert o["event"] in EVENTS and (o["verdict"] is not None) == (o["event"] == "rated"), o
        assert utc_day(o["at"]) >= utc_day(claims[o["claim_id"]]["published_at"]), o
    story = {k: c for k, c in claims.items() if c["story"] == "gaza-ceasefire"}
    assert len(story) == 7
    assert all(utc_day(c["published_at"]) <= date(2025, 6, 1) for c in story.values())
    sources = {c["source"] for c in story.values()}
    assert {"Steve Whitcoff", "US special envoy Steve Witkoff"} <= sources
    assert {(o["claim_id"], o["event"], o["by"]) for o in outcomes if o["claim_id"] in story} == {
        ("gz-001", "contradicted", "Steve Witkoff"),
        ("gz-003", "denied", "Steve Witkoff"),
    }
    witkoff = [c for c in claims.values() if c["source"].endswith("Steve Witkoff")]
    assert len(witkoff) >= 15
