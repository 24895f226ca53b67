"""Reading a test warehouse back: each query on its own read-only connection, closed at once
(a test that kept one open would block the next writer, as a real reader would)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl


def q(db: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """The rows of a query."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def frame(db: Path, sql: str, params: dict | None = None) -> pl.DataFrame:
    """The result of a query as a Polars frame."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql, params=params).pl()
    finally:
        con.close()
