"""The `trackrecord` command's entry point (pyproject.toml's [project.scripts] points here)."""

import os


def main() -> None:
    """Run the command, with one BLAS thread unless the environment says otherwise."""
    # Set before numpy loads: the run fits its models side by side (scoring.parallel), and
    # OpenBLAS's own threads would spin on the cores between its calls.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from jobs.cli import main as command

    command()
