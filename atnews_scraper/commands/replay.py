"""`atnews replay`: serve a saved site snapshot on 127.0.0.1, with optional fault injection."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from atnews_scraper.commands import SubParsers, say
from atnews_scraper.errors import EXIT_OK, ConfigError
from atnews_scraper.replay.faults import FAULT_SPEC_HELP, FaultPlan

MAX_PORT = 65535


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="serve a saved site snapshot on 127.0.0.1, with optional fault injection",
        description=(
            "Serve a snapshot directory (e.g. fixtures/site) as a web server would, until "
            "Ctrl-C or SIGTERM. Prints its URL; point a crawl at it with --site-url URL."
        ),
    )
    parser.add_argument("path", metavar="PATH", help="snapshot directory (holds manifest.json)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=f"inject a fault, repeatable: {FAULT_SPEC_HELP}",
    )
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        metavar="R",
        help="also fail this share of requests at random (0..1)",
    )
    parser.add_argument(
        "--random-fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="what a random fault may be, repeatable (default: 500, 503 and 429 with "
        "Retry-After 1, drop, truncate); same KIND syntax as --fault",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random faults (0)")
    parser.add_argument("--log", metavar="FILE", help="append every request as JSON Lines here")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from atnews_scraper.replay.server import ReplayServer

    if not 0 <= args.port <= MAX_PORT:
        raise ConfigError(
            f"--port {args.port} is not a port: give 1 to {MAX_PORT}, or 0 for a free one"
        )
    plan = FaultPlan.build(args.fault, args.fault_rate, args.seed, args.random_fault)
    server = ReplayServer(args.path, host=args.host, port=args.port, faults=plan, log_path=args.log)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server.start()
    try:
        entries = len(server.snapshot.entries)
        say(f"serving {args.path} ({entries} URLs) at {server.url}; Ctrl-C to stop")
        if plan.rules or plan.rate:
            rules = ", ".join(f"{rule.describe()}@{rule.pattern}" for rule in plan.rules)
            mix = ", ".join(fault.describe() for fault in plan.random_faults)
            say(f"faults: {rules or 'none'}; random rate {plan.rate:g} (seed {plan.seed}) of {mix}")
        print(server.url, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say(f"stopped after {len(server.requests)} request(s)")
    sys.stdout.flush()
    return EXIT_OK
