"""Progress and log lines on stderr: a spinner on a terminal, JSON lines for schedulers.

Data goes to stdout; everything here goes to stderr, and the spinner only when stderr is a
terminal, so cron mail and pipes stay clean.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator

from rich.console import Console


def log_json(event: str, **fields) -> None:
    record = {"ts": datetime.now(timezone.utc).isoformat(timespec="seconds"), "event": event, **fields}
    print(json.dumps(record, default=str), file=sys.stderr, flush=True)


@contextmanager
def step_reporter(log_format: str = "text") -> Iterator[Callable[[str], None]]:
    """Yields `note(message)`: shows the current step (spinner on a TTY, JSON line with
    --log-format json, nothing otherwise)."""
    started = time.monotonic()
    if log_format == "json":
        yield lambda message: log_json("step", message=message,
                                       elapsed=round(time.monotonic() - started, 2))
        return
    if not sys.stderr.isatty():
        yield lambda message: None
        return
    console = Console(stderr=True)
    with console.status("starting") as status:
        yield lambda message: status.update(f"{message} ({time.monotonic() - started:.0f}s)")
