"""Small measuring tools: timing wrappers on live objects, percentiles, memory, machine facts."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import threading
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


def _status_kib(field: str, pid: int | str = "self") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib() -> float | None:
    """Current resident set size of this process."""
    kib = _status_kib("VmRSS")
    return kib / 1024 if kib is not None else None


def peak_rss_mib_of(pid: int | None) -> float | None:
    """Peak resident set size of another process (the model worker), where there is /proc."""
    kib = _status_kib("VmHWM", pid) if pid else None
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


def _proc_cpu_ticks(pid: int | str) -> tuple[int, int]:
    """(ppid, utime + stime) of a process from /proc/PID/stat; (-1, 0) if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return -1, 0
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _busy_ticks() -> int:
    """CPU ticks spent on anything but idle and iowait, all CPUs, since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(values) - values[3] - values[4]


class CpuWatch:
    """Samples, every `interval` s while a benchmark runs, the load average and the CPU that processes
    outside this benchmark's own tree (itself, the model worker, tier builders, cold-start processes) use.
    The load average counts the benchmark itself; the other processes' CPU is what makes timings not
    comparable. A process once seen in the tree stays counted as ours (an orphaned worker too)."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.loads: list[float] = []
        self.other_cores: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ours: set[int] = {os.getpid()}
        self._last: dict[int, int] = {}
        self.available = Path("/proc/stat").exists()

    def _our_ticks_since_last(self) -> int:
        table = {int(e.name): _proc_cpu_ticks(e.name) for e in Path("/proc").iterdir() if e.name.isdigit()}
        delta, seen = 0, {}
        for pid, (ppid, ticks) in table.items():
            if pid not in self._ours and ppid in self._ours:
                self._ours.add(pid)
        for pid in list(self._ours):
            if pid in table:  # new processes: all their ticks fall in this interval
                ticks = table[pid][1]
                delta += max(0, ticks - self._last.get(pid, 0))
                seen[pid] = ticks
        self._last = seen
        return delta

    def _run(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        busy, at = _busy_ticks(), time.monotonic()
        self._our_ticks_since_last()
        while not self._stop.wait(self.interval):
            now_busy, ours, now = _busy_ticks(), self._our_ticks_since_last(), time.monotonic()
            other = max(0, (now_busy - busy) - ours) / tick / max(now - at, 1e-6)
            self.other_cores.append(round(other, 3))
            self.loads.append(os.getloadavg()[0])
            busy, at = now_busy, now

    def __enter__(self) -> "CpuWatch":
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def report(self, threshold_cores: float = 0.15) -> dict[str, Any]:
        """Mean / 90th percentile / max cores used by other work; contended when the mean passes
        `threshold_cores` or a tenth of the samples saw other work hold half a core or more."""
        other = self.other_cores
        mean = float(np.mean(other)) if other else None
        p90 = pct(other, 90)
        return {
            "samples": len(other),
            "interval_s": self.interval,
            "other_cores_mean": mean,
            "other_cores_p90": p90,
            "other_cores_max": max(other) if other else None,
            "load_max": max(self.loads) if self.loads else None,
            "contended": bool(other) and (mean > threshold_cores or p90 >= 0.5),
        }
