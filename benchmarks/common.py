"""Shared helpers: timing, peak memory, child processes, machine facts, Markdown formatting."""

from __future__ import annotations

import datetime as _dt
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
SAMPLE = REPO / "sample_images" / "chelsea.png"


# ---------------------------------------------------------------- configuration and results


@dataclass
class Config:
    quick: bool = False
    tmp: Path = Path("/tmp")

    def reps(self, full: int, quick: int = 1) -> int:
        return quick if self.quick else full


@dataclass
class Section:
    """One part of BENCHMARKS.md: Markdown blocks plus the figures the target table needs."""

    key: str
    title: str
    blocks: list[str] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    elapsed: float = 0.0
    error: str | None = None
    load: float | None = None  # 1-minute load average when the section started

    def add(self, text: str) -> None:
        self.blocks.append(text.strip("\n"))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- timing


def calibrate(fn, min_time: float) -> int:
    """How many calls of fn() last at least min_time seconds (at least 1)."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or number >= 1 << 20:
            return number
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9) * 1.2))


def time_calls(fn, number: int) -> float:
    """Seconds per call, averaged over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def median_time(fn, reps: int, min_time: float = 0.02, number: int | None = None) -> float:
    """Median over `reps` repetitions of the mean time per call of fn()."""
    number = number or calibrate(fn, min_time)
    return statistics.median(time_calls(fn, number) for _ in range(reps))


def paired(fns: dict, reps: int, min_time: float = 0.02) -> dict[str, list[float]]:
    """Time several functions interleaved, rep by rep, so they share the machine's noise.

    Returns every repetition's seconds per call for each name; ratios taken rep by
    rep and then the median are robust to a neighbour stealing the CPU for a while.
    """
    numbers = {name: calibrate(fn, min_time) for name, fn in fns.items()}
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            out[name].append(time_calls(fn, numbers[name]))
    return out


def median_ratio(num: list[float], den: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(num, den, strict=True))


def traced_peak(fn) -> tuple[int, object]:
    """Peak bytes allocated (tracemalloc, which numpy reports its buffers to) while fn() runs.

    Measured above what was allocated before the call; the result of fn is kept
    alive until the peak is read, so state built by fn counts.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - before
    if not was_tracing:
        tracemalloc.stop()
    return peak, result


def fit_power(xs, ys) -> tuple[float, float]:
    """Least-squares fit of y = c * x^p in log-log space; returns (c, p)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    p = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sxx if sxx else 1.0
    return math.exp(my - p * mx), p


# ---------------------------------------------------------------- child processes


@dataclass
class ChildRun:
    wall: float
    maxrss: int  # bytes
    returncode: int
    stdout: str
    stderr: str


def run_child(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
              timeout: float = 600.0) -> ChildRun:
    """Run cmd via launcher.py: wall time from spawn to exit, and that child's own peak RSS."""
    import json

    folder = Path(cwd or "/tmp")
    out_path = folder / f".bench-out-{os.getpid()}"
    err_path = folder / f".bench-err-{os.getpid()}"
    launcher = [sys.executable, str(BENCH / "launcher.py"), str(out_path), str(err_path),
                str(timeout), "--", *cmd]
    done = subprocess.run(launcher, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout + 60)
    if done.returncode != 0:
        raise RuntimeError(f"launcher failed for {cmd}: {done.stderr[-500:]}")
    facts = json.loads(done.stdout)
    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return ChildRun(facts["wall"], facts["maxrss"], facts["returncode"], stdout, stderr)


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.pop("PYTHONSTARTUP", None)
    return env


def paintlr_command() -> list[str]:
    """The installed console script if there is one (what a user runs), else python -m paintlr."""
    script = Path(sys.executable).parent / "paintlr"
    return [str(script)] if script.exists() else [sys.executable, "-m", "paintlr"]


# ---------------------------------------------------------------- machine


def machine() -> list[tuple[str, str]]:
    import numpy
    import PIL

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    versions = [f"numpy {numpy.__version__}", f"Pillow {PIL.__version__}"]
    for name in ("click", "tqdm", "scipy", "sklearn"):
        try:
            mod = __import__(name)
            versions.append(f"{'scikit-learn' if name == 'sklearn' else name} {mod.__version__}")
        except Exception as exc:  # a missing peer library is reported, not hidden
            versions.append(f"{name} unavailable ({type(exc).__name__})")
    blas = "unknown"
    try:
        info = numpy.show_config(mode="dicts")
        b = info.get("Build Dependencies", {}).get("blas", {})
        blas = f"{b.get('name', '?')} {b.get('version', '')}".strip()
    except Exception:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "paintlr"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip()
        commit += " (paintlr/ has uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return [
        ("Date", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu),
        ("Cores", f"{os.cpu_count()} logical, {usable} usable by this process"),
        ("Memory", mem),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Libraries", ", ".join(versions)),
        ("BLAS (numpy)", blas),
        ("paintlr commit", commit),
        ("Load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]


# ---------------------------------------------------------------- formatting


def fmt_time(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "n/a"
    s = float(seconds)
    if math.isinf(s):
        return "never"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 2 * 86400:
        return f"{s / 3600:.3g} h"
    if s < 2 * 365 * 86400:
        return f"{s / 86400:.3g} days"
    return f"{s / (365.25 * 86400):.3g} years"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "n/a"
    n = float(n)
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(n) >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def fmt_ratio(x: float | None) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:.3g}x"


def table(headers: list[str], rows: list[list]) -> str:
    def cell(v) -> str:
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
