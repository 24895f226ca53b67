"""The command's start-up (jobs.startup): the garbage collector paused around imports."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.startup import collector_paused


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_inside_and_back_on_after_with_the_imports_frozen(collector_on):
    frozen = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]  # stands in for what an import creates
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)


def test_it_resumes_even_when_the_import_fails(collector_on):
    with pytest.raises(ImportError):
        with collector_paused():
            import trackrecord_no_such_module  # noqa: F401
    assert gc.isenabled()


def test_a_collector_already_off_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def printed_after_tuning(code: str, **environment) -> str:
    """What a fresh interpreter prints running `code` after jobs.startup's tuning, with
    neither setting inherited from this process, and `environment` added."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "_RJEM_MALLOC_CONF")}
    setup = "from jobs.startup import tuned_native_libraries; tuned_native_libraries(); "
    return subprocess.run([sys.executable, "-c", setup + code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1],
                          env={**env, **environment}).stdout.strip()


def test_blas_loads_single_threaded_unless_the_environment_says_otherwise():
    code = ("import numpy, scipy.linalg; from threadpoolctl import threadpool_info; "
            "print(sorted({i['num_threads'] for i in threadpool_info() "
            "if i['internal_api'] == 'openblas'}))")
    assert printed_after_tuning(code) == "[1]"
    assert printed_after_tuning(code, OPENBLAS_NUM_THREADS="2") == "[2]"


def test_polars_allocator_keeps_freed_memory_unless_the_environment_says_otherwise():
    code = "import os, polars; print(os.environ['_RJEM_MALLOC_CONF'])"

    def effective(**environment) -> dict:
        # Polars puts its own settings first; jemalloc takes the last value of each key.
        return dict(pair.split(":") for pair in printed_after_tuning(code, **environment).split(","))

    assert effective() == {"dirty_decay_ms": "30000", "muzzy_decay_ms": "30000"}
    assert effective(_RJEM_MALLOC_CONF="dirty_decay_ms:0")["dirty_decay_ms"] == "0"
