"""Every command and code block in README.md and docs/*.md runs as written (a doc-test).

The blocks run against the archive of the bundled site snapshot: `fixtures/site` served by
`atnews replay` (so `atnews crawl` stays offline: ATNEWS_SITE_URL points at it), crawled once
into an embedded store of the test's own (ATNEWS_HOME in a temporary directory, ATNEWS_DB_PORT
a free port), with the `atnews` of this checkout first on PATH. Each document's blocks run in
order in one working directory holding a copy of `fixtures/`, so a block may use a file an
earlier block wrote (`atnews export articles.csv` before pandas reads it).

- `sh` / `bash` / `console` blocks run with bash (`set -e -o pipefail`); `python` blocks with
  this Python. A block passes when it exits 0, prints no traceback, and does not answer that
  nothing was found ("no stored article", "no articles match"): an example must show something.
- The documented URI `mongodb://127.0.0.1:27027/` is the only text replaced: by the test
  server's URI (27027 may belong to someone else on a test machine).
- Other fenced blocks (json, text, output, diagrams) are not code. `cron` and `js` (mongosh)
  blocks, and any block that cannot run offline or here (the live site, a server that runs
  until stopped, the test suite itself, a sketch with placeholders), carry a marker on the line
  before the fence: `<!-- doc-test: skip (why) -->`. The skipped blocks are counted, and each
  must say why.

Run it alone: `.venv/bin/pytest -p no:xdist tests/test_docs.py -v` (about a minute).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from crawl_support import REPO, SITE

from atnews_scraper.ferretdb import free_port
from atnews_scraper.replay import ReplayServer

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL = ("sh", "bash", "console", "shell")
PYTHON = ("python", "py", "python3")
MUST_BE_MARKED = ("cron", "js", "javascript", "mongosh")
SKIP = re.compile(r"<!--\s*doc-test:\s*skip\s*(?:\((?P<why>.*)\))?\s*-->")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
DOCUMENTED_URI = "mongodb://127.0.0.1:27027/"
FOUND_NOTHING = ("no stored article", "no articles match", "no articles stored yet")
MAX_SKIPPED = 30  # raise it only with a reason in the block's marker
BLOCK_TIMEOUT_S = 180


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    skip: str | None  # the marker's reason ("" when it gives none); None: not marked

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def blocks(path: Path) -> Iterator[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        before = next((x for x in reversed(lines[:index]) if x.strip()), "")
        marker = SKIP.search(before)
        code = "\n".join(line[indent:] for line in lines[index + 1 : end]) + "\n"
        skip = (marker["why"] or "").strip() if marker else None
        yield Block(path, index + 1, opening["lang"].lower(), code, skip)
        index = end + 1


def runnable(block: Block) -> bool:
    return block.lang in SHELL + PYTHON


@dataclass(frozen=True)
class DocArchive:
    env: dict[str, str]
    uri: str


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DocArchive]:
    """The snapshot's archive in an embedded store of its own, and the env that reaches it."""
    base = tmp_path_factory.mktemp("doc-archive")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("MONGODB_URI", "ATNEWS_DB", "ATNEWS_VAR_DIR", "ATNEWS_DB_DIR")
    }
    env.update(
        ATNEWS_HOME=str(base / "home"),
        ATNEWS_DB_PORT=str(port),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(base / "user"),
        MPLBACKEND="Agg",
    )
    (base / "user").mkdir()
    with ReplayServer(SITE) as site:
        env["ATNEWS_SITE_URL"] = site.url
        atnews = [sys.executable, "-m", "atnews_scraper.cli"]
        crawl = subprocess.run(
            [*atnews, "crawl", "--no-polite"], env=env, cwd=base, capture_output=True,
            text=True, timeout=BLOCK_TIMEOUT_S, check=False,
        )  # fmt: skip
        assert crawl.returncode == 0, crawl.stderr
        try:
            yield DocArchive(env, f"mongodb://127.0.0.1:{port}/")
        finally:
            subprocess.run([*atnews, "db", "stop"], env=env, capture_output=True, check=False)


def run_block(block: Block, archive: DocArchive, cwd: Path) -> str | None:
    """None when the block ran as documented, else what went wrong."""
    code = block.code.replace(DOCUMENTED_URI, archive.uri)
    if block.lang in PYTHON:
        command = [sys.executable, "-c", code]
    else:
        command = ["bash", "-e", "-o", "pipefail", "-c", code]
    process = subprocess.Popen(
        command, cwd=cwd, env=archive.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = process.communicate(timeout=BLOCK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"{block.where}: still running after {BLOCK_TIMEOUT_S} s"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # and whatever the block left running
        process.communicate()
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    said = done.stderr.strip().splitlines()[-3:]
    if done.returncode != 0:
        return f"{block.where}: exit {done.returncode}: {' / '.join(said)}"
    if "Traceback (most recent call last)" in done.stderr:
        return f"{block.where}: a traceback on stderr: {' / '.join(said)}"
    nothing = [line for line in done.stderr.splitlines() if line.startswith(FOUND_NOTHING)]
    if nothing:
        return f"{block.where}: found nothing: {nothing[0]}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_block_runs_as_written(document: Path, archive: DocArchive, tmp_path: Path) -> None:
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    failures = [
        failure
        for block in blocks(document)
        if runnable(block) and block.skip is None
        for failure in [run_block(block, archive, tmp_path)]
        if failure is not None
    ]
    assert failures == []


def test_blocks_that_do_not_run_are_marked_with_a_reason() -> None:
    every = [block for document in DOCUMENTS for block in blocks(document)]
    skipped = [block for block in every if block.skip is not None]
    unmarked = [b.where for b in every if b.lang in MUST_BE_MARKED and b.skip is None]
    assert unmarked == [], "cron and mongosh blocks cannot run here: mark them"
    assert [b.where for b in skipped if not b.skip] == [], "say why a block is skipped"
    assert len(skipped) <= MAX_SKIPPED, [f"{b.where}: {b.skip}" for b in skipped]
    assert sum(runnable(b) and b.skip is None for b in every) >= 10  # the doc-test tests


def test_the_block_reader_finds_fences_languages_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```sh\natnews stats\n```\n\n<!-- doc-test: skip (live site) -->\n"
        "```cron\n17 * * * * atnews crawl\n```\n\n- item:\n\n  ```python\n  print(1)\n  ```\n"
    )
    found = list(blocks(page))
    assert [(b.line, b.lang, b.code, b.skip) for b in found] == [
        (3, "sh", "atnews stats\n", None),
        (8, "cron", "17 * * * * atnews crawl\n", "live site"),
        (14, "python", "print(1)\n", None),
    ]
