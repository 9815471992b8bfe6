"""Streaming export writers: JSON Lines, CSV and Parquet in constant memory.

Each writer takes stored documents one at a time (only the chosen fields) and never holds more
than one Parquet row group (``PARQUET_BATCH`` rows) at once. JSONL and CSV write dates as
ISO 8601 in Kabul time; Parquet keeps them as UTC timestamps and nested records as structs.
CSV cells that a spreadsheet would run as formulas are neutralised (``formatting.csv_safe``)
unless ``protect_formulas`` is off (``--raw-csv``).

Output goes to a private temporary file in OUT's folder, created exclusively (``mkstemp``: no
planted file or symlink is ever written through), and is renamed to OUT only when complete, so
a failed export never leaves a truncated file under the requested name. OUT must be new or a
regular file: a symlink, a directory or a device is refused. OUT ``-`` streams to stdout.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import stat
import sys
import tempfile
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal, Protocol, TextIO, get_args, get_origin, get_type_hints

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
from atnews_scraper.analysis.formatting import csv_row, csv_writer, json_line
from atnews_scraper.errors import AtnewsError, ConfigError
from atnews_scraper.extras import require
from atnews_scraper.stored_document import document_to_record

EXPORT_FORMATS = ("jsonl", "csv", "parquet")
PARQUET_BATCH = 5000
STDOUT = "-"
TEMP_PREFIX = ".atnews-export-"


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
    def __init__(
        self, stream: TextIO, fields: Sequence[str], protect_formulas: bool = True
    ) -> None:
        self.stream = stream
        self.fields = fields
        self.protect_formulas = protect_formulas
        self.writer = csv_writer(stream, fields)

    def write(self, document: Mapping[str, Any]) -> None:
        record = document_to_record(document)
        self.writer.writerow(csv_row(record, self.fields, self.protect_formulas))

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
    def __init__(
        self, sink: Path | IO[bytes], fields: Sequence[str], batch_size: int = PARQUET_BATCH
    ) -> None:
        self.fields = fields
        self.schema = arrow_schema(fields)
        self.writer = pq.ParquetWriter(sink, self.schema, compression="zstd")
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
    output_format: str,
    sink: IO[bytes],
    fields: Sequence[str] | None,
    protect_formulas: bool = True,
) -> tuple[ExportWriter, io.TextIOWrapper | None]:
    """The writer for a format on a binary sink, and its text layer to flush (or None).

    Without chosen fields, CSV and Parquet (fixed columns) take every field of the schema;
    JSONL takes each whole document, so a field unknown to this version is not lost.
    """
    columns = list(fields or TOP_LEVEL_FIELDS)
    if output_format == "parquet":
        require("pyarrow", "parquet export")
        return ParquetWriter(sink, columns), None
    stream = io.TextIOWrapper(sink, encoding="utf-8", newline="")
    writer: ExportWriter = (
        JsonlWriter(stream, fields)
        if output_format == "jsonl"
        else CsvWriter(stream, columns, protect_formulas)
    )
    return writer, stream


def write_documents(
    documents: Iterable[Mapping[str, Any]],
    sink: IO[bytes],
    output_format: str,
    fields: Sequence[str] | None,
    on_record: Callable[[], None] | None,
    protect_formulas: bool,
) -> int:
    """Write every document to the binary sink (left open); the number written."""
    writer, stream = open_writer(output_format, sink, fields, protect_formulas)
    written = 0
    try:
        for document in documents:
            writer.write(document)
            written += 1
            if on_record is not None:
                on_record()
        writer.close()
    finally:
        if stream is not None:
            stream.flush()
            stream.detach()  # the sink belongs to the caller
    return written


def export_documents(
    documents: Iterable[Mapping[str, Any]],
    out: Path | str,
    output_format: str,
    fields: Sequence[str] | None,
    on_record: Callable[[], None] | None = None,
    protect_formulas: bool = True,
) -> int:
    """Write the documents to ``out`` (``-``: stdout); the number written. ``out`` appears only
    when complete."""
    if output_format not in EXPORT_FORMATS:
        raise ConfigError(f"--format {output_format!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    if str(out) == STDOUT:
        return export_to_stdout(documents, output_format, fields, on_record, protect_formulas)
    out = Path(out)
    check_target(out, output_format)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".partial", dir=out.parent)
    except OSError as exc:
        raise ConfigError(
            f"cannot create a file in {out.parent} ({exc.strerror}); choose a writable folder"
        ) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as sink:
            written = write_documents(
                documents, sink, output_format, fields, on_record, protect_formulas
            )
            sink.flush()
            os.fsync(sink.fileno())
        os.chmod(temp, 0o666 & ~current_umask())  # mkstemp's file is private (0600)
        check_target(out, output_format)  # again: OUT may have changed while exporting
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise AtnewsError(
            f"cannot write {out} ({exc.strerror or exc}); it was left as it was: "
            "check the space and permissions of its folder"
        ) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return written


def export_to_stdout(
    documents: Iterable[Mapping[str, Any]],
    output_format: str,
    fields: Sequence[str] | None,
    on_record: Callable[[], None] | None,
    protect_formulas: bool,
) -> int:
    if output_format == "parquet" and sys.stdout.isatty():
        raise ConfigError(
            "--format parquet is binary: redirect stdout to a file or a program, or name OUT"
        )
    sys.stdout.flush()
    written = write_documents(
        documents, sys.stdout.buffer, output_format, fields, on_record, protect_formulas
    )
    sys.stdout.buffer.flush()
    return written


def check_target(out: Path, output_format: str) -> None:
    """A ConfigError unless ``out`` can be written: in an existing folder, a name the file
    system accepts, and nothing there yet or a regular file (never a symlink, folder, device)."""
    if not out.parent.is_dir():
        raise ConfigError(f"{out}: the folder {out.parent} does not exist; create it first")
    name_bytes = len(os.fsencode(out.name))
    name_max = os.pathconf(out.parent, "PC_NAME_MAX")
    if name_bytes > name_max:
        raise ConfigError(
            f"{out}: the file name is too long ({name_bytes} bytes; this file system allows "
            f"{name_max}); choose a shorter name"
        )
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise ConfigError(f"{out}: the path is too long; choose a shorter one") from None
        raise
    if stat.S_ISDIR(mode):
        example = out / f"articles.{output_format}"
        raise ConfigError(f"{out} is a directory; name a file in it, e.g. {example}")
    if stat.S_ISLNK(mode) or not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise ConfigError(
            f"{out} is {kind}; export writes only to a new or regular file: "
            "give another OUT, or - for stdout"
        )


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def progress_enabled() -> bool:
    return sys.stderr.isatty()
