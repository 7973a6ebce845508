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

from paintlr import outputs
from paintlr.core.designs import OneHot
from paintlr.core.pixels import to_uint8
from paintlr.io.image import load_image
from paintlr.models.linear import LinearRegressionModel
from paintlr.outputs.gif_palette import gif_palette
from paintlr.runs.painting import Painting

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


def painting_frames(side: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The default painting's frames of chelsea squeezed to side x side, and its target as uint8
    (the reference `paintlr learn` builds the GIF palette from)."""
    with Image.open(SAMPLE) as im:
        small = im.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    target = np.asarray(small, dtype=np.float64) / 255.0
    return [to_uint8(f.image) for f in Painting(target)], to_uint8(target)


def gradient_frames(side: int, count: int) -> tuple[list[np.ndarray], np.ndarray]:
    """A smooth two-dimensional colour gradient fading in from black: the banding test.
    The reference is the full gradient (the last frame)."""
    u = np.linspace(0.0, 1.0, side)
    r, g = np.meshgrid(u, u)
    base = np.stack([r, g, 0.5 * (1 - r) + 0.25 * g], axis=2)
    frames = [to_uint8(base * (i / (count - 1)) ** 0.5) for i in range(count)]
    return frames, to_uint8(base)


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


def last_frame_rms(path: Path, source: np.ndarray) -> float:
    """RMS error in 8-bit levels of an animation's last frame, decoded back."""
    with Image.open(path) as im:
        im.seek(im.n_frames - 1)
        last = np.asarray(im.convert("RGB"), dtype=np.float64)
    return float(np.sqrt(np.mean((last - source.astype(np.float64)) ** 2)))


CHELSEA = "chelsea 256x256 (paintlr frames)"


def gif_section(cfg: Config) -> Section:
    sec = Section("gif", "GIF encoding per 256² frame")
    reps = cfg.reps(5, 1)
    tmp = cfg.tmp / "gif"
    tmp.mkdir(exist_ok=True)
    sets = {CHELSEA: painting_frames(256), "smooth gradient 256x256": gradient_frames(256, 60)}
    rows, brows = [], []
    per_frame = {}
    for name, (frames, reference) in sets.items():
        count = len(frames)
        for dither in (False, True):
            out = tmp / f"x{int(dither)}.gif"
            mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
            totals, palettes, quantises = [], [], []
            for _ in range(reps):  # the parts in the same repetition as the total
                totals.append(_timed(lambda out=out, frames=frames, dither=dither, ref=reference:
                                     outputs.write_animation(out, frames, dither=dither, reference=ref)))
                start = time.perf_counter()
                pal = gif_palette(frames[0], reference)
                palettes.append(time.perf_counter() - start)
                quantises.append(_timed(lambda frames=frames, pal=pal, mode=mode: [
                    Image.fromarray(f).quantize(palette=pal, dither=mode) for f in frames]))
            total = statistics.median(totals)
            per_frame[(name, dither)] = total / count
            writer = statistics.median(t - p - q for t, p, q in zip(totals, palettes, quantises, strict=True))
            pal_t = statistics.median(palettes)
            parts = (f"palette {fmt_time(pal_t)} (= {fmt_time(pal_t / count)}/frame), quantise "
                     f"{fmt_time(statistics.median(quantises) / count)}/frame, rest (the writer) "
                     f"{fmt_time(max(writer, 0.0) / count)}/frame")
            rms, blur, colours = decoded_errors(out, frames[-1])
            rows.append([name, "on" if dither else "off", count, fmt_time(total),
                         f"**{fmt_time(total / count)}**", parts, fmt_bytes(out.stat().st_size)])
            brows.append([name, "on" if dither else "off", f"{rms:.2f}", f"{blur:.2f}", colours])
    sec.add(
        f"`paintlr.outputs.write_animation(path, frames, reference=...)` on 256 x 256 RGB "
        f"frames, median of {reps}; the reference is what `paintlr learn` passes (the target photo "
        "as uint8; for the gradient, the full gradient, which is also its last frame). Frames "
        "stream to the writer one at a time. Parts, timed in the same repetitions: "
        "`gif_palette(first, reference)` (fast octree over the reference twice and the "
        "first frame, at most 512 x 512 pixels sampled from each), once per GIF; quantising every "
        "frame to that palette with `Image.quantize(palette=..., dither=...)`, as the writer does "
        "per frame; the rest (total less both): the streaming GIF writer itself (the box of "
        "changed palette indices, Pillow's LZW encoder `GifImagePlugin.getdata` on it, the file "
        "writes, the temporary file and rename)."
    )
    sec.add(table(["frames", "dither", "count", "total", "per frame", "parts", "GIF size"], rows))
    sec.add(
        "Banding check on the last frame, decoded back from the GIF: RMS error in 8-bit levels, "
        "and the RMS error left after averaging 8x8 blocks (what the eye sees from a distance: "
        "large when flat bands replace a smooth gradient, small when dithering trades it for "
        "fine noise)."
    )
    sec.add(table(["frames", "dither", "RMS error", "RMS error, 8x8 blur", "colours used"], brows))

    frames, reference = sets[CHELSEA]
    formats = []
    for ext in (".gif", ".webp", ".apng"):
        out = tmp / f"fmt{ext}"
        times = [_timed(lambda out=out: outputs.write_animation(out, frames, reference=reference))
                 for _ in range(reps)]
        formats.append([f"`{ext}`", fmt_time(statistics.median(times)),
                        f"**{fmt_time(statistics.median(times) / len(frames))}**",
                        fmt_bytes(out.stat().st_size), f"{last_frame_rms(out, frames[-1]):.2f}"])
        sec.metrics[f"anim_per_frame{ext}"] = statistics.median(times) / len(frames)
        sec.metrics[f"anim_size{ext}"] = out.stat().st_size
    sec.add(
        f"The same {len(frames)} chelsea frames (no dither) in each animation format "
        f"`paintlr learn -o` takes, median of {reps}; every format is written frame by frame "
        "(WebP: the changed box of each frame encoded on its own by Pillow, lossy, quality 90, "
        "Pillow's default method 4, into one ANMF chunk, so without libwebp's animation encoder "
        "and its inter-frame tricks; APNG: lossless, fcTL and IDAT/fdAT per frame). "
        "Last-frame RMS error in 8-bit levels, decoded back. No target; for the record."
    )
    sec.add(table(["format", "total", "per frame", "size", "last frame RMS error"], formats))
    sec.metrics["gif_per_frame"] = per_frame[(CHELSEA, False)]
    sec.metrics["gif_per_frame_dither"] = per_frame[(CHELSEA, True)]
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


def _split_run(tmp: Path, env: dict, frames_npz: Path | None = None) -> dict:
    cmd = [sys.executable, str(BENCH / "e2e_child.py"), str(SAMPLE), str(tmp / "split.gif")]
    run = run_child(cmd + ([str(frames_npz)] if frames_npz else []), cwd=tmp, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"e2e_child failed ({run.returncode}): {run.stderr[-500:]}")
    return json.loads(run.stdout)


def e2e_section(cfg: Config) -> Section:
    sec = Section("e2e", "End to end: `paintlr learn` with default settings, chelsea.png at 256 px")
    tmp = cfg.tmp / "e2e"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    frames_npz = tmp / "frames.npz"
    reps = cfg.reps(7, 1)
    floors, learn_runs, floor_runs = [], [], []
    splits = [_split_run(tmp, env, frames_npz)]
    learn_cmd = [*paintlr_command(), "learn", str(SAMPLE)]
    floor_cmd = [sys.executable, str(BENCH / "floor_child.py"), str(frames_npz), str(tmp / "floor.gif")]
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
            splits.append(_split_run(tmp, env))
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
    h, w, _ = s0["shape"]
    phases = [("interpreter start-up (`python -c pass`, measured separately)", interp)]
    phases.append(("imports (click, tqdm, numpy, Pillow, paintlr)", med("imports", splits)))
    phases.append((f"load (`load_image`, 451x300 PNG -> {w}x{h} float)", med("load", splits)))
    phases.append(("plan (`recipe.make_painting(...)`: closed-form cost curve, frame epochs)",
                   med("plan", splits)))
    phases.append(("train (the closed-form jumps: every `trajectory.cost` and `trajectory.theta` "
                   "call in the frame loop)", med("train", splits)))
    phases.append(("render (`Painting._frame`: the model's picture per frame, + `to_uint8`)",
                   med("render", splits)))
    phases.append(("encode (`outputs.Outputs`: the reference `to_uint8(painting.goal())`, the "
                   "GIF palette, every `add`, `commit`)", med("encode", splits)))
    phases.append(("rest of the frame loop (Frame objects, the report row)", med("loop_other", splits)))
    accounted = sum(v for _, v in phases if v)
    phases.append(("sum of the above", accounted))
    phases.append(("whole process, `paintlr learn` (includes the progress bar, output checks, "
                   "exit)", wall))
    frames = s0["frames"]
    sec.add(
        f"Whole-process wall time of `paintlr learn {SAMPLE.name}` (defaults: 256 px, 60 frames, "
        f"learning rate 0.05, max cost 1e-4, output `chelsea.gif`) run in a temp folder, median of "
        f"{reps}; peak RSS of that process from `os.wait4` (the child's own `ru_maxrss`). The split "
        f"comes from `benchmarks/e2e_child.py`, which runs the same calls as `cli.learn` "
        "(`recipe.make_painting`, then each frame streamed into `outputs.Outputs` with "
        "`reference=to_uint8(painting.goal())` as it is painted) in a fresh interpreter with "
        f"`time.perf_counter` around each (median of {len(splits)} runs)."
    )
    sec.add(table(["phase", "time", "share of wall"],
                  [[name, fmt_time(v), f"{100 * v / wall:.0f} %" if v is not None else ""]
                   for name, v in phases]))
    encode = med("encode", splits)
    sec.add(table(["figure", "value"], [
        ["wall, `paintlr learn` (median)", fmt_time(wall)],
        ["peak RSS (max over runs)", fmt_bytes(rss)],
        ["frames / epochs", f"{frames} / {s0['epochs']:,}"],
        [f"GIF encoding per frame ({w}x{h})", fmt_time(encode / frames)],
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
        "and tqdm, reads the same frames paintlr produced and its reference (the target as uint8) "
        "from an .npz file and writes the frames as a GIF with one palette (Pillow's fast octree "
        "quantiser on the reference), no dithering, Pillow's default GIF options (`save_all`, "
        "which also paints the unchanged pixels inside each frame's changed box with a "
        "transparent index, which compresses better); it runs interleaved with `paintlr learn`."
    )
    sec.metrics.update(e2e_wall=wall, e2e_ratio=ratio, e2e_rss=rss, e2e_floor=floor_wall,
                       e2e_split={k: v for k, v in phases})
    return sec


# ---------------------------------------------------------------- large working sizes and many frames

BIG_SIDE = 4096  # big.png's long side: chelsea.png upsampled, enough for --size 4096
BIG_GOALS = {2048: 600e6, 4096: 1.5e9}  # peak RSS of `paintlr learn big.png --size N`
FRAMES_MANY = 2000
FRAMES_RSS_GOAL = 1.2  # peak RSS with 2000 frames over that with 60, at 256 px


def _upsampled(side: int, path: Path) -> tuple[int, int]:
    """chelsea.png upsampled with Pillow (bicubic) to `side` px on its long side, saved as PNG."""
    with Image.open(SAMPLE) as im:
        rgb = im.convert("RGB")
        scale = side / max(rgb.size)
        big = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.BICUBIC)
    big.save(path)
    return big.size


def _learn(args: list[str], tmp: Path, gif: Path, timeout: float) -> dict:
    """One `paintlr learn` run: finished, wall, peak RSS, GIF size, frames and summary line."""
    gif.unlink(missing_ok=True)
    run = run_child([*paintlr_command(), "learn", *args], cwd=tmp, env=child_env(), timeout=timeout)
    ok = run.returncode == 0 and gif.exists()
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr.strip()[-300:]
    match = re.search(r", (\d+) frames ->", summary)
    return {"ok": ok, "returncode": run.returncode, "wall": run.wall, "rss": run.maxrss,
            "size": gif.stat().st_size if gif.exists() else None,
            "frames": int(match[1]) if match else None, "summary": summary}


def _rss_range(runs: list[dict]) -> str:
    lo, hi = min(r["rss"] for r in runs), max(r["rss"] for r in runs)
    return fmt_bytes(hi) if len(runs) == 1 else f"{fmt_bytes(hi)} (runs {fmt_bytes(lo)} to {fmt_bytes(hi)})"


def big_section(cfg: Config) -> Section:
    sizes = (1024,) if cfg.quick else (2048, 4096)
    side = 1024 if cfg.quick else BIG_SIDE
    sec = Section("big", "End to end at large working sizes, and memory against the number of frames")
    tmp = cfg.tmp / "big"
    tmp.mkdir(exist_ok=True)
    bw, bh = _upsampled(side, tmp / "big.png")
    gif = tmp / "big.gif"
    reps = {1024: 1, 2048: 3, 4096: 2}
    big: dict[int, list[dict]] = {}
    for size in sizes:
        big[size] = []
        for _ in range(reps[size]):
            log(f"  paintlr learn big.png --size {size} ({bw}x{bh})")
            big[size].append(_learn(["big.png", "--size", str(size)], tmp, gif, timeout=1200))
    rows = []
    for size, runs in big.items():
        last = runs[-1]
        rows.append([f"`paintlr learn big.png --size {size}`",
                     "yes" if all(r["ok"] for r in runs) else
                     f"no (exit {', '.join(str(r['returncode']) for r in runs)})",
                     fmt_time(statistics.median(r["wall"] for r in runs)), f"**{_rss_range(runs)}**",
                     fmt_bytes(BIG_GOALS[size]) if size in BIG_GOALS else "(no goal)",
                     fmt_bytes(last["size"]), f"`{last['summary']}`"])
    source = None
    if not cfg.quick:  # the previous benchmark's set-up: big.png at 2048 px, loaded without shrinking
        small = tmp / "big2048.png"
        sw, sh = _upsampled(2048, small)
        log(f"  paintlr learn big2048.png --size 2048 ({sw}x{sh})")
        source = _learn([small.name, "--size", "2048"], tmp, tmp / "big2048.gif", timeout=1200)
        rows.append([f"`paintlr learn big2048.png --size 2048` (a {sw} x {sh} source)",
                     "yes" if source["ok"] else f"no (exit {source['returncode']})",
                     fmt_time(source["wall"]), _rss_range([source]), "(no goal)",
                     fmt_bytes(source["size"]), f"`{source['summary']}`"])
    sec.add(
        f"`paintlr learn big.png --size N` (the default job otherwise: 60 frames, GIF output "
        f"`big.gif`) in a temp folder, where big.png is chelsea.png upsampled with Pillow "
        f"(bicubic) to {bw} x {bh} ({bw * bh / 1e6:.2f} megapixels): at --size {max(sizes)} it "
        "is learned at full size, smaller sizes shrink it on load (Lanczos). Peak RSS is the "
        "`paintlr learn` process's own `ru_maxrss` (through `benchmarks/launcher.py`), the "
        "largest over the runs; wall is the median. "
        + ("(--quick: 1024 px only, no verdict, no 4096 px run.) " if cfg.quick else
           f"Runs: {', '.join(f'{reps[s]} at {s} px' for s in sizes)}. The last row is the previous "
           "benchmark's 2048 px set-up (a 2048 px source, no shrinking), for comparison. ")
        + "To rerun by hand, from the repository root:"
    )
    timed = "/usr/bin/time -f '%M kB peak RSS, %e s' paintlr learn"
    sec.add("\n".join([
        "```sh",
        "python -c \"from PIL import Image; im = Image.open('sample_images/chelsea.png').convert('RGB'); "
        f"s = {bw} / max(im.size); im.resize((round(im.width * s), round(im.height * s)), "
        "Image.Resampling.BICUBIC).save('big.png')\"",
        *(f"{timed} big.png --size {size}" for size in sizes),
        f"{timed} sample_images/chelsea.png",
        f"{timed} sample_images/chelsea.png --frames {FRAMES_MANY}",
        "```",
    ]))
    sec.add(table(["command", "finished", "wall", "peak RSS", "goal", "GIF size",
                   "paintlr's summary line (last run)"], rows))

    # memory against the number of frames: 60 (the default) and 2000, interleaved
    n = cfg.reps(3, 1)
    counts = {60: [], FRAMES_MANY: []}
    for _ in range(n):
        for frames in counts:
            log(f"  paintlr learn chelsea.png --frames {frames}")
            args = [str(SAMPLE)] + ([] if frames == 60 else ["--frames", str(frames)])
            counts[frames].append(_learn(args, tmp, tmp / "chelsea.gif", timeout=600))
    for frames, runs in counts.items():
        if not all(r["ok"] for r in runs):
            raise RuntimeError(f"paintlr learn chelsea.png --frames {frames} failed: {runs[-1]['summary']}")
    rss = {f: statistics.median(r["rss"] for r in runs) for f, runs in counts.items()}
    ratio = rss[FRAMES_MANY] / rss[60]
    worst = max(r["rss"] for r in counts[FRAMES_MANY]) / min(r["rss"] for r in counts[60])
    frow = []
    for frames, runs in counts.items():
        last = runs[-1]
        frow.append([f"`paintlr learn sample_images/chelsea.png"
                     f"{'' if frames == 60 else f' --frames {frames}'}`", str(last["frames"]),
                     fmt_time(statistics.median(r["wall"] for r in runs)),
                     f"**{fmt_bytes(rss[frames])}** ({fmt_bytes(min(r['rss'] for r in runs))} to "
                     f"{fmt_bytes(max(r['rss'] for r in runs))})", fmt_bytes(last["size"])])
    frow.append([f"**ratio, {FRAMES_MANY} frames / 60**", "", "",
                 f"**{fmt_ratio(ratio)}** (worst pairing {fmt_ratio(worst)})", ""])
    sec.add(
        f"Peak RSS against the number of frames at the default 256 px: the default job (60 "
        f"frames asked) and `--frames {FRAMES_MANY}`, {n} run{'s' * (n > 1)} each, alternating; "
        "peak RSS is the median over runs (range in brackets), frames are those drawn (from "
        "paintlr's summary line: the plan may draw fewer than asked). Frames stream to the "
        f"writer, so the goal is a peak within {FRAMES_RSS_GOAL:g}x of the 60-frame run's."
    )
    sec.add(table(["command", "frames drawn", "wall", "peak RSS", "GIF size"], frow))

    sec.metrics.update(big={size: runs for size, runs in big.items()}, big_quick=cfg.quick,
                       big_source=source, frames_rss=rss, frames_ratio=ratio, frames_worst=worst,
                       frames_drawn=counts[FRAMES_MANY][-1]["frames"])
    return sec
