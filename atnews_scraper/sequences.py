"""Order-keeping helpers for lists of values."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def unique(items: Iterable[T]) -> list[T]:
    """The items in their first-seen order, each once."""
    return list(dict.fromkeys(items))
