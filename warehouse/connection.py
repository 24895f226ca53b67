"""Opening the DuckDB warehouse: read-only for readers, briefly writable for writers.

DuckDB lets one process write, and while it writes no other process can open the file. So
every open here retries for a few seconds when the file is busy and then raises
`WarehouseBusy` (exit 75). Writers migrate the schema on open; readers never write.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb

from warehouse.database import fetch_frame, register_frame, sql_text, transaction
from warehouse.errors import NoWarehouse, WarehouseBusy
from warehouse.migrations import MIGRATIONS_TABLE, migrate, migration_files, pending_migrations

# Re-exported: the rest of the package and its tests open the warehouse and run SQL through
# this module.
__all__ = [
    "MIGRATIONS_TABLE",
    "connect_read",
    "connect_write",
    "fetch_frame",
    "in_utc",
    "migrate",
    "migration_files",
    "open_read_only",
    "pending_migrations",
    "register_frame",
    "sql_text",
    "transaction",
]


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
            f"the warehouse {path} is from an older trackrecord: "
            "run `trackrecord init` to migrate it"
        )
    return con
