"""Read-only SQL over the warehouse, for users' queries and for the report.

A user's query runs on a read-only connection with external access switched off, and only
if it is exactly one SELECT statement: nothing that writes, attaches, copies or reads files.
"""

from __future__ import annotations

import re

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


# Types Polars cannot take from DuckDB (an interval, a union, anywhere in a column's type):
# such a column is shown as DuckDB writes it as text.
_AS_TEXT = re.compile(r"\bINTERVAL\b|\bUNION\(")


def read_query(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    """The result of a user's read-only query as a Polars frame."""
    check_read_only(con, query)
    try:
        relation = con.sql(query)  # bound, not run: its columns and their types
        as_text = [
            name
            for name, kind in zip(relation.columns, relation.types, strict=False)
            if _AS_TEXT.search(str(kind))
        ]
        if as_text:
            casts = ", ".join(f"{_quoted(name)}::varchar as {_quoted(name)}" for name in as_text)
            query = f"select * replace ({casts}) from ({query.strip().rstrip(';')})"
        return fetch_frame(con, query)
    except duckdb.Error as error:
        raise BadInput(f"SQL error: {_first_line(error)}") from error


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
