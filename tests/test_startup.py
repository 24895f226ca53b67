"""The command's start-up (jobs.startup): the garbage collector paused around imports."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.startup import collector_paused, deferred_module


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
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_NUM_THREADS", "_RJEM_MALLOC_CONF")
    }
    setup = "from jobs.startup import tuned_native_libraries; tuned_native_libraries(); "
    return subprocess.run(
        [sys.executable, "-c", setup + code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**env, **environment},
    ).stdout.strip()


def test_blas_loads_single_threaded_unless_the_environment_says_otherwise():
    code = (
        "import numpy, scipy.linalg; from threadpoolctl import threadpool_info; "
        "print(sorted({i['num_threads'] for i in threadpool_info() "
        "if i['internal_api'] == 'openblas'}))"
    )
    assert printed_after_tuning(code) == "[1]"
    assert printed_after_tuning(code, OPENBLAS_NUM_THREADS="2") == "[2]"


def test_polars_allocator_keeps_freed_memory_unless_the_environment_says_otherwise():
    code = "import os, polars; print(os.environ['_RJEM_MALLOC_CONF'])"

    def effective(**environment) -> dict:
        # Polars puts its own settings first; jemalloc takes the last value of each key.
        return dict(
            pair.split(":") for pair in printed_after_tuning(code, **environment).split(",")
        )

    assert effective() == {"dirty_decay_ms": "30000", "muzzy_decay_ms": "30000"}
    assert effective(_RJEM_MALLOC_CONF="dirty_decay_ms:0")["dirty_decay_ms"] == "0"


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A package `deferred_pkg` that records each time its body runs, on sys.path."""
    root = tmp_path / "deferred_pkg"
    root.mkdir()
    (root / "__init__.py").write_text(
        "import builtins\n"
        "builtins.deferred_pkg_loads = getattr(builtins, 'deferred_pkg_loads', 0) + 1\n"
        "def double(x):\n    return 2 * x\n"
        "class Box:\n    size = 3\n"
    )
    (root / "sub.py").write_text("value = 7\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import builtins

    builtins.deferred_pkg_loads = 0
    yield lambda: builtins.deferred_pkg_loads
    for name in ("deferred_pkg", "deferred_pkg.sub"):
        sys.modules.pop(name, None)


def test_a_deferred_module_loads_when_a_name_from_it_is_first_used(package):
    loads = package
    with deferred_module("deferred_pkg"):
        import deferred_pkg
        from deferred_pkg import Box, double
    assert loads() == 0
    assert "deferred_pkg" not in sys.modules  # the stand-in is gone after the block
    assert double(21) == 42 and loads() == 1
    assert Box.size == 3 and deferred_pkg.double(1) == 2 and loads() == 1
    import deferred_pkg as real

    assert real.double is real.__dict__["double"] and loads() == 1


def test_a_deferred_module_unused_is_loaded_as_usual_by_a_later_import(package):
    loads = package
    with deferred_module("deferred_pkg"):
        from deferred_pkg import double  # noqa: F401
    import deferred_pkg

    assert loads() == 1 and deferred_pkg.double(2) == 4
    assert "double" in vars(deferred_pkg)


def test_a_submodule_of_a_deferred_package_can_be_imported(package):
    with deferred_module("deferred_pkg"):
        import deferred_pkg.sub

        assert deferred_pkg.sub.value == 7


def test_a_module_already_loaded_is_not_deferred(package):
    import deferred_pkg

    with deferred_module("deferred_pkg"):
        from deferred_pkg import double
    assert double is deferred_pkg.double and package() == 1


def test_a_run_imports_scikit_learn_without_loading_scipy_stats():
    """scipy.stats costs 0.4-0.5 s of CPU to load and a run calls nothing of it."""
    code = (
        "import sys; from jobs.nightly import _import_scikit_learn; _import_scikit_learn(); "
        "import scoring.candidates; from sklearn.metrics import roc_auc_score; "
        "print('scoring.candidates' in sys.modules, 'scipy.stats' in sys.modules, "
        "roc_auc_score([0, 1, 1], [0.1, 0.9, 0.8]))"
    )
    assert printed_after_tuning(code).split() == ["True", "False", "1.0"]


def test_ingest_and_run_never_load_pyarrow(tmp_path):
    """DuckDB and Polars exchange frames through the Arrow C stream interface
    (warehouse.connection): loading pyarrow would cost each process 0.1 s."""
    sample = Path(__file__).resolve().parents[1] / "sample"
    code = (
        "import sys; from jobs.startup import main\n"
        f"for args in (['ingest', {str(sample)!r}], ['run']):\n"
        f"    sys.argv = ['trackrecord', '--db', {str(tmp_path / 'w.duckdb')!r}, *args]\n"
        "    try:\n        main()\n    except SystemExit as done:\n        assert not done.code\n"
        "print('pyarrow' in sys.modules)"
    )
    assert printed_after_tuning(code).splitlines()[-1] == "False"
