"""Tests for jobs.formatting: each output format, exactly, and the column types DuckDB returns."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import polars as pl
import pytest
from rich.cells import cell_len

from jobs.formatting import FORMATS, render


@pytest.fixture
def scores() -> pl.DataFrame:
    """A few rows shaped like `source_scores`, with a null, a NaN and non-ASCII text."""
    return pl.DataFrame(
        {
            "source": [
                "Steve Witkoff",
                "Palestinian official @ Times of Israel",
                "مسؤول فلسطيني",
            ],
            "reliability": [0.71234, 0.3, float("nan")],
            "claims": [12, 3, None],
            "as_of": [date(2025, 6, 1)] * 3,
        }
    )


# --- json ---------------------------------------------------------------------------------


def test_json_is_an_array_of_objects_with_typed_values(scores: pl.DataFrame) -> None:
    text = render(scores, "json")
    rows = json.loads(text)
    assert rows[0] == {
        "source": "Steve Witkoff",
        "reliability": 0.71234,
        "claims": 12,
        "as_of": "2025-06-01",
    }
    assert isinstance(rows[0]["claims"], int)
    assert rows[2]["reliability"] is None  # NaN is not JSON
    assert rows[2]["claims"] is None
    assert "مسؤول فلسطيني" in text  # kept as is, not \u-escaped
    assert text.endswith("]\n")


def test_json_keeps_whole_floats_floats() -> None:
    rows = json.loads(render(pl.DataFrame({"p": [1.0], "n": [1]}), "json"))
    assert isinstance(rows[0]["p"], float)
    assert isinstance(rows[0]["n"], int)


def test_json_of_an_empty_frame_is_an_empty_array(scores: pl.DataFrame) -> None:
    assert render(scores.head(0), "json") == "[]\n"
    assert render(pl.DataFrame(), "json") == "[]\n"


def test_json_writes_datetimes_as_iso_8601() -> None:
    frame = pl.DataFrame(
        {
            "naive": [datetime(2025, 6, 1, 2, 30)],
            "aware": [datetime(2025, 6, 1, 2, 30, tzinfo=UTC)],
            "fraction": [datetime(2025, 6, 1, 2, 30, 0, 250000)],
            "clock": [time(2, 30)],
            "took": [timedelta(seconds=90)],
        }
    )
    row = json.loads(render(frame, "json"))[0]
    assert row["naive"] == "2025-06-01T02:30:00"
    assert datetime.fromisoformat(row["aware"]) == datetime(2025, 6, 1, 2, 30, tzinfo=UTC)
    assert row["fraction"] == "2025-06-01T02:30:00.250"
    assert row["clock"] == "02:30:00"
    assert row["took"] == "PT1M30S"


def test_json_writes_decimals_as_numbers() -> None:
    frame = pl.DataFrame(
        {
            "ratio": pl.Series([Decimal("0.25")], dtype=pl.Decimal(10, 2)),
            # DuckDB hands a HUGEINT to Polars as a decimal of scale 0.
            "huge": pl.Series([Decimal(2**100)], dtype=pl.Decimal(38, 0)),
        }
    )
    row = json.loads(render(frame, "json"))[0]
    assert row == {"ratio": 0.25, "huge": 2**100}
    assert isinstance(row["huge"], int)


def test_json_keeps_lists_and_structs_nested() -> None:
    frame = pl.DataFrame(
        {
            "ids": [[1, 2], None],
            "event": [{"kind": "denied", "at": datetime(2025, 6, 2)}, None],
            "raw": [b"\x00\xff", None],
        }
    )
    rows = json.loads(render(frame, "json"))
    assert rows[0] == {
        "ids": [1, 2],
        "event": {"kind": "denied", "at": "2025-06-02T00:00:00"},
        "raw": "00ff",
    }
    assert rows[1] == {"ids": None, "event": None, "raw": None}


# --- csv ----------------------------------------------------------------------------------


def test_csv_is_a_header_then_rows_with_bare_newlines() -> None:
    frame = pl.DataFrame(
        {
            "source": ["Witkoff, Steve", 'a "senior" official', "two\nlines"],
            "claims": [3, None, 1],
            "as_of": [date(2025, 6, 1)] * 3,
        }
    )
    text = render(frame, "csv")
    assert text == (
        "source,claims,as_of\n"
        '"Witkoff, Steve",3,2025-06-01\n'
        '"a ""senior"" official",,2025-06-01\n'
        '"two\nlines",1,2025-06-01\n'
    )
    assert "\r" not in text


def test_csv_reads_back_with_the_csv_module(scores: pl.DataFrame) -> None:
    rows = list(csv.DictReader(io.StringIO(render(scores, "csv"))))
    assert [row["source"] for row in rows] == scores["source"].to_list()
    assert rows[0]["reliability"] == "0.71234"
    assert rows[0]["as_of"] == "2025-06-01"


def test_csv_stringifies_what_csv_cannot_hold() -> None:
    frame = pl.DataFrame(
        {
            "at": [datetime(2025, 6, 1, 2, 30)],
            "ids": [[1, 2]],
            "event": [{"kind": "denied"}],
            "took": [timedelta(hours=1)],
        }
    )
    assert render(frame, "csv") == (
        'at,ids,event,took\n2025-06-01T02:30:00,"[1,2]","{""kind"":""denied""}",PT1H\n'
    )


def test_csv_of_an_empty_frame_is_its_header(scores: pl.DataFrame) -> None:
    assert render(scores.head(0), "csv") == "source,reliability,claims,as_of\n"


# --- markdown -----------------------------------------------------------------------------


def test_markdown_is_a_github_table_with_pipes_escaped() -> None:
    frame = pl.DataFrame({"source": ["a|b", "c"], "claims": [1, None]})
    assert render(frame, "markdown") == (
        "| source | claims |\n|---|---|\n| a\\|b | 1 |\n| c |  |\n"
    )


def test_markdown_keeps_each_row_on_one_line_and_shows_the_title() -> None:
    frame = pl.DataFrame({"text": ["first\nsecond"]})
    assert render(frame, "markdown", title="Claims") == (
        "**Claims**\n\n| text |\n|---|\n| first<br>second |\n"
    )


def test_markdown_of_an_empty_frame_is_its_header(scores: pl.DataFrame) -> None:
    assert render(scores.head(0).select("source", "claims"), "markdown") == (
        "| source | claims |\n|---|---|\n"
    )


# --- table --------------------------------------------------------------------------------


def test_table_shows_floats_with_three_decimals_and_nulls_empty(scores: pl.DataFrame) -> None:
    lines = render(scores, "table", title="Top sources").splitlines()
    assert lines[0] == "Top sources"
    assert lines[1].split() == ["source", "reliability", "claims", "as_of"]
    assert lines[3].split() == ["Steve", "Witkoff", "0.712", "12", "2025-06-01"]
    # The null count is blank, so its row has one word fewer.
    assert lines[5].split() == ["مسؤول", "فلسطيني", "nan", "2025-06-01"]


def test_table_fits_the_width_and_cuts_long_text_with_an_ellipsis() -> None:
    frame = pl.DataFrame(
        {
            "claim_id": ["c-000001"],
            "text": ["The envoy accepted the amendments " * 10],
            "p_true": [0.4567],
            "published_at": [datetime(2025, 6, 1, 14, 5)],
        }
    )
    text = render(frame, "table", width=50)
    assert all(cell_len(line) <= 50 for line in text.splitlines())
    assert "…" in text
    # Numbers and dates are read whole; only the text gave way.
    assert "0.457" in text and "2025-06-01T14:05:00" in text and "c-000001" in text


def test_table_fits_wide_characters_too() -> None:
    sources = ["مسؤول فلسطيني " * 8, "以色列消息人士" * 8]
    frame = pl.DataFrame({"source": sources, "claims": [1, 2]})
    text = render(frame, "table", width=40)
    assert all(cell_len(line) <= 40 for line in text.splitlines())


def test_table_has_no_colour_codes_even_when_forced(
    scores: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "20")
    text = render(scores, "table", width=120)
    assert "\x1b" not in text
    assert "Palestinian official @ Times of Israel" in text  # COLUMNS did not shrink it


def test_table_prints_markup_in_the_data_literally() -> None:
    text = render(pl.DataFrame({"text": ["[bold]denied[/bold] :smile:"]}), "table")
    assert "[bold]denied[/bold] :smile:" in text


def test_table_shows_at_most_max_rows_and_counts_the_rest() -> None:
    frame = pl.DataFrame({"claim_id": [f"c{i:04d}" for i in range(1500)]})
    lines = render(frame, "table", max_rows=1000).splitlines()
    assert lines[2] == "c0000" and lines[-2] == "c0999"
    assert lines[-1] == "… and 500 more rows"
    assert render(frame.head(3), "table", max_rows=3).splitlines()[-1] == "c0002"


def test_table_of_an_empty_frame_says_no_rows(scores: pl.DataFrame) -> None:
    assert render(scores.head(0), "table") == "(no rows)\n"
    assert render(scores.head(0), "table", title="Top sources") == "Top sources\n(no rows)\n"


# --- every format ---------------------------------------------------------------------------


def test_unknown_format_is_refused(scores: pl.DataFrame) -> None:
    with pytest.raises(ValueError, match="yaml"):
        render(scores, "yaml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_type_duckdb_returns_renders(fmt: str) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame = duckdb.sql(
        """
        select 1::tinyint as i8, 2::ubigint as u64, 3::hugeint as huge,
               1.5::decimal(18, 3) as dec,
               0.25::real as f32, 'nan'::double as nan, true as flag, 'é' as s, null as nothing,
               date '2025-06-01' as d, timestamp '2025-06-01 02:30:00' as ts,
               timestamptz '2025-06-01 02:30:00+00' as tstz, time '02:30:00' as t,
               '\\xAA'::blob as raw, uuid() as id, [1, 2] as ids, [1, 2]::int[2] as pair,
               {'kind': 'denied', 'at': timestamp '2025-06-02'} as event,
               map {'a': 1} as counts, [{'d': date '2025-06-01'}] as nested
        """
    ).pl()
    text = render(frame, fmt)
    assert text.endswith("\n")
    if fmt == "json":
        row = json.loads(text)[0]
        assert row["huge"] == 3 and row["dec"] == 1.5 and row["nan"] is None
        assert row["counts"] == {"a": 1}
        assert row["event"] == {"kind": "denied", "at": "2025-06-02T00:00:00"}
        assert row["nested"] == [{"d": "2025-06-01"}]
    if fmt == "csv":
        header, values = list(csv.reader(io.StringIO(text)))
        assert dict(zip(header, values, strict=False))["counts"] == '{"a":1}'
