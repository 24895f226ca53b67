"""Tests for `trackrecord sql` (warehouse.query): one read-only SELECT, in every output format;
anything that writes, attaches, copies, reads files or stacks statements is refused with one
line on stderr, and the warehouse is left as it was."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner
from conftest import claim_row, outcome_row, write_jsonl

from jobs.cli import cli


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One small warehouse for the whole module: every test here only reads it, or tries to
    change it and must fail."""
    folder = tmp_path_factory.mktemp("sql")
    claims = write_jsonl(
        folder / "claims.jsonl",
        [
            claim_row("c1"),
            claim_row("c2", source="a Palestinian official", outlet="Times of Israel"),
            claim_row("c3", source="مسؤول فلسطيني", outlet="Al Jazeera", text="قال مسؤول"),
        ],
    )
    outcomes = write_jsonl(
        folder / "outcomes.jsonl",
        [outcome_row("c1", event="rated", verdict="0.25", by="PolitiFact")],
    )
    db = folder / "wh.duckdb"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "ingest", str(claims), str(outcomes)])
    assert result.exit_code == 0, result.output

    def run(*args: str):
        return runner.invoke(cli, ["--db", str(db), "sql", *args])

    return {"db": db, "folder": folder, "run": run, "contents": contents(db)}


def contents(db) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            table: sorted(con.execute(f"select * from {table}").fetchall(), key=repr)
            for table in ("claims", "outcomes", "sources", "quarantine", "source_aliases")
        }


REFUSED = {
    "delete": "delete from claims",
    "drop": "drop table claims",
    "update": "update claims set text = 'changed'",
    "insert": "insert into source_aliases values ('source', 'a', 'a', 'b', 'b', now()::timestamp)",
    "create": "create table stolen as select * from claims",
    "attach": "attach '{folder}/other.duckdb' as other",
    "copy to": "copy claims to '{folder}/copied.csv'",
    "copy query to": "copy (select * from claims) to '{folder}/copied2.csv'",
    "export": "export database '{folder}/exported'",
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "a file as a table": "select * from '/etc/passwd'",
    "glob": "select * from glob('/etc/*')",
    "two selects": "select 1; select 2",
    "a select hiding a delete": "select 1; delete from claims",
    "set": "set enable_external_access = true",
    "install": "install httpfs",
    "pragma": "pragma version",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_sql_refuses_anything_but_one_read_only_select(case, shared):
    sql = REFUSED[case].format(folder=shared["folder"])

    result = shared["run"](sql)

    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("trackrecord: error: ")
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert contents(shared["db"]) == shared["contents"]
    written = {p.name for p in shared["folder"].iterdir()}
    assert written <= {"claims.jsonl", "outcomes.jsonl", "wh.duckdb", "wh.duckdb.wal"}, written


@pytest.mark.parametrize(
    "statement, kind",
    [
        ("delete from claims", "delete"),
        ("drop table claims", "drop"),
        ("attach 'x.duckdb' as x", "attach"),
    ],
)
def test_the_refusal_says_what_was_refused(statement, kind, shared):
    result = shared["run"](statement)

    assert result.exit_code == 2
    assert result.stderr == (
        f"trackrecord: error: read-only: {kind} statements are refused; "
        "`trackrecord sql` runs SELECT only\n"
    )


def test_two_statements_are_refused_by_name(shared):
    result = shared["run"]("select 1; select 2")

    assert result.exit_code == 2
    assert result.stderr == "trackrecord: error: one statement at a time, please (got 2)\n"


def test_a_syntax_error_is_one_line(shared):
    result = shared["run"]("selec 1")

    assert result.exit_code == 2
    assert result.stderr.startswith("trackrecord: error: SQL error: ")
    assert result.stderr.count("\n") == 1


QUERY = (
    "select claim_id, source, 2 as n, 0.5 as half, date '2025-05-29' as day "
    "from claims order by claim_id"
)


def test_select_as_csv_is_a_header_then_rows(shared):
    result = shared["run"](QUERY, "--format", "csv")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "claim_id,source,n,half,day"
    assert list(csv.reader(io.StringIO(result.stdout)))[1:] == [
        ["c1", "Steve Witkoff", "2", "0.5", "2025-05-29"],
        ["c2", "a Palestinian official", "2", "0.5", "2025-05-29"],
        ["c3", "مسؤول فلسطيني", "2", "0.5", "2025-05-29"],
    ]
    assert "\r" not in result.stdout and result.stdout.endswith("\n")


def test_select_as_json_keeps_numbers_numbers(shared):
    result = shared["run"](QUERY, "--format", "json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "claim_id": "c1",
        "source": "Steve Witkoff",
        "n": 2,
        "half": 0.5,
        "day": "2025-05-29",
    }
    assert isinstance(rows[0]["n"], int) and isinstance(rows[0]["half"], float)
    assert rows[2]["source"] == "مسؤول فلسطيني"


@pytest.mark.parametrize(
    "query, shown",
    [
        ("select interval 3 day as v, 1 as n", "3 days"),  # Polars takes no interval
        ("select [interval 1 day] as v, 1 as n;", "[1 day]"),  # not nested either
        ("select union_value(k := 7) as v, 1 as n", "7"),  # nor a union
    ],
)
def test_columns_polars_cannot_take_are_shown_as_text(query, shown, shared):
    result = shared["run"](query, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"v": shown, "n": 1}]


def test_select_as_markdown_is_a_table(shared):
    result = shared["run"](
        "select claim_id, 2 as n from claims order by claim_id", "--format", "markdown"
    )

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [cell.strip() for cell in lines[0].strip("|").split("|")] == ["claim_id", "n"]
    assert set(lines[1].replace("|", "").replace(":", "").strip()) == {"-"}
    assert [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]] == [
        ["c1", "2"],
        ["c2", "2"],
        ["c3", "2"],
    ]


def test_select_as_a_table_is_the_default(shared):
    result = shared["run"]("select claim_id from claims order by claim_id")

    assert result.exit_code == 0, result.output
    assert result.stdout.split()[0] == "claim_id"
    for claim_id in ("c1", "c2", "c3"):
        assert claim_id in result.stdout


def test_select_over_the_tables_and_views_the_contract_names(shared):
    for name in (
        "claims",
        "outcomes",
        "sources",
        "source_aliases",
        "quarantine",
        "runs",
        "source_scores",
        "claim_scores",
        "outlet_scores",
        "source_score_history",
    ):
        result = shared["run"](f"select count(*) as n from {name}", "--format", "json")
        assert result.exit_code == 0, (name, result.output)
        assert isinstance(json.loads(result.stdout)[0]["n"], int)


def test_a_trailing_semicolon_and_a_cte_are_one_select(shared):
    result = shared["run"](
        "with c as (select claim_id from claims) select count(*) as n from c;", "--format", "json"
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 3}]
