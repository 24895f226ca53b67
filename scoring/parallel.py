"""Independent pieces of model work side by side, one thread per core.

The fits of a run (the text models, the candidates) and the scoring of blocks of claims do
not depend on each other, and their heavy loops release the GIL, so Python threads keep the
cores busy. Results come back in the order of the inputs, so the numbers do not depend on
which piece finishes first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def side_by_side(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """[function(item) for item in items], computed on WORKERS threads, in input order."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(function, items))
