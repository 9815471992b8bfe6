"""Run `atnews ARGS...` as an install without extras would: pandas, pyarrow and matplotlib fail
to import. Usage: python tests/no_extras.py ARGS..."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

EXTRAS = ("pandas", "pyarrow", "matplotlib")


class NoExtras(MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.split(".")[0] in EXTRAS:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


if __name__ == "__main__":
    sys.meta_path.insert(0, NoExtras())
    from atnews_scraper.cli import main

    sys.exit(main(sys.argv[1:]))
