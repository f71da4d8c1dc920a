"""Progress on stderr for steps that take more than a moment (silent when not wanted)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Prints one line per stage and a tqdm bar for loops; records each stage's wall time."""

    def __init__(self, enabled: bool = True, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.seconds: dict[str, float] = {}

    def note(self, message: str) -> None:
        if self.enabled:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def stage(self, key: str, message: str) -> Iterator[None]:
        self.note(f"• {message}")
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[key] = round(time.perf_counter() - start, 3)

    def iter(self, items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
        if not self.enabled:
            return items
        from tqdm.auto import tqdm

        return tqdm(
            items,
            desc=f"  {desc}",
            total=total,
            file=self.stream,
            leave=False,
            disable=None,
            dynamic_ncols=True,
        )

