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

scikit-learn imports scipy.stats as it loads, for a few helpers (gmean, rankdata, spearmanr,
chi2, mode) of estimators and metrics a run never calls, and scipy.stats builds a hundred
probability distributions as it loads: 0.4-0.5 s of CPU in every run. A run imports
scikit-learn with scipy.stats deferred (`deferred_module`): a stand-in takes its place while
scikit-learn loads, and the real module loads the first time one of its names is called or
looked into, so whatever uses it gets the real thing.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
import sys
import threading
import types
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


class _DeferredModule(types.ModuleType):
    """Stands in for a module in sys.modules (see deferred_module). Every name looked up in it
    is a _DeferredName; the real module loads, once, when one of them is first used. Its
    __path__ is the real package's, so that a submodule can still be imported from it."""

    def __init__(self, spec) -> None:
        super().__init__(spec.name)
        self.__spec__ = spec
        self.__path__ = list(spec.submodule_search_locations or [])
        self._lock = threading.RLock()
        self._real: types.ModuleType | None = None

    def __getattr__(self, name: str):
        if name.startswith("__"):  # the import system's questions, not the module's names
            raise AttributeError(name)
        return _DeferredName(self, name)

    def loaded(self) -> types.ModuleType:
        """The real module, imported the first time it is asked for (from any thread)."""
        with self._lock:
            if self._real is None:
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                self._real = importlib.import_module(self.__name__)
            return self._real


class _DeferredName:
    """A name taken from a deferred module before it loaded (`from scipy.stats import
    rankdata`): calling it, or looking up one of its attributes, loads the module and goes to
    the real object."""

    __slots__ = ("_module", "_name")

    def __init__(self, module: _DeferredModule, name: str) -> None:
        self._module = module
        self._name = name

    def _real(self):
        return getattr(self._module.loaded(), self._name)

    def __call__(self, *args, **kwargs):
        return self._real()(*args, **kwargs)

    def __getattr__(self, attribute: str):
        return getattr(self._real(), attribute)

    def __repr__(self) -> str:
        return f"<{self._module.__name__}.{self._name}, loaded when first used>"


@contextmanager
def deferred_module(name: str) -> Iterator[None]:
    """Inside the block, importing module `name` (or names from it) does not load it: a
    stand-in does, whose names load the real module when first called or looked into. After
    the block, an import of `name` loads the real module as usual; the names taken inside it
    keep working. Nothing is deferred when the module is loaded already."""
    spec = None if name in sys.modules else importlib.util.find_spec(name)
    if spec is None:
        yield
        return
    stand_in = _DeferredModule(spec)
    sys.modules[name] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]


def main() -> None:
    """Console entry point: jobs.cli.main, its imports made with the collector paused and
    the native libraries tuned (tuned_native_libraries)."""
    tuned_native_libraries()
    with collector_paused():
        from jobs.cli import main as command
    command()
