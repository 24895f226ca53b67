"""Tests for warehouse.ingest through `trackrecord ingest`: validation and quarantine, dates,
waiting outcomes, idempotence and updates, file formats and paths, dry runs and exit codes.

Each test writes a few rows of its own, runs the CLI against a warehouse under tmp_path, then
reopens the warehouse read-only to check what was written.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re

import duckdb
import pytest
from click.testing import CliRunner
from conftest import Reader, claim_row, outcome_row, write_jsonl

from jobs.cli import cli
from warehouse.text_rows import NOT_UTF8

SUMMARY = re.compile(
    r"(?P<files>\d+) file\(s\): claims (?P<claims_loaded>\d+) loaded, "
    r"(?P<claims_updated>\d+) updated, "
    r"(?P<claims_unchanged>\d+) unchanged; outcomes (?P<outcomes_loaded>\d+) loaded, "
    r"(?P<outcomes_updated>\d+) updated, (?P<outcomes_unchanged>\d+) unchanged; "
    r"(?P<quarantined>\d+) quarantined, (?P<waiting>\d+) waiting for their claim"
)


def counts(result) -> dict[str, int]:
    """The numbers of an ingest's summary line."""
    match = SUMMARY.search(result.output)
    assert match, f"no summary line in {result.output!r}"
    return {name: int(value) for name, value in match.groupdict().items()}


def assert_readable(reason: str) -> None:
    """A reason a person understands: words, not a code, a null or an exception's repr."""
    assert isinstance(reason, str) and len(reason.strip()) >= 8, reason
    assert reason[0].isalpha(), reason
    for junk in ("None", "null", "NULL", "Traceback", "Error:", "nan'"):
        assert junk not in reason, reason


# ----------------------------------------------------------------------------- quarantine reasons

CLAIM_CASES = {
    "broken JSON": ('{"claim_id": "bad", "published_at": ', ["JSON"]),
    "not an object": ('["bad", "2025-05-29"]', ["object"]),
    "a bare string": ('"bad"', ["object"]),
    "missing claim_id": (
        {"published_at": "2025-05-29", "source": "Hamas", "outlet": "Axios", "text": "t"},
        ["claim_id"],
    ),
    "blank claim_id": (
        {
            "claim_id": "  ",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["claim_id"],
    ),
    "missing published_at": (
        {"claim_id": "bad", "source": "Hamas", "outlet": "Axios", "text": "t"},
        ["published_at"],
    ),
    "unreal published_at": (
        {
            "claim_id": "bad",
            "published_at": "2025-13-45",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["published_at", "2025-13-45"],
    ),
    "30 February": (
        {
            "claim_id": "bad",
            "published_at": "2025-02-30",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["published_at", "2025-02-30"],
    ),
    "a word DuckDB reads as a date": (
        {
            "claim_id": "bad",
            "published_at": "epoch",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["published_at", "epoch"],
    ),
    "an offset no clock has": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29T10:00:00+99:00",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["+99:00"],
    ),
    "an offset past 14 hours": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29T10:00:00+14:30",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["+14:30"],
    ),
    "an offset with seconds": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29T10:00+15:00:00",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["+15:00:00"],
    ),
    "empty source": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "",
            "outlet": "Axios",
            "text": "t",
        },
        ["source"],
    ),
    "missing source": (
        {"claim_id": "bad", "published_at": "2025-05-29", "outlet": "Axios", "text": "t"},
        ["source"],
    ),
    "missing outlet": (
        {"claim_id": "bad", "published_at": "2025-05-29", "source": "Hamas", "text": "t"},
        ["outlet"],
    ),
    "missing text": (
        {"claim_id": "bad", "published_at": "2025-05-29", "source": "Hamas", "outlet": "Axios"},
        ["text"],
    ),
    "empty text": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "   ",
        },
        ["text"],
    ),
    "text of tabs, line breaks and zero-width spaces": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "\t\n\u200b\ufeff",
        },
        ["text"],
    ),
    "a tab for an id": (
        {
            "claim_id": "\t",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "outlet": "Axios",
            "text": "t",
        },
        ["claim_id"],
    ),
    "source without letters or digits": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "...",
            "outlet": "Axios",
            "text": "t",
        },
        ["source", "letters or digits"],
    ),
    "outlet without letters or digits": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "outlet": "???",
            "text": "t",
        },
        ["outlet", "letters or digits"],
    ),
    "unknown source_kind": (
        {
            "claim_id": "bad",
            "published_at": "2025-05-29",
            "source": "Hamas",
            "source_kind": "maybe",
            "outlet": "Axios",
            "text": "t",
        },
        ["source_kind", "maybe"],
    ),
}


OUTCOME_CASES = {
    "broken JSON": ('{"claim_id": "c1", "event": "denied",', ["JSON"]),
    "not an object": ('"denied"', ["object"]),
    "missing claim_id": ({"event": "denied", "at": "2025-05-30"}, ["claim_id"]),
    "missing event": ({"claim_id": "c1", "at": "2025-05-30"}, ["event"]),
    "unknown event": (
        {"claim_id": "c1", "event": "exploded", "at": "2025-05-30"},
        ["event", "exploded"],
    ),
    "missing at": ({"claim_id": "c1", "event": "denied"}, ["at"]),
    "unreal at": ({"claim_id": "c1", "event": "denied", "at": "2025-02-30"}, ["2025-02-30"]),
    "infinite at": ({"claim_id": "c1", "event": "denied", "at": "infinity"}, ["infinity"]),
    "offset minutes past 59": (
        {"claim_id": "c1", "event": "denied", "at": "2025-05-30T10:00+05:75"},
        ["+05:75"],
    ),
    "rated without verdict": (
        {"claim_id": "c1", "event": "rated", "at": "2025-05-30"},
        ["rated", "verdict"],
    ),
    "verdict above 1": (
        {"claim_id": "c1", "event": "rated", "at": "2025-05-30", "verdict": 1.7},
        ["verdict", "1.7"],
    ),
    "verdict below 0": (
        {"claim_id": "c1", "event": "rated", "at": "2025-05-30", "verdict": "-0.1"},
        ["verdict", "-0.1"],
    ),
    "unknown verdict word": (
        {"claim_id": "c1", "event": "rated", "at": "2025-05-30", "verdict": "sorta"},
        ["verdict", "sorta"],
    ),
    "dated before its claim": (
        {"claim_id": "c1", "event": "denied", "at": "2025-05-28"},
        ["before", "2025-05-28"],
    ),
}

VERDICTS = [
    ("true", "true"),
    ("Mostly-True", "mostly-true"),
    ("half-true", "half-true"),
    ("mostly-false", "mostly-false"),
    ("barely-true", "barely-true"),
    ("FALSE", "false"),
    ("pants-fire", "pants-fire"),
    (0, "0"),
    (1, "1"),
    (0.5, "0.5"),
    ("0.25", "0.25"),
]

DATE_CASES = [  # (claim published_at, outcome at, loads)
    ("2025-05-29", "2025-05-29", True),  # same day is fine
    ("2025-05-29T18:00:00Z", "2025-05-29", True),  # a date-only value is the whole day
    ("2025-05-29", "2025-05-28T23:59:59Z", False),  # the day before
    ("2025-05-29", "2025-05-28", False),
    # 01:00 at +03:00 is 22:00 UTC the day before: the outcome's UTC day
    ("2025-05-30T01:00:00+03:00", "2025-05-29", True),
    # the outcome's 01:00 at +03:00 is 29 May in UTC: a day before a 30 May claim
    ("2025-05-30", "2025-05-30T01:00:00+03:00", False),
    # 23:30 at -02:00 is 01:30 UTC on 30 May: a 29 May outcome is a day early
    ("2025-05-29T23:30:00-02:00", "2025-05-29", False),
    ("2025-05-29T23:30:00-02:00", "2025-05-30T00:10:00+00:00", True),
]


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    """One warehouse holding every kind of bad row beside good ones (one ingest keeps the suite
    fast): claims.jsonl = a good claim, then CLAIM_CASES one per line; outcomes.jsonl = a good
    outcome, then OUTCOME_CASES, then one rated outcome per verdict; dates.jsonl /
    date_outcomes.jsonl = one claim and one outcome per DATE_CASES entry."""
    folder = tmp_path_factory.mktemp("zoo")
    claims = write_jsonl(
        folder / "claims.jsonl",
        [claim_row("c1", published_at="2025-05-29"), *(bad for bad, _ in CLAIM_CASES.values())],
    )
    outcomes = write_jsonl(
        folder / "outcomes.jsonl",
        [
            outcome_row("c1"),
            *(bad for bad, _ in OUTCOME_CASES.values()),
            *(
                outcome_row("c1", event="rated", by=f"checker {i}", verdict=verdict)
                for i, (verdict, _) in enumerate(VERDICTS)
            ),
        ],
    )
    dates = write_jsonl(
        folder / "dates.jsonl",
        [
            claim_row(f"d{i}", published_at=published)
            for i, (published, _, _) in enumerate(DATE_CASES)
        ],
    )
    date_outcomes = write_jsonl(
        folder / "date_outcomes.jsonl",
        [outcome_row(f"d{i}", at=at) for i, (_, at, _) in enumerate(DATE_CASES)],
    )
    db = folder / "wh.duckdb"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "ingest", *map(str, [claims, outcomes, dates, date_outcomes])]
    )
    assert result.exit_code == 0, result.output
    reader = Reader()
    yield {
        "db": db,
        "claims": claims,
        "outcomes": outcomes,
        "result": result,
        "date_outcomes": date_outcomes,
        "query": lambda sql, params=None: reader.query(db, sql, params),
    }
    reader.close()


def held(zoo, file, line) -> list[tuple]:
    return zoo["query"](
        "select reason, raw, kind from quarantine where file = $file and line = $line",
        {"file": str(zoo[file]), "line": line},
    )


@pytest.mark.parametrize("case", list(CLAIM_CASES))
def test_a_bad_claim_row_is_quarantined_with_a_readable_reason(case, zoo):
    line = 2 + list(CLAIM_CASES).index(case)
    bad, words = CLAIM_CASES[case]

    [(reason, raw, kind)] = held(zoo, "claims", line)

    assert kind == "claims"
    assert raw == (bad if isinstance(bad, str) else json.dumps(bad, ensure_ascii=False))
    assert_readable(reason)
    for word in words:
        assert word in reason, reason


@pytest.mark.parametrize("case", list(OUTCOME_CASES))
def test_a_bad_outcome_row_is_quarantined_with_a_readable_reason(case, zoo):
    line = 2 + list(OUTCOME_CASES).index(case)
    _, words = OUTCOME_CASES[case]

    [(reason, _, kind)] = held(zoo, "outcomes", line)

    assert kind == "outcomes"
    assert reason != "unknown claim"
    assert_readable(reason)
    for word in words:
        assert word in reason, reason


def test_good_rows_load_beside_the_bad_ones(zoo):
    assert zoo["query"]("select count(*) from claims where claim_id = 'c1'") == [(1,)]
    assert zoo["query"]("select count(*) from claims where claim_id = 'bad'") == [(0,)]
    assert zoo["query"]("select count(*) from quarantine where reason = 'unknown claim'") == [(0,)]
    assert zoo["query"](
        "select count(*) from quarantine where file = $f", {"f": str(zoo["claims"])}
    ) == [(len(CLAIM_CASES),)]
    result = counts(zoo["result"])
    assert result["claims_loaded"] == 1 + len(DATE_CASES)
    assert result["outcomes_loaded"] == 1 + len(VERDICTS) + sum(loads for *_, loads in DATE_CASES)
    assert result["quarantined"] == (
        len(CLAIM_CASES) + len(OUTCOME_CASES) + sum(not loads for *_, loads in DATE_CASES)
    )


@pytest.mark.parametrize("verdict, stored", VERDICTS)
def test_every_verdict_of_the_contract_loads(verdict, stored, zoo):
    by = f"checker {VERDICTS.index((verdict, stored))}"
    [(value,)] = zoo["query"]('select verdict from outcomes where "by" = $by', {"by": by})
    assert value == stored or float(value) == float(stored)


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "case", range(len(DATE_CASES)), ids=[f"{p} vs {a}" for p, a, _ in DATE_CASES]
)
def test_outcome_dates_compare_with_the_claim_by_utc_calendar_day(case, zoo):
    loads = DATE_CASES[case][2]
    loaded = zoo["query"]("select count(*) from outcomes where claim_id = $id", {"id": f"d{case}"})
    assert loaded == [(1 if loads else 0,)]
    reasons = held(zoo, "date_outcomes", case + 1)
    if loads:
        assert reasons == []
    else:
        [(reason, _, _)] = reasons
        assert "before" in reason


def test_spaces_around_fields_are_dropped(warehouse, tmp_path, rows, ingest_ok, query):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl",
        [
            rows.claim(
                " c1 ",
                published_at=" 2025-05-29 ",
                source="  Steve Witkoff\u00a0",
                outlet="\u3000Axios",
                text="  kept as written  ",
                story=" ",
            ),
            rows.claim("c2", text=" "),
            rows.claim("c3", text="\u00a0\u3000 "),
        ],
    )
    outcomes = rows.jsonl(
        tmp_path / "outcomes.jsonl",
        [
            {
                "claim_id": "c1 ",
                "event": " Rated ",
                "at": "2025-05-30 ",
                "by": " PolitiFact ",
                "verdict": " False ",
            }
        ],
    )

    ingest_ok(claims, outcomes)

    assert query(
        "select claim_id, published_at::date, source, outlet, text, story from claims"
    ) == [("c1", dt.date(2025, 5, 29), "Steve Witkoff", "Axios", "  kept as written  ", None)]
    assert query('select claim_id, event, "by", verdict from outcomes') == [
        ("c1", "rated", "PolitiFact", "false")
    ]
    assert query("select reason from quarantine") == [("empty text",), ("empty text",)]


def test_datetimes_are_stored_in_utc(warehouse, tmp_path, rows, ingest_ok, query):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl",
        [
            rows.claim("c1", published_at="2025-05-30T01:00:00+03:00"),
            rows.claim("c2", published_at="2025-05-30"),
            rows.claim("c3", published_at="2025-05-30T12:00:00+0530"),
            rows.claim("c4", published_at="2025-05-30T12:00:00+14:00"),
            rows.claim("c5", published_at="2025-05-30T12:00:00Z"),
        ],
    )
    outcomes = rows.jsonl(
        tmp_path / "outcomes.jsonl", [rows.outcome("c1", at="2025-05-30T12:00:00-04:00")]
    )

    ingest_ok(claims, outcomes)

    assert query("select claim_id, published_at from claims order by claim_id") == [
        ("c1", dt.datetime(2025, 5, 29, 22, 0)),
        ("c2", dt.datetime(2025, 5, 30, 0, 0)),
        ("c3", dt.datetime(2025, 5, 30, 6, 30)),
        ("c4", dt.datetime(2025, 5, 29, 22, 0)),
        ("c5", dt.datetime(2025, 5, 30, 12, 0)),
    ]
    assert query('select "at" from outcomes') == [(dt.datetime(2025, 5, 30, 16, 0),)]


# ----------------------------------------------------------------------------- waiting outcomes


def test_an_outcome_waits_for_its_claim_and_loads_when_the_claim_arrives(
    warehouse, tmp_path, rows, ingest_ok, query
):
    first = rows.jsonl(tmp_path / "claims1.jsonl", [rows.claim("c1")])
    outcomes = rows.jsonl(
        tmp_path / "outcomes.jsonl", [rows.outcome("c1"), rows.outcome("c2", by="Steve Witkoff")]
    )

    result = ingest_ok(first, outcomes)

    assert counts(result)["waiting"] == 1
    assert counts(result)["quarantined"] == 0  # waiting is not a failure
    assert query("select claim_id from outcomes") == [("c1",)]
    assert query("select reason, claim_id, line from quarantine") == [("unknown claim", "c2", 2)]

    second = rows.jsonl(tmp_path / "claims2.jsonl", [rows.claim("c2")])
    result = ingest_ok(second)

    assert counts(result)["outcomes_loaded"] == 1
    assert counts(result)["waiting"] == 0
    assert query('select claim_id, "by" from outcomes order by claim_id') == [
        ("c1", "Hamas"),
        ("c2", "Steve Witkoff"),
    ]
    assert query("select count(*) from quarantine") == [(0,)]


def test_a_released_outcome_is_still_checked_against_its_claims_date(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c2", at="2025-05-20")])
    ingest_ok(claims, outcomes)

    ingest_ok(rows.jsonl(tmp_path / "late.jsonl", [rows.claim("c2", published_at="2025-05-29")]))

    assert query("select count(*) from outcomes") == [(0,)]
    [(reason,)] = query("select reason from quarantine")
    assert "before" in reason


def test_an_outcome_whose_claim_comes_in_the_same_ingest_does_not_wait(
    warehouse, tmp_path, rows, ingest_ok, query
):
    outcomes = rows.jsonl(tmp_path / "a_outcomes.jsonl", [rows.outcome("c1")])
    claims = rows.jsonl(tmp_path / "b_claims.jsonl", [rows.claim("c1")])

    result = ingest_ok(outcomes, claims)  # outcomes file named first

    assert counts(result)["waiting"] == 0
    assert query("select count(*) from outcomes") == [(1,)]


def test_an_ingest_that_loads_nothing_exits_2_even_with_older_outcomes_waiting(
    warehouse, tmp_path, rows, ingest_ok, trackrecord
):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    waits = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c2")])
    ingest_ok(claims, waits)
    broken = rows.jsonl(tmp_path / "broken.jsonl", [rows.claim("c3", text=None)])

    result = trackrecord("ingest", broken)

    assert result.exit_code == 2, result.output


def test_reingesting_keeps_waiting_rows_as_they_were(
    warehouse, tmp_path, rows, ingest_ok, snapshot
):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1"), rows.outcome("c2")])
    ingest_ok(claims, outcomes)
    before = snapshot()

    ingest_ok(claims, outcomes)

    assert snapshot() == before


# ----------------------------------------------------------------------------- identity of rows


def test_reingesting_the_same_files_changes_nothing(warehouse, tmp_path, rows, ingest_ok, snapshot):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl",
        [
            rows.claim("c1"),
            rows.claim("c2", source="a Palestinian official", outlet="The Times of Israel"),
            rows.claim("bad", text=None),
        ],
    )
    outcomes = rows.jsonl(
        tmp_path / "outcomes.jsonl",
        [
            rows.outcome("c1"),
            rows.outcome("c1", event="rated", verdict="false", by=None),
            rows.outcome("c2", event="exploded"),
        ],
    )
    ingest_ok(claims, outcomes)
    before = snapshot()
    assert len(before["claims"]) == 2 and len(before["outcomes"]) == 2
    assert len(before["quarantine"]) == 2

    result = ingest_ok(claims, outcomes)

    assert snapshot() == before
    summary = counts(result)
    summary.pop("quarantined")  # the bad rows are bad again; whether they count is a wording choice
    assert summary == {
        "files": 2,
        "claims_loaded": 0,
        "claims_updated": 0,
        "claims_unchanged": 2,
        "outcomes_loaded": 0,
        "outcomes_updated": 0,
        "outcomes_unchanged": 2,
        "waiting": 0,
    }


def test_a_numeric_verdict_written_another_way_is_not_an_update(
    warehouse, tmp_path, rows, ingest_ok, query
):
    # A CSV writer gives 0, a JSON one 0.0: the same verdict, so loading the other file after
    # the first changes nothing. A different number is an update.
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1"), rows.claim("c2")])
    as_csv = rows.csv(
        tmp_path / "outcomes.csv",
        [
            {"claim_id": "c1", "event": "rated", "at": "2025-05-30", "by": "", "verdict": "0"},
            {"claim_id": "c2", "event": "rated", "at": "2025-05-30", "by": "", "verdict": "1"},
        ],
    )
    ingest_ok(claims, as_csv)
    as_json = tmp_path / "outcomes.jsonl"
    as_json.write_text(
        '{"claim_id": "c1", "event": "rated", "at": "2025-05-30", "by": "", "verdict": -0.0}\n'
        '{"claim_id": "c2", "event": "rated", "at": "2025-05-30", "by": "", "verdict": 0.5}\n'
    )

    summary = counts(ingest_ok(as_json))

    assert (summary["outcomes_unchanged"], summary["outcomes_updated"]) == (1, 1)
    assert query("select claim_id, verdict from outcomes order by claim_id") == [
        ("c1", "0"),
        ("c2", "0.5"),
    ]


def test_a_known_claim_id_with_new_content_updates_the_claim(
    warehouse, tmp_path, rows, ingest_ok, query
):
    ingest_ok(
        rows.jsonl(
            tmp_path / "v1.jsonl",
            [rows.claim("c1", source="Steve Whitcoff", text="first version"), rows.claim("c2")],
        )
    )
    [(old_source_id,)] = query("select source_id from claims where claim_id = 'c1'")

    result = ingest_ok(
        rows.jsonl(
            tmp_path / "v2.jsonl",
            [rows.claim("c1", source="Steve Witkoff", text="second version"), rows.claim("c2")],
        )
    )

    assert counts(result)["claims_updated"] == 1
    assert counts(result)["claims_unchanged"] == 1
    assert counts(result)["claims_loaded"] == 0
    assert query("select claim_id, source, text from claims order by claim_id") == [
        ("c1", "Steve Witkoff", "second version"),
        ("c2", "Steve Witkoff", "The proposal is still on the table."),
    ]
    [(new_source_id,)] = query("select source_id from claims where claim_id = 'c1'")
    assert new_source_id != old_source_id
    # the sources table follows: Whitcoff has no claim left
    assert query("select source, claims from sources") == [("Steve Witkoff", 2)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_within_one_file_the_last_row_for_an_id_wins(
    warehouse, fmt, tmp_path, rows, ingest_ok, query
):
    data = [rows.claim("c1", text="first"), rows.claim("c2"), rows.claim("c1", text="last")]
    path = getattr(rows, fmt)(tmp_path / f"claims.{fmt}", data)

    result = ingest_ok(path)

    assert query("select claim_id, text from claims order by claim_id") == [
        ("c1", "last"),
        ("c2", "The proposal is still on the table."),
    ]
    assert counts(result)["claims_loaded"] == 2


def test_outcome_identity_is_claim_event_at_and_by_with_missing_by_empty(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    ingest_ok(claims, rows.jsonl(tmp_path / "o1.jsonl", [rows.outcome("c1", by=None)]))

    same = rows.jsonl(
        tmp_path / "o2.jsonl",
        [
            rows.outcome("c1", by=""),  # missing by == empty by
            rows.outcome("c1", by=None, at="2025-05-30T00:00:00Z"),  # the same instant
        ],
    )
    result = ingest_ok(same)
    assert counts(result)["outcomes_loaded"] == 0
    assert counts(result)["outcomes_unchanged"] == 1
    assert query('select "by" from outcomes') == [("",)]

    other = rows.jsonl(
        tmp_path / "o3.jsonl",
        [
            rows.outcome("c1", by="Hamas"),  # another by
            rows.outcome("c1", by=None, at="2025-05-31"),  # another day
            rows.outcome("c1", by=None, event="contradicted"),  # another event
        ],
    )
    result = ingest_ok(other)
    assert counts(result)["outcomes_loaded"] == 3
    assert query("select count(*) from outcomes") == [(4,)]


def test_an_outcome_with_new_evidence_updates_in_place(warehouse, tmp_path, rows, ingest_ok, query):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    ingest_ok(claims, rows.jsonl(tmp_path / "o1.jsonl", [rows.outcome("c1", note="first")]))

    result = ingest_ok(
        rows.jsonl(
            tmp_path / "o2.jsonl",
            [rows.outcome("c1", note="second", url="https://example.org/denial")],
        )
    )

    assert counts(result)["outcomes_updated"] == 1
    assert query('select "by", note, url from outcomes') == [
        ("Hamas", "second", "https://example.org/denial")
    ]


def test_within_one_file_the_last_outcome_row_for_a_key_wins(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    outcomes = rows.jsonl(
        tmp_path / "o.jsonl", [rows.outcome("c1", note="first"), rows.outcome("c1", note="last")]
    )

    ingest_ok(claims, outcomes)

    assert query("select note from outcomes") == [("last",)]


# ----------------------------------------------------------------------------- scripts


ARABIC = {
    "source": "مسؤول فلسطيني",
    "outlet": "الجزيرة",
    "text": "قال مسؤول إن المحادثات متوقفة",
    "affiliation": "فلسطيني",
    "subject": "ستيف ويتكوف",
}
HEBREW = {
    "source": "גורם ישראלי בכיר",
    "outlet": "הארץ",
    "text": "המשא ומתן תקוע",
    "affiliation": "ישראלי",
    "subject": "חמאס",
}


def test_hebrew_and_arabic_text_and_sources_load_intact(
    warehouse, tmp_path, rows, ingest_ok, query
):
    fields = ("source", "outlet", "text", "affiliation", "subject")
    files = [
        getattr(rows, fmt)(
            tmp_path / f"claims.{fmt}",
            [rows.claim(f"ar-{fmt}", **ARABIC), rows.claim(f"he-{fmt}", **HEBREW)],
        )
        for fmt in ("jsonl", "csv", "parquet")
    ]

    ingest_ok(*files)

    stored = query(
        f"select claim_id, {', '.join('c.' + f for f in fields)}, source_key, "
        "source_name from claims as c join identified_claims using (claim_id) "
        "order by claim_id"
    )
    assert stored == [
        (f"{lang}-{fmt}", *[given[k] for k in fields], given["source"], given["source"])
        for lang, given in (("ar", ARABIC), ("he", HEBREW))
        for fmt in ("csv", "jsonl", "parquet")
    ]
    assert "ؤ" in stored[0][6]  # the hamza is part of a letter, not a diacritic to drop
    assert query("select count(*) from quarantine") == [(0,)]
    # one identity per source, whatever file it came from
    assert query("select count(distinct source_id) from claims") == [(2,)]


# ----------------------------------------------------------------------------- formats and paths


def test_csv_claims_and_outcomes(warehouse, tmp_path, rows, ingest_ok, query):
    claims = rows.csv(
        tmp_path / "claims.csv",
        [rows.claim("c1", text='he said, "no"'), rows.claim("c2", published_at="2025-13-45")],
    )
    outcomes = rows.csv(
        tmp_path / "outcomes.csv",
        [
            {"claim_id": "c1", "event": "rated", "at": "2025-05-30", "by": "", "verdict": "0.7"},
            {"claim_id": "c1", "event": "denied", "at": "2025-05-30", "by": "Hamas", "verdict": ""},
        ],
    )

    ingest_ok(claims, outcomes)

    assert query("select claim_id, text from claims") == [("c1", 'he said, "no"')]
    assert query('select event, "by", verdict from outcomes order by event') == [
        ("denied", "Hamas", None),
        ("rated", "", "0.7"),
    ]
    # the header is line 1, so the second data row is line 3
    [(line, reason)] = query("select line, reason from quarantine")
    assert line == 3 and "2025-13-45" in reason


@pytest.mark.parametrize(
    "malformed", ["bad,2025-05-29,Hamas,Axios,text,extra field", "bad,2025-05-29,Hamas,Axios"]
)
def test_a_malformed_csv_row_is_quarantined_and_the_rest_loads(
    malformed, warehouse, tmp_path, ingest_ok, query
):
    lines = ["claim_id,published_at,source,outlet,text"]
    lines += [f"c{i},2025-05-29,Steve Witkoff,Axios,claim {i}" for i in range(1, 4)]
    lines.insert(2, malformed)  # line 3 of the file
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("c1",), ("c2",), ("c3",)]
    [(line, reason)] = query("select line, reason from quarantine")
    assert line == 3
    assert_readable(reason)
    assert "CSV" in reason


def test_rows_after_malformed_csv_rows_keep_their_line_numbers(
    warehouse, tmp_path, ingest_ok, query
):
    path = tmp_path / "claims.csv"
    path.write_text(
        "\n".join(
            [
                "claim_id,published_at,source,outlet,text",  # line 1
                "c1,2025-05-29,Steve Witkoff,Axios,fine",  # 2
                "bad,2025-05-29,Hamas,Axios,text,extra field",  # 3 malformed
                "bad,2025-05-29,Hamas",  # 4 malformed
                "c2,2025-13-45,Steve Witkoff,Axios,unreal date",  # 5 well formed, invalid
                "c3,2025-05-29,Steve Witkoff,Axios,fine",  # 6
                "bad,2025-05-29,Hamas,Axios,text,extra,fields",  # 7 malformed
                "c4,,Steve Witkoff,Axios,no date",  # 8 well formed, invalid
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("c1",), ("c3",)]
    held = query("select line, reason from quarantine order by line")
    assert [line for line, _ in held] == [3, 4, 5, 7, 8]
    assert "2025-13-45" in held[2][1] and "published_at" in held[4][1]


CSV_HEADER = "claim_id,published_at,source,outlet,text"


@pytest.mark.parametrize(
    "ending", ["\n", "\r\n", "\r", ""], ids=["lf", "crlf", "cr", "no-final-newline"]
)
@pytest.mark.parametrize(
    "broken",
    [
        'c2,2025-05-29,Hamas,Axios,"an open quote',
        'c2,2025-05-29,"Hamas,Axios,an open quote',
    ],
    ids=["last-field", "middle-field"],
)
def test_a_quote_left_open_to_the_end_of_a_csv_file_is_quarantined_not_lost(
    broken, ending, warehouse, tmp_path, ingest_ok, query
):
    # DuckDB's CSV reader drops the rest of a file that ends inside a quoted field, silently:
    # the rows from the open quote on are quarantined as one unfinished record instead.
    lines = [
        CSV_HEADER,
        "c1,2025-05-29,Steve Witkoff,Axios,fine",
        broken,
        "c3,2025-05-29,Steve Witkoff,Axios,swallowed by the open quote",
    ]
    path = tmp_path / "claims.csv"
    path.write_bytes(((ending or "\n").join(lines) + ending).encode())

    ingest_ok(path)

    assert query("select claim_id from claims") == [("c1",)]
    [(line, reason, raw)] = query("select line, reason, raw from quarantine")
    assert line == 3 and "unterminated quote" in reason
    assert "an open quote" in raw and "swallowed by the open quote" in raw
    assert raw.startswith(("c2", '{"claim_id":"c2"')) and "trackrecord" not in raw


def test_a_quote_left_open_to_the_end_loses_nothing_when_a_stray_quote_evens_the_count(
    warehouse, tmp_path, ingest_ok, query
):
    path = tmp_path / "claims.csv"
    path.write_text(
        "\n".join(
            [
                CSV_HEADER,
                'v1,2025-05-29,S,Axios,a 5" screen',
                "v2,2025-05-29,S,Axios,fine",
                'v3,2025-05-29,S,Axios,"opens',
                "v4,2025-05-29,S,Axios,four",
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("v1",), ("v2",)]
    [(line, reason, raw)] = query("select line, reason, raw from quarantine")
    assert line == 4 and "unterminated quote" in reason and "four" in raw


def test_an_open_quote_swallowing_more_than_duckdb_keeps_of_a_row_is_quarantined_whole(
    warehouse, tmp_path, ingest_ok, query
):
    # DuckDB keeps the first 10,000 characters of a malformed record; this one (short of
    # columns, its quote open to the end) runs to about 14,000: all of it is quarantined.
    lines = [CSV_HEADER, "u0,2025-05-29,S,Axios,fine", 'u1,2025-05-29,S,"opens here']
    lines += [f"u{i},2025-05-29,S,Axios,text number {i}" for i in range(2, 400)]
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    ingest_ok(path)

    assert query("select claim_id from claims") == [("u0",)]
    [(line, reason, raw)] = query("select line, reason, raw from quarantine")
    assert line == 3 and "unterminated quote" in reason
    assert raw.startswith("u1,2025-05-29,S,") and raw.endswith(
        "u399,2025-05-29,S,Axios,text number 399"
    )


def test_a_malformed_csv_row_longer_than_duckdb_keeps_is_quarantined_whole(
    warehouse, tmp_path, ingest_ok, query
):
    long_row = "a,2025-05-29,S,Axios," + "x" * 20_000 + ",extra field"
    path = tmp_path / "claims.csv"
    path.write_text(f"{CSV_HEADER}\n{long_row}\nb,2025-05-29,S,Axios,fine\n", encoding="utf-8")

    ingest_ok(path)

    assert query("select claim_id from claims") == [("b",)]
    assert query("select line, raw from quarantine") == [(2, long_row)]


def test_the_end_mark_text_in_a_csv_file_is_data_like_any_other(
    warehouse, tmp_path, ingest_ok, query
):
    mark = "trackrecordendoffilemark"  # what an older reader appended to a CSV file
    path = tmp_path / "claims.csv"
    path.write_text(
        "\n".join(
            [
                CSV_HEADER,
                f"c1,2025-05-29,S,Axios,says {mark} here",
                f'{mark}"',
                "c2,2025-05-29,S,Axios,fine",
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id, text from claims order by 1") == [
        ("c1", f"says {mark} here"),
        ("c2", "fine"),
    ]
    assert query("select line, raw from quarantine") == [(3, f'{mark}"')]


def test_a_long_malformed_row_of_letters_beyond_ascii_is_quarantined_whole(
    warehouse, tmp_path, ingest_ok, query
):
    long_row = "a,2025-05-29,S,Axios," + "é" * 12_000 + ",extra field"
    path = tmp_path / "claims.csv"
    path.write_text(
        f"{CSV_HEADER}\r\n{long_row}\r\nb,2025-05-29,S,Axios,fine\r\n", encoding="utf-8"
    )

    ingest_ok(path)

    assert query("select line, raw from quarantine") == [(2, long_row)]


def test_a_csv_file_mixing_line_ends_loads(warehouse, tmp_path, ingest_ok, query):
    # DuckDB refuses such a file whole; it is read with one kind of line end.
    path = tmp_path / "claims.csv"
    path.write_bytes(
        f"{CSV_HEADER}\r\nc1,2025-05-29,S,Axios,a\nc2,2025-05-29,S,Axios,b\r\n"
        "c3,2025-13-45,S,Axios,c\n".encode()
    )

    ingest_ok(path)

    assert query("select claim_id, text from claims order by 1") == [("c1", "a"), ("c2", "b")]
    assert query("select line from quarantine") == [(4,)]


def test_columns_without_a_name_are_read_and_ignored(warehouse, tmp_path, ingest_ok, query):
    path = tmp_path / "claims.csv"
    path.write_text(f"{CSV_HEADER},,\nc1,2025-05-29,S,Axios,fine,,\n", encoding="utf-8")

    ingest_ok(path)

    assert query("select claim_id, text from claims") == [("c1", "fine")]


def test_a_gzipped_parquet_file_loads(warehouse, tmp_path, ingest_ok, query):
    plain = tmp_path / "plain.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'p1' as claim_id, '2025-05-29' as published_at, 'S' as source, "
            "'Axios' as outlet, 'fine' as text) to '" + str(plain) + "' (format parquet)"
        )
    packed = tmp_path / "claims.parquet.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))

    ingest_ok(packed)

    assert query("select claim_id from claims") == [("p1",)]


def test_a_csv_row_of_megabytes_loads(warehouse, tmp_path, ingest_ok, query):
    path = tmp_path / "claims.csv"
    path.write_text(
        f'{CSV_HEADER}\nw1,2025-05-29,S,Axios,"{"x" * 3_000_000}"\nw2,2025-05-29,S,Axios,short\n',
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id, length(text) from claims order by 1") == [
        ("w1", 3_000_000),
        ("w2", 5),
    ]


def test_blank_lines_before_a_csv_header(warehouse, tmp_path, ingest_ok, query):
    path = tmp_path / "claims.csv"
    path.write_text(
        f"\n \n{CSV_HEADER}\nz1,2025-05-29,S,Axios,fine\nbad,row\n"
        "z2,2025-13-45,S,Axios,unreal date\n",
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id from claims") == [("z1",)]
    assert [line for (line,) in query("select line from quarantine order by line")] == [5, 6]


def test_csv_rows_with_bytes_that_are_not_utf8_are_quarantined_readably(
    warehouse, tmp_path, ingest_ok, query
):
    path = tmp_path / "claims.csv"
    path.write_bytes(
        f"{CSV_HEADER}\n".encode()
        + b'c1,2025-05-29,S,Axios,"caf\xe9 au lait, tr\xe8s bon"\n'
        + b"c2,2025-05-29,Fran\xe7ois Hollande,Le Monde,d\xe9clar\xe9 hier soir\n"
        + "c3,2025-05-29,S,Axios,déjà vu\n".encode()
    )

    ingest_ok(path)

    assert query("select claim_id, text from claims") == [("c3", "déjà vu")]
    held = query("select line, reason, raw from quarantine order by line")
    assert [line for line, _, _ in held] == [2, 3]
    assert all("UTF-8" in reason for _, reason, _ in held)
    assert "caf\ufffd au lait, tr\ufffds bon" in held[0][2]
    assert "Fran\ufffdois Hollande" in held[1][2] and "d\ufffdclar\ufffd hier soir" in held[1][2]


def test_parquet_text_stored_as_bytes_loads_as_text(warehouse, tmp_path, ingest_ok, query):
    path = tmp_path / "claims.parquet"
    with duckdb.connect() as con:
        con.execute(
            "copy (select 'k1'::blob as claim_id, '2025-05-29' as published_at, "
            "encode('François') as source, 'Axios' as outlet, encode('said \"hi\"') as text) "
            "to '" + str(path) + "' (format parquet)"
        )

    ingest_ok(path)

    assert query("select claim_id, source, text from claims") == [("k1", "François", 'said "hi"')]


@pytest.mark.parametrize("given", ["2024-01-01 (BC)", "2024-01-01 BC", "99999-01-01"])
def test_dates_no_run_could_place_are_quarantined(
    given, warehouse, tmp_path, ingest_ok, query, trackrecord
):
    path = tmp_path / "claims.csv"
    path.write_text(
        f"{CSV_HEADER}\ny1,{given},S,Axios,odd date\ny2,2024-01-01,S,Axios,fine\n", encoding="utf-8"
    )

    ingest_ok(path)

    assert query("select claim_id from claims") == [("y2",)]
    [(reason,)] = query("select reason from quarantine")
    assert given in reason
    assert trackrecord("run", "--as-of", "2024-06-01").exit_code == 0


def test_a_stray_quote_inside_an_unquoted_csv_field_loads_as_text(
    warehouse, tmp_path, ingest_ok, query
):
    # An odd number of quotes, but the file ends outside any quoted field: nothing is held.
    path = tmp_path / "claims.csv"
    path.write_text(
        "\n".join(
            [
                CSV_HEADER,
                'c1,2025-05-29,Steve Witkoff,Axios,a 5" screen',
                "c2,2025-05-29,Steve Witkoff,Axios,fine",
            ]
        )
        + "\n",
        encoding="utf-8",
    )

    ingest_ok(path)

    assert query("select claim_id, text from claims order by 1") == [
        ("c1", 'a 5" screen'),
        ("c2", "fine"),
    ]
    assert query("select count(*) from quarantine") == [(0,)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_csv_line_numbers_count_empty_lines_and_malformed_rows(
    newline, warehouse, tmp_path, ingest_ok, query
):
    # A shuffled mix of good rows, malformed rows, rows with an unreal date and empty lines:
    # every quarantined row shows the line it is on in the file.
    import random

    chooser = random.Random(7)
    lines, expected = [CSV_HEADER], {}
    for n in range(300):
        kind = chooser.choice(["good", "good", "good", "empty", "malformed", "unreal"])
        if kind == "empty":
            lines.append("")
        elif kind == "malformed":
            lines.append(f"m{n},2025-05-29,S")
            expected[len(lines)] = f"m{n},2025-05-29,S"
        elif kind == "unreal":
            lines.append(f"u{n},2025-13-45,S,Axios,text {n}")
            expected[len(lines)] = f"u{n}"
        else:
            lines.append(f"g{n},2025-05-29,S,Axios,text {n}")
    path = tmp_path / "claims.csv"
    path.write_bytes((newline.join(lines) + newline).encode())

    ingest_ok(path)

    held = {line: raw for line, raw in query("select line, raw from quarantine")}
    assert sorted(held) == sorted(expected)
    for line, start in expected.items():
        assert held[line].startswith(start) or f'"claim_id":"{start}"' in held[line], line


def test_a_malformed_csv_row_across_the_readers_buffers_loses_nothing(
    warehouse, tmp_path, ingest_ok, query
):
    # DuckDB's parallel CSV reader dropped every row after a malformed one that straddles its
    # 8 MB buffers (silently): the file is read on one thread.
    lines = ["claim_id,published_at,source,outlet,text"]
    size, placed = len(lines[0]) + 1, False
    while size < 8_400_000:
        i = len(lines)
        if not placed and size >= 7_999_991:
            line, placed = f"L{i:08d},2025-01-01,Src,Out,text text text,EXTRA", True
        else:
            line = f"L{i:08d},2025-01-01,Src,Out,some longer text {i:08d}"
        lines.append(line)
        size += len(line) + 1
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = ingest_ok(path)

    assert counts(result)["claims_loaded"] == len(lines) - 2
    [(line, reason)] = query("select line, reason from quarantine")
    assert "CSV" in reason and lines[line - 1].endswith("EXTRA")


def test_parquet_claims_and_outcomes_with_typed_columns(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.parquet(
        tmp_path / "claims.parquet",
        [
            {
                "claim_id": "c1",
                "published_at": dt.date(2025, 5, 29),
                "source": "Hamas",
                "outlet": "Al Jazeera",
                "text": "t",
            },
            {
                "claim_id": "c2",
                "published_at": dt.date(2025, 5, 30),
                "source": "Hamas",
                "outlet": "Al Jazeera",
                "text": "t",
            },
        ],
    )
    outcomes = rows.parquet(
        tmp_path / "outcomes.parquet",
        [
            {
                "claim_id": "c1",
                "event": "rated",
                "at": dt.datetime(2025, 5, 30, 1, 0, tzinfo=dt.UTC),
                "verdict": 0.7,
            },
        ],
    )

    ingest_ok(claims, outcomes)

    assert query("select claim_id, published_at from claims order by 1") == [
        ("c1", dt.datetime(2025, 5, 29)),
        ("c2", dt.datetime(2025, 5, 30)),
    ]
    assert query('select "at", verdict, "by" from outcomes') == [
        (dt.datetime(2025, 5, 30, 1, 0), "0.7", "")
    ]


def test_a_jsonl_file_with_a_byte_order_mark_and_crlf_lines_loads(
    warehouse, tmp_path, rows, ingest_ok, query
):
    path = tmp_path / "claims.jsonl"
    lines = [json.dumps(rows.claim(claim_id)) for claim_id in ("c1", "c2")]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("c1",), ("c2",)]
    assert query("select count(*) from quarantine") == [(0,)]


def test_gzipped_jsonl_and_ndjson(warehouse, tmp_path, rows, ingest_ok, query):
    claims = rows.jsonl(tmp_path / "claims.jsonl.gz", [rows.claim("c1")])
    outcomes = rows.jsonl(tmp_path / "outcomes.ndjson", [rows.outcome("c1")])

    ingest_ok(claims, outcomes)

    assert query("select claim_id from claims") == [("c1",)]
    assert query("select claim_id from outcomes") == [("c1",)]


def test_a_line_that_is_not_utf8_is_quarantined_and_the_others_load(
    warehouse, tmp_path, rows, ingest_ok, query
):
    path = tmp_path / "claims.jsonl"
    good = [
        json.dumps(rows.claim(claim_id), ensure_ascii=False).encode() for claim_id in ("c1", "c3")
    ]
    latin1 = json.dumps(rows.claim("c2", source="José Ramírez"), ensure_ascii=False).encode(
        "latin-1"
    )
    fffd = json.dumps(
        rows.claim("c4", text="a real \ufffd in the text"), ensure_ascii=False
    ).encode()
    path.write_bytes(b"\n".join([good[0], latin1, good[1], fffd]) + b"\n")

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("c1",), ("c3",), ("c4",)]
    ((line, reason, raw),) = query("select line, reason, raw from quarantine")
    assert (line, reason) == (2, NOT_UTF8)
    assert '"c2"' in raw and "Jos\ufffd" in raw


def test_a_byte_order_mark_is_not_part_of_the_first_row_when_read_line_by_line(
    warehouse, tmp_path, rows, ingest_ok, query
):
    path = tmp_path / "claims.jsonl"
    lines = [json.dumps(rows.claim("c1")), "{broken", json.dumps(rows.claim("c2"))]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))

    ingest_ok(path)

    assert query("select claim_id from claims order by 1") == [("c1",), ("c2",)]
    assert query("select line from quarantine") == [(2,)]


def test_quarantine_names_a_gzipped_file_as_given_not_its_decompressed_copy(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl.gz",
        [rows.claim("c1"), rows.claim("c2", published_at="2025-13-01")],
    )

    ingest_ok(claims)

    assert query("select file, line from quarantine") == [(str(claims.resolve()), 2)]


def test_two_gzipped_files_of_the_same_name_are_two_files(
    warehouse, tmp_path, rows, ingest_ok, query
):
    first = rows.jsonl(tmp_path / "monday" / "claims.jsonl.gz", [rows.claim("a")])
    second = rows.jsonl(tmp_path / "tuesday" / "claims.jsonl.gz", [rows.claim("b")])
    outcomes = rows.jsonl(tmp_path / "wednesday" / "claims.jsonl.gz", [rows.outcome("a")])

    ingest_ok(first, second, outcomes)

    assert query("select claim_id from claims order by 1") == [("a",), ("b",)]
    assert query("select claim_id, event from outcomes") == [("a", "denied")]


def test_a_file_name_with_wildcard_characters_is_read_as_itself(
    warehouse, tmp_path, rows, ingest_ok, query
):
    folder = tmp_path / "inbox [may]"
    rows.jsonl(folder / "claims[1].jsonl", [rows.claim("bracketed")])
    rows.jsonl(folder / "claims1.jsonl", [rows.claim("plain")])
    rows.csv(folder / "claims*.csv", [rows.claim("starred")])

    ingest_ok(folder / "claims[1].jsonl", folder / "claims1.jsonl", folder / "claims*.csv")

    assert query("select claim_id from claims order by 1") == [
        ("bracketed",),
        ("plain",),
        ("starred",),
    ]


def test_a_not_utf8_file_with_windows_line_ends_quarantines_rows_without_the_carriage_return(
    warehouse, tmp_path, rows, ingest_ok, query
):
    path = tmp_path / "outcomes.jsonl"
    bad = json.dumps(rows.outcome("z1", by="José"), ensure_ascii=False)
    waiting = json.dumps(rows.outcome("z2"))
    path.write_bytes(bad.encode("latin-1") + b"\r\n" + waiting.encode() + b"\r\n")
    ingest_ok(path)
    assert query("select line, raw from quarantine where reason = 'unknown claim'") == [
        (2, waiting)
    ]

    # Once the byte is mended, the held row is recognised as the same row, not held twice.
    path.write_bytes(bad.encode("utf-8") + b"\r\n" + waiting.encode() + b"\r\n")
    ingest_ok(path)
    assert query("select line from quarantine where reason = 'unknown claim' order by line") == [
        (1,),
        (2,),
    ]


def test_a_clean_jsonl_file_is_read_in_one_pass_by_the_json_reader(warehouse, tmp_path, rows):
    # The fast path must not fall back to the line-by-line read for a clean file: a broken
    # statement there would still load everything, only slower, and no other test would see it.
    from warehouse.connection import connect_write
    from warehouse.database import run_script
    from warehouse.inputs import check_inputs
    from warehouse.staging import _stage_json_file

    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1"), rows.claim("c2")])
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1")])
    claims_file, outcomes_file = check_inputs([str(claims), str(outcomes)])
    with connect_write(warehouse) as con:
        run_script(con, "ingest_setup.sql")

        assert _stage_json_file(con, "claims", 0, claims_file, tmp_path)
        assert _stage_json_file(con, "outcomes", 1, outcomes_file, tmp_path)
        assert con.execute(
            "select claim_id, reason, change, fast from staged_claims order by 1"
        ).fetchall() == [("c1", None, "new", True), ("c2", None, "new", True)]
        assert con.execute(
            "select claim_id, event, reason, change, fast from staged_outcomes"
        ).fetchall() == [("c1", "denied", None, "new", True)]


def test_a_folder_loads_its_own_input_files_and_ignores_others_and_subfolders(
    warehouse, tmp_path, rows, ingest_ok, query
):
    # A generated world keeps its hidden truth in truth/: a folder's subfolders are not input.
    inbox = tmp_path / "inbox"
    rows.jsonl(inbox / "a.jsonl", [rows.claim("a")])
    rows.csv(inbox / "b.csv", [rows.claim("b")])
    rows.parquet(inbox / "c.parquet", [rows.claim("c")])
    rows.jsonl(inbox / "d.ndjson.gz", [rows.claim("d")])
    rows.jsonl(inbox / "truth" / "e.jsonl", [rows.claim("e")])
    (inbox / "README.txt").write_text("not data", encoding="utf-8")

    result = ingest_ok(inbox)

    assert query("select claim_id from claims order by 1") == [("a",), ("b",), ("c",), ("d",)]
    assert counts(result)["files"] == 4


def test_a_glob_loads_only_what_it_matches(warehouse, tmp_path, rows, ingest_ok, query):
    rows.jsonl(tmp_path / "in" / "2025-05-29.jsonl", [rows.claim("a")])
    rows.jsonl(tmp_path / "in" / "2025-05-30.jsonl", [rows.claim("b")])
    rows.jsonl(tmp_path / "in" / "other.jsonl", [rows.claim("c")])

    ingest_ok(str(tmp_path / "in" / "2025-*.jsonl"))

    assert query("select claim_id from claims order by 1") == [("a",), ("b",)]


def test_the_same_file_named_twice_is_read_once(warehouse, tmp_path, rows, ingest_ok):
    path = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])

    result = ingest_ok(path, tmp_path, str(tmp_path / "*.jsonl"))

    assert counts(result)["files"] == 1


def test_file_kinds_come_from_columns_not_names(warehouse, tmp_path, rows, ingest_ok, query):
    # named the wrong way round on purpose
    outcomes = rows.csv(tmp_path / "claims.csv", [rows.outcome("c1")])
    claims = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.claim("c1")])

    ingest_ok(outcomes, claims)

    assert query("select claim_id from claims") == [("c1",)]
    assert query("select claim_id, event from outcomes") == [("c1", "denied")]


def test_a_fixed_row_leaves_quarantine_when_its_claim_loads_from_the_same_file(
    warehouse, tmp_path, rows, ingest_ok, query
):
    path = tmp_path / "claims.jsonl"
    rows.jsonl(path, [rows.claim("c1"), rows.claim("c2", published_at="2025-13-45")])
    ingest_ok(path)
    assert query("select claim_id from quarantine") == [("c2",)]

    # a file of the same name without c2 (tomorrow's delivery) resolves nothing
    rows.jsonl(path, [rows.claim("c3")])
    assert "left quarantine" not in ingest_ok(path).output
    assert query("select claim_id from quarantine") == [("c2",)]

    rows.jsonl(path, [rows.claim("c1"), rows.claim("c2")])  # the date fixed
    tried = ingest_ok(path, "--dry-run")
    assert "1 quarantined row(s) would leave quarantine" in tried.output
    assert query("select claim_id from quarantine") == [("c2",)]  # a dry run moves nothing

    result = ingest_ok(path)

    assert "1 quarantined row(s) left quarantine" in result.output
    assert query("select count(*) from quarantine") == [(0,)]
    assert query("select claim_id from claims order by claim_id") == [("c1",), ("c2",), ("c3",)]


def test_outcomes_are_checked_again_when_their_claims_date_changes(
    warehouse, tmp_path, rows, ingest_ok, query
):
    events = rows.jsonl(
        tmp_path / "outcomes.jsonl",
        [
            rows.outcome("c1", event="denied", at="2025-06-02T10:00:00.500+02:00"),
            rows.outcome("c1", event="confirmed", at="2025-06-05", by="Reuters", verdict=None),
        ],
    )
    claims = tmp_path / "claims.jsonl"
    ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-01")]), events)
    assert query("select count(*) from outcomes") == [(2,)]

    # the claim's date corrected to after its first event: that event no longer holds
    later = ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-03")]))

    assert counts(later)["quarantined"] == 1
    assert query("select event from outcomes") == [("confirmed",)]
    [(reason, raw)] = query("select reason, raw from quarantine")
    assert reason.startswith(
        "outcome dated before its claim was published (2025-06-02 < 2025-06-03"
    )
    assert json.loads(raw)["event"] == "denied"

    # moved later again: the held event is checked again, and is not held a second time
    again = ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-04")]))
    assert counts(again)["quarantined"] == 0
    assert query("select count(*) from quarantine") == [(1,)]

    # and back: the held event loads again and leaves quarantine
    ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-01")]))

    assert query("select event from outcomes order by event") == [("confirmed",), ("denied",)]
    assert query("select count(*) from quarantine") == [(0,)]
    # as it was given, to the fraction of a second: the same file again changes nothing
    assert counts(ingest_ok(events))["outcomes_loaded"] == 0
    assert query("select count(*) from outcomes") == [(2,)]


def test_a_claim_redated_with_its_outcomes_given_again_holds_each_outcome_once(
    warehouse, tmp_path, rows, ingest_ok, query
):
    events = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1", at="2025-06-02")])
    claims = tmp_path / "claims.jsonl"
    ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-01")]), events)

    result = ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-03")]), events)

    assert counts(result)["quarantined"] == 1
    assert query("select count(*) from outcomes") == [(0,)]
    assert query("select line from quarantine") == [(1,)]  # the row as given, with its line


def test_an_outcome_rejected_as_early_loads_when_its_claims_date_is_corrected(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = tmp_path / "claims.jsonl"
    ingest_ok(
        rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-10")]),
        rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1", at="2025-06-02")]),
    )
    assert query("select count(*) from outcomes") == [(0,)]

    ingest_ok(rows.jsonl(claims, [rows.claim("c1", published_at="2025-06-01")]))

    assert query("select claim_id, event from outcomes") == [("c1", "denied")]
    assert query("select count(*) from quarantine") == [(0,)]


def test_an_invalid_last_row_for_an_id_wins_and_no_earlier_row_of_it_loads(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl",
        [
            rows.claim("c1", text="first"),
            rows.claim("c2"),
            rows.claim("c1", published_at="2025-13-45"),
        ],
    )
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1"), rows.outcome("c2")])

    ingest_ok(claims, outcomes)

    assert query("select claim_id from claims") == [("c2",)]
    assert query("select claim_id, line from quarantine where kind = 'claims'") == [("c1", 3)]
    # c1's outcome waits for a claim c1 that loads
    assert query("select claim_id, reason from quarantine where kind = 'outcomes'") == [
        ("c1", "unknown claim")
    ]


def test_an_invalid_row_in_a_later_file_does_not_undo_a_valid_one_in_an_earlier_file(
    warehouse, tmp_path, rows, ingest_ok, query
):
    first = rows.jsonl(tmp_path / "a.jsonl", [rows.claim("c1")])
    second = rows.jsonl(tmp_path / "b.jsonl", [rows.claim("c1", published_at="2025-13-45")])
    outcomes = rows.jsonl(tmp_path / "o.jsonl", [rows.outcome("c1")])

    ingest_ok(first, second, outcomes)

    assert query("select claim_id from claims") == [("c1",)]
    assert query("select claim_id from outcomes") == [("c1",)]
    assert query("select claim_id, file like '%b.jsonl' from quarantine") == [("c1", True)]


def test_a_claims_file_with_a_column_named_event_is_still_claims(
    warehouse, tmp_path, rows, ingest_ok, query
):
    claims = rows.csv(tmp_path / "claims.csv", [{**rows.claim("c1"), "event": "gaza-talks"}])

    ingest_ok(claims)

    assert query("select claim_id from claims") == [("c1",)]
    assert query("select count(*) from quarantine") == [(0,)]


# ----------------------------------------------------------------------------- bad paths


def test_a_missing_path_stops_everything_with_exit_2(tmp_path, rows, trackrecord, db):
    good = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])
    missing = tmp_path / "nope.jsonl"

    result = trackrecord("ingest", good, missing)

    assert result.exit_code == 2
    assert result.stderr == f"trackrecord: error: no such file or folder: {missing}\n"
    assert result.stdout == ""
    assert not db.exists()


def test_a_missing_path_leaves_an_existing_warehouse_alone(
    tmp_path, rows, trackrecord, ingest_ok, snapshot
):
    ingest_ok(rows.jsonl(tmp_path / "old.jsonl", [rows.claim("old")]))
    before = snapshot()
    good = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])

    result = trackrecord("ingest", good, tmp_path / "nope.jsonl")

    assert result.exit_code == 2
    assert snapshot() == before


@pytest.mark.parametrize("pattern", ["*.nothing", "empty_folder"])
def test_a_glob_or_folder_without_input_files_is_bad_input(pattern, tmp_path, trackrecord):
    (tmp_path / "empty_folder").mkdir()

    result = trackrecord("ingest", str(tmp_path / pattern))

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("trackrecord: error: ")


@pytest.mark.parametrize(
    "name, content, says",
    [
        (
            "claims.csv",
            f"{CSV_HEADER.replace('text', chr(34) + 'text')}\nq1,2025-05-29,S,Axios,a\n",
            "quote that never closes",
        ),
        (
            "claims.csv",
            f"{CSV_HEADER},text\nc1,2025-05-29,S,Axios,a,b\n",
            "names text more than once",
        ),
        ("claims.jsonl", '[1, 2]\n{broken\n"text"\n', "no line is a JSON object"),
        ("claims.tsv", "claim_id\tpublished_at\nc1\t2025-05-29\n", "not a file type"),
    ],
)
def test_a_file_whose_rows_cannot_be_told_apart_stops_the_ingest(
    name, content, says, tmp_path, rows, trackrecord, db
):
    good = rows.jsonl(tmp_path / "good.jsonl", [rows.claim("c1")])
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")

    result = trackrecord("ingest", good, bad)

    assert result.exit_code == 2
    assert says in result.stderr and str(bad) in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_damaged_gzip_file_stops_the_ingest_naming_it(tmp_path, rows, trackrecord):
    good = rows.jsonl(tmp_path / "good.jsonl", [rows.claim(f"c{i}") for i in range(3000)])
    packed = gzip.compress(good.read_bytes())
    bad = tmp_path / "claims2.jsonl.gz"
    bad.write_bytes(packed[: len(packed) * 2 // 3])

    result = trackrecord("ingest", bad)

    assert result.exit_code == 2
    assert str(bad) in result.stderr and "gzip" in result.stderr


def test_json_nested_deeper_than_python_reads_is_quarantined(warehouse, tmp_path, ingest_ok, query):
    good = {
        "claim_id": "d1",
        "published_at": "2025-05-29",
        "source": "S",
        "outlet": "Axios",
        "text": "fine",
    }
    path = tmp_path / "claims.jsonl"
    path.write_text(
        '{"claim_id":' + "[" * 5000 + "]" * 5000 + "}\n" + json.dumps(good) + "\n", encoding="utf-8"
    )

    ingest_ok(path)

    assert query("select claim_id from claims") == [("d1",)]
    assert query("select line from quarantine") == [(1,)]


def test_a_json_lines_file_opening_with_many_broken_lines_still_loads_its_good_rows(
    warehouse, tmp_path, ingest_ok, query
):
    path = tmp_path / "claims.jsonl"
    good = {
        "claim_id": "j1",
        "published_at": "2025-05-29",
        "source": "S",
        "outlet": "Axios",
        "text": "fine",
    }
    path.write_text('{"claim_id":\n' * 1200 + "\n" * 5 + json.dumps(good) + "\n", encoding="utf-8")

    ingest_ok(path)

    assert query("select claim_id from claims") == [("j1",)]
    assert query("select count(*) from quarantine") == [(1200,)]


def _unrecognisable(tmp_path, rows):
    return rows.csv(tmp_path / "weather.csv", [{"city": "Gaza", "temperature": "31"}])


def test_a_file_without_claim_or_outcome_columns_loads_nothing_even_beside_good_files(
    warehouse, tmp_path, rows, trackrecord, snapshot
):
    before = snapshot()
    good = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1"), rows.claim("bad", text=None)])
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1")])
    weather = _unrecognisable(tmp_path, rows)

    result = trackrecord("ingest", good, weather, outcomes)

    assert result.exit_code == 2
    assert result.stderr.startswith(f"trackrecord: error: {weather}: neither claim columns")
    assert result.stderr.count("\n") == 1
    assert snapshot() == before  # not even the bad row is quarantined


def test_a_file_without_claim_or_outcome_columns_does_not_create_the_warehouse(
    tmp_path, rows, trackrecord, db
):
    good = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])

    result = trackrecord("ingest", good, _unrecognisable(tmp_path, rows))

    assert result.exit_code == 2
    assert not db.exists()


def test_input_of_which_no_row_could_load_exits_2_and_still_quarantines(
    warehouse, tmp_path, rows, trackrecord, query
):
    path = rows.jsonl(
        tmp_path / "claims.jsonl",
        [rows.claim("c1", text=None), rows.claim("c2", published_at="2025-13-45")],
    )

    result = trackrecord("ingest", path)

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no row could load" in result.stderr
    assert "2 row(s) quarantined" in result.stderr
    assert query("select count(*) from claims") == [(0,)]
    assert sorted(r for (r,) in query("select reason from quarantine")) == [
        "missing text",
        "published_at is not a real date: '2025-13-45'",
    ]


def test_an_empty_file_loads_nothing_and_exits_2(warehouse, tmp_path, trackrecord):
    empty = tmp_path / "claims.jsonl"
    empty.write_text("", encoding="utf-8")

    result = trackrecord("ingest", empty)

    assert result.exit_code == 2
    assert "no row could load" in result.stderr


# ----------------------------------------------------------------------------- dry run


def test_dry_run_reports_counts_and_writes_nothing(
    warehouse, tmp_path, rows, ingest_ok, trackrecord, snapshot
):
    ingest_ok(rows.jsonl(tmp_path / "old.jsonl", [rows.claim("old")]))
    before = snapshot()
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1"), rows.claim("bad", text=None)])
    outcomes = rows.jsonl(tmp_path / "outcomes.jsonl", [rows.outcome("c1"), rows.outcome("c9")])

    result = trackrecord("ingest", "--dry-run", claims, outcomes)

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "dry run: 2 file(s): claims 1 would load, 0 updated, 0 unchanged; outcomes 1 would load, "
        "0 updated, 0 unchanged; 1 quarantined, 1 waiting for their claim\n"
    )
    assert snapshot() == before


def test_dry_run_on_a_new_warehouse_creates_no_file(tmp_path, rows, trackrecord, db):
    claims = rows.jsonl(tmp_path / "claims.jsonl", [rows.claim("c1")])

    result = trackrecord("ingest", "--dry-run", claims)

    assert result.exit_code == 0, result.output
    assert "claims 1 would load" in result.stdout
    assert not db.exists()


def test_dry_run_still_refuses_a_missing_path(tmp_path, trackrecord, db):
    result = trackrecord("ingest", "--dry-run", tmp_path / "nope.jsonl")

    assert result.exit_code == 2
    assert not db.exists()


# ----------------------------------------------------------------------------- the summary line


def test_the_summary_line_counts_what_happened(warehouse, tmp_path, rows, ingest_ok):
    claims = rows.jsonl(
        tmp_path / "claims.jsonl",
        [rows.claim("c1"), rows.claim("c2"), "{not json", rows.claim("c3", outlet="")],
    )
    outcomes = rows.jsonl(
        tmp_path / "outcomes.jsonl",
        [rows.outcome("c1"), rows.outcome("c1", event="rated"), rows.outcome("c7")],
    )

    first = ingest_ok(claims, outcomes)

    assert first.stdout == (
        "2 file(s): claims 2 loaded, 0 updated, 0 unchanged; outcomes 1 loaded, 0 updated, "
        "0 unchanged; 3 quarantined, 1 waiting for their claim\n"
    )

    later = rows.jsonl(
        tmp_path / "later.jsonl",
        [rows.claim("c1", text="revised"), rows.claim("c2"), rows.claim("c7")],
    )
    second = ingest_ok(later)

    assert counts(second) == {
        "files": 1,
        "claims_loaded": 1,
        "claims_updated": 1,
        "claims_unchanged": 1,
        "outcomes_loaded": 1,
        "outcomes_updated": 0,
        "outcomes_unchanged": 0,
        "quarantined": 0,
        "waiting": 0,
    }


# ----------------------------------------------------------------------------- the ceasefire story


def test_the_ceasefire_story_loads_whole(ceasefire, ingest_ok, query):
    result = ingest_ok(ceasefire / "claims.jsonl", ceasefire / "outcomes.jsonl")

    assert counts(result) == {
        "files": 2,
        "claims_loaded": 7,
        "claims_updated": 0,
        "claims_unchanged": 0,
        "outcomes_loaded": 3,
        "outcomes_updated": 0,
        "outcomes_unchanged": 0,
        "quarantined": 0,
        "waiting": 0,
    }
    # Witkoff contradicted Hamas the day Hamas spoke: same day is fine
    assert query("select event, \"by\" from outcomes where claim_id = 'gz-003'") == [
        ("contradicted", "Steve Witkoff")
    ]


def test_an_ingest_that_fails_before_its_commit_changes_nothing(
    warehouse, tmp_path, rows, ingest_ok, trackrecord, snapshot, monkeypatch
):
    """The merge and the rebuild of sources are one transaction: an error after the claims
    and outcomes are written rolls all of it back."""
    ingest_ok(rows.jsonl(tmp_path / "first.jsonl", [rows.claim("a1")]))
    before = snapshot()

    def broken(con, **_):
        raise RuntimeError("disk full")

    monkeypatch.setattr("warehouse.ingest.refresh_identities", broken)
    result = trackrecord(
        "ingest",
        rows.jsonl(
            tmp_path / "second.jsonl", [rows.claim("a2", source="Ann Roe", outlet="Haaretz")]
        ),
    )
    assert result.exit_code != 0
    assert snapshot() == before
