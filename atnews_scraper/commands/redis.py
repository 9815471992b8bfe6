"""`atnews redis start|stop|status`: the private redis-server a distributed crawl uses when no
REDIS_URL is set (a unix socket in VAR_DIR/run, append-only file in VAR_DIR/redis)."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers, config_from_args


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "redis",
        parents=parents,
        help="start, stop or show the private Redis of `atnews crawl --workers`",
        description="The private redis-server of the var dir: start, stop, status. "
        "Exit codes: 0 ok, 1 (status) not running, 2 not installed.",
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument(
        "--no-persist",
        dest="persist",
        action="store_false",
        help="no append-only file (tests); default: AOF on, a queue survives a restart",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from atnews_scraper.distributed.redis_server import PrivateRedis

    private = PrivateRedis(config_from_args(args).var_dir)
    if args.action == "start":
        print(private.start(persist=args.persist))
        return 0
    if args.action == "stop":
        print("stopped" if private.stop() else "not running")
        return 0
    pid = private.pid()
    print(f"running (pid {pid}): {private.url}" if pid is not None else "not running")
    return 0 if pid is not None else 1
