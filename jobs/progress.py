"""Progress and log lines on stderr: a progress bar on a terminal, JSON lines for schedulers.

Data goes to stdout; everything here goes to stderr, and the bar only when stderr is a
terminal, so cron mail and pipes stay clean.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def log_json(event: str, **fields) -> None:
    record = {"ts": datetime.now(UTC).isoformat(timespec="seconds"), "event": event, **fields}
    print(json.dumps(record, default=str), file=sys.stderr, flush=True)


@contextmanager
def step_reporter(
    log_format: str = "text", total: int | None = None
) -> Iterator[Callable[[str], None]]:
    """Yields `note(message)`, called as each step starts: a progress bar over `total`
    steps on a terminal, a JSON line per step with --log-format json, nothing otherwise."""
    started = time.monotonic()
    if log_format == "json":
        yield lambda message: log_json(
            "step", message=message, elapsed=round(time.monotonic() - started, 2)
        )
        return
    if not sys.stderr.isatty():
        yield lambda message: None
        return
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("starting", total=total)
        steps = 0

        def note(message: str) -> None:
            nonlocal steps
            # Each new step means the previous one finished.
            # A step the total did not foresee (a file read again) does not run past the end.
            done = steps if total is None else min(steps, total - 1)
            progress.update(task, description=message, completed=done)
            steps += 1

        yield note
        progress.update(task, completed=total or steps)
