"""The embedded server keeps its port across restarts, and concurrent starts share one server."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from atnews_scraper.ferretdb import EmbeddedServer, ServerInfo, free_port, port_is_free


def leave_in_time_wait() -> int:
    """A loopback port whose last connection was closed by the listening side (TIME-WAIT), as a
    stopped FerretDB leaves its port (Go listens with SO_REUSEADDR)."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the side that closes first keeps TIME-WAIT
            client.recv(1)
    return port


def server(tmp_path: Path, port: int) -> EmbeddedServer:
    return EmbeddedServer(tmp_path / "db", tmp_path / "run", tmp_path / "log", preferred_port=port)


def test_a_port_in_time_wait_is_free() -> None:
    assert port_is_free(leave_in_time_wait())


def test_a_restart_keeps_the_configured_port_after_time_wait(tmp_path: Path) -> None:
    port = leave_in_time_wait()
    embedded = server(tmp_path, port)
    try:
        assert embedded.start().port == port
    finally:
        embedded.stop()


def test_a_configured_port_taken_by_another_program_is_said(tmp_path: Path) -> None:
    told: list[str] = []
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = int(other.getsockname()[1])
        embedded = server(tmp_path, taken)
        try:
            info = embedded.start(say=told.append)
        finally:
            embedded.stop()
    assert info.port != taken
    assert told == [
        f"port {taken} on 127.0.0.1 is taken by another program: the embedded database runs "
        f"on port {info.port} instead (mongodb://127.0.0.1:{info.port}/); free port {taken} "
        "or set ATNEWS_DB_PORT to choose another"
    ]


def test_concurrent_starts_share_one_server(tmp_path: Path) -> None:
    port = free_port()
    results: list[ServerInfo | BaseException] = []

    def start() -> None:
        try:
            results.append(server(tmp_path, port).start())
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        server(tmp_path, port).stop()
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert {r.pid for r in results if isinstance(r, ServerInfo)} == {results[0].pid}  # type: ignore[union-attr]
    assert len(results) == 3


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_a_bad_configured_port_is_one_clear_line(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atnews_scraper.config import load_config
    from atnews_scraper.errors import ConfigError

    monkeypatch.setenv("ATNEWS_DB_PORT", value)
    with pytest.raises(ConfigError) as error:
        load_config()
    assert str(error.value) == (
        f"ATNEWS_DB_PORT: {value!r} is not a port number (1-65535); unset it to use 27027"
    )


def test_db_status_json_prints_the_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from atnews_scraper.cli import main

    monkeypatch.delenv("MONGODB_URI", raising=False)
    port = free_port()
    home = ["--home", str(tmp_path / "home")]
    assert main(["db", "start", "--port", str(port), *home]) == 0
    try:
        capsys.readouterr()
        assert main(["db", "status", "--json", *home]) == 0
        out = capsys.readouterr().out
    finally:
        main(["db", "stop", *home])
    assert out.count("\n") == 1
    report = json.loads(out)
    assert (report["uri"], report["port"], report["articles"]) == (
        f"mongodb://127.0.0.1:{port}/",
        port,
        0,
    )
    assert report["data_dir"] == str(tmp_path / "home" / "db")
