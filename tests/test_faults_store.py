"""Issue 11, storage and journal rows: a full disk, a bad byte in the journal, a journal of
another database, clock skew, a crash before the known list is read, two writers, and a record
that names another article. Each against a real FerretDB; docs/reliability.md lists them."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import random
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import ingest_support
import pytest
from crawl_support import SITE, article_paths, fetched, run_crawl
from ingest_support import private_config, stored_urls
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.crawl.known import KnownArticle
from atnews_scraper.database import connect
from atnews_scraper.ferretdb import EmbeddedServer
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.items import ArticlePage
from atnews_scraper.journal import pending_segments
from atnews_scraper.replay import ReplayServer
from tooling.samples import SITE as SAMPLE_SITE
from tooling.samples import make_page, make_record, story

private_server = ingest_support.private_server  # the fixture
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def urls(*numbers: int) -> list[str]:
    return sorted(make_record(n)["url"] for n in numbers)


def journalled_while_down(server: EmbeddedServer, config: Config, numbers: range) -> None:
    """A session that met the database, lost it, and journalled these records."""
    session = IngestSession(config, retry_s=3600)
    session.open()
    server.stop()
    for n in numbers:
        session.add_page(make_page(make_record(n)))
    session.close()


def db_command(config: Config, action: str, db_name: str | None = None) -> int:
    return main(
        [
            "db", action, "--mongo-uri", str(config.mongo_uri), "--db", db_name or config.db_name,
            "--var-dir", str(config.var_dir),
        ]
    )  # fmt: skip


def flush(config: Config, db_name: str | None = None) -> int:
    return db_command(config, "flush", db_name)


def store_pages(config: Config, pages: list[ArticlePage]) -> dict[str, int]:
    """The pages through one session (as one crawl would); its stats."""
    session = IngestSession(config)
    session.open()
    for page in pages:
        session.add_page(page)
    session.close()
    return dict(session.stats.values)  # type: ignore[attr-defined]


# -- row 1: a full disk ---------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(directory: Path, size: str = "3m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on directory (root only), unmounted afterwards."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is made with a small tmpfs, which only root can mount")
    directory.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def fill(directory: Path, leave: int) -> Path:
    """A file filling the file system of directory but for about `leave` bytes."""
    stat = os.statvfs(directory)
    free = stat.f_bavail * stat.f_frsize
    filler = directory / "filler"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Files this process writes stop at `limit` bytes (EFBIG), as on a full disk: a real
    refusal by the OS that needs no root. SIGXFSZ is ignored meanwhile, so write() fails."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@contextlib.contextmanager
def journal_disk_full(var_dir: Path, how: str) -> Iterator[str]:
    """A journal that takes about 40 KB more (three of the pages below); the OS's error text."""
    if how == "tmpfs":
        with small_tmpfs(var_dir, "1m"):
            fill(var_dir, leave=40_000)
            yield "No space left on device"
    else:
        with file_size_limit(40_000):
            yield "File too large"


def incompressible_pages(count: int) -> list[ArticlePage]:
    """Pages that do not compress: about 11 KB of journal each."""
    return [make_page(make_record(n), html=random.Random(n).randbytes(8000)) for n in range(count)]


FULL_DISKS = pytest.mark.parametrize("how", ["tmpfs", "file-size-limit"])


@FULL_DISKS
def test_a_full_journal_disk_stores_what_it_can_and_acknowledges_nothing_else(
    config: Config, database: Database, how: str
) -> None:
    pages = incompressible_pages(12)
    failures: list[str] = []
    session = IngestSession(config, batch_size=5)
    session.on_journal_failure = failures.append
    session.open()
    with journal_disk_full(config.var_dir, how) as error:
        for page in pages:
            session.add_page(page)
        session.close()  # no exception: Segment.discard on a full disk does not raise
        assert pending_segments(config.journal_dir) == []
    # The database was there: every record was stored, journalled or not.
    assert [page.outcome for page in pages] == ["new"] * 12
    assert stored_urls(config) == urls(*range(12))
    assert failures == [
        f"cannot write the journal in {config.journal_dir} ({error}): "
        "free space there and run again"
    ]


@FULL_DISKS
def test_a_full_journal_disk_with_the_database_away_claims_only_what_the_journal_holds(
    private_server: EmbeddedServer, tmp_path: Path, how: str
) -> None:
    config = private_config(private_server, tmp_path)
    pages = incompressible_pages(8)
    session = IngestSession(config, batch_size=5, retry_s=3600)
    session.open()
    private_server.stop()
    with journal_disk_full(config.var_dir, how):
        for page in pages:
            session.add_page(page)
        session.close()
        (segment,) = pending_segments(config.journal_dir)
        journal = segment.read_bytes()
    kept = len(journal.splitlines())
    # The first lines went into the journal; the disk refused the next, and from then on
    # nothing is journalled: those records are not stored, and say so.
    assert 0 < kept < 5
    assert [page.outcome for page in pages] == ["journalled"] * kept + ["not_stored"] * (8 - kept)

    # Space again (the tmpfs is gone: its segment is put back where it was).
    config.journal_dir.mkdir(parents=True, exist_ok=True)
    segment.write_bytes(journal)
    config = private_config(private_server, tmp_path)
    assert flush(config) == 0
    assert stored_urls(config) == urls(*range(kept))
    assert pending_segments(config.journal_dir) == []


@pytest.mark.slow
def test_a_crawl_on_a_full_disk_fails_keeps_its_marks_back_and_the_next_run_fetches_again(
    config: Config, database: Database
) -> None:
    site_articles = {
        "https://www.afghanistantimes.af" + path.rstrip("/") + "/" for path in article_paths(SITE)
    }
    with small_tmpfs(config.var_dir, "3m"):
        filler = fill(config.var_dir, leave=9_000)
        with ReplayServer(SITE) as site:
            result = run_crawl(config, site.url)
        assert result.code == 1, result.stderr
        assert "Traceback" not in result.stderr
        line = (
            f"atnews crawl: interrupted (cannot write the journal in {config.journal_dir} "
            "(No space left on device): free space there and run again)"
        )
        assert line in result.stderr.splitlines()
        assert result.summary["status"] == "interrupted"
        assert database.crawl_state.count_documents({"type": "mark"}) == 0
        # Acknowledged means stored: every "new" is in the database, once.
        stored = [a["url"] for a in database.articles.find({}, {"url": 1})]
        assert len(stored) == len(set(stored)) == result.summary["articles"]["new"]
        assert result.summary["articles"]["journalled"] == 0
        assert len(stored) < len(site_articles)

        filler.unlink()
        with ReplayServer(SITE) as site:
            rerun = run_crawl(config, site.url)
        assert rerun.code == 0, rerun.stderr
        assert rerun.summary["articles"]["new"] == len(site_articles) - len(stored)
    again = sorted(a["url"] for a in database.articles.find({}, {"url": 1}))
    assert again == sorted(site_articles)
    assert database.crawl_state.count_documents({"type": "mark"}) > 0


# -- row 2: a bad byte in a journal segment ---------------------------------------------------


def spoil_second_line(segment: Path) -> bytes:
    """0xff in the middle of the segment's second line; returns that line as spoilt."""
    lines = segment.read_bytes().splitlines(keepends=True)
    middle = len(lines[1]) // 2
    lines[1] = lines[1][:middle] + b"\xff" + lines[1][middle + 1 :]
    segment.write_bytes(b"".join(lines))
    return lines[1]


def test_a_bad_byte_in_the_journal_sets_its_line_aside_and_db_flush_replays_the_rest(
    private_server: EmbeddedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = private_config(private_server, tmp_path)
    journalled_while_down(private_server, config, range(3))
    (segment,) = pending_segments(config.journal_dir)
    spoilt = spoil_second_line(segment)

    config = private_config(private_server, tmp_path)
    capsys.readouterr()
    assert flush(config) == 0
    aside = segment.with_suffix(".unreadable")
    assert capsys.readouterr().err == (
        f"journal flushed: 2 record(s) written; 1 unreadable line(s) set aside in {aside}\n"
    )
    assert aside.read_bytes() == spoilt
    assert stored_urls(config) == urls(0, 2)
    assert pending_segments(config.journal_dir) == []
    # The next crawl stores as usual.
    assert store_pages(config, [make_page(make_record(3))]) == {"atnews/articles/new": 1}


def test_a_bad_byte_in_the_journal_does_not_stop_the_next_run(
    private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = private_config(private_server, tmp_path)
    journalled_while_down(private_server, config, range(3))
    (segment,) = pending_segments(config.journal_dir)
    spoil_second_line(segment)

    config = private_config(private_server, tmp_path)
    assert store_pages(config, [make_page(make_record(3))]) == {
        "atnews/journal/replayed": 2,
        "atnews/articles/new": 1,
    }
    assert stored_urls(config) == urls(0, 2, 3)
    assert segment.with_suffix(".unreadable").exists()


# -- row 3: the journal belongs to a database -------------------------------------------------


def test_a_journal_is_replayed_only_into_the_database_it_was_written_for(
    private_server: EmbeddedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = private_config(private_server, tmp_path)
    journalled_while_down(private_server, config, range(3))
    config = private_config(private_server, tmp_path)
    other = dataclasses.replace(config, db_name="other")

    capsys.readouterr()
    assert flush(config, "other") == 0
    assert capsys.readouterr().err == (
        "journal flushed: 0 record(s) written; 1 segment(s) left for another database "
        f"(faults at mongodb://127.0.0.1) in {config.journal_dir}\n"
    )
    # A crawl of the other database from the same var dir stores only its own records.
    assert store_pages(other, [make_page(make_record(10))]) == {"atnews/articles/new": 1}
    assert stored_urls(other) == urls(10)
    assert stored_urls(config) == []
    assert len(pending_segments(config.journal_dir)) == 1
    # `db status` says what waits, and for which database.
    capsys.readouterr()
    for name, waiting in (
        ("other", "1 for another database (faults at mongodb://127.0.0.1)"),
        ("faults", "1 for this database: run `atnews db flush`"),
    ):
        assert db_command(config, "status", name) == 0
        last_line = capsys.readouterr().out.splitlines()[-1]
        assert last_line == f"journal: 1 segment(s) in {config.journal_dir}; {waiting}"

    assert flush(config) == 0
    assert capsys.readouterr().err == "journal flushed: 3 record(s) written\n"
    assert stored_urls(config) == urls(0, 1, 2)
    assert stored_urls(other) == urls(10)


@pytest.mark.slow
def test_a_crawl_of_another_database_leaves_the_journal_alone(
    private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = private_config(private_server, tmp_path)
    journalled_while_down(private_server, config, range(3))
    config = private_config(private_server, tmp_path)
    other = dataclasses.replace(config, db_name="other")
    with ReplayServer(SITE) as site:
        result = run_crawl(other, site.url)
    assert result.code == 0, result.stderr
    warning = (
        f"journal {config.journal_dir}: 1 segment(s) written for another database left in "
        "place (faults at mongodb://127.0.0.1)"
    )
    assert warning in result.stderr.splitlines()
    assert not set(urls(0, 1, 2)) & set(stored_urls(other))
    assert len(pending_segments(config.journal_dir)) == 1
    assert flush(config) == 0
    assert stored_urls(config) == urls(0, 1, 2)


# -- row 6: clock skew ------------------------------------------------------------------------


def test_edits_after_a_crawl_with_the_clock_ahead_are_stored(config: Config) -> None:
    ahead = NOW + dt.timedelta(days=2)
    first = make_page(make_record(1), fetched_at=ahead)
    assert store_pages(config, [first]) == {"atnews/articles/new": 1}
    # The clock is right again: an edit fetched now is newer than the stamp from the future.
    edited = make_page(make_record(1, body=story(1) + " Edited."), fetched_at=NOW)
    assert store_pages(config, [edited]) == {"atnews/articles/updated": 1}
    # A genuinely older fetch (a late journal replay) still never replaces the stored version.
    older = make_page(make_record(1, body=story(1) + " Older."), fetched_at=NOW - dt.timedelta(1))
    assert store_pages(config, [older]) == {"atnews/articles/unchanged": 1}
    database = connect(str(config.mongo_uri), config.db_name)
    (article,) = database.articles.find()
    assert (article["revision"], article["body"][-7:]) == (2, "Edited.")
    assert article["fetched_at"] == NOW
    database.client.close()


def test_a_fetch_stamped_by_a_clock_ahead_does_not_hide_a_sitemap_change() -> None:
    # Stored by a crawl whose clock ran two days ahead, with no lastmod or modified date.
    stored = KnownArticle(make_record(1)["url"], None, NOW + dt.timedelta(days=2), None, None)
    assert stored.is_stale(NOW)  # the sitemap says it changed now: fetched again
    assert not stored.is_stale(None)
    # A fetch stamped in the past still orders as before.
    fetched_before = dataclasses.replace(stored, fetched_at=NOW - dt.timedelta(hours=1))
    assert stored.is_stale(NOW) and not fetched_before.is_stale(NOW - dt.timedelta(hours=2))


# -- row 15: a crash, and two writers ---------------------------------------------------------


@pytest.mark.slow
def test_articles_replayed_from_the_journal_are_not_fetched_again(
    private_server: EmbeddedServer, tmp_path: Path
) -> None:
    from test_ingest_faults_crawl import EDITORIALS, interrupted_crawl

    config = private_config(private_server, tmp_path)
    interrupted_crawl(config, lambda _child: private_server.stop())
    (segment,) = pending_segments(config.journal_dir)
    assert len(segment.read_text().splitlines()) == len(EDITORIALS)

    config = private_config(private_server, tmp_path)
    with ReplayServer(SITE) as site:
        result = run_crawl(config, site.url)
        counts = fetched(site.requests)
    assert result.code == 0, result.stderr
    assert {path: counts[path] for path in EDITORIALS} == dict.fromkeys(EDITORIALS, 0)
    stored = stored_urls(config)
    assert len(stored) == len(set(stored))
    assert pending_segments(config.journal_dir) == []


def test_a_record_another_writer_stored_first_is_not_counted_new(
    config: Config, tmp_path: Path
) -> None:
    other = dataclasses.replace(config, var_dir=tmp_path / "other-var")
    first, second = IngestSession(config), IngestSession(other)
    first.open()
    second.open()  # both have read the (empty) store
    for session in (first, second):
        for n in range(10):
            session.add_page(make_page(make_record(n)))
        session.close()
    assert first.stats.values == {"atnews/articles/new": 10}  # type: ignore[attr-defined]
    assert second.stats.values == {"atnews/articles/unchanged": 10}  # type: ignore[attr-defined]
    assert stored_urls(config) == urls(*range(10))


# -- row 4, the store's side: a record of another post --------------------------------------


def test_a_record_with_another_post_id_never_replaces_a_stored_article(
    config: Config, database: Database
) -> None:
    assert store_pages(config, [make_page(make_record(1))]) == {"atnews/articles/new": 1}
    # Fetched at /story-2/, it names /story-1/ as its URL (a wrong rel=canonical), post 1002.
    foreign = make_page(make_record(2, url=make_record(1)["url"]), fetched_at=NOW)
    foreign.fetch_url = f"{SAMPLE_SITE}story-2/"
    assert store_pages(config, [foreign]) == {"atnews/articles/rejected": 1}
    (article,) = database.articles.find()
    assert (article["url"], article["post_id"], article["revision"]) == (
        make_record(1)["url"],
        1001,
        1,
    )
    assert article["body"] == story(1)
    assert database.article_revisions.count_documents({}) == 0
    (reject,) = database.rejects.find()
    assert reject["url"] == f"{SAMPLE_SITE}story-2/"
    assert reject["reasons"] == [
        f"post_id: 1002, but the article stored at {make_record(1)['url']} is post 1001: "
        "not a version of it (the page's canonical URL names another article)"
    ]
    # The page it was stored with is the stored article's own, not the foreign one.
    page = database.pages.find_one({"_id": make_record(1)["url"]})
    assert page is not None and page["fetch_url"] == make_record(1)["url"]


def test_a_record_naming_another_article_is_a_version_of_its_own_post(
    config: Config, database: Database
) -> None:
    pages = [make_page(make_record(1)), make_page(make_record(2))]
    assert store_pages(config, pages) == {"atnews/articles/new": 2}
    edited = make_record(2, url=make_record(1)["url"], body=story(2) + " Edited.")
    assert store_pages(config, [make_page(edited, fetched_at=NOW)]) == {
        "atnews/articles/updated": 1
    }
    by_post = {a["post_id"]: a for a in database.articles.find()}
    assert (by_post[1001]["url"], by_post[1001]["revision"]) == (make_record(1)["url"], 1)
    assert (by_post[1002]["url"], by_post[1002]["revision"]) == (make_record(2)["url"], 2)
    assert by_post[1002]["url_aliases"] == []
    assert by_post[1002]["body"].endswith("Edited.")


def test_a_record_of_a_stored_post_under_the_url_of_an_article_without_one(
    config: Config, database: Database
) -> None:
    no_post = make_record(1, post_id=None)
    assert store_pages(config, [make_page(no_post), make_page(make_record(2))]) == {
        "atnews/articles/new": 2
    }
    edited = make_record(2, url=no_post["url"], body=story(2) + " Edited.")
    assert store_pages(config, [make_page(edited, fetched_at=NOW)]) == {
        "atnews/articles/updated": 1
    }
    by_url = {a["url"]: (a["post_id"], a["revision"]) for a in database.articles.find()}
    assert by_url == {no_post["url"]: (None, 1), make_record(2)["url"]: (1002, 2)}
