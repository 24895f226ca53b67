"""Render a result frame as text: a table for people, or csv, json or markdown for other tools.

`trackrecord sql` and `trackrecord report` print through `render`. The frame may hold any type
DuckDB hands Polars; each format turns the types it cannot hold natively into text the same way
(datetimes as ISO 8601, binary as hex, lists and structs as JSON), so a value reads alike in
every format.

Every rendering ends in exactly one newline: print it with `click.echo(text, nl=False)`.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json", "markdown")

# ISO 8601 with a "T"; `%.f` prints fractional seconds only when there are some.
_ISO_DATETIME = "%Y-%m-%dT%H:%M:%S%.f"
_ISO_TIME = "%H:%M:%S%.f"

# Types Polars' JSON writer already writes as the contract says (numbers, strings, booleans,
# ISO dates, null); everything else is converted first.
_JSON_READY = (pl.String, pl.Boolean, pl.Date, pl.Null, pl.Categorical, pl.Enum)

# Polars 2 added a Map type; on Polars 1 there is none to handle.
_MAP = getattr(pl, "Map", None)


def render(
    frame: pl.DataFrame,
    fmt: str,
    *,
    title: str | None = None,
    width: int = 100,
    max_rows: int | None = None,
    keep_whole: tuple[str, ...] = (),
) -> str:
    """Return `frame` as text in format `fmt` (table, csv, json or markdown).

    `title` heads the table and markdown renderings; csv and json leave it out so that they stay
    parseable. `width` is the number of terminal columns the table must fit in, and `max_rows`,
    if given, the most rows it shows (the rest are counted); the other formats write every row.
    """
    if fmt == "json":
        return _render_json(frame)
    if fmt == "csv":
        return _render_csv(frame)
    if fmt == "markdown":
        return _render_markdown(frame, title)
    if fmt == "table":
        return _render_table(frame, title, width, max_rows, keep_whole)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


# --- conversions shared by the formats --------------------------------------------------------


def _is_json_ready(dtype: pl.DataType) -> bool:
    """True if Polars' JSON writer writes `dtype` (and everything nested in it) as we want."""
    if isinstance(dtype, (pl.List, pl.Array)):
        return _is_json_ready(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return all(_is_json_ready(field.dtype) for field in dtype.fields)
    if _MAP is not None and isinstance(dtype, _MAP):
        # Written as an object, which needs string keys.
        return dtype.key == pl.String and _is_json_ready(dtype.value)
    if isinstance(dtype, pl.Decimal):
        return False  # written as a string; the contract wants numbers as numbers
    return dtype.is_numeric() or isinstance(dtype, _JSON_READY)


def _as_json_value(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """`expr` converted, recursively, to types that JSON holds: numbers, strings, lists, objects."""
    if _is_json_ready(dtype):
        return expr
    if isinstance(dtype, pl.Datetime):
        zone = "%:z" if dtype.time_zone else ""
        return expr.dt.to_string(_ISO_DATETIME + zone)
    if isinstance(dtype, pl.Decimal):
        # DuckDB's HUGEINT arrives as a decimal of scale 0: keep it a whole number.
        return expr.cast(pl.Int128 if dtype.scale == 0 else pl.Float64)
    if isinstance(dtype, pl.Duration):
        return expr.dt.to_string("iso")
    if dtype == pl.Time:
        return expr.dt.to_string(_ISO_TIME)
    if dtype == pl.Binary:
        return expr.bin.encode("hex")
    if isinstance(dtype, pl.List):
        return expr.list.eval(_as_json_value(pl.element(), dtype.inner))
    if isinstance(dtype, pl.Array):
        return _as_json_value(expr.arr.to_list(), pl.List(dtype.inner))
    if isinstance(dtype, pl.Struct):
        fields = [
            _as_json_value(expr.struct.field(field.name), field.dtype).alias(field.name)
            for field in dtype.fields
        ]
        # pl.struct of the fields of a null struct is a struct of nulls, not null: keep null.
        return pl.when(expr.is_null()).then(None).otherwise(pl.struct(fields))
    if _MAP is not None and isinstance(dtype, _MAP):
        return _map_as_json_value(expr, dtype)
    # Python objects and any type newer than this module: their str() is the best we know.
    return expr.map_batches(_stringify, return_dtype=pl.String)


def _map_as_json_value(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A map as a JSON object if its keys are strings, else as a list of {key, value} pairs."""
    entry = pl.Struct({"key": dtype.key, "value": dtype.value})
    entries = _as_json_value(expr.map.entries(), pl.List(entry))
    return entries.list.to_map() if dtype.key == pl.String else entries


def _stringify(series: pl.Series) -> pl.Series:
    """Each value's str(), nulls kept: the last resort for types nothing else knows."""
    shown = [None if value is None else str(value) for value in series.to_list()]
    return pl.Series(series.name, shown, dtype=pl.String)


def _as_text(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """`expr` as a string column; lists and structs as compact JSON, nulls stay null."""
    if dtype.is_nested():
        # Polars encodes structs to JSON, not bare lists, so wrap the value as {"v": ...} and
        # cut the wrapper off again: vectorised, unlike a json.dumps per row.
        wrapped = pl.struct(_as_json_value(expr, dtype).alias("v")).struct.json_encode()
        unwrapped = wrapped.str.slice(len('{"v":')).str.head(-1)
        return pl.when(expr.is_null()).then(None).otherwise(unwrapped)
    if isinstance(dtype, pl.Decimal) or _is_json_ready(dtype):
        return expr.cast(pl.String)  # a decimal keeps its exact digits as text
    return _as_json_value(expr, dtype)


def _convert(
    frame: pl.DataFrame,
    convert: Callable[[pl.Expr, pl.DataType], pl.Expr],
    keep: tuple[type[pl.DataType], ...] = (),
) -> pl.DataFrame:
    """`frame` with `convert` applied to every column whose type is not one of `keep`."""
    return frame.select(
        pl.col(name) if isinstance(dtype, keep) else convert(pl.col(name), dtype).alias(name)
        for name, dtype in frame.schema.items()
    )


# --- the formats --------------------------------------------------------------------------


def _render_json(frame: pl.DataFrame) -> str:
    """One JSON array of objects; Polars already writes NaN and infinity as null."""
    return _convert(frame, _as_json_value).write_json() + "\n"


# Types the CSV writer handles itself, as we want them: it prints dates in ISO and decimals exact.
_CSV_NATIVE = (
    *(pl.String, pl.Boolean, pl.Date, pl.Null, pl.Categorical, pl.Enum, pl.Decimal),
    *(pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.Int128, pl.Float32, pl.Float64),
    *(pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64),
)


def _render_csv(frame: pl.DataFrame) -> str:
    """A header line, then one line per row, each ending in a bare newline."""
    text = _convert(frame, _as_text, keep=_CSV_NATIVE).write_csv(line_terminator="\n")
    return text if text.endswith("\n") else text + "\n"


def _escape_markdown(expr: pl.Expr) -> pl.Expr:
    """A cell's text made safe inside a GitHub table row: pipes escaped, line breaks as <br>."""
    return expr.str.replace_all("|", r"\|", literal=True).str.replace_all(r"\r?\n|\r", "<br>")


def _render_markdown(frame: pl.DataFrame, title: str | None) -> str:
    """A GitHub-flavoured table: header row, `|---|` rule, one row per line."""
    if frame.width == 0:
        return f"**{title}**\n" if title else "\n"
    header = "| " + " | ".join(name.replace("|", r"\|") for name in frame.columns) + " |"
    rule = "|" + "---|" * frame.width
    cells = [
        _escape_markdown(_as_text(pl.col(name), dtype)).fill_null("")
        for name, dtype in frame.schema.items()
    ]
    # One vectorised concat builds every row; a separator " | " goes between the cells.
    rows = (
        frame.select(
            pl.concat_str([pl.lit("| "), pl.concat_str(cells, separator=" | "), pl.lit(" |")])
        )
        .to_series()
        .to_list()
    )
    heading = [f"**{title}**", ""] if title else []
    return "\n".join([*heading, header, rule, *rows]) + "\n"


def _table_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as one-line display text: floats with 3 decimals, nulls empty."""
    columns = []
    for name, dtype in frame.schema.items():
        if dtype.is_float():
            # Rich walks every row in Python anyway, so formatting here costs nothing extra.
            shown = [None if value is None else f"{value:.3f}" for value in frame[name].to_list()]
            columns.append(pl.Series(name, shown, dtype=pl.String))
        else:
            text = _as_text(pl.col(name), dtype).str.replace_all(r"\r?\n|\r|\t", " ")
            columns.append(frame.select(text).to_series().alias(name))
    return pl.DataFrame(columns).fill_null("")


def _is_shrinkable(dtype: pl.DataType) -> bool:
    """Text-like columns may be cut to fit; numbers, dates and booleans are read whole."""
    return not (dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean)


def _widest_fit(widths: list[int], room: int) -> int:
    """The largest cap with sum(min(width, cap)) <= room: the widest columns give way first."""
    low, high = 1, max(widths, default=1)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(width, cap) for width in widths) <= room:
            low = cap
        else:
            high = cap - 1
    return low


# A text column cut below this many characters says nothing; past it, numbers give way too.
_TEXT_FLOOR = 8


def _column_widths(natural: dict[str, int], shrinkable: set[str], room: int) -> dict[str, int]:
    """Each column's width so that together they fit in `room` characters where they can.

    Text columns give way first, widest first, down to a few characters; only if that is not
    enough are the widest of all columns cut.
    """
    fixed = sum(width for name, width in natural.items() if name not in shrinkable)
    text_cap = _widest_fit([natural[name] for name in shrinkable], room - fixed)
    text_cap = max(text_cap, _TEXT_FLOOR)
    widths = {
        name: min(width, text_cap) if name in shrinkable else width
        for name, width in natural.items()
    }
    if sum(widths.values()) > room:
        cap = _widest_fit(list(widths.values()), room)
        widths = {name: min(width, cap) for name, width in widths.items()}
    return widths


def _render_table(
    frame: pl.DataFrame,
    title: str | None,
    width: int,
    max_rows: int | None,
    keep_whole: tuple[str, ...] = (),
) -> str:
    """A plain-text table for a terminal `width` columns wide; long text ends in an ellipsis."""
    if frame.height == 0:
        return f"{title}\n(no rows)\n" if title else "(no rows)\n"
    # Rich lays out some 3,000 rows a second: a cap keeps a careless query from hanging.
    hidden = 0 if max_rows is None else max(frame.height - max_rows, 0)
    frame = frame.head(frame.height - hidden)
    cells = _table_cells(frame)
    natural = {
        name: max([cell_len(name), *(cell_len(cell) for cell in cells[name].to_list())])
        for name in cells.columns
    }
    shrinkable = {name for name, dtype in frame.schema.items() if _is_shrinkable(dtype)} - set(
        keep_whole
    )
    # Between two columns go a padding space, the box's blank divider and another padding space.
    widths = _column_widths(natural, shrinkable, room=width - 3 * (frame.width - 1))

    table = Table(
        title=Text(title) if title else None,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for name, _dtype in frame.schema.items():
        table.add_column(
            Text(name),
            justify="left" if name in shrinkable else "right",
            no_wrap=True,
            overflow="ellipsis",
            max_width=widths[name],
        )
    # Text() rather than str so that "[bold]" or ":smile:" in the data prints as written.
    for row in cells.iter_rows():
        table.add_row(*(Text(cell) for cell in row))
    more = f"… and {hidden:,} more rows\n" if hidden else ""
    return _print_plain(table, width) + more


def _print_plain(table: Table, width: int) -> str:
    """`table` printed to a string without colour codes, whatever the environment says."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        legacy_windows=False,
        emoji=False,
        highlight=False,
    )
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    return "\n".join(lines) + "\n"
