"""Independent pieces of model work side by side, one per core, each single-threaded inside.

The fits of a run (the text models, three candidates) and the scoring of blocks of rows do
not depend on each other, and their heavy loops release the GIL, so Python threads put the
cores to work. Inside each piece OpenMP (scikit-learn's trees) stays at one thread, as BLAS
does (see scoring.model): no thread pool of theirs spins waiting for another. Results come
back in the order of the inputs, so a run gives the same numbers whichever finishes first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

import numpy as np
from threadpoolctl import ThreadpoolController

T = TypeVar("T")
R = TypeVar("R")

# One thread per core this process may use (two on the nightly machine); a phase of the
# model has at most four independent fits (the text models), and blocks gain little beyond
# four.
WORKERS = max(
    1,
    min(
        4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ),
)
# Rows scored at a time by `blockwise`: a block of a feature matrix, with the copies a
# pipeline makes of it, stays in cache and in memory the allocator reuses.
BLOCK_ROWS = 1 << 15


def thread_limits() -> ThreadpoolController:
    """The thread pools of the native libraries loaded (BLAS, and OpenMP once scikit-learn
    has brought it in), found once for each of the two cases: finding them walks every
    loaded library."""
    return _controller("sklearn" in sys.modules)


@cache
def _controller(sklearn_loaded: bool) -> ThreadpoolController:
    return ThreadpoolController()


def side_by_side(
    function: Callable[[T], R], items: Iterable[T], pool: ThreadPoolExecutor | None = None
) -> list[R]:
    """[function(item) for item in items], run on the threads of `pool` (a new pool of
    WORKERS when None), in input order."""
    # OpenMP's thread count belongs to each calling thread, so it is set in the worker.
    controller = thread_limits()

    def one_thread_inside(item: T) -> R:
        with controller.limit(limits=1, user_api="openmp"):
            return function(item)

    if pool is not None:
        return list(pool.map(one_thread_inside, items))
    with ThreadPoolExecutor(max_workers=WORKERS) as own:
        return list(own.map(one_thread_inside, items))


def blockwise(
    functions: dict[str, Callable[[slice], np.ndarray]],
    rows: int,
    pool: ThreadPoolExecutor | None = None,
) -> dict[str, np.ndarray]:
    """{name: function(slice(0, rows))} for each of `functions` (of a slice of rows, giving
    one value per row), computed over blocks of BLOCK_ROWS rows side by side: the cores share
    the trees' slow row-by-row scoring."""
    blocks = [slice(start, min(start + BLOCK_ROWS, rows)) for start in range(0, rows, BLOCK_ROWS)]
    jobs = [(name, part) for name in functions for part in blocks]
    done = iter(side_by_side(lambda job: functions[job[0]](job[1]), jobs, pool))
    return {
        name: np.concatenate([next(done) for _ in blocks] or [np.empty(0)]) for name in functions
    }
