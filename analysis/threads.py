"""How many CPU threads the analysis may use for work it splits itself: as many as the
OpenMP threads its caller allows scikit-learn (threadpoolctl's limits; a build beside a
notebook kernel allows one), and no more than the machine's cores."""

from __future__ import annotations

import os

from threadpoolctl import threadpool_info


def allowed_threads() -> int:
    openmp = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"]
    return max(1, min(max(openmp, default=1), os.cpu_count() or 1))
