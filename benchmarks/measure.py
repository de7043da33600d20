"""Small measuring tools: timing wrappers on live objects, percentiles, memory, machine facts."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np


class Meter:
    """Times calls to methods of live objects without changing the product code.

    `wrap(obj, "method", "name")` puts a timing wrapper on that one instance (the class is untouched);
    `close()` removes every wrapper. Times accumulate per name until `reset()`.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, obj: Any, attr: str, name: str) -> None:
        original = getattr(obj, attr)
        had_own = attr in vars(obj)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        setattr(obj, attr, timed)
        self._undo.append((obj, attr, original if had_own else None))

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def get(self, name: str) -> float:
        return self.seconds.get(name, 0.0)

    def close(self) -> None:
        for obj, attr, original in reversed(self._undo):
            if original is None:
                delattr(obj, attr)
            else:
                setattr(obj, attr, original)
        self._undo.clear()

    def __enter__(self) -> "Meter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def clock() -> float:
    return time.perf_counter()


def pct(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation), or None for no values."""
    data = [v for v in values if v is not None]
    return float(np.percentile(data, q)) if data else None


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """n, mean, p50, p95 and max of a list of seconds."""
    data = [v for v in values if v is not None]
    return {
        "n": len(data),
        "mean": float(np.mean(data)) if data else None,
        "p50": pct(data, 50),
        "p95": pct(data, 95),
        "max": max(data) if data else None,
    }


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib() -> float | None:
    """Current resident set size of this process."""
    kib = _status_kib("VmRSS")
    return kib / 1024 if kib is not None else None


def peak_rss_mib() -> float:
    """Peak resident set size of this process: VmHWM (resettable) where there is /proc, else ru_maxrss."""
    kib = _status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if platform.system() == "Darwin":
            kib //= 1024
    return kib / 1024


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux: write 5 to /proc/self/clear_refs). False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def dir_size_mib(path: Path) -> float:
    """Bytes on disk under `path` (allocated blocks, like du), in MiB."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            total += getattr(st, "st_blocks", 0) * 512 or st.st_size
    return total / 2**20


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def machine() -> dict[str, Any]:
    """What the numbers were taken on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gib": round(mem_gib, 1) if mem_gib else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def git_revision(repo: Path) -> str:
    """Short commit id, with '+dirty' when the working tree has changes; '' outside git."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    if rev.returncode:
        return ""
    return rev.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children so far (compare with wall time)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start
