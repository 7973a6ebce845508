"""paintlr's benchmark: every figure of issue 3 in one run, written to BENCHMARKS.md.

    python benchmarks/run.py            # full run (make bench), writes BENCHMARKS.md
    python benchmarks/run.py --quick    # smoke run: fewer sizes and repetitions

The machine is assumed shared and noisy: every figure is a median of several
repetitions, and every comparison is a ratio to a reference measured in the same
run (interleaved with it where the ratio is a target). Sections that fail are
reported in the output with their error; nothing is skipped silently.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import bench_features
import bench_formats
import bench_inputs
import bench_logistic
import bench_momentum
import bench_output
import bench_tables
import bench_training
from common import REPO, Config, Section, fmt_bytes, fmt_ratio, fmt_time, log, machine, table

SECTIONS = ["startup", "per-epoch", "threshold", "exact-frames", "gif", "e2e", "big", "logistic", "features",
            "tables", "formats", "inputs", "momentum"]


def run_sections(cfg: Config, only: set[str]) -> list[Section]:
    done: list[Section] = []
    per_epoch_results: dict | None = None

    def attempt(key: str, title: str, fn):
        if key not in only:
            sec = Section(key, title)
            sec.error = "not run (excluded with --only)"
            done.append(sec)
            return None
        log(f"section {key}: {title}")
        load = os.getloadavg()[0]
        start = time.perf_counter()
        try:
            result = fn()
        except Exception:
            sec = Section(key, title)
            sec.error = traceback.format_exc()
            log(f"section {key} FAILED:\n{sec.error}")
            result = None
        else:
            sec = result[0] if isinstance(result, tuple) else result
        sec.elapsed = time.perf_counter() - start
        sec.load = load
        done.append(sec)
        log(f"section {key} took {sec.elapsed:.1f} s")
        return result

    attempt("startup", "Start-up: `paintlr --help`", lambda: bench_output.startup_section(cfg))
    result = attempt("per-epoch", "Per-epoch time and peak memory, 3-channel images",
                     lambda: bench_training.per_epoch_section(cfg))
    if result is not None:
        per_epoch_results = result[1]
    if per_epoch_results is None and "threshold" in only:
        sec = Section("threshold", "Time to reach cost 1e-4")
        sec.error = "not run: it needs the per-epoch section's figures, which failed or were excluded"
        done.append(sec)
    else:
        attempt("threshold", "Time to reach cost 1e-4",
                lambda: bench_training.convergence_section(cfg, per_epoch_results))
    attempt("exact-frames", "Exact engine frames", lambda: bench_output.exact_frames_section(cfg))
    attempt("gif", "GIF encoding", lambda: bench_output.gif_section(cfg))
    attempt("e2e", "End to end", lambda: bench_output.e2e_section(cfg))
    attempt("big", "End to end, large working sizes and many frames", lambda: bench_output.big_section(cfg))
    attempt("logistic", "Logistic regression and palette painting (issue 6)",
            lambda: bench_logistic.logistic_section(cfg))
    attempt("features", "Feature maps at 128 px (issue 5)", lambda: bench_features.features_section(cfg))
    attempt("tables", "Tables: `paintlr fit` and `paintlr classify`",
            lambda: bench_tables.tables_section(cfg))
    attempt("formats", "Output formats: the demo as GIF, WebP, APNG, MP4, WebM and the player page",
            lambda: bench_formats.formats_section(cfg))
    attempt("inputs", "Huge inputs: peak RSS of `load_image` vs the decoded image + 300 MB",
            lambda: bench_inputs.inputs_section(cfg))
    attempt("momentum", "Momentum and Nesterov in closed form", lambda: bench_momentum.momentum_section(cfg))
    return done


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**PASS**" if ok else "**FAIL**")


def targets_table(sections: list[Section]) -> str:
    m: dict = {}
    for sec in sections:
        m.update(sec.metrics)
    rows = []

    def row(name, measured, target, ok, note=""):
        rows.append([name, measured, target, verdict(ok), note])

    if "iterate_ratio" in m:
        row("Iterate engine, one epoch at 256² RGB vs in-place add `a += y`",
            f"{fmt_ratio(m['iterate_ratio'])} ({fmt_time(m['iterate_time'])} vs "
            f"{fmt_time(m['add_time'])})", "<= 6x", m["iterate_ratio"] <= 6,
            f"repetitions ranged {m['iterate_ratio_min']:.3g}x to {m['iterate_ratio_max']:.3g}x; "
            f"vs scalar add `a += 1.0`: {fmt_ratio(m['iterate_ratio_scalar'])}")
    else:
        row("Iterate engine vs add reference", "not measured", "<= 6x", None)
    if "exact_ratio" in m:
        row("Exact engine, frame at epoch 10^7 vs at epoch 10", f"{fmt_ratio(m['exact_ratio'])} "
            f"({fmt_time(m['exact_frame_1e7'])} vs {fmt_time(m['exact_frame_10'])})", "<= 1.5x",
            m["exact_ratio"] <= 1.5)
    else:
        row("Exact engine frame ratio", "not measured", "<= 1.5x", None)
    if "e2e_wall" in m:
        row("End to end, default job on a 256 px photo: wall", fmt_time(m["e2e_wall"]), "< 1 s",
            m["e2e_wall"] < 1.0)
        row("End to end vs import-and-encode floor", f"{fmt_ratio(m['e2e_ratio'])} (floor "
            f"{fmt_time(m['e2e_floor'])})", "<= 2x", m["e2e_ratio"] <= 2)
        row("End to end peak RSS", fmt_bytes(m["e2e_rss"]), "< 250 MB", m["e2e_rss"] < 250e6)
    else:
        row("End to end", "not measured", "< 1 s, <= 2x floor, < 250 MB", None)
    big_rows(m, row)
    if "gif_per_frame" in m:
        row("GIF encoding per 256² frame (default, no dither)", fmt_time(m["gif_per_frame"]),
            "<= 5 ms", m["gif_per_frame"] <= 5e-3,
            f"smooth gradient: {fmt_time(m['gif_per_frame_gradient'])}")
        row("GIF encoding per 256² frame with --dither", fmt_time(m["gif_per_frame_dither"]),
            "<= 5 ms", m["gif_per_frame_dither"] <= 5e-3, "banding: see the GIF section")
    else:
        row("GIF encoding", "not measured", "<= 5 ms per frame", None)
    if "help_numpy" in m:
        imported = [name for name, key in (("numpy", "help_numpy"), ("Pillow", "help_pil")) if m[key]]
        row("`paintlr --help` imports neither numpy nor Pillow",
            "imports " + " and ".join(imported) if imported else "neither imported",
            "neither imported", not imported,
            f"{fmt_time(m['help_wall'])}, {fmt_ratio(m['help_ratio'])} of `python -c pass`")
    else:
        row("`paintlr --help` imports", "not measured", "neither numpy nor Pillow", None)
    logistic_rows(m, row)
    features_rows(m, row)
    tables_rows(m, row)
    formats_rows(m, row)
    bench_momentum.momentum_rows(m, row)
    return table(["target", "measured", "target", "verdict", "note"], rows)


def big_rows(m: dict, row) -> None:
    """The memory goals of the streaming work: large working sizes, and many frames."""
    goals = bench_output.BIG_GOALS
    runs_by_size = m.get("big", {})
    for size, limit in goals.items():
        name = (f"`paintlr learn big.png --size {size}` (big.png {bench_output.BIG_SIDE} px): "
                "finishes, peak RSS")
        target = f"finishes, < {fmt_bytes(limit)}"
        runs = runs_by_size.get(size)
        if not runs:
            why = "not run (--quick)" if m.get("big_quick") else "not measured"
            row(name, why, target, None)
            continue
        ok = all(r["ok"] for r in runs)
        rss = max(r["rss"] for r in runs)
        wall = sorted(r["wall"] for r in runs)[len(runs) // 2]
        row(name, f"{'finished' if ok else 'did not finish'}, {fmt_bytes(rss)}, {fmt_time(wall)}",
            target, ok and rss < limit,
            f"max over {len(runs)} run{'s' * (len(runs) > 1)}"
            + (f"; RSS ranged {fmt_bytes(min(r['rss'] for r in runs))} to {fmt_bytes(rss)}"
               if len(runs) > 1 else ""))
    for size, runs in runs_by_size.items():
        if size not in goals:  # --quick's small run: figures without a verdict
            r = runs[-1]
            row(f"`paintlr learn big.png --size {size}`: finishes, peak RSS",
                f"{'finished' if r['ok'] else 'did not finish'}, {fmt_bytes(r['rss'])}, "
                f"{fmt_time(r['wall'])}", "(--quick: no goal)", None, "--quick ran 1024 px only")
    many = bench_output.FRAMES_MANY
    goal = bench_output.FRAMES_RSS_GOAL
    name = f"Peak RSS, `paintlr learn chelsea.png --frames {many}` vs the default 60 frames (256 px)"
    if "frames_ratio" in m:
        rss = m["frames_rss"]
        row(name, f"{fmt_ratio(m['frames_ratio'])} ({fmt_bytes(rss[many])} vs {fmt_bytes(rss[60])})",
            f"<= {goal:g}x", m["frames_ratio"] <= goal,
            f"{m['frames_drawn']} frames drawn; worst pairing of runs {fmt_ratio(m['frames_worst'])}")
    else:
        row(name, "not measured", f"<= {goal:g}x", None)


def logistic_rows(m: dict, row) -> None:
    """Issue 6: one epoch of one-vs-rest logistic regression, and palette painting end to end."""
    target = f"<= {fmt_time(bench_logistic.EPOCH_TARGET)}"
    if "lr_grouped_epoch" in m:
        row("Logistic (issue 6), one epoch at 256², K = 8, one-hot, grouped path (from equal "
            "weights)", f"{fmt_time(m['lr_grouped_epoch'])} ({fmt_ratio(m['lr_grouped_ratio'])} "
            f"an add `a += y` of (8, 65536), {fmt_time(m['lr_add'])})", target,
            m["lr_grouped_epoch"] <= bench_logistic.EPOCH_TARGET, "marginal epoch, set-up excluded")
        row("Logistic (issue 6), a `train(epochs=1)` call, grouped path",
            f"{fmt_time(m['lr_grouped_call'])} ({fmt_ratio(m['lr_grouped_call_ratio'])} an add)",
            target, m["lr_grouped_call"] <= bench_logistic.EPOCH_TARGET,
            "includes the call's O(n K) set-up, paid once per frame")
        row("Logistic (issue 6), one epoch at 256², K = 8, one-hot, plain vectorised path "
            "(non-uniform weights)", f"{fmt_time(m['lr_plain_epoch'])} "
            f"({fmt_ratio(m['lr_plain_ratio'])} an add)", target,
            m["lr_plain_epoch"] <= bench_logistic.EPOCH_TARGET,
            f"a `train(epochs=1)` call: {fmt_time(m['lr_plain_call'])}")
    else:
        row("Logistic (issue 6), one epoch at 256², K = 8", "not measured", target, None)
    if "lr_e2e" in m:
        for name, flag in (("hard", ""), ("soft", " --soft")):
            r = m["lr_e2e"][name]
            row(f"`paintlr learn coffee.png --model logistic --palette 8{flag}`: wall, final accuracy",
                f"{fmt_time(r['wall'])}, {100 * r['accuracy']:.2f} % right", "< 10 s, >= 99 % right",
                r["wall"] < bench_logistic.E2E_TARGET
                and r["accuracy"] >= bench_logistic.ACCURACY_TARGET,
                f"{r['frames']} frames, {r['epochs']:,} epochs, peak RSS {fmt_bytes(r['rss'])}")
    else:
        row("`paintlr learn --model logistic --palette 8`", "not measured", "< 10 s", None)


def features_rows(m: dict, row) -> None:
    """Issue 5: random Fourier features at 128 px, the ceiling they reach and the whole command."""
    photos = bench_features.PHOTOS
    names = " / ".join(photos)
    if "feat_psnr" in m:
        values = [m["feat_psnr"]["fourier", p] for p in photos]
        cosine = " / ".join(f"{m['feat_psnr']['cosine', p]:.2f} dB" for p in photos)
        row(f"Features (issue 5), `--features fourier` at 128 px: PSNR at the least-squares "
            f"optimum, {names}", " / ".join(f"{v:.2f} dB" for v in values),
            f">= {bench_features.PSNR_TARGET:g} dB on both", min(values) >= bench_features.PSNR_TARGET,
            f"cosine grid: {cosine}")
    else:
        row("Features (issue 5), fourier optimum PSNR at 128 px", "not measured",
            f">= {bench_features.PSNR_TARGET:g} dB", None)
    if "feat_e2e" in m:
        e2e = m["feat_e2e"]
        walls = [e2e[p, "fourier"]["wall"] for p in photos]
        cosine = " / ".join(fmt_time(e2e[p, "cosine"]["wall"]) for p in photos)
        worst = max(e2e[p, "fourier"]["range"][1] for p in photos)
        row(f"Features (issue 5), `paintlr learn X.png --size 128 --features fourier -o out.gif`: "
            f"wall, X = {names}", " / ".join(fmt_time(w) for w in walls),
            f"< {bench_features.WALL_TARGET:g} s on both", max(walls) < bench_features.WALL_TARGET,
            f"slowest run {fmt_time(worst)}; the same with `--features cosine`: {cosine}")
    else:
        row("Features (issue 5), `paintlr learn --features fourier` at 128 px", "not measured",
            f"< {bench_features.WALL_TARGET:g} s", None)


def tables_rows(m: dict, row) -> None:
    """`paintlr fit` and `paintlr classify`: each whole command, and drawing one frame of it."""
    wall, draw = bench_tables.WALL_TARGET, bench_tables.DRAW_TARGET
    results = m.get("tables", {})
    for name, _, _ in bench_tables.JOBS:
        command = bench_tables.command_text(name)
        r = results.get(name)
        if r is None:
            row(f"Tables, `{command}`: wall", "not measured", f"< {wall:g} s", None)
            continue
        lo, hi = r["wall_range"]
        runs = f"median of {r['reps']} runs, {fmt_time(lo)} to {fmt_time(hi)}" if r["reps"] > 1 else \
            "1 run (--quick)"
        row(f"Tables, `{command}`: wall", fmt_time(r["wall"]), f"< {wall:g} s", r["wall"] < wall,
            f"{runs}; peak RSS {fmt_bytes(r['rss'])}; {r['frames']} frames")
    for name, _, _ in bench_tables.JOBS:
        command = bench_tables.command_text(name)
        r = results.get(name)
        if r is None:
            row(f"Tables, `{command}`: drawing a frame", "not measured", f"< {fmt_time(draw)}", None)
            continue
        h, w = r["shape"][:2]
        row(f"Tables, `{command}`: `figure.draw` of one {w} x {h} frame (median over the frames)",
            fmt_time(r["draw_median"]), f"< {fmt_time(draw)} a frame", r["draw_median"] < draw,
            f"largest {fmt_time(r['draw_max'])}, mean {fmt_time(r['draw_mean'])} over {r['frames']} frames; "
            f"GIF encoding {fmt_time(r['encode_per_frame'])} a frame (no goal)")


def formats_rows(m: dict, row) -> None:
    """Output formats: the demo's MP4 against its GIF, the page's size, and every format's encoding."""
    results = m.get("formats", {})
    ratio_goal, page_goal = bench_formats.MP4_RATIO_GOAL, bench_formats.PAGE_SIZE_GOAL
    mp4, gif, page = results.get(".mp4"), results.get(".gif"), results.get(".html")
    name = f"Formats, `{bench_formats.command_text('.mp4')}`: size vs the GIF's"
    if mp4 and gif:
        frames = (f"decodes to {mp4['frames']} frames, the GIF {gif['frames']}"
                  + ("" if mp4["same_frames"] else " (**not the same**)"))
        others = ", ".join(f"{label} {fmt_ratio(results[ext]['ratio'])}"
                           for ext, label in ((".webm", "WebM"), (".webp", "WebP"), (".apng", "APNG")))
        row(name, f"{fmt_ratio(mp4['ratio'])} ({fmt_bytes(mp4['size'])} vs {fmt_bytes(gif['size'])})",
            f"<= {ratio_goal:g}x", mp4["ratio"] <= ratio_goal, f"{frames}; vs the GIF: {others}")
    else:
        row(name, "not measured", f"<= {ratio_goal:g}x", None)
    name = f"Formats, default learn page `{bench_formats.command_text('.html')}`: size"
    if page:
        row(name, fmt_bytes(page["size"]), f"< {fmt_bytes(page_goal)}", page["size"] < page_goal,
            f"{fmt_ratio(page['ratio'])} the GIF; {page['frames']} frames; wall {fmt_time(page['wall'])}")
    else:
        row(name, "not measured", f"< {fmt_bytes(page_goal)}", None)
    if results and all("encode_per_frame" in r for r in results.values()):
        row("Formats, encoding per 256 px demo frame through `Outputs` (in-process)",
            ", ".join(f"{ext[1:]} {1e3 * r['encode_per_frame']:.3g} ms" for ext, r in results.items()),
            "(no goal)", None, "open to commit, divided by the frames; median of the repetitions")
    else:
        row("Formats, encoding per frame", "not measured", "(no goal)", None)


HEADLINE_METHODS = [
    ("seed", "Seed loop, literal Python port"),
    ("dense", "Dense numpy GD (n x (n+1) matrix)"),
    ("sgd", "scikit-learn SGDRegressor, eta0 = the same rate"),
    ("sgd_best", "scikit-learn SGDRegressor, eta0 = 1 (its fastest)"),
    ("lstsq", "scikit-learn LinearRegression (exact solve)"),
    ("iterate", "paintlr, iterate engine"),
    ("exact", "paintlr, exact engine"),
]


def headline(sections: list[Section]) -> str | None:
    """Time to cost 1e-4 at 256² RGB for every method, and how much longer than paintlr exact."""
    m: dict = {}
    for sec in sections:
        m.update(sec.metrics)
    rates = [(rate, m[f"threshold_{rate}"]) for rate in bench_training.RATES
             if f"threshold_{rate}" in m]
    if not rates:
        return None
    rows = []
    for key, label in HEADLINE_METHODS:
        row = [label]
        for _, info in rates:
            value = info["times"].get(key)
            exact = info["times"].get("exact")
            if value is None:
                row.append("n/a")
                continue
            seconds, how = value
            text = fmt_time(seconds) if how == "measured" else f"~{fmt_time(seconds)} ({how})"
            if exact and key != "exact":
                text += f", {seconds / exact[0]:,.3g}x paintlr exact"
            row.append(text)
        rows.append(row)
    headers = ["256² RGB (n = 65,536), from zero weights to cost 1e-4"] + [
        f"learning rate {rate:g} ({info['k']:,} epochs)" for rate, info in rates]
    return table(headers, rows)


def render(sections: list[Section], cfg: Config, info: list, total: float) -> str:
    out = ["# paintlr benchmarks", ""]
    out.append(
        "Generated by `make bench` (`python benchmarks/run.py`"
        + (" --quick" if cfg.quick else "")
        + f"); the whole run took {total:.0f} s. Do not edit by hand: rerun the benchmark. "
        "Every figure is a median of several repetitions on a shared 2-core machine; every "
        "comparison is a ratio to a reference measured in the same run."
    )
    if cfg.quick:
        out += ["", "**This is a --quick smoke run: fewer sizes and repetitions; not the figures "
                "to quote.**"]
    out += ["", "## Machine", "", table(["", ""], [[k, v] for k, v in info]), ""]
    out += ["## Targets (issues 3, 5 and 6, the streaming writer's memory goals, fit and classify, "
            "output formats)", "", targets_table(sections), ""]
    head = headline(sections)
    if head:
        out += ["## Headline: time to reach cost 1e-4 at 256²", "",
                "From the threshold section below; (k) = closed-form epochs x measured time per epoch, "
                "(k, e) = the same with an extrapolated epoch time, (s) = SGD epochs measured at "
                "the largest size it was run to the threshold x its epoch time measured at 256².",
                "", head, ""]
    out += ["## Sections", "", "The 1-minute load average when each section started shows how "
            "busy the 2 cores were with other work (above 2, this run shared them).", "",
            table(["section", "run time", "load average", "status"], [
        [s.title, fmt_time(s.elapsed) if s.elapsed else "",
         f"{s.load:.2f}" if s.load is not None else "", "ok" if s.error is None else
         ("FAILED (see below)" if "Traceback" in s.error else s.error)] for s in sections]), ""]
    for sec in sections:
        out += [f"## {sec.title}", ""]
        if sec.error:
            out += ["**This section did not produce figures:**", "", "```", sec.error.strip(), "```", ""]
        for block in sec.blocks:
            out += [block, ""]
    out.append(f"_Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}._")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer sizes and repetitions")
    parser.add_argument("--out", type=Path, default=None,
                        help="Markdown file to write [default: BENCHMARKS.md at the repo root; "
                             "with --quick, BENCHMARKS.quick.md in the temp folder]")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run, of {', '.join(SECTIONS)}")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paintlr-bench-") as tmp:
        cfg = Config(quick=args.quick, tmp=Path(tmp))
        info = machine()
        sections = run_sections(cfg, only)
        total = time.perf_counter() - started
        text = render(sections, cfg, info, total)
    out = args.out
    if out is None:
        out = (Path(tempfile.gettempdir()) / "BENCHMARKS.quick.md") if args.quick else REPO / "BENCHMARKS.md"
    tmp_out = out.with_name(f".{out.name}.part")
    tmp_out.write_text(text)
    os.replace(tmp_out, out)
    failed = [s.key for s in sections if s.error and "Traceback" in s.error]
    log(f"wrote {out} in {total:.0f} s" + (f"; FAILED sections: {', '.join(failed)}" if failed else ""))
    print(targets_table(sections))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
