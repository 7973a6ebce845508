"""Logistic regression and palette painting (issue 6): epoch cost, k-means palette, end to end.

The epoch figures train one-vs-rest logistic regression (K = 8 palette classes of
sample_images/coffee.png squeezed to 256 x 256 with Lanczos) on the one-hot
design, interleaved with an in-place add over an array of the same (K, n) shape.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

import numpy as np
from common import (
    REPO,
    Config,
    Section,
    calibrate,
    child_env,
    fmt_bytes,
    fmt_ratio,
    fmt_time,
    log,
    paintlr_command,
    run_child,
    table,
    time_calls,
)
from PIL import Image

from paintlr.core.designs import OneHot
from paintlr.core.palette import choose_palette, nearest, quantize
from paintlr.core.pixels import to_uint8
from paintlr.io.image import load_image
from paintlr.models import logistic
from paintlr.models.logistic import LogisticRegressionModel
from paintlr.outputs import Outputs
from paintlr.runs.palette_painting import PalettePainting
from paintlr.settings import FPS, LOGISTIC_RATE_FRACTION

PHOTO = REPO / "sample_images" / "coffee.png"
SIDE = 256
K = 8
GROUPED_EPOCHS = 1001  # epochs of the long grouped call: its marginal epoch is ~50 µs
PLAIN_EPOCHS = 11  # epochs of the long plain call: its marginal epoch is ~10 ms
EPOCH_TARGET = 5e-3  # "at most a few milliseconds"
E2E_TARGET = 10.0  # "writes in under 10 s"
ACCURACY_TARGET = 0.99  # "labels at least 99 % of pixels correctly"


def square_target(side: int = SIDE) -> np.ndarray:
    """coffee.png squeezed to side x side, RGB float64 in [0, 1]."""
    with Image.open(PHOTO) as im:
        small = im.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    return np.asarray(small, dtype=np.float64) / 255.0


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---------------------------------------------------------------- one epoch


def epoch_figures(cfg: Config, target: np.ndarray) -> dict:
    """Train calls of 1 and E epochs on both paths, each from a reset state, interleaved with the add.

    The marginal epoch is (T(E) - T(1)) / (E - 1), repetition by repetition, so the
    call's O(n K) set-up (label codes, shared-weights check, weights written back)
    cancels; T(1) itself is what a call running one epoch costs.
    """
    _, labels = quantize(target, K)
    labels = labels.reshape(-1)
    n = labels.size
    design = OneHot(n)
    classes = np.arange(K)
    rate = LOGISTIC_RATE_FRACTION * logistic.max_stable_learning_rate(design)  # PalettePainting's default
    zeros = np.zeros((n + 1, K))
    noisy = np.random.default_rng(0).normal(0.0, 1e-3, (n + 1, K))
    model = LogisticRegressionModel()
    stop_never = lambda _epoch, _cost: False  # noqa: E731

    def call(start: np.ndarray, epochs: int, painting_style: bool = False) -> float:
        model.set_params(start, classes=classes)  # not timed: every call starts alike
        kwargs = {"log_every": 1, "on_log": stop_never} if painting_style else {"log_every": 0}
        t0 = time.perf_counter()
        model.train(design, labels, learning_rate=rate, epochs=epochs, max_cost=0.0,
                    classes=classes, **kwargs)
        return time.perf_counter() - t0

    checked = hasattr(logistic, "_shared_weights")
    if checked:  # which path each start takes, asked of logistic.py's own test
        grouped_ok = logistic._shared_weights(zeros.T.copy(), labels, K) is not None
        plain_ok = logistic._shared_weights(noisy.T.copy(), labels, K) is None
        if not (grouped_ok and plain_ok):
            raise RuntimeError("zero weights did not take the grouped path, or noisy weights "
                               "did not take the plain one")

    a = np.zeros((K, n))
    y = np.ones((K, n))
    add = lambda: np.add(a, y, out=a)  # noqa: E731
    number = calibrate(add, 0.01)
    fns = {
        "add": lambda: time_calls(add, number),
        "grouped_1": lambda: call(zeros, 1),
        "grouped_E": lambda: call(zeros, GROUPED_EPOCHS),
        "grouped_paint_E": lambda: call(zeros, GROUPED_EPOCHS, painting_style=True),
        "plain_1": lambda: call(noisy, 1),
        "plain_E": lambda: call(noisy, PLAIN_EPOCHS),
    }
    for fn in fns.values():  # warm up
        fn()
    reps = cfg.reps(11, 3)
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            runs[name].append(fn())
    runs["grouped_epoch"] = [(e - o) / (GROUPED_EPOCHS - 1)
                             for e, o in zip(runs["grouped_E"], runs["grouped_1"], strict=True)]
    runs["grouped_paint_epoch"] = [(e - o) / (GROUPED_EPOCHS - 1) for e, o in
                                   zip(runs["grouped_paint_E"], runs["grouped_1"], strict=True)]
    runs["plain_epoch"] = [(e - o) / (PLAIN_EPOCHS - 1)
                           for e, o in zip(runs["plain_E"], runs["plain_1"], strict=True)]
    out = {"reps": reps, "n": n, "rate": rate, "checked": checked, "add_number": number,
           "counts": np.bincount(labels, minlength=K)}
    for name, values in runs.items():
        ratios = [v / r for v, r in zip(values, runs["add"], strict=True)]
        out[name] = {"time": statistics.median(values), "ratio": statistics.median(ratios),
                     "range": (min(ratios), max(ratios))}
    return out


# ---------------------------------------------------------------- k-means palette


def kmeans_figures(cfg: Config, target: np.ndarray) -> dict:
    """paintlr's palette functions, interleaved with scikit-learn's KMeans on the same sample."""
    from sklearn.cluster import KMeans

    pixels = target.reshape(-1, 3)
    palette = choose_palette(target, K)
    sample = pixels[np.sort(np.random.default_rng(0).choice(pixels.shape[0], 20_000, replace=False))]

    def sk():
        km = KMeans(n_clusters=K, n_init=1, init="k-means++", random_state=0).fit(sample)
        return km.predict(pixels)

    fns = {
        "choose": lambda: choose_palette(target, K),
        "nearest": lambda: nearest(target, palette),
        "quantize": lambda: quantize(target, K),
        "sklearn": sk,
    }
    for fn in fns.values():  # warm up (and scikit-learn's imports)
        fn()
    reps = cfg.reps(7, 2)
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            runs[name].append(_timed(fn))
    out = {"reps": reps}
    for name, values in runs.items():
        out[name] = {"time": statistics.median(values), "ratio": statistics.median(
            v / s for v, s in zip(values, runs["sklearn"], strict=True))}
    return out


# ---------------------------------------------------------------- end to end


def painting_split(target: np.ndarray, soft: bool, out: Path) -> dict:
    """The CLI's palette painting run in-process with a timer around each part (one run)."""
    t = {}
    start = time.perf_counter()
    painting = PalettePainting(target, palette=K, soft=soft)
    t["setup"] = time.perf_counter() - start
    frame_calls: list[float] = []
    inner = painting.frame

    def frame(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            frame_calls.append(time.perf_counter() - t0)

    painting.frame = frame
    convert, encode, last, count = [], [], None, 0
    start = time.perf_counter()
    e0 = time.perf_counter()
    outputs = Outputs([out], fps=FPS, scale=1, dither=False, reference=to_uint8(painting.goal()))
    encode.append(time.perf_counter() - e0)
    with outputs:  # as cli.learn: each frame streamed to the GIF writer as it is painted
        for last in painting:
            c0 = time.perf_counter()
            image = to_uint8(last.image)
            convert.append(time.perf_counter() - c0)
            e0 = time.perf_counter()
            outputs.add(image)
            encode.append(time.perf_counter() - e0)
            count += 1
        e0 = time.perf_counter()
        outputs.commit()
        encode.append(time.perf_counter() - e0)
    loop = time.perf_counter() - start
    t["render"] = sum(frame_calls)
    t["uint8"] = sum(convert)
    t["encode"] = sum(encode)
    t["train"] = loop - t["render"] - t["uint8"] - t["encode"]
    t["frames"] = count
    t["epochs"] = last.epoch
    t["accuracy"] = last.accuracy
    return t


def read_log(path: Path) -> tuple[int, float, int]:
    """(rows, final accuracy, final epoch) of a `paintlr learn --log` CSV."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return len(rows), float(rows[-1]["accuracy"]), int(rows[-1]["epoch"])


def e2e_figures(cfg: Config, tmp: Path) -> dict:
    env = child_env()
    reps = cfg.reps(3, 1)
    variants = {"hard": [], "soft": []}
    base = [*paintlr_command(), "learn", str(PHOTO), "--model", "logistic", "--palette", str(K)]
    for _ in range(reps):
        for name in variants:
            gif, csv_path = tmp / "out.gif", tmp / "run.csv"
            gif.unlink(missing_ok=True)
            csv_path.unlink(missing_ok=True)
            cmd = [*base, "-o", gif.name, "--log", csv_path.name] + (["--soft"] if name == "soft" else [])
            run = run_child(cmd, cwd=tmp, env=env, timeout=120)
            if run.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd[1:])} exited {run.returncode}: {run.stderr[-500:]}")
            rows, accuracy, epoch = read_log(csv_path)
            with Image.open(gif) as im:
                gif_frames = im.n_frames
            summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
            variants[name].append({"wall": run.wall, "rss": run.maxrss, "rows": rows,
                                   "accuracy": accuracy, "epochs": epoch, "gif_frames": gif_frames,
                                   "size": gif.stat().st_size, "summary": summary})
            log(f"  {name}: {fmt_time(run.wall)}, {rows} frames, {100 * accuracy:.2f} % right")
    out = {"reps": reps}
    for name, runs in variants.items():
        out[name] = {
            "wall": statistics.median(r["wall"] for r in runs),
            "wall_range": (min(r["wall"] for r in runs), max(r["wall"] for r in runs)),
            "rss": max(r["rss"] for r in runs),
            "frames": runs[-1]["rows"], "gif_frames": runs[-1]["gif_frames"],
            "accuracy": min(r["accuracy"] for r in runs), "epochs": runs[-1]["epochs"],
            "size": runs[-1]["size"], "summary": runs[-1]["summary"],
        }
    return out


# ---------------------------------------------------------------- the section


def logistic_section(cfg: Config) -> Section:
    sec = Section("logistic", "Logistic regression and palette painting (issue 6)")
    tmp = cfg.tmp / "logistic"
    tmp.mkdir(exist_ok=True)
    target = square_target()

    log("  one epoch, grouped and plain paths")
    ep = epoch_figures(cfg, target)
    n, reps = ep["n"], ep["reps"]

    def cell(key: str) -> list[str]:
        r = ep[key]
        return [fmt_time(r["time"]), fmt_ratio(r["ratio"]),
                f"{r['range'][0]:.3g}x to {r['range'][1]:.3g}x"]

    counts = ", ".join(f"{c:,}" for c in ep["counts"])
    sec.add(
        f"`LogisticRegressionModel.train` on `OneHot({n:,})`: coffee.png squeezed to {SIDE} x "
        f"{SIDE} (Lanczos), labelled with its {K}-colour palette from `palette.quantize` (pixels "
        f"per class: {counts}), one-vs-rest with {K} columns, learning rate {ep['rate']:.4g} (3/4 "
        "of the stable limit: `PalettePainting`'s default), max_cost 0 so no call stops early. "
        "**Grouped path**: from zero weights, every pixel of a class shares one weight and GD "
        f"runs on a ({K}, {K} + 1) problem (O(K²) an epoch). **Plain path**: from weights with "
        "N(0, 1e-3) noise, so no two pixels share one and GD runs on the full "
        f"({K}, {n:,} + 1) parameters (O(nK) an epoch: logits, softplus cost, sigmoid residual, "
        "two sums, the step). Each call starts from its state set again by `set_params` (not "
        "timed). An epoch is the marginal one, (T(E epochs) - T(1 epoch)) / (E - 1) taken "
        f"repetition by repetition (E = {GROUPED_EPOCHS:,} grouped, {PLAIN_EPOCHS} plain), so "
        "the call's set-up cancels; the one-epoch call is what `train(epochs=1)` costs in all "
        "(set-up, two cost evaluations, one step). Median of "
        f"{reps} interleaved repetitions; ratios are to the in-place add `a += y` over a "
        f"({K}, {n:,}) float64 array ({fmt_time(ep['add']['time'])}, {ep['add_number']} adds a "
        "repetition) timed in the same repetition."
        + ("" if ep["checked"] else " (The path each start takes was not verified: "
           "`logistic._shared_weights` is gone.)")
    )
    sec.add(table(["figure", "time", "x add", "range of x add over repetitions"], [
        ["**grouped path: one epoch**", *cell("grouped_epoch")],
        ["grouped path: one epoch with `on_log` called every epoch (as `PalettePainting` "
         "calls `train`)", *cell("grouped_paint_epoch")],
        ["grouped path: a `train(epochs=1)` call", *cell("grouped_1")],
        [f"grouped path: a `train(epochs={GROUPED_EPOCHS:,})` call", *cell("grouped_E")],
        ["**plain vectorised path: one epoch**", *cell("plain_epoch")],
        ["plain path: a `train(epochs=1)` call", *cell("plain_1")],
        [f"plain path: a `train(epochs={PLAIN_EPOCHS})` call", *cell("plain_E")],
        [f"reference: `a += y`, ({K}, {n:,}) float64", fmt_time(ep["add"]["time"]), "1x", ""],
    ]))
    sec.metrics.update(
        lr_add=ep["add"]["time"],
        lr_grouped_epoch=ep["grouped_epoch"]["time"], lr_grouped_ratio=ep["grouped_epoch"]["ratio"],
        lr_grouped_call=ep["grouped_1"]["time"], lr_grouped_call_ratio=ep["grouped_1"]["ratio"],
        lr_plain_epoch=ep["plain_epoch"]["time"], lr_plain_ratio=ep["plain_epoch"]["ratio"],
        lr_plain_call=ep["plain_1"]["time"],
    )

    log("  k-means palette")
    km = kmeans_figures(cfg, target)
    sec.add(
        f"k-means palette at {SIDE} x {SIDE} ({n:,} pixels), K = {K}, median of {km['reps']} "
        "interleaved repetitions. `choose_palette` fits Lloyd's k-means from k-means++ seeds to "
        "20,000 pixels drawn at random; `nearest` labels every pixel; `quantize` is both (what "
        "`PalettePainting` runs). The reference is scikit-learn's `KMeans(n_clusters=8, "
        "n_init=1, init=\"k-means++\")` fitted to 20,000 random pixels and predicting all of them, "
        "timed in the same repetitions."
    )
    sec.add(table(["step", "time", "x scikit-learn"], [
        ["`palette.choose_palette(image, 8)`", fmt_time(km["choose"]["time"]),
         fmt_ratio(km["choose"]["ratio"])],
        ["`palette.nearest(image, palette)`", fmt_time(km["nearest"]["time"]),
         fmt_ratio(km["nearest"]["ratio"])],
        ["**`palette.quantize(image, 8)`**", fmt_time(km["quantize"]["time"]),
         fmt_ratio(km["quantize"]["ratio"])],
        ["reference: scikit-learn KMeans fit (20,000 px) + predict (all)",
         fmt_time(km["sklearn"]["time"]), "1x"],
    ]))
    sec.metrics.update(lr_quantize=km["quantize"]["time"], lr_choose=km["choose"]["time"])

    log("  end to end, paintlr learn --model logistic")
    e2e = e2e_figures(cfg, tmp)
    rows = []
    for name in ("hard", "soft"):
        r = e2e[name]
        lo, hi = r["wall_range"]
        rows.append([f"`paintlr learn coffee.png --model logistic --palette 8"
                     f"{' --soft' if name == 'soft' else ''} -o out.gif --log run.csv`",
                     f"**{fmt_time(r['wall'])}** ({fmt_time(lo)} to {fmt_time(hi)})",
                     f"{r['frames']} ({r['gif_frames']} in the GIF)", f"{r['epochs']:,}",
                     f"{100 * r['accuracy']:.2f} %", fmt_bytes(r["rss"]), fmt_bytes(r["size"])])
    sec.add(
        f"Whole-process wall time of the command (with `--log run.csv` added, which gives the "
        f"accuracy; defaults otherwise: 256 px, 60 frames, 3/4 of the stable rate, stop at a "
        f"quarter of the bias-only cost), run in a temp folder, hard and soft alternately, median "
        f"of {e2e['reps']} each (range in brackets); peak RSS of that process from `os.wait4` "
        "through `benchmarks/launcher.py`, max over runs. Frames are the frames painted (rows "
        "of the log), with the number the GIF holds in brackets (the streaming writer keeps "
        "every frame, one identical to the one before as a one-pixel update; Pillow's "
        "`save_all`, used before, merged such frames). Accuracy is the share of pixels the "
        "last frame paints their own palette "
        "colour (last row of the log, lowest over runs). paintlr's own summary line reports "
        "its time from inside the process, so without interpreter start-up and imports."
    )
    sec.add(table(["command", "wall", "frames", "epochs", "final accuracy", "peak RSS", "GIF size"],
                  rows))
    sec.add(f"paintlr's summary line (hard): `{e2e['hard']['summary']}`; (soft): "
            f"`{e2e['soft']['summary']}`")
    sec.metrics.update(lr_e2e=e2e)

    if not cfg.quick:
        log("  in-process split of the painting")
        photo = load_image(PHOTO, SIDE, "white")
        splits = {name: painting_split(photo, name == "soft", tmp / f"split-{name}.gif")
                  for name in ("hard", "soft")}
        h = splits["hard"]
        predicted = h["epochs"] * ep["grouped_paint_epoch"]["time"] + \
            (h["frames"] - 1) * ep["grouped_1"]["time"]
        split_rows = [
            ["`PalettePainting(...)`: k-means palette, labels, cost levels",
             *(fmt_time(splits[k]["setup"]) for k in ("hard", "soft"))],
            ["train: every `model.train` call (the frame loop less the three rows below)",
             *(fmt_time(splits[k]["train"]) for k in ("hard", "soft"))],
            ["render: `frame` (logits for every pixel, argmax or probability mix, accuracy)",
             *(fmt_time(splits[k]["render"]) for k in ("hard", "soft"))],
            ["`to_uint8`, all frames", *(fmt_time(splits[k]["uint8"]) for k in ("hard", "soft"))],
            ["encode (`outputs.Outputs`: the reference `to_uint8(painting.goal())`, the GIF "
             "palette, every `add`, `commit`)", *(fmt_time(splits[k]["encode"]) for k in ("hard", "soft"))],
            ["frames / epochs", *(f"{splits[k]['frames']} / {splits[k]['epochs']:,}"
                                  for k in ("hard", "soft"))],
        ]
        sec.add(
            f"Where the time goes: the same painting run in this process ({PHOTO.name} loaded at "
            f"256 px as the CLI does, {photo.shape[1]} x {photo.shape[0]}), one run each, with "
            "`time.perf_counter` around each part. Interpreter start-up and imports are the "
            "rest of the wall time above. Training predicted from the epoch table: "
            f"{h['epochs']:,} epochs x {fmt_time(ep['grouped_paint_epoch']['time'])} + "
            f"{h['frames'] - 1} calls x {fmt_time(ep['grouped_1']['time'])} = "
            f"{fmt_time(predicted)} (the epoch table is at {n:,} pixels, this photo has "
            f"{photo.shape[0] * photo.shape[1]:,}, so the per-call set-up is overstated)."
        )
        sec.add(table(["part", "hard", "soft"], split_rows))
    return sec
