"""Read-only SQL over the warehouse, for users' queries and for the report.

A user's query runs on a read-only connection with external access switched off, and only
if it is exactly one SELECT statement: nothing that writes, attaches, copies or reads files.
"""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.connection import fetch_frame
from warehouse.errors import BadInput


def check_read_only(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Raise BadInput unless `query` is a single SELECT statement."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as error:
        raise BadInput(f"SQL error: {_first_line(error)}") from error
    if len(statements) != 1:
        raise BadInput(f"one statement at a time, please (got {len(statements)})")
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise BadInput(
            f"read-only: {kind.name.lower()} statements are refused; `trackrecord sql` runs SELECT only"
        )


def read_query(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    """The result of a user's read-only query as a Polars frame."""
    check_read_only(con, query)
    try:
        return fetch_frame(con, query)
    except duckdb.Error as error:
        raise BadInput(f"SQL error: {_first_line(error)}") from error


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
