"""The command's start-up: what a process loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_ingest_and_run_never_load_pyarrow(tmp_path):
    """DuckDB and Polars exchange frames through the Arrow C stream interface
    (warehouse.connection), so neither process needs pyarrow."""
    sample = Path(__file__).resolve().parents[1] / "sample"
    code = (
        "import sys; from jobs.startup import main\n"
        f"for args in (['ingest', {str(sample)!r}], ['run']):\n"
        f"    sys.argv = ['trackrecord', '--db', {str(tmp_path / 'w.duckdb')!r}, *args]\n"
        "    try:\n        main()\n    except SystemExit as done:\n        assert not done.code\n"
        "print('pyarrow' in sys.modules)"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    ).stdout
    assert printed.splitlines()[-1] == "False"
