"""Start-up of the `trackrecord` command (pyproject.toml's [project.scripts] points here).

Importing Polars, DuckDB and click, and later scikit-learn and scipy, makes hundreds of
thousands of Python objects, and CPython's cyclic garbage collector walks the growing heap
again and again while they are made, finding nothing to free: 0.1-0.2 s of every run. So the
collector is paused while a command's libraries are imported; what the imports made is then
frozen (left out of the collector's later walks, as module objects live until exit anyway)
and the collector resumes for the command's own work.

OpenBLAS (numpy's and scipy's each) starts a thread per core as it loads, and its threads
spin, waiting for work, for a while after loading and after every call: 0.3 s of CPU in a run
on two cores, taken from Polars and DuckDB. trackrecord fits its models single-threaded side
by side (scoring.parallel), so BLAS gets one thread unless the environment says otherwise.

Polars' allocator (its own jemalloc) hands freed memory back to the system within a second
(Polars sets dirty_decay_ms:500,muzzy_decay_ms:1000, for long-lived processes; see
polars/__init__.py), and a run soon needs it again: every page comes back as a fault, a
fifth of a run's CPU spent in the kernel. Kept for 30 s (ALLOCATOR, appended to Polars'
settings the way Polars reads an override), a run at a million claims faults a tenth less
and takes 0.1 s less (sys 1.3 s -> 1.0 s), for 0.3 GB more at its peak.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (an import); afterwards freeze what
    exists and resume it, unless it was already off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


# Polars' jemalloc (its symbols prefixed _rjem_, so its settings are read from
# _RJEM_MALLOC_CONF): freed pages kept 30 s before they go back to the system.
ALLOCATOR = "dirty_decay_ms:30000,muzzy_decay_ms:30000"


def tuned_native_libraries() -> None:
    """BLAS runs one thread, Polars' allocator keeps freed memory (ALLOCATOR), unless the
    environment says otherwise. Before numpy and Polars load: they read it as they load."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR)


def main() -> None:
    """Console entry point: jobs.cli.main, its imports made with the collector paused and
    the native libraries tuned (tuned_native_libraries)."""
    tuned_native_libraries()
    with collector_paused():
        from jobs.cli import main as command
    command()
