"""Momentum and Nesterov in closed form: frame cost, the whole command, and epochs to the threshold.

Three parts, each measured against a reference taken in the same run:

1. A frame of the exact momentum engine: `trajectory.theta(k, out=...)` of
   `OneHotMomentumTrajectory` (chelsea at 256 px, RGB) at epoch 10^7 against epoch 10
   (goal <= 1.5x); Nesterov, GD and a dense design (`--features cosine` at 64 px,
   `EigenMomentumTrajectory`) for information.
2. `paintlr learn chelsea.png --optimizer momentum -o out.gif` as a whole process
   (goal < 1 s), as a ratio to the same command with `--optimizer gd`, and the iterate
   engine's cost of the same run extrapolated from runs of 2,000 and 20,000 epochs.
3. Epochs to cost 1e-4 from zero weights (mean over channels, where `paintlr learn`
   stops) at 64 to 512 px in closed form: GD at the seed's rate and at its best rate,
   optimal heavy ball and optimal Nesterov, with the condition number. No timing; the
   one goal is that optimal momentum needs fewer epochs than GD at its best rate.

The machine is shared and noisy: timings are the best of several interleaved repeats
(the least disturbed), with the median of the repeat-by-repeat ratios beside them.
"""

from __future__ import annotations

import os
import re
import statistics
import time

import numpy as np
from common import (
    SAMPLE,
    Config,
    Section,
    calibrate,
    child_env,
    fmt_ratio,
    fmt_time,
    log,
    paintlr_command,
    run_child,
    table,
    time_calls,
)

from paintlr.core.tuning import condition_number, gd_best, momentum_best, nesterov_best, one_hot_extremes
from paintlr.features.maps import feature_map
from paintlr.io.image import load_image
from paintlr.runs.forecast import epochs_with
from paintlr.runs.painting import Painting
from paintlr.settings import DEFAULT_MAX_COST, MOMENTUM, SEED_LEARNING_RATE

FRAME_EPOCHS = (10, 10**3, 10**5, 10**7, 10**9)
FRAME_GOAL = 1.5  # theta at epoch 10^7 over theta at epoch 10
E2E_GOAL = 1.0  # seconds, `paintlr learn chelsea.png --optimizer momentum -o out.gif`
ITERATE_EPOCHS = (2_000, 20_000)  # --max-epochs of the two iterate runs the cost per epoch comes from
SIZES = (64, 128, 256, 512)


def momentum_section(cfg: Config) -> Section:
    sec = Section("momentum", "Momentum and Nesterov in closed form")
    frames_part(cfg, sec)
    e2e_part(cfg, sec)
    epochs_part(cfg, sec)
    sec.add(table(["momentum target", "measured", "goal", "verdict"], [
        [name, measured, goal, "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")]
        for name, measured, goal, ok in target_rows(sec.metrics)]))
    return sec


# ---------------------------------------------------------------- 1. exact frames


def _time_epochs(fns: dict, reps: int) -> dict:
    """Seconds per call of fns[k]() for each k, `reps` interleaved repeats (order rotated each time)."""
    numbers = {k: calibrate(fn, 0.02) for k, fn in fns.items()}
    keys = list(fns)
    runs: dict = {k: [] for k in keys}
    for rep in range(reps):
        for k in keys[rep % len(keys):] + keys[:rep % len(keys)]:
            runs[k].append(time_calls(fns[k], numbers[k]))
    return runs


def frames_part(cfg: Config, sec: Section) -> None:
    reps = cfg.reps(15, 3)
    target = load_image(SAMPLE, 256)
    h, w, _ = target.shape
    n = h * w
    lam_min, lam_max = one_hot_extremes(n)
    best_hb, best_nag = momentum_best(lam_min, lam_max), nesterov_best(lam_min, lam_max)
    cases = [
        ("one-hot", "heavy ball, beta 0.9, rate 0.05 (`--optimizer momentum`)",
         dict(optimizer="momentum", learning_rate=SEED_LEARNING_RATE, momentum=MOMENTUM)),
        ("one-hot", f"heavy ball, optimal pair (rate {best_hb.learning_rate:.4g}, beta {best_hb.beta:.4g})",
         dict(optimizer="momentum", learning_rate=best_hb.learning_rate, momentum=best_hb.beta)),
        ("one-hot", "Nesterov, beta 0.9, rate 0.05 (`--optimizer nesterov`)",
         dict(optimizer="nesterov", learning_rate=SEED_LEARNING_RATE, momentum=MOMENTUM)),
        ("one-hot", f"Nesterov, optimal pair (rate {best_nag.learning_rate:.4g}, beta {best_nag.beta:.4g})",
         dict(optimizer="nesterov", learning_rate=best_nag.learning_rate, momentum=best_nag.beta)),
        ("one-hot", "GD, rate 0.05 (reference: the exact GD engine)",
         dict(optimizer="gd", learning_rate=SEED_LEARNING_RATE)),
    ]
    small = load_image(SAMPLE, 64)
    fmap, _ = feature_map("cosine", small.shape)
    start = time.perf_counter()
    dense = fmap.design(*small.shape[:2])
    _ = dense.eigen  # built once per design (a cached property); not part of a frame
    dense_setup = time.perf_counter() - start
    d = fmap.n_features
    for optimizer in ("momentum", "nesterov"):
        cases.append((f"cosine, {small.shape[1]} x {small.shape[0]}, d = {d:,}",
                      f"{'heavy ball' if optimizer == 'momentum' else 'Nesterov'}, beta 0.9, the "
                      "design's default rate", dict(optimizer=optimizer, momentum=MOMENTUM, design=dense,
                                                    target=small)))
    rows = []
    for design_name, name, kw in cases:
        kw = dict(kw)
        painting = Painting(kw.pop("target", target), frames=2, **kw)
        traj = painting.trajectory
        out = np.empty_like(painting._theta)
        fns = {k: (lambda k=k, traj=traj, out=out: traj.theta(k, out=out)) for k in FRAME_EPOCHS}
        for fn in fns.values():  # warm up, and every epoch's frame is finite
            fn()
            if not np.all(np.isfinite(out)):
                raise RuntimeError(f"{name}: theta is not finite")
        runs = _time_epochs(fns, reps)
        best = {k: min(v) for k, v in runs.items()}
        ratio = best[10**7] / best[10]
        median_ratio = statistics.median(a / b for a, b in zip(runs[10**7], runs[10], strict=True))
        rows.append([design_name, name, f"{painting.learning_rate:.4g}"]
                    + [fmt_time(best[k]) for k in FRAME_EPOCHS]
                    + [f"**{fmt_ratio(ratio)}**" if design_name == "one-hot" else fmt_ratio(ratio),
                       fmt_ratio(median_ratio)])
        key = {"momentum": "mom", "nesterov": "nag", "gd": "gd"}[kw["optimizer"]]
        if design_name != "one-hot":
            key = "dense_" + key
        elif kw["learning_rate"] != SEED_LEARNING_RATE:
            key += "_best"
        sec.metrics[f"frame_{key}"] = (ratio, best[10**7], best[10])
    sec.add(
        "### 1. A frame of the exact engine at any epoch\n\n"
        f"`Painting(target, optimizer=..., learning_rate=..., momentum=...).trajectory.theta(k, out=buf)`: "
        f"the parameters after k epochs from zero weights, written into a preallocated (3, n + 1) array "
        f"(what the exact engine does per frame before drawing it). One-hot: chelsea at 256 px "
        f"({w} x {h}, n = {n:,}, RGB), `OneHotMomentumTrajectory`. Dense: `--features cosine` at 64 px "
        f"(`feature_map(\"cosine\", ...)`, {d:,} features, `EigenMomentumTrajectory`; building the grid "
        f"design and its eigendecomposition took {fmt_time(dense_setup)} once, not counted). Best of {reps} "
        "interleaved repeats (order of k rotated each repeat), each the mean of enough back-to-back "
        "calls to last 20 ms; ratio = best at 10^7 / best at 10, and the median of the repeat-by-repeat "
        f"ratios. Goal: **<= {FRAME_GOAL:g}x** for the one-hot momentum and Nesterov rows."
    )
    sec.add(table(["design", "optimizer", "rate"] + [f"k = {k:.0e}".replace("e+0", "e") for k in FRAME_EPOCHS]
                  + ["10^7 / 10 (best)", "10^7 / 10 (median)"], rows))


# ---------------------------------------------------------------- 2. end to end

SUMMARY = re.compile(r"([\d,]+) epochs, cost ([\d.e+-]+)")


def _run(cmd: list[str], tmp, env) -> tuple[float, int | None]:
    run = run_child(cmd, cwd=tmp, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}: {run.stderr[-500:]}")
    m = SUMMARY.search(run.stdout + run.stderr)  # the summary line is on stdout
    return run.wall, (int(m.group(1).replace(",", "")) if m else None)


def e2e_part(cfg: Config, sec: Section) -> None:
    tmp = cfg.tmp / "momentum"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    reps = cfg.reps(7, 2)
    learn = [*paintlr_command(), "learn", str(SAMPLE)]
    cmds = {"momentum": [*learn, "--optimizer", "momentum", "-o", "out.gif"],
            "gd": [*learn, "--optimizer", "gd", "-o", "gd.gif"]}
    walls: dict = {name: [] for name in cmds}
    epochs = {}
    for rep in range(reps):
        for name in (list(cmds) if rep % 2 == 0 else list(cmds)[::-1]):
            wall, k = _run(cmds[name], tmp, env)
            walls[name].append(wall)
            epochs[name] = k
    mom, gd = min(walls["momentum"]), min(walls["gd"])
    ratio = mom / gd
    median_ratio = statistics.median(a / b for a, b in zip(walls["momentum"], walls["gd"], strict=True))
    # the epochs the momentum run needs, from the closed form (and the command's own summary line)
    needed = Painting(load_image(SAMPLE, 256), optimizer="momentum", frames=2).stop_epoch
    if epochs["momentum"] != needed:
        raise RuntimeError(f"paintlr learn ran {epochs['momentum']!r} epochs, "
                           f"the closed form says {needed:,}")

    short, long_ = ITERATE_EPOCHS if not cfg.quick else (200, 2_000)
    it_reps = cfg.reps(2, 1)
    it_walls: dict = {short: [], long_: []}
    for _ in range(it_reps):
        for k in (short, long_):
            iterate = ["--optimizer", "momentum", "--engine", "iterate", "--max-epochs", str(k)]
            wall, ran = _run([*learn, *iterate, "-o", f"iterate{k}.gif"], tmp, env)
            if ran != k:
                raise RuntimeError(f"the iterate run of --max-epochs {k} ran {ran} epochs")
            it_walls[k].append(wall)
    t_short, t_long = min(it_walls[short]), min(it_walls[long_])
    per_epoch = (t_long - t_short) / (long_ - short)
    fixed = t_short - per_epoch * short
    extrapolated = fixed + per_epoch * needed
    sec.metrics.update(mom_e2e=mom, gd_e2e=gd, mom_e2e_ratio=ratio, mom_e2e_median_ratio=median_ratio,
                       mom_iterate=extrapolated, mom_epochs=needed)
    sec.add(
        "### 2. End to end\n\n"
        f"Whole-process wall time (spawn to exit, `benchmarks/launcher.py`) of `paintlr learn "
        f"{SAMPLE.name} --optimizer momentum -o out.gif` (256 px, beta 0.9, rate 0.05, cost 1e-4, 60 "
        f"frames asked) and of the same with `--optimizer gd`, run alternately in a temp folder, "
        f"{reps} runs each; best of the runs, and the median of the run-by-run ratios. The iterate "
        f"engine's cost of the same momentum run: `--engine iterate --max-epochs N` at N = {short:,} and "
        f"{long_:,} (best of {it_reps} each), wall = a + b N fitted through the two, read off at the "
        f"{needed:,} epochs the exact run needs (b = time per iterated epoch, a = everything else)."
    )
    sec.add(table(["run", "wall (best)", "all runs", "epochs"], [
        ["`--optimizer momentum` (exact engine)", f"**{fmt_time(mom)}**",
         ", ".join(fmt_time(x) for x in walls["momentum"]), f"{needed:,}"],
        ["`--optimizer gd` (reference)", fmt_time(gd), ", ".join(fmt_time(x) for x in walls["gd"]),
         f"{epochs['gd']:,}"],
        ["momentum / gd", f"**{fmt_ratio(ratio)}**", f"median of the run-by-run ratios "
         f"{fmt_ratio(median_ratio)}", ""],
        [f"`--optimizer momentum --engine iterate --max-epochs {short:,}`", fmt_time(t_short),
         ", ".join(fmt_time(x) for x in it_walls[short]), f"{short:,}"],
        [f"`--optimizer momentum --engine iterate --max-epochs {long_:,}`", fmt_time(t_long),
         ", ".join(fmt_time(x) for x in it_walls[long_]), f"{long_:,}"],
        ["iterate engine, extrapolated to the whole run", f"~{fmt_time(extrapolated)}",
         f"{fmt_time(per_epoch)} per epoch + {fmt_time(fixed)}; {extrapolated / mom:,.3g}x the exact run",
         f"{needed:,}"],
    ]))


# ---------------------------------------------------------------- 3. epochs to the threshold


def epochs_part(cfg: Config, sec: Section) -> None:
    sizes = SIZES if not cfg.quick else SIZES[:3]
    rows, fewer, checks = [], {}, []
    for size in sizes:
        target = load_image(SAMPLE, size)
        h, w, _ = target.shape
        n = h * w
        base = Painting(target, frames=2)  # GD at the seed's rate, zero start, threshold 1e-4
        if base.max_cost != DEFAULT_MAX_COST:
            raise RuntimeError(f"threshold {base.max_cost} is not {DEFAULT_MAX_COST}")
        lam_min, lam_max = base.design.extremes()
        if (lam_min, lam_max) != one_hot_extremes(n):
            raise RuntimeError(f"{size} px: design extremes {lam_min, lam_max} differ from one_hot_extremes")
        kappa = condition_number(lam_min, lam_max)
        settings = {"gd_seed": ("gd", SEED_LEARNING_RATE, 0.0),
                    "gd_best": ("gd", gd_best(lam_min, lam_max).learning_rate, 0.0),
                    "momentum": ("momentum", *momentum_best(lam_min, lam_max)[:2]),
                    "nesterov": ("nesterov", *nesterov_best(lam_min, lam_max)[:2])}
        k = {}
        for key, (optimizer, rate, beta) in settings.items():
            k[key] = epochs_with(base, optimizer, rate, beta)
            # the same from the painting `paintlr learn` would build with these settings
            stop = Painting(target, optimizer=optimizer, learning_rate=rate, momentum=beta or MOMENTUM,
                            frames=2).stop_epoch
            checks.append(stop == k[key])
            if stop != k[key]:
                raise RuntimeError(f"{size} px {key}: epochs_with {k[key]} vs Painting.stop_epoch {stop}")
        fewer[size] = k["momentum"] < k["gd_best"]
        _, rate_m, beta_m = settings["momentum"]
        _, rate_n, beta_n = settings["nesterov"]
        rows.append([f"{size} ({w} x {h})", f"{n:,}", f"{kappa:,.6g}", f"{kappa / (n + 1):.6f}",
                     f"{k['gd_seed']:,}", f"{k['gd_best']:,} (rate {settings['gd_best'][1]:.6g})",
                     f"{k['momentum']:,} (rate {rate_m:.4g}, beta {beta_m:.5f})",
                     f"{k['nesterov']:,} (rate {rate_n:.4g}, beta {beta_n:.5f})",
                     f"{k['gd_best'] / k['momentum']:.3g}x", f"{k['gd_seed'] / k['momentum']:,.4g}x"])
        sec.metrics.setdefault("mom_epochs_table", {})[size] = k | {"kappa": kappa, "n": n}
    sec.metrics["mom_fewer"] = fewer
    sec.add(
        "### 3. Epochs to cost 1e-4\n\n"
        "From zero weights to a mean cost over the three channels below 1e-4, where `paintlr learn` "
        "stops (momentum: the first epoch from which the closed-form envelope of the cost, which never "
        "rises, stays below; its cost itself may dip below earlier), on the one-hot design of "
        f"`load_image(\"{SAMPLE.name}\", size)` (which never enlarges: 512 px is the photo's own 451 x "
        "300). Closed form (`forecast.epochs_with` on a GD painting), each figure checked equal to "
        "`Painting(target, optimizer=..., learning_rate=..., momentum=...).stop_epoch`. Optimal "
        "settings from `tuning.gd_best`, `momentum_best` and `nesterov_best` on `one_hot_extremes(n)` "
        "= (1 / n, (n + 1) / n), so kappa = n + 1. Goal: optimal momentum needs fewer epochs than GD at "
        "its best rate at every size."
    )
    sec.add(table(["size (w x h)", "n", "kappa", "kappa / (n + 1)", "GD, rate 0.05 (the seed's)",
                   "GD, best rate", "heavy ball, optimal", "Nesterov, optimal", "GD best / heavy ball",
                   "GD 0.05 / heavy ball"], rows))


# ---------------------------------------------------------------- targets


def target_rows(m: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, goal, ok) for the section's goals, from its metrics (run.py's targets table)."""
    rows = []
    for key, name in (("mom", "heavy ball, beta 0.9, rate 0.05"), ("nag", "Nesterov, beta 0.9, rate 0.05")):
        label = f"Momentum, exact frame `theta(k)` at epoch 10^7 vs 10, one-hot 256 px RGB, {name}"
        if f"frame_{key}" in m:
            ratio, t7, t1 = m[f"frame_{key}"]
            rows.append((label, f"{fmt_ratio(ratio)} ({fmt_time(t7)} vs {fmt_time(t1)})",
                         f"<= {FRAME_GOAL:g}x", ratio <= FRAME_GOAL))
        else:
            rows.append((label, "not measured", f"<= {FRAME_GOAL:g}x", None))
    label = ("Momentum, `paintlr learn chelsea.png --optimizer momentum -o out.gif`: wall "
             "(vs `--optimizer gd`)")
    if "mom_e2e" in m:
        rows.append((label, f"{fmt_time(m['mom_e2e'])} ({fmt_ratio(m['mom_e2e_ratio'])} gd's "
                            f"{fmt_time(m['gd_e2e'])})", f"< {E2E_GOAL:g} s", m["mom_e2e"] < E2E_GOAL))
    else:
        rows.append((label, "not measured", f"< {E2E_GOAL:g} s", None))
    label = "Momentum, epochs to cost 1e-4: optimal heavy ball < GD at its best rate, at every size"
    if "mom_fewer" in m:
        table_ = m["mom_epochs_table"]
        measured = ", ".join(f"{s} px {t['momentum']:,} vs {t['gd_best']:,}" for s, t in table_.items())
        rows.append((label, measured, "fewer at every size", all(m["mom_fewer"].values())))
    else:
        rows.append((label, "not measured", "fewer at every size", None))
    return rows


def momentum_rows(m: dict, row) -> None:
    """run.py's targets table: this section's rows."""
    for name, measured, goal, ok in target_rows(m):
        row(name, measured, goal, ok)


if __name__ == "__main__":  # quick look without run.py: python benchmarks/bench_momentum.py
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        log(f"load average {os.getloadavg()}")
        result = momentum_section(Config(quick=True, tmp=Path(folder)))
        print("\n\n".join(result.blocks))
