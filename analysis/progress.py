"""Progress on stderr for steps that take more than a moment (silent when not wanted)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class Progress:
    """Prints one line per stage and a tqdm bar for loops; records each stage's wall time and
    the CPU time the process spent in it (all threads; a child process such as the notebook's
    kernel or Chromium is not counted)."""

    def __init__(self, enabled: bool = True, stream=None):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}

    def note(self, message: str) -> None:
        if self.enabled:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def stage(self, key: str, message: str) -> Iterator[None]:
        self.note(f"• {message}")
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[key] = round(time.perf_counter() - start, 3)
            self.cpu_seconds[key] = round(time.process_time() - cpu, 3)

    def timings_table(self, total_wall: float, total_cpu: float) -> str:
        """Each recorded stage's wall and CPU seconds, in the order they ran, and the total."""
        rows = [(key, wall, self.cpu_seconds.get(key, 0.0)) for key, wall in self.seconds.items()]
        rows.append(("total", total_wall, total_cpu))
        width = max(len(r[0]) for r in rows)
        lines = [f"{'stage':<{width}}  {'wall s':>8}  {'CPU s':>8}"]
        lines += [f"{key:<{width}}  {wall:>8.2f}  {cpu:>8.2f}" for key, wall, cpu in rows]
        return "\n".join(lines)

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

