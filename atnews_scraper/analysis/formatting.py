"""Rows -> text: a table (rich), JSON, JSON Lines or CSV.

Rows are JSON-ready mappings (`document_to_record` output: dates as ISO 8601 strings in Kabul
time). In CSV, a list of plain values is joined with " | " (e.g. ``Politics | Taliban``); a
nested record or a list of records is written as compact JSON text.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "jsonl", "csv")
LIST_SEPARATOR = " | "
MAX_PIPED_WIDTH = 1000


def cell_text(value: Any) -> str:
    """One value as flat text (CSV cells, table cells)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and not any(isinstance(v, Mapping | list) for v in value):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, Mapping | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def json_line(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def csv_writer(stream: TextIO, fields: Sequence[str]) -> Any:
    """A csv.writer on the stream with the header already written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(fields)
    return writer


def write_table(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], stream: TextIO, title: str | None
) -> None:
    """A table as wide as a terminal allows; unwrapped (its natural width) when piped."""
    table = Table(show_lines=False)
    for name in fields:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(cell_text(row.get(name)) for name in fields))
    if stream.isatty():
        width = shutil.get_terminal_size().columns
    else:
        measuring = Console(width=MAX_PIPED_WIDTH)
        width = measuring.measure(table).maximum
    if title:
        stream.write(title + "\n")
    Console(file=stream, width=width, highlight=False, soft_wrap=False).print(table)


def write_rows(
    rows: Iterable[Mapping[str, Any]],
    fields: Sequence[str],
    output_format: str,
    stream: TextIO,
    title: str | None = None,
) -> None:
    """Write the rows in one of FORMATS; only the named fields, in that order."""
    if output_format == "table":
        write_table(rows, fields, stream, title)
    elif output_format == "json":
        rows_list = [{name: row.get(name) for name in fields} for row in rows]
        stream.write(json.dumps(rows_list, ensure_ascii=False, indent=2) + "\n")
    elif output_format == "jsonl":
        for row in rows:
            stream.write(json_line({name: row.get(name) for name in fields}) + "\n")
    elif output_format == "csv":
        writer = csv_writer(stream, fields)
        for row in rows:
            writer.writerow([cell_text(row.get(name)) for name in fields])
    else:
        raise ValueError(f"unknown format {output_format!r}")
