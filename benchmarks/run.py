"""`make bench`: run every benchmarks/bench_*.py module's main(), each printing ratios against
its named peer measured in the same run. `python -m benchmarks.run crawl store` runs a subset."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def bench_modules() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if info.name.startswith("bench_")
    )


def main(argv: Sequence[str] | None = None) -> int:
    wanted = list(argv if argv is not None else sys.argv[1:])
    names = [n for n in bench_modules() if not wanted or n.removeprefix("bench_") in wanted]
    if not names:
        print(f"no benchmark matches {wanted}; known: {bench_modules()}", file=sys.stderr)
        return 2
    failures = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        sys.argv = [f"benchmarks.{name}"]  # each benchmark parses its own (default) options
        code = importlib.import_module(f"benchmarks.{name}").main()
        print(f"--- {name}: exit {code} in {time.perf_counter() - started:.1f}s", flush=True)
        if code:
            failures.append(name)
    if failures:
        print(f"\nbenchmarks below target: {', '.join(failures)}")
        return 1
    print("\nall benchmarks met their targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
