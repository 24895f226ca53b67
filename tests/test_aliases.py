"""Tests for warehouse.aliases through `trackrecord alias`: add re-points existing claims at once,
remove undoes it, list shows them, --outlet merges outlets, suggest proposes and never merges."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import claim_row, write_jsonl

from jobs.cli import cli

CLAIMS = [
    ("a1", "Steve Witkoff", "Axios"),
    ("a2", "Steve Witkoff", "Axios"),
    ("a3", "Steve Whitcoff", "Times of Israel"),
    ("a4", "Witkoff", "Axios"),
    ("a5", "a Palestinian official", "ToI"),
    ("a6", "a Palestinian official", "The Times of Israel"),
    ("a7", "Marco Rubio", "Axios"),
]


@pytest.fixture(scope="module")
def built_world(tmp_path_factory) -> Path:
    """A warehouse with Witkoff under three spellings and an outlet under two names, ingested
    once for the module."""
    folder = tmp_path_factory.mktemp("aliases")
    claims = write_jsonl(
        folder / "claims.jsonl",
        [claim_row(claim_id, source=source, outlet=outlet) for claim_id, source, outlet in CLAIMS],
    )
    db = folder / "wh.duckdb"
    result = CliRunner().invoke(cli, ["--db", str(db), "ingest", str(claims)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def world(built_world: Path, db: Path) -> Path:
    """The test's own copy of the built world (each test may change it)."""
    shutil.copyfile(built_world, db)
    return db


def source_ids(query) -> dict[str, str]:
    return dict(query("select claim_id, source_id from claims"))


def test_alias_add_repoints_existing_claims_without_reingest(world, trackrecord, query):
    before = source_ids(query)
    assert before["a3"] != before["a1"]

    result = trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff")

    assert result.exit_code == 0, result.output
    assert result.stdout == "source alias added: 'Steve Whitcoff' -> 'Steve Witkoff'\n"
    after = source_ids(query)
    assert after["a3"] == after["a1"] == before["a1"]  # Witkoff keeps his id
    assert {k: v for k, v in after.items() if k != "a3"} == {
        k: v for k, v in before.items() if k != "a3"
    }
    assert query(
        "select source, claims from sources where source_id = $id", {"id": before["a1"]}
    ) == [("Steve Witkoff", 3)]
    assert query("select count(*) from sources where source = 'Steve Whitcoff'") == [(0,)]
    # the claim still says what the article said
    assert query("select source from claims where claim_id = 'a3'") == [("Steve Whitcoff",)]


def test_an_alias_applies_to_claims_ingested_later(
    warehouse, world, trackrecord, tmp_path, rows, ingest_ok, query
):
    assert trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff").exit_code == 0

    ingest_ok(rows.jsonl(tmp_path / "later.jsonl", [rows.claim("b1", source="Steve WHITCOFF")]))

    ids = source_ids(query)
    assert ids["b1"] == ids["a1"]


def test_alias_remove_undoes_the_merge(world, trackrecord, query):
    before = source_ids(query)
    assert trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff").exit_code == 0

    result = trackrecord("alias", "remove", "Steve Whitcoff")

    assert result.exit_code == 0, result.output
    assert result.stdout == "source alias removed: 'Steve Whitcoff'\n"
    assert source_ids(query) == before
    assert query("select source, claims from sources where kind = 'named' order by source") == [
        ("Marco Rubio", 1),
        ("Steve Whitcoff", 1),
        ("Steve Witkoff", 2),
        ("Witkoff", 1),
    ]
    assert query("select count(*) from source_aliases") == [(0,)]


def test_alias_list(world, trackrecord):
    empty = trackrecord("alias", "list")
    assert (empty.exit_code, empty.stdout) == (0, "no aliases\n")

    assert trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff").exit_code == 0
    assert trackrecord("alias", "add", "--outlet", "ToI", "Times of Israel").exit_code == 0
    listed = trackrecord("alias", "list", "--format", "csv")

    assert listed.exit_code == 0
    table = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(row["kind"], row["alias"], row["name"]) for row in table] == [
        ("outlet", "ToI", "Times of Israel"),
        ("source", "Steve Whitcoff", "Steve Witkoff"),
    ]
    assert all(row["created_at"] for row in table)


def test_an_outlet_alias_merges_anonymous_identities_at_that_outlet(world, trackrecord, query):
    before = source_ids(query)
    assert before["a5"] != before["a6"]  # "ToI" is not yet the Times of Israel

    result = trackrecord("alias", "add", "--outlet", "ToI", "Times of Israel")

    assert result.exit_code == 0, result.output
    assert result.stdout == "outlet alias added: 'ToI' -> 'Times of Israel'\n"
    after = source_ids(query)
    assert after["a5"] == after["a6"] == before["a6"]
    assert query("select source, outlet, claims from sources where kind = 'anonymous'") == [
        ("Palestinian official @ Times of Israel", "Times of Israel", 2)
    ]
    assert query("select outlet, claims from outlets order by outlet") == [
        ("Axios", 4),
        ("Times of Israel", 3),
    ]
    # named sources do not depend on the outlet
    assert {k: after[k] for k in ("a1", "a3", "a4", "a7")} == {
        k: before[k] for k in ("a1", "a3", "a4", "a7")
    }

    assert trackrecord("alias", "remove", "--outlet", "ToI").exit_code == 0
    assert source_ids(query) == before


SUGGESTION = re.compile(
    r"^(?P<a>.+?)  ~  (?P<b>.+?)  similarity (?P<similarity>[0-9.]+)  "
    r"claims (?P<claims_a>\d+) / (?P<claims_b>\d+)  \((?P<why>[^)]+)\)$"
)


def test_alias_suggest_pairs_spellings_and_bare_surnames_and_merges_nothing(
    world, trackrecord, snapshot
):
    before = snapshot()

    result = trackrecord("alias", "suggest")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    parsed = [SUGGESTION.match(line) for line in lines]
    assert all(parsed), lines
    pairs = {frozenset((m["a"], m["b"])): m for m in parsed}
    spelling = pairs[frozenset(("Steve Whitcoff", "Steve Witkoff"))]
    assert 0.8 <= float(spelling["similarity"]) < 1.0
    assert {spelling["claims_a"], spelling["claims_b"]} == {"1", "2"}
    surname = pairs[frozenset(("Witkoff", "Steve Witkoff"))]
    assert surname["why"] == "bare surname"
    assert not any("Marco Rubio" in line for line in lines)
    assert not any("Palestinian" in line for line in lines)  # anonymous identities are not names
    assert snapshot() == before  # suggesting merges nothing


def test_alias_suggest_on_nothing_alike(warehouse, tmp_path, rows, ingest_ok, trackrecord):
    ingest_ok(
        rows.jsonl(
            tmp_path / "claims.jsonl",
            [rows.claim("a", source="Steve Witkoff"), rows.claim("b", source="Marco Rubio")],
        )
    )

    result = trackrecord("alias", "suggest")

    assert (result.exit_code, result.stdout) == (0, "no likely aliases\n")


@pytest.mark.parametrize(
    "args, message",
    [
        (("alias", "remove", "Nobody"), "no source alias 'Nobody' (see `trackrecord alias list`)"),
        (
            ("alias", "add", "steve  WITKOFF", "Steve Witkoff"),
            "'steve  WITKOFF' and 'Steve Witkoff' already fold to the same source",
        ),
        (
            ("alias", "add", "!!!", "Steve Witkoff"),
            "an alias and a name must both have letters or digits",
        ),
        (
            ("alias", "add", "a Palestinian official", "Steve Witkoff"),
            "'a Palestinian official' is an anonymous description: anonymous sources are pooled as "
            "description @ outlet and cannot be aliased (alias their outlet with --outlet)",
        ),
    ],
)
def test_alias_mistakes_are_one_line_with_exit_2(args, message, world, trackrecord, snapshot):
    before = snapshot()

    result = trackrecord(*args)

    assert result.exit_code == 2
    assert result.stderr == f"trackrecord: error: {message}\n"
    assert snapshot() == before


def test_an_alias_of_an_alias_is_refused_and_chains_are_flattened(world, trackrecord, query):
    assert trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff").exit_code == 0

    refused = trackrecord("alias", "add", "S. Witkoff", "Steve Whitcoff")
    assert refused.exit_code == 2
    assert "is itself an alias" in refused.stderr

    # re-pointing the target: what pointed at "Steve Witkoff" now points at the new name
    assert trackrecord("alias", "add", "Steve Witkoff", "Steven Witkoff").exit_code == 0
    ids = source_ids(query)
    assert ids["a1"] == ids["a2"] == ids["a3"]
    assert query("select alias, name from source_aliases order by alias") == [
        ("Steve Whitcoff", "Steven Witkoff"),
        ("Steve Witkoff", "Steven Witkoff"),
    ]


def test_alias_add_creates_the_warehouse_when_needed(trackrecord, db, query):
    result = trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff")

    assert result.exit_code == 0, result.output
    assert query("select alias, name from source_aliases") == [("Steve Whitcoff", "Steve Witkoff")]


def test_the_ceasefire_whitcoff_alias(ceasefire, ingest_ok, trackrecord, query):
    ingest_ok(ceasefire / "claims.jsonl", ceasefire / "outcomes.jsonl")
    suggested = trackrecord("alias", "suggest")
    assert any(
        "Steve Whitcoff" in line and "Steve Witkoff" in line
        for line in suggested.stdout.splitlines()
    )

    assert trackrecord("alias", "add", "Steve Whitcoff", "Steve Witkoff").exit_code == 0

    ids = dict(query("select claim_id, source_id from claims"))
    assert ids["gz-004"] == ids["gz-005"]
    assert query("select claims from sources where source = 'Steve Witkoff'") == [(2,)]
