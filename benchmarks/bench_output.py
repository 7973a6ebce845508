"""Frames, files and processes: exact-engine frames, GIF encoding, start-up, end to end."""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from common import (
    BENCH,
    SAMPLE,
    Config,
    Section,
    child_env,
    fmt_bytes,
    fmt_ratio,
    fmt_time,
    log,
    paintlr_command,
    run_child,
    table,
)
from PIL import Image

from paintlr import animation
from paintlr.designs import OneHot
from paintlr.image import load_image, to_uint8
from paintlr.model import LinearRegressionModel
from paintlr.painting import Painting

FRAME_EPOCHS = (10, 10**3, 10**5, 10**7, 10**9)


# ---------------------------------------------------------------- exact engine frames


def exact_frames_section(cfg: Config) -> Section:
    sec = Section("exact-frames", "Exact engine: the cost of a frame does not depend on its epoch")
    target = load_image(SAMPLE, 256)
    h, w, c = target.shape
    n = h * w
    design = OneHot(n)
    labels = target.reshape(n, c)
    zeros = np.zeros((n + 1, c))
    model = LinearRegressionModel()

    def frame(k: int, max_cost: float) -> float:
        model.set_params(zeros)  # not timed: every frame starts from the same state
        start = time.perf_counter()
        model.train(design, labels, learning_rate=0.05, epochs=k, max_cost=max_cost,
                    log_every=0, engine="exact")
        to_uint8(model.score(design).reshape(h, w, c))
        return time.perf_counter() - start

    reps = cfg.reps(41, 5)
    rows = []
    results = {}
    for max_cost in (0.0, 1e-4):
        for k in FRAME_EPOCHS:  # warm up
            frame(k, max_cost)
        runs = {k: [] for k in FRAME_EPOCHS}
        for rep in range(reps):
            order = FRAME_EPOCHS[rep % len(FRAME_EPOCHS):] + FRAME_EPOCHS[:rep % len(FRAME_EPOCHS)]
            for k in order:  # rotated each repetition: no k always runs first
                runs[k].append(frame(k, max_cost))
        results[max_cost] = runs
        base = runs[10]
        label = "lands on epoch k" if max_cost == 0 else "stops at the threshold when k is beyond it"
        rows.append([f"max_cost = {max_cost:g} ({label})"]
                    + [f"{fmt_time(statistics.median(runs[k]))} [{fmt_ratio(rep_ratio(runs[k], base))}]"
                       for k in FRAME_EPOCHS])
    sec.add(
        f"One frame = `LinearRegressionModel.train(..., engine=\"exact\")` from zero weights to "
        f"epoch k on the default job's target (chelsea at 256 px, {w} x {h}, RGB, learning rate "
        f"0.05) plus rendering it (`model.score`, reshape, `to_uint8`): what `Painting` does per "
        f"frame. Median of {reps} interleaved repetitions (the order of k rotated each time); in "
        "brackets the ratio to the frame at epoch 10, taken repetition by repetition. With "
        "max_cost = 1e-4 every k beyond the threshold stops at the threshold epoch after a "
        "bisection."
    )
    sec.add(table(["frame"] + [f"k = {k:,}" for k in FRAME_EPOCHS], rows))
    exact = results[0.0]
    sec.metrics["exact_ratio"] = rep_ratio(exact[10**7], exact[10])
    sec.metrics["exact_frame_10"] = statistics.median(exact[10])
    sec.metrics["exact_frame_1e7"] = statistics.median(exact[10**7])
    return sec


def rep_ratio(num: list[float], den: list[float]) -> float:
    """Median of the repetition-by-repetition ratios."""
    return statistics.median(a / b for a, b in zip(num, den, strict=True))


# ---------------------------------------------------------------- GIF encoding


def painting_frames(side: int) -> list[np.ndarray]:
    with Image.open(SAMPLE) as im:
        small = im.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    target = np.asarray(small, dtype=np.float64) / 255.0
    return [to_uint8(f.image) for f in Painting(target)]


def gradient_frames(side: int, count: int) -> list[np.ndarray]:
    """A smooth two-dimensional colour gradient fading in from black: the banding test."""
    u = np.linspace(0.0, 1.0, side)
    r, g = np.meshgrid(u, u)
    base = np.stack([r, g, 0.5 * (1 - r) + 0.25 * g], axis=2)
    return [to_uint8(base * (i / (count - 1)) ** 0.5) for i in range(count)]


def decoded_errors(path: Path, source: np.ndarray) -> tuple[float, float, int]:
    """RMS error of the last GIF frame, RMS error after an 8x8 box blur (banding), colours."""
    with Image.open(path) as im:
        im.seek(im.n_frames - 1)
        last = np.asarray(im.convert("RGB"), dtype=np.float64)
    err = last - source.astype(np.float64)
    h, w = (err.shape[0] // 8) * 8, (err.shape[1] // 8) * 8
    blurred = err[:h, :w].reshape(h // 8, 8, w // 8, 8, 3).mean(axis=(1, 3))
    colours = len(np.unique(last.reshape(-1, 3), axis=0))
    return float(np.sqrt(np.mean(err**2))), float(np.sqrt(np.mean(blurred**2))), colours


def gif_section(cfg: Config) -> Section:
    sec = Section("gif", "GIF encoding per 256² frame")
    reps = cfg.reps(5, 1)
    tmp = cfg.tmp / "gif"
    tmp.mkdir(exist_ok=True)
    sets = {"chelsea 256x256 (paintlr frames)": painting_frames(256),
            "smooth gradient 256x256": gradient_frames(256, 60)}
    rows, brows = [], []
    per_frame = {}
    split = hasattr(animation, "shared_palette")
    for name, frames in sets.items():
        count = len(frames)
        for dither in (False, True):
            out = tmp / f"x{int(dither)}.gif"
            mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
            totals, palettes, quantises = [], [], []
            for _ in range(reps):  # the parts in the same repetition as the total
                totals.append(_timed(lambda out=out, frames=frames, dither=dither:
                                     animation.write_animation(out, frames, dither=dither)))
                if split:
                    start = time.perf_counter()
                    pal = animation.shared_palette(frames)
                    palettes.append(time.perf_counter() - start)
                    quantises.append(_timed(lambda frames=frames, pal=pal, mode=mode: [
                        Image.fromarray(f).quantize(palette=pal, dither=mode) for f in frames]))
            total = statistics.median(totals)
            per_frame[(name, dither)] = total / count
            if split:
                writer = statistics.median(t - p - q for t, p, q in zip(totals, palettes, quantises,
                                                                        strict=True))
                pal_t = statistics.median(palettes)
                parts = (f"palette {fmt_time(pal_t)} (= {fmt_time(pal_t / count)}/frame), quantise "
                         f"{fmt_time(statistics.median(quantises) / count)}/frame, rest (Pillow's "
                         f"GIF writer) {fmt_time(max(writer, 0.0) / count)}/frame")
            else:
                parts = "n/a (paintlr.animation has no shared_palette)"
            rms, blur, colours = decoded_errors(out, frames[-1])
            rows.append([name, "on" if dither else "off", count, fmt_time(total),
                         f"**{fmt_time(total / count)}**", parts, fmt_bytes(out.stat().st_size)])
            brows.append([name, "on" if dither else "off", f"{rms:.2f}", f"{blur:.2f}", colours])
    sec.add(
        f"`paintlr.animation.write_animation` on 256 x 256 RGB frames, median of {reps}. Parts, "
        "timed in the same repetitions: `animation.shared_palette(frames)`; quantising every frame "
        "to that palette with `Image.quantize(palette=..., dither=...)`; the rest (total less "
        "both: mostly Pillow's GIF writer)."
    )
    sec.add(table(["frames", "dither", "count", "total", "per frame", "parts", "GIF size"], rows))
    sec.add(
        "Banding check on the last frame, decoded back from the GIF: RMS error in 8-bit levels, "
        "and the RMS error left after averaging 8x8 blocks (what the eye sees from a distance: "
        "large when flat bands replace a smooth gradient, small when dithering trades it for "
        "fine noise)."
    )
    sec.add(table(["frames", "dither", "RMS error", "RMS error, 8x8 blur", "colours used"], brows))
    sec.metrics["gif_per_frame"] = per_frame[("chelsea 256x256 (paintlr frames)", False)]
    sec.metrics["gif_per_frame_dither"] = per_frame[("chelsea 256x256 (paintlr frames)", True)]
    sec.metrics["gif_per_frame_gradient"] = per_frame[("smooth gradient 256x256", False)]
    return sec


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---------------------------------------------------------------- start-up


def imported_modules(stderr: str) -> dict[str, int]:
    """Top-level module -> cumulative import microseconds, from -X importtime output."""
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        m = re.match(r"import time:\s*(\d+)\s*\|\s*(\d+)\s*\|(\s*)(\S+)", line)
        if m:
            name = m.group(4)
            found[name] = max(found.get(name, 0), int(m.group(2)))
    return found


def startup_section(cfg: Config) -> Section:
    sec = Section("startup", "Start-up: `paintlr --help`")
    cmd = paintlr_command()
    env = child_env()
    probe = run_child([sys.executable, "-X", "importtime", *_script_args(cmd), "--help"],
                      cwd=cfg.tmp, env=env)
    mods = imported_modules(probe.stderr)
    heavy = {name: ("imported" if any(m == name or m.startswith(name + ".") for m in mods)
                    else "not imported") for name in ("numpy", "PIL", "tqdm", "click")}
    reps = cfg.reps(11, 3)
    walls = {"python -c pass": [], "paintlr --help": [], "python -c 'import numpy, PIL.Image'": []}
    cmds = {"python -c pass": [sys.executable, "-c", "pass"],
            "paintlr --help": [*cmd, "--help"],
            "python -c 'import numpy, PIL.Image'": [sys.executable, "-c", "import numpy, PIL.Image"]}
    for _ in range(reps):
        for name, c in cmds.items():
            run = run_child(c, cwd=cfg.tmp, env=env)
            if run.returncode != 0:
                raise RuntimeError(f"{name} exited {run.returncode}: {run.stderr[-300:]}")
            walls[name].append(run.wall)
    base = walls["python -c pass"]
    rows = [[name, fmt_time(statistics.median(v)),
             fmt_ratio(statistics.median(a / b for a, b in zip(v, base, strict=True))),
             fmt_time(statistics.median(v) - statistics.median(base))]
            for name, v in walls.items()]
    sec.add(f"Whole-process wall time, median of {reps} interleaved runs; ratio to `python -c pass` "
            "taken run by run.")
    sec.add(table(["command", "wall", "x python -c pass", "above python -c pass"], rows))
    top = sorted(((v, k) for k, v in mods.items() if "." not in k and not k.startswith("_")),
                 reverse=True)[:6]
    sec.add(f"`python -X importtime paintlr --help`: numpy **{heavy['numpy']}**, Pillow (PIL) "
            f"**{heavy['PIL']}**, tqdm {heavy['tqdm']}, click {heavy['click']}. Largest top-level "
            "imports (cumulative): " + ", ".join(f"{k} {v / 1000:.1f} ms" for v, k in top) + ".")
    sec.metrics["help_numpy"] = heavy["numpy"] == "imported"
    sec.metrics["help_pil"] = heavy["PIL"] == "imported"
    sec.metrics["help_wall"] = statistics.median(walls["paintlr --help"])
    sec.metrics["help_ratio"] = statistics.median(
        a / b for a, b in zip(walls["paintlr --help"], base, strict=True))
    return sec


def _script_args(cmd: list[str]) -> list[str]:
    """The paintlr command without its interpreter, to run under python -X importtime."""
    return cmd[1:] if cmd[0] == sys.executable else cmd


# ---------------------------------------------------------------- end to end


def e2e_section(cfg: Config) -> Section:
    sec = Section("e2e", "End to end: `paintlr learn` with default settings, chelsea.png at 256 px")
    tmp = cfg.tmp / "e2e"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    frames_npy = tmp / "frames.npy"
    reps = cfg.reps(7, 1)
    splits, floors, learn_runs, floor_runs = [], [], [], []
    first = run_child([sys.executable, str(BENCH / "e2e_child.py"), str(SAMPLE), str(tmp / "split.gif"),
                       str(frames_npy)], cwd=tmp, env=env)
    if first.returncode != 0:
        raise RuntimeError(f"e2e_child failed: {first.stderr[-500:]}")
    splits.append(json.loads(first.stdout))
    learn_cmd = [*paintlr_command(), "learn", str(SAMPLE)]
    floor_cmd = [sys.executable, str(BENCH / "floor_child.py"), str(frames_npy), str(tmp / "floor.gif")]
    bare = []
    for _ in range(reps):
        run = run_child(learn_cmd, cwd=tmp, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"paintlr learn failed ({run.returncode}): {run.stderr[-500:]}")
        learn_runs.append(run)
        run = run_child(floor_cmd, cwd=tmp, env=env)
        if run.returncode != 0:
            raise RuntimeError(f"floor failed: {run.stderr[-500:]}")
        floor_runs.append(run)
        floors.append(json.loads(run.stdout))
        bare.append(run_child([sys.executable, "-c", "pass"], cwd=tmp, env=env).wall)
        if len(splits) < reps:
            run = run_child([sys.executable, str(BENCH / "e2e_child.py"), str(SAMPLE),
                             str(tmp / "split.gif")], cwd=tmp, env=env)
            splits.append(json.loads(run.stdout))
    gif = tmp / "chelsea.gif"
    wall = statistics.median(r.wall for r in learn_runs)
    floor_wall = statistics.median(r.wall for r in floor_runs)
    ratio = statistics.median(a.wall / b.wall for a, b in zip(learn_runs, floor_runs, strict=True))
    rss = max(r.maxrss for r in learn_runs)
    interp = statistics.median(bare)

    def med(key, src):
        vals = [s[key] for s in src if key in s]
        return statistics.median(vals) if vals else None

    s0 = splits[0]
    phases = [("interpreter start-up (`python -c pass`, measured separately)", interp)]
    phases.append(("imports (click, tqdm, numpy, Pillow, paintlr)", med("imports", splits)))
    phases.append(("load (`load_image`, 451x300 PNG -> 256x170 float)", med("load", splits)))
    phases.append(("plan (`Painting(...)`: closed-form cost curve, frame epochs)", med("plan", splits)))
    if s0.get("split"):
        phases.append(("train (every `model.train` call)", med("train", splits)))
        phases.append(("render (`model.score` per frame + `to_uint8`)", med("render", splits)))
        phases.append(("rest of the frame loop (first cost, Frame objects)", med("loop_other", splits)))
    else:
        phases.append(("train and render (not separable: Painting internals changed)",
                       med("train_and_render", splits)))
    phases.append(("encode (`write_outputs`: GIF)", med("encode", splits)))
    accounted = sum(v for _, v in phases if v)
    phases.append(("sum of the above", accounted))
    phases.append(("whole process, `paintlr learn` (includes the progress bar, output checks, "
                   "exit)", wall))
    frames = s0["frames"]
    sec.add(
        f"Whole-process wall time of `paintlr learn {SAMPLE.name}` (defaults: 256 px, 60 frames, "
        f"learning rate 0.05, max cost 1e-4, output `chelsea.gif`) run in a temp folder, median of "
        f"{reps}; peak RSS of that process from `os.wait4` (the child's own `ru_maxrss`). The split "
        f"comes from `benchmarks/e2e_child.py`, which runs the same calls as `cli.learn` in a fresh "
        f"interpreter with `time.perf_counter` around each (median of {len(splits)} runs)."
    )
    sec.add(table(["phase", "time", "share of wall"],
                  [[name, fmt_time(v), f"{100 * v / wall:.0f} %" if v is not None else ""]
                   for name, v in phases]))
    encode = med("encode", splits)
    sec.add(table(["figure", "value"], [
        ["wall, `paintlr learn` (median)", fmt_time(wall)],
        ["peak RSS (max over runs)", fmt_bytes(rss)],
        ["frames / epochs", f"{frames} / {s0['epochs']:,}"],
        ["GIF encoding per frame (256x170)", fmt_time(encode / frames)],
        ["GIF size", fmt_bytes(gif.stat().st_size) if gif.exists() else "missing"],
        ["floor: wall (median)", fmt_time(floor_wall)],
        ["floor: peak RSS", fmt_bytes(max(r.maxrss for r in floor_runs))],
        ["floor: imports / load frames / palette / quantise / save",
         " / ".join(fmt_time(med(k, floors)) for k in ("imports", "load", "palette", "quantize", "save"))],
        ["floor GIF size", fmt_bytes((tmp / "floor.gif").stat().st_size)],
        ["**paintlr learn / floor** (run by run, median)", f"**{fmt_ratio(ratio)}**"],
    ]))
    sec.add(
        "The floor (`benchmarks/floor_child.py`) is a process that imports numpy, Pillow, click "
        "and tqdm, reads the same frames paintlr produced from an .npy file and writes them as a "
        "GIF with one palette (Pillow's fast octree quantiser on the last frame), no dithering, "
        "Pillow's default GIF options; it runs interleaved "
        "with `paintlr learn`."
    )
    sec.metrics.update(e2e_wall=wall, e2e_ratio=ratio, e2e_rss=rss, e2e_floor=floor_wall,
                       e2e_split={k: v for k, v in phases})
    return sec


def big_section(cfg: Config) -> Section:
    size = 1024 if cfg.quick else 2048
    sec = Section("big", f"End to end at a {size} px working size")
    tmp = cfg.tmp / "big"
    tmp.mkdir(exist_ok=True)
    with Image.open(SAMPLE) as im:
        rgb = im.convert("RGB")
        scale = size / max(rgb.size)
        big = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)),
                         Image.Resampling.BICUBIC)
    big.save(tmp / "big.png")
    log(f"  paintlr learn big.png --size {size} ({big.width}x{big.height})")
    run = run_child([*paintlr_command(), "learn", "big.png", "--size", str(size)], cwd=tmp,
                    env=child_env(), timeout=480)
    gif = tmp / "big.gif"
    ok = run.returncode == 0 and gif.exists()
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-300:]
    sec.add(
        f"`paintlr learn big.png --size {size}` where big.png is chelsea.png upsampled with "
        f"Pillow (bicubic) to {big.width} x {big.height} ({big.width * big.height / 1e6:.2f} "
        "megapixels); one run."
        + (" (--quick: 1024 px instead of 2048 px.)" if cfg.quick else "")
    )
    sec.add(table(["figure", "value"], [
        ["finished", "yes" if ok else f"no (exit {run.returncode})"],
        ["wall", fmt_time(run.wall)],
        ["peak RSS", fmt_bytes(run.maxrss)],
        ["GIF size", fmt_bytes(gif.stat().st_size) if gif.exists() else "missing"],
        ["paintlr's summary line", f"`{summary}`"],
    ]))
    sec.metrics.update(big_ok=ok, big_wall=run.wall, big_rss=run.maxrss, big_size=size)
    return sec
