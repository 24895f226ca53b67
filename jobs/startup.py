"""Start-up of the `trackrecord` command (pyproject.toml's [project.scripts] points here).

Importing Polars, DuckDB and click, and later scikit-learn and scipy, makes hundreds of
thousands of Python objects, and CPython's cyclic garbage collector walks the growing heap
again and again while they are made, finding nothing to free: 0.1-0.2 s of every run. So the
collector is paused while a command's libraries are imported; what the imports made is then
frozen (left out of the collector's later walks, as module objects live until exit anyway)
and the collector resumes for the command's own work.
"""

from __future__ import annotations

import gc
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


def main() -> None:
    """Console entry point: jobs.cli.main, its imports made with the collector paused."""
    with collector_paused():
        from jobs.cli import main as command
    command()
