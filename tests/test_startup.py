"""The command's start-up (jobs.startup): the garbage collector paused around imports."""

from __future__ import annotations

import gc

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
