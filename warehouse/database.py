"""What every module that talks to DuckDB shares: the package's .sql files, transactions, and
frames passed between DuckDB and Polars.

Frames go through the Arrow C stream interface: DuckDB's own `.pl()` and its reading of a
Polars frame go through pyarrow, which a command would otherwise never load.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

import duckdb
import polars as pl


def sql_text(name: str) -> str:
    """The text of `warehouse/sql/<name>`."""
    return resources.files("warehouse").joinpath("sql", name).read_text(encoding="utf-8")


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """Run every statement of `warehouse/sql/<name>` in order, each with the parameters it
    names (DuckDB binds parameters one statement at a time)."""
    params = params or {}
    for statement in con.extract_statements(sql_text(name)):
        con.execute(statement, {key: params[key] for key in statement.named_parameters})


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: the block's writes are committed when it ends, rolled back if it
    raises (and the error raised again)."""
    con.execute("begin")
    try:
        yield con
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def fetch_frame(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None):
    """A query's result as a Polars frame."""
    return pl.DataFrame(con.sql(query, params=params))


class _ArrowStream:
    """A Polars frame as DuckDB reads it: through the Arrow C stream interface only."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Make Polars `frame` readable as the view `name` (con.unregister(name) when done)."""
    con.register(name, _ArrowStream(frame))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[None]:
    """Polars `frame` readable as the view `name` for the length of the block."""
    register_frame(con, name, frame)
    try:
        yield
    finally:
        con.unregister(name)
