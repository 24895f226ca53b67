"""The identity refresh: every stored claim's source resolved through the spellings and the
alias table, and the `sources` and `outlets` tables rebuilt from them
(sql/refresh_identities.sql). It follows every change of what a source is: an ingest, an
alias added or removed, a migration that keys spellings anew.

The rules themselves are warehouse.identity's (a spelling's key and name) and the macros of
sql/007_macros.sql (aliases, identity keys, ids); this module applies them to what is stored.
"""

from __future__ import annotations

import duckdb

from warehouse.database import run_script


def refresh_identities(con: duckdb.DuckDBPyConnection) -> None:
    """Give every claim whose identity changed its new source_id, and rebuild `sources`
    and `outlets`. Call inside a transaction."""
    run_script(con, "refresh_identities.sql")
