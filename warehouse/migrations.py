"""Schema migrations: numbered .sql files under warehouse/sql/, recorded in a ledger table
(as sqlite-utils records its migrations). Writers apply the missing ones when they open the
warehouse; `init` does it explicitly. Safe to repeat.
"""

from __future__ import annotations

from importlib import resources

import duckdb

from warehouse.database import sql_text, transaction
from warehouse.refresh import refresh_identities

MIGRATIONS_TABLE = "schema_migrations"

# Migrations after which every claim's source is identified again. 004 keeps one key per
# spelling (the latest loaded), so a claim loaded under an older trackrecord's identity rules
# may point to a source its spelling no longer names.
REIDENTIFY_AFTER = {"004_spellings.sql"}


def migration_files() -> list[tuple[int, str]]:
    """The numbered migrations shipped with the package, in order."""
    names = [
        entry.name
        for entry in resources.files("warehouse").joinpath("sql").iterdir()
        if entry.name[:3].isdigit() and entry.name.endswith(".sql")
    ]
    return sorted((int(name[:3]), name) for name in names)


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """The shipped migrations the warehouse's ledger does not list."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = $name",
        {"name": MIGRATIONS_TABLE},
    ).fetchall()[0][0]
    applied: set[int] = set()
    if exists:
        applied = {
            row[0] for row in con.execute("select version from schema_migrations").fetchall()
        }
    return [(version, name) for version, name in migration_files() if version not in applied]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations the ledger lacks, each in its own transaction; then, if one of
    them asks for it, identify every claim's source again on the schema they made."""
    con.execute(
        "create table if not exists schema_migrations "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    applied = []
    for version, name in pending_migrations(con):
        with transaction(con):
            con.execute(sql_text(name))
            con.execute(
                "insert into schema_migrations values ($version, $name, now()::timestamp)",
                {"version": version, "name": name},
            )
        applied.append(name)
    if REIDENTIFY_AFTER.intersection(applied):
        with transaction(con):
            refresh_identities(con)
    return applied
