"""Fault injection: each fault kind, path patterns, fail-N-times, and seeded random faults."""

from __future__ import annotations

import contextlib
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from atnews_scraper.replay import Fault, FaultKind, FaultPlan, FaultSpecError, ReplayServer
from atnews_scraper.replay.faults import FaultInjector
from atnews_scraper.replay.snapshot import Snapshot

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
SCO = "/sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURE_SITE) as replay:
        yield replay


@pytest.fixture(autouse=True)
def no_faults_left(server: ReplayServer) -> Iterator[None]:
    yield
    server.set_faults(None)
    server.reset_log()


def get(server: ReplayServer, path: str) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def test_error_status_with_retry_after(server: ReplayServer) -> None:
    server.set_faults(["503,retry-after=7@/feed/"])
    status, response, body = get(server, "/feed/")
    assert (status, response.getheader("Retry-After")) == (503, "7")
    assert b"<h1>Service Unavailable</h1>" in body
    assert get(server, SCO)[0] == 200
    assert [(r["path"], r["status"], r["fault"]) for r in server.requests] == [
        ("/feed/", 503, "503"),
        (SCO, 200, None),
    ]


@pytest.mark.parametrize("code", [500, 503, 429])
def test_each_error_status(server: ReplayServer, code: int) -> None:
    server.set_faults([Fault(FaultKind.STATUS, pattern="/category/*", status=code)])
    status, response, _ = get(server, "/category/latest/page/2/")
    assert (status, response.getheader("Retry-After")) == (code, None)
    assert get(server, "/")[0] == 200


def test_fail_the_first_n_times_then_succeed(server: ReplayServer) -> None:
    server.set_faults(["429,retry-after=1,times=2@/category/*"])
    statuses = [get(server, "/category/latest/")[0] for _ in range(4)]
    assert statuses == [429, 429, 200, 200]
    # The count is per URL: another matching URL fails its own first two times.
    assert [get(server, "/category/nation/")[0] for _ in range(3)] == [429, 429, 200]


def test_slow_response(server: ReplayServer) -> None:
    server.set_faults(["slow=0.4@" + SCO])
    started = time.perf_counter()
    status, _, body = get(server, SCO)
    assert time.perf_counter() - started >= 0.4
    assert status == 200
    assert body == (FIXTURE_SITE / SCO.strip("/") / "index.html").read_bytes()
    assert server.requests[0]["fault"] == "slow=0.4"


def test_dropped_connection(server: ReplayServer) -> None:
    server.set_faults(["drop@" + SCO])
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        get(server, SCO)
    assert [(r["status"], r["bytes"], r["fault"]) for r in server.requests] == [(0, 0, "drop")]


def test_truncated_body(server: ReplayServer) -> None:
    server.set_faults(["truncate@/wp-sitemap-posts-post-1.xml"])
    full = (FIXTURE_SITE / "wp-sitemap-posts-post-1.xml").read_bytes()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", "/wp-sitemap-posts-post-1.xml")
    response = connection.getresponse()
    assert response.getheader("Content-Length") == str(len(full))
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    connection.close()
    assert caught.value.partial == full[: len(full) // 2]
    assert server.requests[0]["bytes"] == len(full) // 2


def test_redirect_loop(server: ReplayServer) -> None:
    server.set_faults(["loop@" + SCO])
    status, response, _ = get(server, SCO)
    assert status == 302
    assert response.getheader("Location") == f"{server.url.rstrip('/')}{SCO}?redirect-loop=1"
    status, response, _ = get(server, SCO + "?redirect-loop=1")
    assert response.getheader("Location") == f"{server.url.rstrip('/')}{SCO}"
    with pytest.raises(urllib.error.HTTPError, match="infinite loop"):
        urllib.request.urlopen(server.url + SCO.lstrip("/"), timeout=5)


def test_regex_and_query_patterns(server: ReplayServer) -> None:
    server.set_faults(["500@re:^/tag/", "503@/?s=*"])
    assert get(server, "/tag/sco/")[0] == 500
    assert get(server, "/category/latest/")[0] == 200
    assert get(server, "/?s=kabul")[0] == 503
    assert get(server, "/")[0] == 200


def test_first_matching_rule_wins(server: ReplayServer) -> None:
    server.set_faults(["500,times=1@/feed/", "503@/feed/"])
    assert [get(server, "/feed/")[0] for _ in range(3)] == [500, 503, 503]


# -- seeded random faults ----------------------------------------------------------------------


def _faulted_paths(rate: float, seed: int) -> list[str]:
    keys = sorted(Snapshot.load(FIXTURE_SITE).entries)
    injector = FaultInjector(FaultPlan(rate=rate, seed=seed))
    return [key for key in keys if injector.choose(key) is not None]


def test_random_faults_depend_only_on_the_seed() -> None:
    first = _faulted_paths(0.2, seed=7)
    assert first == _faulted_paths(0.2, seed=7)
    assert first != _faulted_paths(0.2, seed=8)
    assert len(first) == 31
    assert _faulted_paths(0.0, seed=7) == []
    assert len(_faulted_paths(1.0, seed=7)) == 124


def test_random_faults_do_not_depend_on_request_order() -> None:
    keys = sorted(Snapshot.load(FIXTURE_SITE).entries)
    forward = FaultInjector(FaultPlan(rate=0.3, seed=3))
    backward = FaultInjector(FaultPlan(rate=0.3, seed=3))
    picked = {key: forward.choose(key) for key in keys}
    assert {key: backward.choose(key) for key in reversed(keys)} == picked


def test_the_random_mix_can_be_chosen(server: ReplayServer) -> None:
    plan = FaultPlan.build(rate=1.0, seed=7, random_faults=["429,retry-after=9", "slow=0.01"])
    server.set_faults(plan)
    faults = [get(server, path)[1].getheader("Retry-After") for path in ("/", "/feed/", SCO)]
    assert [r["fault"] for r in server.requests] == ["429", "slow=0.01", "429"]
    assert faults == ["9", None, "9"]


def test_a_retry_gets_a_fresh_draw() -> None:
    injector = FaultInjector(FaultPlan(rate=0.5, seed=11))
    draws = [injector.choose("/feed/") is not None for _ in range(12)]
    assert draws == [True, True, True, False, True, True, False, True, False, True, False, True]


def test_random_faults_over_http_are_reproducible(server: ReplayServer) -> None:
    paths = ["/", SCO, "/feed/", "/category/latest/", "/tag/sco/", "/robots.txt"] * 3

    def run() -> list[tuple[str, str | None]]:
        server.set_faults(FaultPlan(rate=0.5, seed=1))
        server.reset_log()
        for path in paths:
            with contextlib.suppress(http.client.HTTPException, ConnectionError):
                get(server, path)
        return [(r["path"], r["fault"]) for r in server.requests]

    first = run()
    assert run() == first
    assert {fault for _, fault in first} == {None, "500", "503", "429", "drop", "truncate"}


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "fault"),
    [
        ("500", Fault(FaultKind.STATUS, status=500)),
        (
            "503,retry-after=5@/feed/",
            Fault(FaultKind.STATUS, pattern="/feed/", status=503, retry_after=5),
        ),
        (
            "429,times=2,retry-after=1@re:^/tag/",
            Fault(FaultKind.STATUS, pattern="re:^/tag/", status=429, retry_after=1, times=2),
        ),
        ("slow=1.5@*", Fault(FaultKind.SLOW, delay=1.5)),
        ("slow", Fault(FaultKind.SLOW, delay=1.0)),
        ("drop@/x/", Fault(FaultKind.DROP, pattern="/x/")),
        ("truncate", Fault(FaultKind.TRUNCATE)),
        ("loop,times=3@/old/", Fault(FaultKind.LOOP, pattern="/old/", times=3)),
    ],
)
def test_parse_fault_specs(spec: str, fault: Fault) -> None:
    assert Fault.parse(spec) == fault


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("bogus", "not understood"),
        ("status@/x/", "not understood"),
        ("500,retry-after=soon", "not understood"),
        ("500,colour=red", "not understood"),
        ("slow=fast", "not understood"),
        ("500@re:(", "bad regular expression"),
    ],
)
def test_bad_fault_specs(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        Fault.parse(spec)


def test_bad_rate() -> None:
    with pytest.raises(FaultSpecError, match=r"outside 0\.\.1"):
        FaultPlan.build(rate=1.5)
