"""Feature maps of (x, y) (issue 5): what each design costs and how well it can paint.

scikit-image's coffee and chelsea photos, saved as PNG and loaded at 128 px as
`paintlr learn --size 128` loads them, painted by every coordinate design with the
CLI's defaults: `XYFeatures()`, `PolynomialFeatures(30, aspect)`,
`FourierFeatures(3072, sigma=16, seed=0)` and `CosineFeatures(3072, aspect)`.
For each: the grid design's build, Gram matrix and eigendecomposition; the PSNR of
its least-squares optimum (where gradient descent from zero ends); a frame of the
exact engine and an epoch of the iterate engine; and the whole default command as a
user runs it. A last table sets random Fourier features against the deterministic
cosine grid at 2048, 3072 and 4096 features.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

import numpy as np
from common import (
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

from paintlr.core.numerics import psnr, settling
from paintlr.features.maps import CosineFeatures, FourierFeatures, PolynomialFeatures, XYFeatures
from paintlr.io.image import load_image
from paintlr.models.linear import LinearRegressionModel
from paintlr.models.optimizers import GradientDescent
from paintlr.runs.painting import Painting

PHOTOS = ("coffee", "chelsea")
SIZE = 128
DESIGNS = ("xy", "poly", "fourier", "cosine")
COMPARE = (2048, 3072, 4096)
ITERATE_EPOCHS = 11  # epochs of the long iterate call: the marginal epoch is (T(E) - T(1)) / (E - 1)
WALL_TARGET = 15.0  # "the whole default command finishes in under 15 s"
PSNR_TARGET = 27.0  # "at least 27 dB PSNR at the least-squares optimum"


def feature_map(name: str, h: int, w: int, n_features: int = 3072):
    """The map `paintlr learn --features NAME` builds for an h x w photo, at the CLI's defaults."""
    if name == "xy":
        return XYFeatures()
    if name == "poly":
        return PolynomialFeatures(30, aspect=h / w)
    if name == "fourier":
        return FourierFeatures(n_features, 16.0, seed=0)
    if name == "cosine":
        return CosineFeatures(n_features, aspect=h / w, grid=(h, w))
    raise ValueError(name)


def save_photos(folder: Path) -> dict[str, Path]:
    import skimage.data

    paths = {}
    for name in PHOTOS:
        paths[name] = folder / f"{name}.png"
        Image.fromarray(getattr(skimage.data, name)()).save(paths[name])
    return paths


def _clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sample(fn, reps_fast: int, reps_slow: int, slow: float = 0.5, min_time: float = 0.02) -> list[float]:
    """Seconds per call of fn, one figure a repetition.

    A call slower than `slow` counts as its own repetition (the first one included:
    these are seconds-long BLAS calls, not worth a discarded warm-up); faster calls are
    batched to at least `min_time` a repetition.
    """
    first = _clock(fn)
    if first >= slow:
        return [first] + [_clock(fn) for _ in range(reps_slow - 1)]
    if first >= min_time:
        return [_clock(fn) for _ in range(reps_fast)]
    number = calibrate(fn, min_time)
    return [time_calls(fn, number) for _ in range(reps_fast)]


def fresh(design, name: str):
    """A call that drops the design's cached `name` (gram or eigen) and computes it again."""
    def fn():
        design.__dict__.pop(name, None)
        return getattr(design, name)
    return fn


def design_costs(cfg: Config, fmap, h: int, w: int) -> dict:
    """Build, Gram and eigendecomposition of fmap's h x w grid design, each timed on its own."""
    reps_fast, reps_slow = cfg.reps(5, 1), cfg.reps(3, 1)
    build = sample(lambda: fmap.design(h, w), reps_fast, reps_slow)
    design = fmap.design(h, w)
    gram = sample(fresh(design, "gram"), reps_fast, reps_slow)
    eigen = sample(fresh(design, "eigen"), reps_fast, reps_slow)  # the Gram matrix stays cached
    lam = design.eigen[0]
    moving = settling(lam)  # the directions the exact engine moves along
    return {"design": design, "d": design.n_features, "build": statistics.median(build),
            "gram": statistics.median(gram), "eigen": statistics.median(eigen),
            "eigen_range": (min(eigen), max(eigen)), "eigen_reps": len(eigen),
            "rate": GradientDescent().max_stable_learning_rate(design), "rank": int(moving.sum()),
            "cond": lam[-1] / lam[moving][0]}


def frame_epochs(painting: Painting) -> list[int]:
    """The epochs the exact engine draws, as `Painting._frames_in_closed_form` walks them."""
    out = []
    for planned in painting.frame_epochs:
        k = min(planned, painting.stop_epoch)
        out.append(k)
        if k == painting.stop_epoch:
            break
    return out


def engine_figures(cfg: Config, target: np.ndarray, design) -> dict:
    """PSNR at the optimum, the default painting's plan, and exact frame vs iterate epoch."""
    h, w, c = target.shape
    painting = Painting(target, design=design)
    traj, model = painting.trajectory, painting.model
    ks = frame_epochs(painting)

    def frames():
        for k in ks:
            model.set_params(traj.theta(k).T)
            model.score(design).reshape(h, w, c)

    labels = painting.y.T
    zeros = np.zeros((design.n_features + 1, c))
    gd = LinearRegressionModel()

    def iterate(epochs: int) -> float:
        gd.set_params(zeros)  # not timed: every call starts from zero
        start = time.perf_counter()
        gd.train(design, labels, learning_rate=painting.learning_rate, epochs=epochs, max_cost=0.0,
                 log_every=0, engine="iterate")
        return time.perf_counter() - start

    frames()
    iterate(1)  # warm up
    runs: dict[str, list[float]] = {"frame": [], "one": [], "long": []}
    for _ in range(cfg.reps(3, 1)):
        runs["frame"].append(_clock(frames) / len(ks))
        runs["one"].append(iterate(1))
        runs["long"].append(iterate(ITERATE_EPOCHS))
    epoch = [(e - o) / (ITERATE_EPOCHS - 1) for e, o in zip(runs["long"], runs["one"], strict=True)]
    return {
        "psnr": psnr(painting.optimal_cost), "optimal_cost": painting.optimal_cost,
        "rate": painting.learning_rate, "frames": len(ks) + 1, "epochs": painting.stop_epoch,
        "frame": statistics.median(runs["frame"]), "epoch": statistics.median(epoch),
        "call": statistics.median(runs["one"]),
        "ratio": statistics.median(f / e for f, e in zip(runs["frame"], epoch, strict=True)),
    }


SUMMARY = re.compile(r"([\d,]+) epochs, cost ([\d.e+-]+) \(optimum ([\d.e+-]+)\), PSNR ([\d.]+) dB")


def e2e_figures(cfg: Config, tmp: Path, paths: dict[str, Path]) -> dict:
    """`paintlr learn PHOTO.png --size 128 --features F -o out.gif`, wall and peak RSS."""
    env = child_env()
    reps = cfg.reps(3, 1)
    runs: dict[tuple[str, str], list[dict]] = {(p, f): [] for p in PHOTOS for f in ("fourier", "cosine")}
    for _ in range(reps):
        for photo, features in runs:
            gif = tmp / "out.gif"
            gif.unlink(missing_ok=True)
            cmd = [*paintlr_command(), "learn", paths[photo].name, "--size", str(SIZE),
                   "--features", features, "-o", gif.name]
            run = run_child(cmd, cwd=tmp, env=env, timeout=300)
            if run.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd[1:])} exited {run.returncode}: {run.stderr[-500:]}")
            summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
            match = SUMMARY.search(summary)
            with Image.open(gif) as im:
                gif_frames = im.n_frames
            runs[photo, features].append({"wall": run.wall, "rss": run.maxrss, "summary": summary,
                                          "psnr": float(match[4]) if match else float("nan"),
                                          "gif_frames": gif_frames, "size": gif.stat().st_size})
            log(f"  {photo} {features}: {fmt_time(run.wall)}")
    out = {"reps": reps}
    for key, rs in runs.items():
        walls = [r["wall"] for r in rs]
        out[key] = {"wall": statistics.median(walls), "range": (min(walls), max(walls)),
                    "rss": max(r["rss"] for r in rs), "psnr": rs[-1]["psnr"],
                    "summary": rs[-1]["summary"], "gif_frames": rs[-1]["gif_frames"],
                    "size": rs[-1]["size"]}
    return out


def compare_figures(cfg: Config, targets: dict[str, np.ndarray], known: dict) -> list[dict]:
    """Random Fourier vs the cosine grid at several feature counts: PSNR at the optimum, cost."""
    h, w, _ = next(iter(targets.values())).shape
    rows = []
    for n in COMPARE if not cfg.quick else COMPARE[:2]:
        row = {"n": n}
        for name in ("fourier", "cosine"):
            if n == 3072 and (name, h, w) in known:
                costs = known[name, h, w]
            else:
                log(f"  compare: {name} {n}")
                fmap = feature_map(name, h, w, n)
                design = fmap.design(h, w)
                costs = {"design": design, "gram": _clock(lambda d=design: d.gram),
                         "eigen": _clock(lambda d=design: d.eigen), "eigen_reps": 1}
            row[name] = {"gram": costs["gram"], "eigen": costs["eigen"], "reps": costs["eigen_reps"],
                         "psnr": {p: psnr(Painting(t, design=costs["design"]).optimal_cost)
                                  for p, t in targets.items()}}
        rows.append(row)
    return rows


def features_section(cfg: Config) -> Section:
    sec = Section("features", "Feature maps at 128 px (issue 5)")
    tmp = cfg.tmp / "features"
    tmp.mkdir(exist_ok=True)
    paths = save_photos(tmp)
    targets = {name: load_image(path, SIZE) for name, path in paths.items()}
    shapes = {name: t.shape[:2] for name, t in targets.items()}

    # a design depends on the grid only, so photos of the same shape share it (and its timings)
    costs: dict[tuple[str, int, int], dict] = {}
    for name in DESIGNS:
        for h, w in dict.fromkeys(shapes.values()):
            log(f"  {name} design, {h} x {w}")
            costs[name, h, w] = design_costs(cfg, feature_map(name, h, w), h, w)
    engine: dict[tuple[str, str], dict] = {}
    for name in DESIGNS:
        for photo, target in targets.items():
            log(f"  {name} on {photo}: optimum, exact frame, iterate epoch")
            engine[name, photo] = engine_figures(cfg, target, costs[(name, *shapes[photo])]["design"])

    labels = {"xy": "`xy` (XYFeatures)", "poly": "`poly` (PolynomialFeatures, degree 30)",
              "fourier": "`fourier` (FourierFeatures, sigma 16, seed 0)",
              "cosine": "`cosine` (CosineFeatures, decay 1)"}
    same = len(set(shapes.values())) == 1
    grids = " and ".join(f"{photo} {w} x {h}" for photo, (h, w) in shapes.items())
    sec.add(
        f"scikit-image's `coffee()` and `chelsea()` saved as PNG and loaded at {SIZE} px as "
        f"`paintlr learn --size {SIZE}` loads them ({grids}, RGB), each design with the CLI's "
        "defaults. A design depends on the pixel grid only, not on the photo"
        + (", so both photos share each design and its timings below." if same else ".")
        + " Build: `fmap.design(h, w)` (the axis factors). Gram: `design.gram`, "
        "Φᵀ Φ / m with the bias column, from the factors. Eigendecomposition: `design.eigen` "
        "with the Gram matrix already computed (`numpy.linalg.eigh`, O(d³); the cosine grid's "
        "Gram matrix is diagonal, so it only sorts the diagonal). Each is a median of "
        f"{cfg.reps(5, 1)} repetitions, {cfg.reps(3, 1)} for calls over 0.5 s, every repetition "
        "recomputing from scratch; the eigendecomposition's range over repetitions is shown "
        "because two-thread OpenBLAS `eigh` on this shared machine swings several-fold from "
        "one call to the next. Rank: the Gram matrix's eigenvalues above λmax (d + 1) ε, the "
        "directions the exact engine moves along (the rest stay where they start: the "
        "least-squares optimum is the minimum-norm one); condition number: λmax over the "
        "smallest of those."
    )
    rows = []
    for (name, h, w), r in costs.items():
        lo, hi = r["eigen_range"]
        rows.append([labels[name] + ("" if same else f", {w} x {h}"), f"{r['d']:,}",
                     f"{r['rank']:,}", fmt_time(r["build"]), fmt_time(r["gram"]),
                     f"**{fmt_time(r['eigen'])}** ({fmt_time(lo)} to {fmt_time(hi)}, "
                     f"{r['eigen_reps']} reps)", f"{r['cond']:.3g}", f"{r['rate']:.4g}"])
    sec.add(table(["design", "features", "rank (of d + 1)", "build", "Gram", "eigendecomposition (range)",
                   "condition number", "stable limit 2 / λmax"], rows))

    sec.add(
        "Per photo: the PSNR of the design's least-squares optimum (`Painting(target, "
        "design=...).optimal_cost`, PSNR = 10 log10(1 / (2 cost))): the best gradient descent "
        "can reach; the default painting's plan (learning rate half the stable limit, stop at "
        "1.1 x the optimum cost); **exact frame**: one frame of the exact engine, "
        "`trajectory.theta(k)` then `model.score(design)` (O(d²) + O(n d)), averaged over the "
        "painting's planned frame epochs; **iterate epoch**: one epoch of the iterate engine "
        "(`model.train(..., engine=\"iterate\")`: residual X w + b - y, cost, gradient Xᵀ r, "
        f"step), the marginal epoch (T({ITERATE_EPOCHS} epochs) - T(1 epoch)) / "
        f"{ITERATE_EPOCHS - 1} of calls from zero weights. Median of {cfg.reps(3, 1)} "
        "interleaved repetitions; the ratio is taken repetition by repetition: how many "
        "iterate epochs a frame of the exact engine costs, whatever epoch it is at."
    )
    rows = []
    for (name, photo), r in engine.items():
        rows.append([labels[name], photo, f"**{r['psnr']:.2f} dB**", f"{r['rate']:.4g}",
                     f"{r['frames']} / {r['epochs']:,}", fmt_time(r["frame"]), fmt_time(r["epoch"]),
                     fmt_ratio(r["ratio"]), fmt_time(r["call"])])
    sec.add(table(["design", "photo", "PSNR at the optimum", "default learning rate",
                   "planned frames / epochs", "exact frame", "iterate epoch", "frame / epoch",
                   "a `train(epochs=1)` call"], rows))

    log("  end to end, paintlr learn --features fourier / cosine")
    e2e = e2e_figures(cfg, tmp, paths)
    rows = []
    for photo in PHOTOS:
        for features in ("fourier", "cosine"):
            r = e2e[photo, features]
            lo, hi = r["range"]
            rows.append([f"`paintlr learn {photo}.png --size {SIZE} --features {features} -o out.gif`",
                         f"**{fmt_time(r['wall'])}** ({fmt_time(lo)} to {fmt_time(hi)})",
                         f"{r['psnr']:.2f} dB", str(r["gif_frames"]), fmt_bytes(r["rss"]),
                         fmt_bytes(r["size"])])
    sec.add(
        "Whole-process wall time of the command as a user runs it (defaults otherwise: 60 "
        "frames planned, half the stable learning rate, stop at 1.1 x the optimum cost), run in "
        "a temp folder, the four commands in turn, median of "
        f"{e2e['reps']} runs each (range in brackets); peak RSS of that process from `os.wait4` "
        "through `benchmarks/launcher.py`, max over runs. Final PSNR is the last frame's, from "
        "paintlr's summary line; frames are those stored in the GIF (the streaming writer "
        "keeps every frame painted)."
    )
    sec.add(table(["command", "wall", "final PSNR", "GIF frames", "peak RSS", "GIF size"], rows))
    sec.add("paintlr's summary lines: " + "; ".join(
        f"{photo} {features}: `{e2e[photo, features]['summary']}`"
        for photo in PHOTOS for features in ("fourier", "cosine")))

    log("  fourier vs cosine at several feature counts")
    comp = compare_figures(cfg, targets, costs)
    rows = []
    for row in comp:
        cells = [f"{row['n']:,}"]
        for name in ("fourier", "cosine"):
            r = row[name]
            cells += [" / ".join(f"{r['psnr'][p]:.2f}" for p in PHOTOS),
                      f"{fmt_time(r['gram'])} + {fmt_time(r['eigen'])}"
                      + (f" (median of {r['reps']})" if r["reps"] > 1 else "")]
        rows.append(cells)
    sec.add(
        "Random Fourier features (sigma 16, seed 0) against the deterministic cosine grid "
        "(the 2-D DCT basis up to a frequency cutoff, orthogonal on the "
        "pixel grid, so the Gram matrix is diagonal and needs no O(d³) eigendecomposition) "
        "at equal feature counts: PSNR at the least-squares optimum on "
        f"{' / '.join(PHOTOS)}, and the design's Gram + eigendecomposition time (one run each; "
        "the 3072 row is the table above)."
    )
    sec.add(table(["features", "fourier: PSNR at the optimum (dB)", "fourier: Gram + eigen",
                   "cosine: PSNR at the optimum (dB)", "cosine: Gram + eigen"], rows))

    sec.metrics.update(
        feat_psnr={(name, photo): r["psnr"] for (name, photo), r in engine.items()},
        feat_e2e={key: r for key, r in e2e.items() if key != "reps"},
        feat_eigen={name: r["eigen"] for (name, _, _), r in costs.items()},
    )
    return sec
