"""Tables: `paintlr fit` and `paintlr classify` end to end, their frames drawn and encoded, matplotlib.

Three commands with default settings: `paintlr fit --example points` (the seed's five
points), `paintlr fit rows.csv` (1,000 rows made by ROWS_CODE) and `paintlr classify
--example admissions`. Whole processes through run_child (wall, own peak RSS); the
drawing and the GIF encoding of the same frames in-process, on the figures tables_jobs.py
builds as the CLI does (checked: the GIF written from them is the CLI's, byte for byte);
matplotlib's import and the first figure in fresh interpreters (tables_child.py).
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time

import tables_jobs
from common import (
    BENCH,
    Config,
    Section,
    child_env,
    fmt_bytes,
    fmt_time,
    log,
    paintlr_command,
    run_child,
    table,
)

from paintlr.outputs.gif_palette import gif_palette

# name, the command's arguments after `paintlr`, the GIF it writes by default
JOBS = [
    ("points", ["fit", "--example", "points"], "points-fit.gif"),
    ("rows", ["fit", "rows.csv"], "rows-fit.gif"),
    ("admissions", ["classify", "--example", "admissions"], "admissions-classify.gif"),
]
WALL_TARGET = 3.0  # seconds, each command's whole process
DRAW_TARGET = 25e-3  # seconds, `figure.draw` of one 960 x 540 frame
ROWS_CODE = ("import numpy as np; r = np.random.default_rng(0); x = r.uniform(0, 10, 1000); "
             "np.savetxt('rows.csv', np.column_stack([x, 3 + 0.5 * x + r.normal(0, 1, 1000)]), "
             "delimiter=',', header='x,y', comments='', fmt='%.6f')")
MPL_IMPORT = ("import matplotlib; from matplotlib.figure import Figure; "
              "from matplotlib.backends.backend_agg import FigureCanvasAgg")


def command_text(name: str) -> str:
    args = dict((n, a) for n, a, _ in JOBS)[name]
    return "paintlr " + " ".join(args)


def _span(values) -> str:
    values = list(values)
    return fmt_time(values[0]) if len(values) == 1 else f"{fmt_time(min(values))} to {fmt_time(max(values))}"


def _signed(seconds: float) -> str:
    return f"-{fmt_time(-seconds)}" if seconds < 0 else fmt_time(seconds)


def _child_json(args: list[str], cwd, env) -> dict:
    """tables_child.py's figures, and `wall`: its whole process, spawn to exit."""
    run = run_child([sys.executable, str(BENCH / "tables_child.py"), *args], cwd=cwd, env=env)
    if run.returncode != 0:
        raise RuntimeError(f"tables_child.py {' '.join(args)} failed ({run.returncode}): {run.stderr[-500:]}")
    return {**json.loads(run.stdout), "wall": run.wall}


def _in_process(job: tables_jobs.Job, draw_reps: int, encode_reps: int, gif) -> dict:
    """`figure.draw` of every frame, `draw_reps` times in the CLI's order, then the same frames through
    the CLI's Outputs `encode_reps` times. Per-frame draw time: the median over repetitions."""
    per_frame = [[] for _ in job.states]
    frames = []
    for _ in range(draw_reps):
        frames = []
        for i, state in enumerate(job.states):
            start = time.perf_counter()
            frame = job.figure.draw(state)
            per_frame[i].append(time.perf_counter() - start)
            frames.append(frame)
    draws = [statistics.median(v) for v in per_frame]
    totals, adds, commits = [], [], []
    for _ in range(encode_reps):
        start = time.perf_counter()
        out = job.outputs(gif)
        with out:
            for frame, row in zip(frames, job.rows, strict=True):
                a0 = time.perf_counter()
                out.add(frame, row)
                adds.append(time.perf_counter() - a0)
            c0 = time.perf_counter()
            out.commit()
            commits.append(time.perf_counter() - c0)
        totals.append(time.perf_counter() - start)
    palettes = []
    for _ in range(encode_reps):
        start = time.perf_counter()
        gif_palette(frames[0], job.reference)
        palettes.append(time.perf_counter() - start)
    n = len(frames)
    return {
        "frames": n, "shape": frames[0].shape, "draws": draws,
        "draw_median": statistics.median(draws), "draw_max": max(draws), "draw_mean": statistics.fmean(draws),
        "encode_total": statistics.median(totals), "encode_per_frame": statistics.median(totals) / n,
        "palette": statistics.median(palettes), "add_max": max(adds), "commit": statistics.median(commits),
        "states": job.times["states"], "states_per_frame": job.times["states"] / n,
        "figure": job.times["figure"], "reference": job.times.get("reference"),
    }


def tables_section(cfg: Config) -> Section:
    sec = Section("tables", "Tables: `paintlr fit` and `paintlr classify`, whole commands and their frames")
    tmp = cfg.tmp / "tables"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    made = run_child([sys.executable, "-c", ROWS_CODE], cwd=tmp, env=env)
    if made.returncode != 0 or not (tmp / "rows.csv").exists():
        raise RuntimeError(f"could not write rows.csv: {made.stderr[-500:]}")
    names = [name for name, _, _ in JOBS]
    reps = cfg.reps(3, 1)

    # 1. whole commands, interleaved run by run, with the interpreter's own start-up beside them
    runs: dict[str, list] = {name: [] for name in names}
    bare = []
    summaries = {}
    for rep in range(reps):
        for name, args, gif in JOBS:
            log(f"  paintlr {' '.join(args)} ({rep + 1}/{reps})")
            (tmp / gif).unlink(missing_ok=True)
            run = run_child([*paintlr_command(), *args], cwd=tmp, env=env)
            if run.returncode != 0 or not (tmp / gif).exists():
                raise RuntimeError(f"paintlr {' '.join(args)} failed ({run.returncode}): {run.stderr[-500:]}")
            runs[name].append(run)
            summaries[name] = run.stdout.strip().splitlines()[-1]
        bare.append(run_child([sys.executable, "-c", "pass"], cwd=tmp, env=env).wall)
    cli_gifs = {name: (tmp / gif).read_bytes() for name, _, gif in JOBS}
    cli_frames = {}
    for name, summary in summaries.items():
        match = re.search(r"(\d+) frames ->", summary)
        cli_frames[name] = int(match[1]) if match else None

    # 3. fresh interpreters: matplotlib alone, then each command's imports, figure and first draws
    cold_runs = [_child_json(["cold"], tmp, env) for _ in range(reps)]
    cold = [c["mpl"] for c in cold_runs]
    fresh: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(reps):
        for name in names:
            fresh[name].append(_child_json([name, str(tmp)], tmp, env))
    for f in (*cold_runs, *(f for runs_ in fresh.values() for f in runs_)):
        # the interpreter's exit: the process's wall less what ran inside it and less `python -c pass`
        f["exit"] = f["wall"] - f.get("total_in_process", f["mpl"]) - statistics.median(bare)

    # 2. in-process: every frame drawn, then encoded, on the figures the CLI builds
    draw_reps, encode_reps = cfg.reps(5, 1), cfg.reps(3, 1)
    inproc = {}
    for name, _, gif in JOBS:
        log(f"  in-process: {command_text(name)}, draw x{draw_reps}, encode x{encode_reps}")
        job = tables_jobs.build(name, tmp)
        inproc[name] = _in_process(job, draw_reps, encode_reps, tmp / f"in-process-{gif}")
        inproc[name]["same_gif"] = (tmp / f"in-process-{gif}").read_bytes() == cli_gifs[name]
        del job

    def med(values):
        return statistics.median(values)

    results = {}
    rows = []
    for name, _, _ in JOBS:
        walls = [r.wall for r in runs[name]]
        rss = [r.maxrss for r in runs[name]]
        results[name] = {"command": command_text(name), "wall": med(walls),
                         "wall_range": (min(walls), max(walls)), "rss": med(rss),
                         "rss_range": (min(rss), max(rss)), "reps": reps,
                         "frames": cli_frames[name], **{k: inproc[name][k] for k in (
                             "draw_median", "draw_max", "draw_mean", "encode_per_frame", "shape")}}
        rss_text = fmt_bytes(rss[0]) if reps == 1 else f"{fmt_bytes(med(rss))} ({fmt_bytes(min(rss))} to " \
                                                         f"{fmt_bytes(max(rss))})"
        rows.append([f"`{command_text(name)}`", str(cli_frames[name]), f"**{fmt_time(med(walls))}**",
                     _span(walls), rss_text, fmt_bytes(len(cli_gifs[name])), f"`{summaries[name]}`"])
    sec.add(
        f"Whole processes, each command with its default settings in a temp folder (writing its default "
        f"GIF there), {reps} run{'s' * (reps > 1)} each, the three commands interleaved run by run; wall "
        "from spawn to exit and the process's own peak RSS (`os.wait4` through `benchmarks/launcher.py`); "
        f"median, and the range over the runs. Goal: each under {WALL_TARGET:g} s. rows.csv is 1,000 rows, "
        "x uniform in [0, 10], y = 3 + 0.5 x + normal noise (sigma 1), header `x,y`, made by the second "
        "command below. `python -c pass` took "
        f"{fmt_time(med(bare))} in the same runs. To rerun by hand, from the repository root:"
    )
    timed = "/usr/bin/time -f '%e s %M kB'"
    sec.add("\n".join([
        "```sh",
        f"{timed} paintlr fit --example points",
        f"python -c \"{ROWS_CODE}\"",
        f"{timed} paintlr fit rows.csv",
        f"{timed} paintlr classify --example admissions",
        f"python -c \"import time; t = time.perf_counter(); {MPL_IMPORT}; print(time.perf_counter() - t)\"",
        "python benchmarks/tables_child.py admissions .   # imports, figure, first draws in a fresh process",
        "python benchmarks/run.py --quick --only tables    # this whole section, once each",
        "```",
    ]))
    sec.add(table(["command", "frames", "wall (median)", "wall range", "peak RSS", "GIF size",
                   "paintlr's summary line (last run)"], rows))

    h, w = inproc[names[0]]["shape"][:2]
    drows = []
    for name in names:
        r = inproc[name]
        ok = "yes" if r["same_gif"] else "**no**"
        drows.append([f"`{command_text(name)}`", f"{r['frames']}" + ("" if r["frames"] == cli_frames[name]
                                                                  else f" (CLI: {cli_frames[name]})"),
                      f"**{fmt_time(r['draw_median'])}**", fmt_time(r["draw_max"]), fmt_time(r["draw_mean"]),
                      f"**{fmt_time(r['encode_per_frame'])}**", fmt_time(r["palette"]),
                      fmt_time(r["add_max"]), fmt_time(r["states_per_frame"]), ok])
    sec.add(
        f"Per frame, in-process, at the default size ({w} x {h}): the figure built as `cli.fit` / "
        "`cli.classify` build it (`benchmarks/tables_jobs.py`: the same library calls with the CLI's "
        "defaults), every frame's state computed first (not timed with the drawing), then "
        f"`figure.draw(state)` over all the frames in the CLI's order, {draw_reps} "
        f"time{'s' * (draw_reps > 1)}; "
        "a frame's time is its median over those, and the table gives the median, the largest and the mean "
        f"over the frames (goal: under {fmt_time(DRAW_TARGET)} a frame). Encoding: the same frames through "
        "the CLI's `outputs.Outputs` (one GIF, the CLI's fps, and for classify its reference, the "
        f"`every_colour()` draw), {encode_reps} time{'s' * (encode_reps > 1)}, total from opening to "
        "`commit()` over the frames, median; of it, the GIF palette, built once per file from the first "
        "frame (and the reference), and the slowest `add` (the writer runs one frame behind; the first "
        "frame's encoding, palette included, happens in the second `add`). States: computing every "
        "frame's state (training, the fit's path on the error surface) per frame. Same GIF: the file "
        "written in-process equals the CLI's byte for byte, so the figures timed are the CLI's."
    )
    sec.add(table(["command", "frames", "draw, median", "draw, largest", "draw, mean", "encode per frame",
                   "palette (once)", "slowest add", "states per frame", "same GIF as the CLI"], drows))

    frow = []
    keys = [("imports", "imports before the figure: click, tqdm, `paintlr.cli`, numpy, Pillow, "
                        "`tabular`, `fitting`, `classifying`, `plots`, `animation`"),
            ("mpl", f"`{MPL_IMPORT}`, on top of those"),
            ("table", "table (`load_example` / `load_table`)"),
            ("plan", "plan (`FitAnimation(...)`; `Classification(...)` and its `epochs`, the undrawn "
                     "probe pass)"),
            ("figure", "first figure's construction (`FitFigure(...)` / `ClassifyFigure(...)`: layout, "
                       "static pixels)"),
            ("first_draw", "first draw (fit: frame 0; classify: the reference, `every_colour()`)"),
            ("second_draw", "second draw (fit: frame 1; classify: frame 0)"),
            ("total_in_process", "sum in the child (interpreter start-up and exit excluded)"),
            ("exit", "interpreter exit after that (the child's wall less the sum and less `python -c pass`)")]
    for key, label in keys:
        frow.append([label, *(fmt_time(med(f[key] for f in fresh[name])) for name in names)])
    sec.add(
        f"matplotlib's import in a fresh interpreter with nothing imported before (`python -c "
        f"\"{MPL_IMPORT}\"` timed inside, `benchmarks/tables_child.py cold`): **{fmt_time(med(cold))}** "
        f"(median of {reps}, {_span(cold)}); numpy comes with it. That process's exit took a further "
        f"{fmt_time(med(c['exit'] for c in cold_runs))} (its wall less the import and less `python -c "
        "pass`): finalising an interpreter that holds matplotlib's modules. In the commands numpy and "
        "Pillow are already loaded, so the import costs less there. The first figure in a fresh process "
        f"(`benchmarks/tables_child.py JOB`, median of {reps}), step by step as the CLI goes:"
    )
    sec.add(table(["fresh interpreter", *(f"`{command_text(n)}`" for n in names)], frow))

    acc = []
    parts = [
        ("interpreter start-up (`python -c pass`)", lambda n: med(bare)),
        ("imports before the figure (fresh child)", lambda n: med(f["imports"] for f in fresh[n])),
        ("matplotlib import on top (fresh child)", lambda n: med(f["mpl"] for f in fresh[n])),
        ("table and plan (fresh child)", lambda n: med(f["table"] + f["plan"] for f in fresh[n])),
        ("figure construction, first in the process (fresh child)",
         lambda n: med(f["figure"] for f in fresh[n])),
        ("classify's reference draw (fresh child)",
         lambda n: med(f["first_draw"] for f in fresh[n]) if inproc[n]["reference"] is not None else None),
        ("every frame's state (in-process)", lambda n: inproc[n]["states"]),
        ("every frame drawn (in-process, sum of the per-frame medians)", lambda n: sum(inproc[n]["draws"])),
        ("every frame encoded (in-process `Outputs`, open to commit)", lambda n: inproc[n]["encode_total"]),
        ("interpreter exit (fresh child)", lambda n: med(f["exit"] for f in fresh[n])),
    ]
    sums = {n: 0.0 for n in names}
    for label, fn in parts:
        values = {n: fn(n) for n in names}
        for n in names:
            sums[n] += values[n] or 0.0
        acc.append([label, *("–" if values[n] is None else fmt_time(values[n]) for n in names)])
    acc.append(["**sum of the parts**", *(f"**{fmt_time(sums[n])}**" for n in names)])
    acc.append(["**whole process, measured (median)**",
                *(f"**{fmt_time(results[n]['wall'])}**" for n in names)])
    acc.append(["rest (the CLI's checks, progress bar and summary; noise)",
                *(_signed(results[n]["wall"] - sums[n]) for n in names)])
    sec.add("Where each command's wall time goes, from the figures above (parts measured in different "
            "processes, so they need not add up exactly):")
    sec.add(table(["part", *(f"`{command_text(n)}`" for n in names)], acc))

    sec.metrics["tables"] = results
    sec.metrics["tables_mpl_import"] = med(cold)
    sec.metrics["tables_quick"] = cfg.quick
    return sec
