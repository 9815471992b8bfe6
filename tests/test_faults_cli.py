"""Fault matrix, commands and output (issue 11, rows 8-11 and "bad input"): stored values at the
calendar's ends, hostile text shown to people, export file safety, replay path confinement, and
bad input that used to end in a traceback. Each case asserts the exact output and exit code."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from analysis_data import cli_args
from bson import ObjectId, Timestamp
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.database import ARTICLES
from atnews_scraper.errors import AtnewsError
from atnews_scraper.replay.snapshot import Snapshot, SnapshotError

SITE = "https://www.afghanistantimes.af/"
INT64_MAX = 2**63 - 1
FAR_FUTURE = dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC)
FAR_PAST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
HOSTILE_TITLE = (
    "[/] [link=http://evil.example/]click[/link] \x1b]8;;http://evil.example/\x1b\\here"
    "\x1b]8;;\x1b\\ \x1b[2J\x07 \x9b31mred"
)
HOSTILE_SHOWN = (
    "[/] [link=http://evil.example/]click[/link] \\x1b]8;;http://evil.example/\\x1b\\here"
    "\\x1b]8;;\\x1b\\ \\x1b[2J\\x07 \\x9b31mred"
)


def store(database: Database, *documents: dict[str, Any]) -> list[str]:
    database[ARTICLES].insert_many([dict(document) for document in documents])
    return cli_args(database)


@pytest.fixture(params=[[], ["--from-mongo"]], ids=["index", "mongo"])
def backend(request: pytest.FixtureRequest) -> list[str]:
    """Where the command reads: the analysis index (the default) or MongoDB itself."""
    option: list[str] = request.param
    return option


def article(slug: str, post_id: int, **fields: Any) -> dict[str, Any]:
    return {"url": f"{SITE}{slug}/", "post_id": post_id, "title": slug, **fields}


# -- row 8: stored values at the calendar's ends -------------------------------------------------

EDGES = (
    article(
        "far-future",
        INT64_MAX,
        published_at=FAR_FUTURE,
        modified_at=FAR_PAST,
        word_count=INT64_MAX,
    ),
    article("far-past", 1, published_at=FAR_PAST),
)


def test_calendar_ends_export_as_jsonl_and_csv(
    database: Database, backend: list[str], tmp_path: Path
) -> None:
    options = [*store(database, *EDGES), *backend]
    fields = ["--fields", "post_id,published_at,modified_at,word_count"]
    jsonl, table = tmp_path / "edges.jsonl", tmp_path / "edges.csv"
    assert main(["export", str(jsonl), "--format", "jsonl", *fields, *options]) == 0
    assert main(["export", str(table), "--format", "csv", *fields, *options]) == 0
    assert jsonl.read_text(encoding="utf-8") == (
        f'{{"post_id":{INT64_MAX},"published_at":"9999-12-31T23:59:59.999000+00:00",'
        f'"modified_at":"0001-01-01T04:30:00+04:30","word_count":{INT64_MAX}}}\n'
        '{"post_id":1,"published_at":"0001-01-01T04:30:00+04:30","modified_at":null,'
        '"word_count":null}\n'
    )
    assert table.read_text(encoding="utf-8") == (
        "post_id,published_at,modified_at,word_count\n"
        f"{INT64_MAX},9999-12-31T23:59:59.999000+00:00,0001-01-01T04:30:00+04:30,{INT64_MAX}\n"
        "1,0001-01-01T04:30:00+04:30,,\n"
    )


def test_calendar_ends_export_as_parquet(
    database: Database, backend: list[str], tmp_path: Path
) -> None:
    options = [*store(database, *EDGES), *backend]
    out = tmp_path / "edges.parquet"
    assert main(["export", str(out), "--format", "parquet", *options]) == 0
    rows = pq.read_table(out, columns=["post_id", "published_at", "word_count"]).to_pylist()
    assert rows == [
        {"post_id": INT64_MAX, "published_at": FAR_FUTURE, "word_count": INT64_MAX},
        {"post_id": 1, "published_at": FAR_PAST, "word_count": None},
    ]


def test_calendar_ends_in_show_and_query(
    database: Database, backend: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    options = [*store(database, *EDGES), *backend]
    assert main(["show", str(INT64_MAX), *options]) == 0
    assert "published:  9999-12-31T23:59:59.999000+00:00\n" in capsys.readouterr().out
    query = ["query", "{}", "--fields", "post_id,published_at", "--format", "csv"]
    assert main([*query, *options]) == 0
    assert capsys.readouterr().out == (
        "post_id,published_at\n"
        f"{INT64_MAX},9999-12-31T23:59:59.999000+00:00\n"
        "1,0001-01-01T04:30:00+04:30\n"
    )


def test_any_stored_bson_value_exports_as_jsonl_and_csv(
    database: Database, backend: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = {"url": f"{SITE}odd/", "post_id": 3, "title": Timestamp(1, 2), "body": b"\x00\xff"}
    options = [*store(database, {**odd, "extraction": {"ref": ObjectId("0" * 24)}}), *backend]
    assert (
        main(["export", "-", "--format", "jsonl", "--fields", "title,body,extraction", *options])
        == 0
    )
    assert capsys.readouterr().out == (
        '{"title":{"$timestamp":{"t":1,"i":2}},'
        '"body":{"$binary":{"base64":"AP8=","subType":"00"}},'
        '"extraction":{"ref":{"$oid":"000000000000000000000000"}}}\n'
    )
    assert main(["query", "{}", "--fields", "title", "--format", "json", *options]) == 0
    assert json.loads(capsys.readouterr().out) == [{"title": {"$timestamp": {"t": 1, "i": 2}}}]
    assert main(["export", "-", "--format", "csv", "--fields", "title,extraction", *options]) == 0
    assert capsys.readouterr().out == (
        'title,extraction\n"Timestamp(1, 2)","{""ref"":{""$oid"":""000000000000000000000000""}}"\n'
    )


def test_date_filters_at_the_calendars_ends_match_everything(
    database: Database, backend: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    options = [*store(database, *EDGES), *backend]
    span = '{"published_at": {"$gte": "0001-01-01", "$lte": "9999-12-31T23:59:59.999Z"}}'
    assert main(["query", span, "--fields", "post_id", "--format", "jsonl", *options]) == 0
    assert capsys.readouterr().out == f'{{"post_id":{INT64_MAX}}}\n{{"post_id":1}}\n'
    argv = ["export", "-", "--format", "jsonl", "--fields", "post_id", "--sort", "post_id"]
    assert main([*argv, "--since", "0001-01-01", "--until", "9999-12-31", *options]) == 0
    assert capsys.readouterr().out == f'{{"post_id":1}}\n{{"post_id":{INT64_MAX}}}\n'


def test_dates_before_year_1000_filter_and_sort_as_dates(
    database: Database, backend: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    early = article("year-500", 5, published_at=dt.datetime(500, 6, 1, tzinfo=dt.UTC))
    recent = article("year-2022", 6, published_at=dt.datetime(2022, 6, 1, tzinfo=dt.UTC))
    options = [*store(database, early, recent), *backend]
    before = '{"published_at": {"$lt": "2000-01-01"}}'
    assert main(["query", before, "--fields", "post_id", "--format", "jsonl", *options]) == 0
    assert capsys.readouterr().out == '{"post_id":5}\n'
    argv = ["export", "-", "--format", "jsonl", "--fields", "post_id", "--sort", "published_at"]
    assert main([*argv, *options]) == 0
    assert capsys.readouterr().out == '{"post_id":5}\n{"post_id":6}\n'


def test_stats_at_the_calendars_ends_lists_the_buckets_without_filling_millennia(
    database: Database, backend: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    options = [*store(database, *EDGES), *backend]
    assert (
        main(["stats", "--by", "day", "--since", "0001-01-01", "--format", "json", *options]) == 0
    )
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == [{"day": "0001-01-01", "articles": 1}, {"day": "9999-12-31", "articles": 1}]


def test_stats_chart_of_the_calendars_ends_is_one_line(
    database: Database, backend: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [*store(database, *EDGES), *backend]
    chart = tmp_path / "chart.png"
    assert main(["stats", "--by", "month", "--format", "json", "--plot", str(chart), *options]) == 2
    assert capsys.readouterr().err == (
        "atnews stats: error: --plot: the dates run from 0001-01 to 9999-12, beyond what a chart "
        "can draw (years 1 to 9999 with margins); narrow them with --since\n"
    )
    assert not chart.exists()


# -- row 9: hostile text shown to people -------------------------------------------------------

HOSTILE = article(
    "hostile",
    7,
    title=HOSTILE_TITLE,
    body="line one\x1b[2J\r\nline two\x08\x08\x08\rfake",
    tags=['=HYPERLINK("http://evil.example/")', "safe"],
    byline="@SUM(A1)",
    categories=["+cmd|' /C calc'!A0"],
    dateline="-2+3",
    wp_author="\tadmin",
    published_at=dt.datetime(2022, 9, 1, tzinfo=dt.UTC),
)


def test_query_table_shows_markup_and_escapes_literally(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, HOSTILE)
    assert main(["query", "{}", "--fields", "title", *options]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert HOSTILE_SHOWN in out.replace("\n", "").replace("│", "").replace(" " * 2, "")


def test_search_and_stats_tables_escape_stored_text(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, HOSTILE)
    assert main(["search", "line", *options]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b" in out
    hostile_tag = article("tagged", 8, tags=["[bold]\x1b[31mx[/]"])
    store(database, hostile_tag)
    assert main(["stats", "--by", "tag", *options]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "[bold]\\x1b[31mx[/]" in out


def test_show_prints_hostile_text_literally(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, HOSTILE)
    assert main(["show", "7", *options]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == HOSTILE_SHOWN
    assert lines[1] == "=" * min(len(HOSTILE_SHOWN), 100)
    assert "line one\\x1b[2J" in lines and "line two\\x08\\x08\\x08\\x0dfake" in lines


def test_json_output_escapes_c1_controls(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, HOSTILE)
    assert main(["query", "{}", "--fields", "title", "--format", "jsonl", *options]) == 0
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\\u009b31mred" in out
    assert json.loads(out)["title"] == HOSTILE_TITLE


def test_csv_export_neutralises_formulas_unless_raw(database: Database, tmp_path: Path) -> None:
    options = store(database, HOSTILE)
    fields = ["--fields", "tags,byline,categories,dateline,wp_author,post_id"]
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    assert main(["export", str(safe), "--format", "csv", *fields, *options]) == 0
    assert main(["export", str(raw), "--format", "csv", "--raw-csv", *fields, *options]) == 0
    assert list(csv.reader(safe.open(encoding="utf-8", newline=""))) == [
        ["tags", "byline", "categories", "dateline", "wp_author", "post_id"],
        [
            '\'=HYPERLINK("http://evil.example/") | safe',
            "'@SUM(A1)",
            "'+cmd|' /C calc'!A0",
            "'-2+3",
            "'\tadmin",
            "7",
        ],
    ]
    assert list(csv.reader(raw.open(encoding="utf-8", newline="")))[1] == [
        '=HYPERLINK("http://evil.example/") | safe',
        "@SUM(A1)",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "\tadmin",
        "7",
    ]


def test_query_csv_neutralises_formulas(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, HOSTILE)
    assert main(["query", "{}", "--fields", "byline", "--format", "csv", *options]) == 0
    assert capsys.readouterr().out == "byline\n'@SUM(A1)\n"
    argv = ["query", "{}", "--fields", "byline", "--format", "csv", "--raw-csv"]
    assert main([*argv, *options]) == 0
    assert capsys.readouterr().out == "byline\n@SUM(A1)\n"


# -- row 10: export file safety -----------------------------------------------------------------

ONE = article("one", 1, published_at=dt.datetime(2022, 9, 1, tzinfo=dt.UTC))


def test_export_never_writes_through_a_planted_partial_symlink(
    database: Database, tmp_path: Path
) -> None:
    options = store(database, ONE)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").symlink_to(victim)
    previous = os.umask(0o022)
    try:
        assert main(["export", str(out), "--format", "jsonl", "--fields", "post_id", *options]) == 0
    finally:
        os.umask(previous)
    assert victim.read_text() == "precious\n"
    assert out.read_text() == '{"post_id":1}\n'
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out.jsonl",
        "out.jsonl.partial",
        "victim",
    ]


def test_export_refuses_a_symlink_or_special_target(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, ONE)
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    link, fifo = tmp_path / "link.jsonl", tmp_path / "fifo.jsonl"
    link.symlink_to(victim)
    os.mkfifo(fifo)
    for target, kind in ((link, "a symbolic link"), (fifo, "not a regular file")):
        assert main(["export", str(target), "--format", "jsonl", *options]) == 2
        assert capsys.readouterr().err == (
            f"atnews export: error: {target} is {kind}; export writes only to a new or regular "
            "file: give another OUT, or - for stdout\n"
        )
    assert victim.read_text() == "precious\n" and link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.jsonl", "link.jsonl", "victim"]


def test_export_to_a_directory_or_an_overlong_name_is_one_line(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, ONE)
    assert main(["export", str(tmp_path), "--format", "csv", *options]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: {tmp_path} is a directory; name a file in it, "
        f"e.g. {tmp_path / 'articles.csv'}\n"
    )
    long_name = tmp_path / ("a" * 300 + ".csv")
    assert main(["export", str(long_name), "--format", "csv", *options]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: {long_name}: the file name is too long (304 bytes; this file "
        "system allows 255); choose a shorter name\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_on_a_full_disk_leaves_out_as_it_was(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = store(database, ONE)
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["export", str(out), "--format", "jsonl", *options]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: cannot write {out} (No space left on device); it was left as it "
        "was: check the space and permissions of its folder\n"
    )
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_export_dash_streams_to_stdout(
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = store(database, ONE)
    monkeypatch.chdir(tmp_path)
    assert main(["export", "-", "--format", "csv", "--fields", "post_id,title", *options]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("post_id,title\n1,one\n", "exported 1 articles to stdout (csv)\n")
    assert list(tmp_path.iterdir()) == []


def test_export_dash_streams_parquet_to_a_binary_stdout(
    database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, ONE)
    sink = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(sink, encoding="utf-8"))
    assert main(["export", "-", "--format", "parquet", "--fields", "post_id", *options]) == 0
    assert pq.read_table(io.BytesIO(sink.getvalue())).to_pylist() == [{"post_id": 1}]


# -- row 11: replay serves only files inside the snapshot ---------------------------------------


def write_manifest(root: Path, entries: dict[str, Any], **extra: Any) -> None:
    root.mkdir(parents=True, exist_ok=True)
    manifest = {"format": "atnews-snapshot/1", "site_url": SITE, "entries": entries, **extra}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("name", ["../../../etc/hostname", "/etc/hostname", "inside/../../x"])
def test_replay_refuses_a_manifest_naming_files_outside(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "snap"
    write_manifest(root, {"/": {"file": name, "content_type": "text/html"}})
    (tmp_path / "x").write_text("outside")
    assert main(["replay", str(root)]) == 2
    assert capsys.readouterr().err == (
        f"atnews replay: error: {root / 'manifest.json'}: entry '/' names {name!r}, outside the "
        "snapshot; every file must be inside the snapshot directory\n"
    )


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_replay_port_out_of_range_is_one_line(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", "fixtures/site", "--port", port]) == 2
    assert capsys.readouterr().err == (
        f"atnews replay: error: --port {port} is not a port: give 1 to 65535, or 0 for a free one\n"
    )


def test_replay_refuses_a_symlink_out_of_the_snapshot_and_an_outside_404(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    write_manifest(root, {"/": {"file": "index.html", "content_type": "text/html"}})
    (root / "index.html").symlink_to("/etc/hostname")
    with pytest.raises(SnapshotError, match=r"entry '/' names 'index\.html', outside the snapshot"):
        Snapshot.load(root)
    write_manifest(root, {}, not_found="../404.html")
    with pytest.raises(
        SnapshotError, match=r"not_found names '\.\./404\.html', outside the snapshot"
    ):
        Snapshot.load(root)


# -- bad input that used to end in a traceback ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "99999999999999999999",
            "post ID 99999999999999999999 is too large (at most 9223372036854775807); "
            "give the article's URL or its post ID",
        ),
        (
            f"{SITE}?p=99999999999999999999",
            "post ID 99999999999999999999 is too large (at most 9223372036854775807); "
            "give the article's URL or its post ID",
        ),
        (
            "http://[::1",
            "'http://[::1' is not a valid URL (Invalid IPv6 URL); "
            "give the article's URL or its post ID",
        ),
    ],
)
def test_show_bad_keys(
    database: Database,
    backend: list[str],
    key: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = [*store(database, ONE), *backend]
    assert main(["show", key, *options]) == 2
    assert capsys.readouterr().err == f"atnews show: error: {message}\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["query", "{}", "--limit", str(2**64)],
            f"atnews query: error: --limit {2**64} is too large (at most {INT64_MAX}; 0: all)",
        ),
        (
            ["search", "kabul", "--limit", str(2**64)],
            f"atnews search: error: --limit {2**64} is too large (at most {INT64_MAX})",
        ),
        (
            ["query", '{"post_id": 99999999999999999999}'],
            "atnews query: error: FILTER_JSON: the number 99999999999999999999 does not fit a "
            "64-bit integer (-9223372036854775808 to 9223372036854775807); write a smaller one",
        ),
        (
            ["query", '{"title": NaN}'],
            "atnews query: error: FILTER_JSON: NaN is not a JSON number; write a number, "
            "a string or null",
        ),
        (
            ["query", '{"word_count": {"$lt": 1e400}}'],
            "atnews query: error: FILTER_JSON: 1e400 is too large for a 64-bit number; "
            "write a smaller one",
        ),
        (
            ["query", '{"$and": ' * 2000 + "{}" + "}" * 2000],
            "atnews query: error: FILTER_JSON is nested more than 100 levels deep; "
            "MongoDB accepts at most 100: write a flatter filter",
        ),
        (
            ["query", "[" * 100_000],
            "atnews query: error: FILTER_JSON is nested more than 100 levels deep; "
            "MongoDB accepts at most 100: write a flatter filter",
        ),
        (
            ["export", "-", "--format", "jsonl", "--filter", '{"a": ' * 150 + "1" + "}" * 150],
            "atnews export: error: --filter is nested more than 100 levels deep; "
            "MongoDB accepts at most 100: write a flatter filter",
        ),
    ],
)
def test_bad_numbers_and_deep_filters_are_one_line(
    database: Database, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = store(database, ONE)
    assert main([*argv, *options]) == 2
    assert capsys.readouterr().err == message + "\n"


def test_an_unusable_var_dir_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["query", "{}", "--var-dir", str(blocker / "var")]) == 2
    assert capsys.readouterr().err == (
        f"atnews query: error: {blocker / 'var' / 'run'}: Not a directory; check that the "
        "folder (e.g. --var-dir) is writable\n"
    )


def test_a_read_only_var_dir_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def read_only(path: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(Path, "mkdir", read_only)  # root ignores permission bits: simulate it
    assert main(["stats", "--var-dir", str(tmp_path / "var")]) == 2
    assert capsys.readouterr().err == (
        f"atnews stats: error: {tmp_path / 'var' / 'run'}: Read-only file system; check that the "
        "folder (e.g. --var-dir) is writable\n"
    )


def test_extract_caps_what_it_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "/dev/zero"]) == 1
    assert capsys.readouterr().err == (
        "atnews extract: /dev/zero: larger than 64 MB, too big for a saved page; skipped\n"
        "atnews extract: 1 of 1 file(s) failed\n"
    )


def test_a_closed_pipe_ends_quietly(database: Database) -> None:
    options = store(database, ONE)
    argv = [sys.executable, "-m", "atnews_scraper.cli", "query", "{}", "--format", "jsonl"]
    process = subprocess.Popen([*argv, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command writes: like `atnews query ... | head -0`
    assert (process.wait(timeout=60), process.stderr.read()) == (141, b"")


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(args: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr("atnews_scraper.commands.stats.run", explode)
    assert main(["stats"]) == 1
    assert capsys.readouterr().err == (
        "atnews stats: error: unexpected RuntimeError: boom; this is a bug: please report it "
        "with the output of `atnews --debug stats ...`\n"
    )
    assert main(["--debug", "stats"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):\n")
    assert err.endswith(
        "RuntimeError: boom\natnews stats: error: unexpected RuntimeError: boom; this is a bug: "
        "please report it with the output of `atnews --debug stats ...`\n"
    )


def test_an_error_line_never_carries_terminal_escapes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(args: Any) -> int:
        raise AtnewsError(f"a stored value from {SITE}\x1b]8;;x\x1b\\ does not fit")

    monkeypatch.setattr("atnews_scraper.commands.export.run", refuse)
    assert main(["export", "-", "--format", "parquet"]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: a stored value from {SITE}\\x1b]8;;x\\x1b\\ does not fit\n"
    )
