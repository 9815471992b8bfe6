"""Optional packages: `pip install atnews` crawls and stores; `atnews[analysis]` adds pandas,
pyarrow and matplotlib for charts, Parquet and the notebook examples, and Datasette for
`atnews browse`."""

from __future__ import annotations

import importlib
from types import ModuleType

from atnews_scraper.errors import ConfigError

ANALYSIS_EXTRA = "analysis"


def require(module: str, purpose: str, extra: str = ANALYSIS_EXTRA) -> ModuleType:
    """The module, or one clear line naming the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"{purpose} needs {module}, which comes with the [{extra}] extra: "
            f"pip install 'atnews[{extra}]' (in a checkout: make setup)"
        ) from None
