"""Rows -> text: a table (rich), JSON, JSON Lines or CSV.

Rows are JSON-ready mappings (`document_to_record` output: dates as ISO 8601 strings in Kabul
time). In CSV, a list of plain values is joined with " | " (e.g. ``Politics | Taliban``); a
nested record or a list of records is written as compact JSON text.

Stored text comes from the site and is data, never instructions to a terminal or a spreadsheet:

- table cells are Rich ``Text`` (``[link=...]`` or ``[/]`` in a title is shown as written, not
  read as markup), and control characters (C0 but newline and tab, DEL, C1: ESC ``]8;;``,
  ESC ``[2J``, BEL...) are shown as ``\\xNN`` (``terminal_safe``);
- JSON escapes C1 controls and the Unicode line separators as ``\\uNNNN`` (the same data);
- a CSV cell holding text that starts with ``= + - @``, a tab or a carriage return gets a
  leading ``'`` so that a spreadsheet shows it instead of running it as a formula
  (``csv_safe``); numbers are left as they are. ``--raw-csv`` writes cells exactly as stored.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from bson import json_util
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv")
LIST_SEPARATOR = " | "
MAX_PIPED_WIDTH = 1000
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
JSON_UNSAFE = re.compile(r"[\x80-\x9f\u2028\u2029]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CSV_HELP = (
    "write CSV cells exactly as stored (default: a cell starting with = + - @, tab or "
    "carriage return gets a leading ' so that spreadsheets do not run it as a formula)"
)


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--format and --raw-csv, for a command that prints rows."""
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="output (default: table)"
    )
    parser.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)


def terminal_safe(text: str) -> str:
    """The text with every control character a terminal would act on shown as ``\\xNN``
    (a CRLF line end is a plain line end; a lone CR, which can overwrite a line, is shown)."""
    text = text.replace("\r\n", "\n")
    return TERMINAL_CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def csv_safe(value: Any, text: str) -> str:
    """The CSV cell for a value: text a spreadsheet would take for a formula gets a ``'``."""
    if isinstance(value, int | float) or not text.startswith(FORMULA_STARTS):
        return text
    return "'" + text


def json_safe(text: str) -> str:
    """JSON text with C1 controls and line separators escaped: the same data, terminal-safe."""
    return JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def cell_text(value: Any) -> str:
    """One value as flat text (CSV cells, table cells)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and not any(isinstance(v, Mapping | list) for v in value):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, Mapping | list):
        return json_text(value)
    return str(value)


def json_text(value: Any, indent: int | None = None) -> str:
    """JSON for output. A BSON value JSON has no type for (ObjectId, binary, timestamp...) is
    written as MongoDB Extended JSON (``{"$oid": ...}``), so every stored value can be exported."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(
        value,
        ensure_ascii=False,
        indent=indent,
        separators=separators,
        default=json_util.default,
    )
    return json_safe(text)


def json_line(row: Mapping[str, Any]) -> str:
    return json_text(row)


def csv_writer(stream: TextIO, fields: Sequence[str]) -> Any:
    """A csv.writer on the stream with the header already written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(fields)
    return writer


def csv_row(
    row: Mapping[str, Any], fields: Sequence[str], protect_formulas: bool = True
) -> list[str]:
    """The CSV cells of a row (``cell_text``), formula-neutralised unless told not to."""
    values = [row.get(name) for name in fields]
    if not protect_formulas:
        return [cell_text(value) for value in values]
    return [csv_safe(value, cell_text(value)) for value in values]


def write_table(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], stream: TextIO, title: str | None
) -> None:
    """A table as wide as a terminal allows; unwrapped (its natural width) when piped."""
    table = Table(show_lines=False)
    for name in fields:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(terminal_safe(cell_text(row.get(name)))) for name in fields))
    if stream.isatty():
        width = shutil.get_terminal_size().columns
    else:
        measuring = Console(width=MAX_PIPED_WIDTH)
        width = measuring.measure(table).maximum
    if title:
        stream.write(terminal_safe(title) + "\n")
    Console(file=stream, width=width, highlight=False, soft_wrap=False).print(table)


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    output_format: str,
    stream: TextIO,
    title: str | None = None,
    protect_formulas: bool = True,
) -> None:
    """Write the rows in one of FORMATS; only the named fields, in that order.

    ``protect_formulas=False`` writes CSV cells exactly as stored (``--raw-csv``)."""
    if output_format == "table":
        write_table(rows, fields, stream, title)
    elif output_format == "json":
        rows_list = [{name: row.get(name) for name in fields} for row in rows]
        stream.write(json_text(rows_list, indent=2) + "\n")
    elif output_format == "jsonl":
        for row in rows:
            stream.write(json_line({name: row.get(name) for name in fields}) + "\n")
    elif output_format == "csv":
        writer = csv_writer(stream, fields)
        for row in rows:
            writer.writerow(csv_row(row, fields, protect_formulas))
    else:
        raise ValueError(f"unknown format {output_format!r}")
