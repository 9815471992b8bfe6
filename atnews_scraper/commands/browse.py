"""`atnews browse`: sync the analysis index, then serve it with Datasette on 127.0.0.1."""

from __future__ import annotations

import argparse
import socket
import tempfile
from pathlib import Path

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.errors import ConfigError
from atnews_scraper.extras import require
from atnews_scraper.index.access import add_index_options, current_index, index_path

DEFAULT_PORT = 8001


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "browse",
        parents=parents,
        help="search and browse the articles in Datasette (http://127.0.0.1:8001/)",
        description=(
            "Sync the analysis index, then serve a read-only copy of it with Datasette on "
            "127.0.0.1: full-text search, facets by category, tag, author and month, article "
            "pages, and a chart of articles per month. Ctrl-C stops it; restart it to see "
            "articles stored since."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    add_index_options(parser, from_mongo=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port {args.port}: give a port number between 1 and 65535")
    require("datasette", "atnews browse")
    check_port_free(args.port)
    config = config_from_args(args)
    current_index(config, args, say).close()
    with tempfile.TemporaryDirectory(prefix="atnews-browse-") as workdir:
        serve(index_path(config, args), Path(workdir), args.port)
    return 0


def check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise ConfigError(
                f"--port {port}: port {port} on 127.0.0.1 is in use; choose another with --port"
            ) from None


def serve(index: Path, workdir: Path, port: int) -> None:
    import uvicorn
    from datasette.app import Datasette
    from datasette.plugins import pm

    from atnews_scraper.index import browse

    served = browse.snapshot(index, workdir / f"{browse.DATABASE}.db")
    if not pm.is_registered(browse):
        pm.register(browse, name="atnews_browse")
    datasette = Datasette(
        immutables=[str(served)],
        metadata=browse.metadata(),
        template_dir=str(browse.TEMPLATES),
        settings={"suggest_facets": False, "sql_time_limit_ms": 5000},
    )
    say(f"browse: serving {index} (a read-only copy) at http://127.0.0.1:{port}/ ; Ctrl-C stops")
    uvicorn.run(datasette.app(), host="127.0.0.1", port=port, log_level="warning")
