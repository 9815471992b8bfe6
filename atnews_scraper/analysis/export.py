"""Streaming export writers: JSON Lines, CSV and Parquet in constant memory.

Each writer takes stored documents one at a time (only the chosen fields) and never holds more
than one Parquet row group (``PARQUET_BATCH`` rows) at once. JSONL and CSV write dates as
ISO 8601 in Kabul time; Parquet keeps them as UTC timestamps and nested records as structs.
Output goes to ``OUT.partial`` first and is renamed to ``OUT`` only when complete, so a failed
export never leaves a truncated file under the requested name.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO, get_args, get_origin, get_type_hints

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # the [analysis] extra is not installed: open_writer says so for parquet
    pa = pq = None

from atnews_scraper.analysis.fields import (
    FIELD_TYPES,
    TOP_LEVEL_FIELDS,
    nested_typeddict,
    strip_optional,
)
from atnews_scraper.analysis.formatting import cell_text, csv_writer, json_line
from atnews_scraper.document import document_to_record
from atnews_scraper.errors import AtnewsError, ConfigError
from atnews_scraper.extras import require

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
PARQUET_BATCH = 5000


class ExportWriter(Protocol):
    def write(self, document: Mapping[str, Any]) -> None: ...

    def close(self) -> None: ...


class JsonlWriter:
    """One JSON object per line: the chosen fields, or the whole stored document (no fields)."""

    def __init__(self, stream: TextIO, fields: Sequence[str] | None) -> None:
        self.stream = stream
        self.fields = fields

    def write(self, document: Mapping[str, Any]) -> None:
        record = document_to_record(document)
        if self.fields is not None:
            record = {name: record.get(name) for name in self.fields}
        self.stream.write(json_line(record) + "\n")

    def close(self) -> None:
        self.stream.flush()


class CsvWriter:
    def __init__(self, stream: TextIO, fields: Sequence[str]) -> None:
        self.stream = stream
        self.fields = fields
        self.writer = csv_writer(stream, fields)

    def write(self, document: Mapping[str, Any]) -> None:
        record = document_to_record(document)
        self.writer.writerow([cell_text(record.get(name)) for name in self.fields])

    def close(self) -> None:
        self.stream.flush()


def arrow_type(hint: Any) -> pa.DataType:
    """The Arrow type for a field's Python type hint (record.py / fields.py)."""
    hint = strip_optional(hint)
    origin = get_origin(hint)
    if hint is dt.datetime:
        return pa.timestamp("us", tz="UTC")
    if hint is str or origin is Literal:
        return pa.string()
    if hint is bool:
        return pa.bool_()
    if hint is int:
        return pa.int64()
    if origin is list:
        return pa.list_(arrow_type(get_args(hint)[0]))
    if origin is dict:
        key, value = get_args(hint)
        return pa.map_(arrow_type(key), arrow_type(value))
    nested = nested_typeddict(hint)
    if nested is not None:
        return pa.struct([(k, arrow_type(v)) for k, v in get_type_hints(nested).items()])
    if isinstance(hint, types.UnionType):
        return pa.string()
    raise TypeError(f"no Arrow type for {hint!r}")


def field_hint(name: str) -> Any:
    """The type of a (possibly dotted) field; under a list of records, a list of that type."""
    top, _, sub = name.partition(".")
    hint = FIELD_TYPES[top]
    if not sub:
        return hint
    sub_hint = get_type_hints(nested_typeddict(hint))[sub]
    return list[sub_hint] if get_origin(strip_optional(hint)) is list else sub_hint  # type: ignore[valid-type]


def arrow_schema(fields: Sequence[str]) -> pa.Schema:
    return pa.schema([(name, arrow_type(field_hint(name))) for name in fields])


class ParquetWriter:
    def __init__(self, path: Path, fields: Sequence[str], batch_size: int = PARQUET_BATCH) -> None:
        self.fields = fields
        self.schema = arrow_schema(fields)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.batch_size = batch_size
        self.rows: list[dict[str, Any]] = []

    def write(self, document: Mapping[str, Any]) -> None:
        self.rows.append({name: document.get(name) for name in self.fields})
        if len(self.rows) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        try:
            table = pa.Table.from_pylist(self.rows, schema=self.schema)
        except (pa.ArrowException, TypeError, ValueError) as exc:
            first = self.rows[0].get("url", "?")
            raise AtnewsError(
                f"a stored value does not fit the Parquet schema in the batch from {first} "
                f"({exc}); export this slice as --format jsonl to inspect it"
            ) from None
        self.writer.write_table(table)
        self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


def open_writer(
    output_format: str, path: Path, fields: Sequence[str] | None
) -> tuple[ExportWriter, Any]:
    """The writer for a format, and the file object to close afterwards (or None).

    Without chosen fields, CSV and Parquet (fixed columns) take every field of the schema;
    JSONL takes each whole document, so a field unknown to this version is not lost.
    """
    columns = list(fields or TOP_LEVEL_FIELDS)
    if output_format == "parquet":
        require("pyarrow", "parquet export")
        return ParquetWriter(path, columns), None
    stream = path.open("w", encoding="utf-8", newline="")
    writer: ExportWriter = (
        JsonlWriter(stream, fields) if output_format == "jsonl" else CsvWriter(stream, columns)
    )
    return writer, stream


def export_documents(
    documents: Iterable[Mapping[str, Any]],
    out: Path,
    output_format: str,
    fields: Sequence[str] | None,
    on_record: Callable[[], None] | None = None,
) -> int:
    """Write the documents to ``out``; the number written. ``out`` appears only when complete."""
    if output_format not in EXPORT_FORMATS:
        raise ConfigError(f"--format {output_format!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    if not out.parent.is_dir():
        raise ConfigError(f"{out}: the folder {out.parent} does not exist; create it first")
    partial = out.with_name(out.name + ".partial")
    written = 0
    writer, stream = open_writer(output_format, partial, fields)
    try:
        for document in documents:
            writer.write(document)
            written += 1
            if on_record is not None:
                on_record()
        writer.close()
    except BaseException:
        if stream is not None:
            stream.close()
        partial.unlink(missing_ok=True)
        raise
    if stream is not None:
        stream.close()
    os.replace(partial, out)
    return written


def progress_enabled() -> bool:
    return sys.stderr.isatty()
