"""Opening the DuckDB warehouse: read-only for readers, briefly writable for writers.

DuckDB lets one process write, and while it writes no other process can open the file. So
every open here retries for a few seconds when the file is busy and then raises
`WarehouseBusy` (exit 75). Writers migrate the schema on open; readers never write.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from warehouse.errors import NoWarehouse, WarehouseBusy

MIGRATIONS_TABLE = "schema_migrations"


def fetch_frame(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None):
    """A query's result as a Polars frame, passed through the Arrow C stream interface
    (DuckDB's own `.pl()` goes through a pyarrow table, and loading pyarrow costs a process
    0.1 s)."""
    return pl.DataFrame(con.sql(query, params=params))


class _ArrowStream:
    """A Polars frame as DuckDB reads it through the Arrow C stream interface (DuckDB reads
    a Polars frame itself through a pyarrow table: see fetch_frame)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self._frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self._frame.__arrow_c_stream__(requested_schema)


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Make Polars `frame` readable as the view `name` (con.unregister(name) when done)."""
    con.register(name, _ArrowStream(frame))


def sql_text(name: str) -> str:
    """The text of `warehouse/sql/<name>`."""
    return resources.files("warehouse").joinpath("sql", name).read_text(encoding="utf-8")


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


def in_utc(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Set a connection, or a cursor (which does not inherit its parent's settings), to
    read and show timestamps in UTC, whatever the host's time zone."""
    con.execute("set TimeZone = 'UTC'")
    return con


def _is_lock_error(error: Exception) -> bool:
    message = str(error).lower()
    return "lock" in message and ("conflicting" in message or "could not set" in message)


def _open(path: Path, *, read_only: bool, busy_timeout: float, config: dict | None = None):
    deadline = time.monotonic() + busy_timeout
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config or {})
            in_utc(con)
            return con
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                holder = re.search(r"PID (\d+)", str(error))
                who = f"process {holder.group(1)}" if holder else "another process"
                doing = "is writing to it" if read_only else "has it open"
                raise WarehouseBusy(
                    f"the warehouse {path} is busy ({who} {doing}); try again later"
                ) from error
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def connect_write(path: Path, *, busy_timeout: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, creating and migrating it when needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only=False, busy_timeout=busy_timeout)
    migrate(con)
    return con


def open_read_only(path: Path, *, busy_timeout: float = 10.0) -> duckdb.DuckDBPyConnection:
    """Open an existing warehouse read-only, whatever its schema version."""
    return _open(path, read_only=True, busy_timeout=busy_timeout)


def connect_read(
    path: Path, *, busy_timeout: float = 10.0, sandboxed: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only. `sandboxed` also switches off access to files and the
    network, for SQL typed by users."""
    if not path.exists():
        raise NoWarehouse(
            f"no warehouse at {path}: run `trackrecord init` and `trackrecord ingest` first"
        )
    config = {"enable_external_access": False} if sandboxed else None
    con = _open(path, read_only=True, busy_timeout=busy_timeout, config=config)
    if pending_migrations(con):
        con.close()
        raise NoWarehouse(
            f"the warehouse {path} is from an older trackrecord: run `trackrecord init` to migrate it"
        )
    return con


def migration_files() -> list[tuple[int, str]]:
    """The numbered migrations shipped with the package, in order."""
    names = [
        entry.name
        for entry in resources.files("warehouse").joinpath("sql").iterdir()
        if entry.name[:3].isdigit() and entry.name.endswith(".sql")
    ]
    return sorted((int(name[:3]), name) for name in names)


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = $name",
        {"name": MIGRATIONS_TABLE},
    ).fetchall()[0][0]
    applied: set[int] = set()
    if exists:
        applied = {
            row[0] for row in con.execute(f"select version from {MIGRATIONS_TABLE}").fetchall()
        }
    return [(version, name) for version, name in migration_files() if version not in applied]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the ledger lacks, each in its own transaction. Safe to repeat."""
    con.execute(
        f"create table if not exists {MIGRATIONS_TABLE} "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    applied = []
    for version, name in pending_migrations(con):
        with transaction(con):
            con.execute(sql_text(name))
            con.execute(
                f"insert into {MIGRATIONS_TABLE} values ($version, $name, now()::timestamp)",
                {"version": version, "name": name},
            )
        applied.append(name)
    if any(name in _REIDENTIFY_AFTER for name in applied):
        _reidentify(con)
    return applied


# Migrations after which every claim's source must be identified again. 004 keeps one key per
# spelling (the latest loaded), so a claim loaded under an older trackrecord's identity rules
# may point to a source its spelling no longer names.
_REIDENTIFY_AFTER = {"004_spellings.sql"}


def _reidentify(con: duckdb.DuckDBPyConnection) -> None:
    """Point every claim to its source as the stored spellings and aliases identify it, and
    rebuild `sources` and `outlets`: once all migrations are in, on the schema they made."""
    from warehouse.ingest import refresh_identities  # ingest builds on this module

    with transaction(con):
        refresh_identities(con)
