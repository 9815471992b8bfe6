"""``python -m tooling.sitegen build DIR`` / ``synthetic DIR --articles N --seed S``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from atnews_scraper.errors import AtnewsError
from tooling.sitegen.builders import default_site, synthetic_site
from tooling.sitegen.write import write_site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tooling.sitegen",
        description="Write a generated copy of the site as a snapshot for `atnews replay`.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="the small default site (fixtures/site)")
    build.add_argument("out", metavar="DIR", help="snapshot directory to (re)write")
    synthetic = actions.add_parser("synthetic", help="a large synthetic site for benchmarks")
    synthetic.add_argument("out", metavar="DIR", help="snapshot directory to (re)write")
    synthetic.add_argument(
        "--articles", type=int, default=2000, metavar="N", help="how many (2000)"
    )
    synthetic.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (1)")
    synthetic.add_argument(
        "--pages",
        type=Path,
        metavar="DIR",
        help="take about half the paragraphs from these saved pages' records (fixtures/pages)",
    )
    for sub in (build, synthetic):
        sub.add_argument("--gzip", action="store_true", help="store the files gzip-compressed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.action == "build":
            spec = default_site()
        else:
            if args.articles < 1:
                raise AtnewsError(f"--articles {args.articles}: give at least 1")
            if args.pages is not None and not any(args.pages.glob("*.expected.json")):
                raise AtnewsError(f"--pages {args.pages}: no *.expected.json records there")
            spec = synthetic_site(args.articles, args.seed, args.pages)
        out = write_site(spec, args.out, compress=args.gzip)
    except AtnewsError as exc:
        print(f"sitegen: error: {exc}", file=sys.stderr)
        return exc.exit_code
    seconds = time.perf_counter() - started
    print(f"wrote {len(spec.articles)} articles to {out} in {seconds:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
