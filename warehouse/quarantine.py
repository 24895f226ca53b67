"""Reading the quarantine: rows that could not load, and outcomes waiting for their claim."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.connection import fetch_frame


def quarantine_counts(con: duckdb.DuckDBPyConnection, reason: str | None = None) -> pl.DataFrame:
    """Rows held, by reason, most frequent first. A reason is counted without the value it
    quotes ("published_at is not a real date: '2025-13-45'" counts as "published_at is not a
    real date"), so that a thousand bad dates are one line; the rows show the values."""
    return fetch_frame(
        con,
        """
        with held as (
            select regexp_replace(reason, ':? (''.*|[(].*)$', '') as reason, kind, file
            from quarantine
            where $reason is null or contains(lower(reason), lower($reason))
        )
        select reason, kind, count(*) as rows, count(distinct file) as files
        from held
        group by reason, kind
        order by rows desc, reason
        """,
        {"reason": reason},
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, reason: str | None = None, limit: int = 50
) -> pl.DataFrame:
    """The held rows themselves (file, line, reason, raw), oldest first."""
    return fetch_frame(
        con,
        """
        select file, line, reason, raw
        from quarantine
        where $reason is null or contains(lower(reason), lower($reason))
        order by reason, file, line
        limit $limit
        """,
        {"reason": reason, "limit": limit},
    )
