"""The run lock: one nightly run at a time per warehouse.

DuckDB's own file lock only guards the moments a process has the file open, and a run keeps
it open only while reading and publishing. So a run first takes an exclusive `flock` on
`<warehouse>.lock`; a second run finds it taken and exits 75 at once. The kernel drops the
lock when the process dies, even by kill -9, so a killed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.errors import WarehouseBusy


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


@contextmanager
def run_lock(db: Path) -> Iterator[None]:
    """Hold the run lock of `db`, or raise WarehouseBusy immediately."""
    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise WarehouseBusy(
                f"another trackrecord run holds {db} (lock {path}); try again later"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()
