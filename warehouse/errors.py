"""Errors that end a command, each carrying the exit code the contract gives it.

The CLI turns them into one line on stderr; only `--debug` shows a traceback.
"""


class TrackrecordError(Exception):
    """A command failed (exit 1)."""

    exit_code = 1


class BadInput(TrackrecordError):
    """Bad usage or input of which nothing could load (exit 2)."""

    exit_code = 2


class WarehouseBusy(TrackrecordError):
    """Another process holds the warehouse; try again later (exit 75, EX_TEMPFAIL)."""

    exit_code = 75


class NoWarehouse(TrackrecordError):
    """The warehouse file does not exist yet."""

    exit_code = 1
