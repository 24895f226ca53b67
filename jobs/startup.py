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


def single_threaded_blas() -> None:
    """BLAS runs one thread unless OPENBLAS_NUM_THREADS says otherwise; before numpy loads."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    """Console entry point: jobs.cli.main, its imports made with the collector paused and
    BLAS single-threaded."""
    single_threaded_blas()
    with collector_paused():
        from jobs.cli import main as command
    command()
