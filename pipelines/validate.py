"""Stub until issue 6: passes every item through."""

from __future__ import annotations

from typing import Any


class ValidatePipeline:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        return item
