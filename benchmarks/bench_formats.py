"""Output formats: the default demo written as GIF, WebP, APNG, MP4, WebM and the player page.

Two measurements of the same job, `paintlr learn chelsea.png` (256 px, its default frames):

1. whole processes through run_child, one per format (`-o out.EXT`): the file's size, the
   process's wall time and peak RSS, the size as a share of the GIF's; every file then opened
   again to count its frames and their total duration (PIL for the images, PyAV decoding the
   videos, the data URIs of the page), the check being that each holds the GIF's frames;
2. in-process: the frames computed once, as the CLI computes them, then fed through
   `outputs.Outputs([path], ...)` one format at a time, interleaved rep by rep, timed from
   opening to `commit()`; milliseconds per frame, median over the repetitions.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from common import (
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

# extension, what it is, as the section's tables name it
FORMATS = [
    (".gif", "GIF"),
    (".webp", "animated WebP"),
    (".apng", "APNG"),
    (".mp4", "MP4 (H.264)"),
    (".webm", "WebM (VP9)"),
    (".html", "player page"),
]
MP4_RATIO_GOAL = 0.25  # the MP4 at most a quarter of the GIF's size
PAGE_SIZE_GOAL = 1.5e6  # bytes, the default learn page


def command_text(ext: str) -> str:
    return f"paintlr learn {SAMPLE.name} -o out{ext}"


def _frames_in(path: Path) -> tuple[int | None, float | None]:
    """(frames, total seconds) the file holds, read back from the file itself."""
    ext = path.suffix.lower()
    if ext in (".mp4", ".webm"):
        import av

        with av.open(str(path)) as container:
            count = sum(1 for _ in container.decode(video=0))
            seconds = container.duration / av.time_base if container.duration else None
        return count, seconds
    if ext == ".html":
        text = path.read_text(encoding="utf-8", errors="replace")
        return len(re.findall(r"data:image/(?:png|webp);base64,", text)), None
    from PIL import Image

    with Image.open(path) as im:
        count = getattr(im, "n_frames", 1)
        ms = 0
        for i in range(count):
            im.seek(i)
            im.load()  # WebP sets a frame's duration when it is loaded, not at seek
            ms += im.info.get("duration", 0)
    return count, ms / 1000


def _demo_frames():
    """The demo's frames as the CLI makes them: uint8 pictures, log rows, columns, reference."""
    from paintlr.core.pixels import to_uint8
    from paintlr.io.image import load_image
    from paintlr.runs.painting import Painting

    start = time.perf_counter()
    painting = Painting(load_image(SAMPLE))
    frames, rows = [], []
    for frame in painting:
        frames.append(to_uint8(frame.image))
        rows.append(painting.log_row(frame))
    return {"frames": frames, "rows": rows, "columns": painting.log_columns(),
            "reference": to_uint8(painting.goal()), "seconds": time.perf_counter() - start}


def _encode(path: Path, demo: dict, fps: float) -> dict:
    """One pass of the demo's frames through Outputs into `path`: total, slowest add, commit."""
    from paintlr.outputs import Outputs

    path.unlink(missing_ok=True)
    adds = []
    start = time.perf_counter()
    out = Outputs([path], fps=fps, reference=demo["reference"], columns=demo["columns"])
    with out:
        for frame, row in zip(demo["frames"], demo["rows"], strict=True):
            a0 = time.perf_counter()
            out.add(frame, row)
            adds.append(time.perf_counter() - a0)
        c0 = time.perf_counter()
        out.commit()
        commit = time.perf_counter() - c0
    total = time.perf_counter() - start
    return {"total": total, "add_max": max(adds), "commit": commit, "size": path.stat().st_size}


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms"


def formats_section(cfg: Config) -> Section:
    sec = Section("formats", "Output formats: the demo as GIF, WebP, APNG, MP4, WebM and the player page")
    tmp = cfg.tmp / "formats"
    tmp.mkdir(exist_ok=True)
    env = child_env()
    exts = [ext for ext, _ in FORMATS]
    names = dict(FORMATS)
    reps = cfg.reps(3, 1)

    # 1. whole processes, one per format, interleaved run by run
    runs: dict[str, list] = {ext: [] for ext in exts}
    sizes: dict[str, list[int]] = {ext: [] for ext in exts}
    summaries = {}
    for rep in range(reps):
        for ext in exts:
            log(f"  {command_text(ext)} ({rep + 1}/{reps})")
            path = tmp / f"out{ext}"
            path.unlink(missing_ok=True)
            run = run_child([*paintlr_command(), "learn", str(SAMPLE), "-o", path.name], cwd=tmp, env=env)
            if run.returncode != 0 or not path.exists():
                raise RuntimeError(f"{command_text(ext)} failed ({run.returncode}): {run.stderr[-500:]}")
            runs[ext].append(run)
            sizes[ext].append(path.stat().st_size)
            summaries[ext] = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    held = {ext: _frames_in(tmp / f"out{ext}") for ext in exts}
    cli_frames = {}
    for ext, summary in summaries.items():
        match = re.search(r"(\d+) frames ->", summary)
        cli_frames[ext] = int(match[1]) if match else None

    import av
    import PIL

    med = statistics.median
    gif_size = med(sizes[".gif"])
    gif_frames, gif_seconds = held[".gif"]
    results = {}
    rows = []
    for ext in exts:
        walls = [r.wall for r in runs[ext]]
        size = med(sizes[ext])
        frames, seconds = held[ext]
        same = frames == gif_frames
        results[ext] = {"size": size, "ratio": size / gif_size, "wall": med(walls),
                        "wall_range": (min(walls), max(walls)), "rss": max(r.maxrss for r in runs[ext]),
                        "frames": frames, "seconds": seconds, "same_frames": same,
                        "sizes_vary": len(set(sizes[ext])) > 1}
        wall_text = fmt_time(med(walls)) if reps == 1 else \
            f"{fmt_time(med(walls))} ({fmt_time(min(walls))} to {fmt_time(max(walls))})"
        size_text = f"**{fmt_bytes(size)}** ({int(size):,} B)"
        if results[ext]["sizes_vary"]:
            size_text += f", varied {fmt_bytes(min(sizes[ext]))} to {fmt_bytes(max(sizes[ext]))}"
        rows.append([f"`{command_text(ext)}`", names[ext], size_text,
                     f"**{fmt_ratio(size / gif_size)}**", wall_text, fmt_bytes(results[ext]["rss"]),
                     "n/a" if frames is None else str(frames),
                     "–" if seconds is None else f"{seconds:.3g} s",
                     "yes" if same else "**no**"])
    sec.add(
        f"The default demo, `paintlr learn {SAMPLE.name}` (256 px, {cli_frames['.gif']} frames, 20 fps, "
        "the last frame held for 1.5 s), written once per format by `-o out.EXT`, as whole processes in a "
        "temp folder (wall from spawn to exit and the process's own peak RSS, through "
        f"`benchmarks/launcher.py`), {reps} run{'s' * (reps > 1)} of each, the formats interleaved run by "
        "run; size and wall are medians over the runs (a size that changed between runs says so). Ratio: "
        "the file's size over the GIF's. Each file is then read back: frames counted and their durations "
        f"summed by Pillow (GIF, WebP, APNG), every frame decoded by PyAV {av.__version__} and the "
        "container's duration (MP4, WebM), the frames' data URIs counted in the page (it has no duration "
        "of its own: the player sets the pace). \"Same frames as the GIF\": the file holds as many frames "
        f"as the GIF does ({gif_frames}, {gif_seconds:.3g} s). Goals: the MP4 at most {MP4_RATIO_GOAL:g}x "
        f"the GIF, the page under {fmt_bytes(PAGE_SIZE_GOAL)}. To rerun by hand, from the repository root:"
    )
    timed = "/usr/bin/time -f '%e s %M kB'"
    sec.add("\n".join(
        ["```sh"]
        + [f"{timed} paintlr learn sample_images/{SAMPLE.name} -o out{ext}" for ext in exts]
        + ["ls -l out.*",
           "python -c \"import av; c = av.open('out.mp4'); print(sum(1 for _ in c.decode(video=0)))\"",
           "python -c \"from PIL import Image; print(Image.open('out.gif').n_frames)\"",
           "python benchmarks/run.py --quick --only formats    # this whole section, once each",
           "```"]))
    sec.add(table(["command", "format", "size", "vs GIF", "wall", "peak RSS", "frames in the file",
                   "duration", "same frames as the GIF"], rows))

    # 2. in-process: the same frames through Outputs, one format at a time
    log("  in-process: computing the demo's frames")
    demo = _demo_frames()
    n = len(demo["frames"])
    h, w = demo["frames"][0].shape[:2]
    fps = 20.0
    enc_reps = cfg.reps(5, 1)
    passes: dict[str, list[dict]] = {ext: [] for ext in exts}
    for rep in range(enc_reps):
        log(f"  in-process: encoding every format ({rep + 1}/{enc_reps})")
        for ext in exts:
            passes[ext].append(_encode(tmp / f"in-process{ext}", demo, fps))
    erows = []
    per_frame = {}
    for ext in exts:
        p = passes[ext]
        totals = [x["total"] for x in p]
        per_frame[ext] = med(totals) / n
        results[ext].update({"encode_per_frame": per_frame[ext], "encode_total": med(totals),
                             "inproc_size": p[-1]["size"]})
        span = "" if enc_reps == 1 else f"{_ms(min(totals) / n)} to {_ms(max(totals) / n)}"
        erows.append([names[ext], f"**{_ms(per_frame[ext])}**", span or "–", fmt_time(med(totals)),
                      fmt_time(max(x["add_max"] for x in p)), fmt_time(med(x["commit"] for x in p)),
                      f"{fmt_ratio(per_frame[ext] / per_frame['.gif'])}",
                      f"{fmt_bytes(p[-1]['size'])}" + ("" if p[-1]["size"] == int(results[ext]["size"])
                                                      else f" (CLI: {fmt_bytes(results[ext]['size'])})")])
    sec.add(
        f"Encoding time per frame, in-process: the demo's {n} frames ({w} x {h}) computed once as "
        "`cli.learn` computes them (`Painting(load_image(chelsea.png))` iterated, each "
        f"`to_uint8(frame.image)` and `painting.log_row(frame)` kept; {fmt_time(demo['seconds'])}, not "
        f"timed below), then fed through `Outputs([path], fps={fps:g}, "
        "reference=to_uint8(painting.goal()), columns=painting.log_columns())`, `add(frame, row)` for "
        f"each and `commit()`, one format at a time, {enc_reps} time{'s' * (enc_reps > 1)} each, the "
        "formats interleaved rep by rep. Per frame: the total from opening to `commit()` over the frames, "
        f"median{' (and range)' if enc_reps > 1 else ''} over the repetitions; the slowest `add` over "
        "every pass (the writers run one frame behind, so a frame's encoding happens in the next `add`, "
        "and the GIF's palette in the second) and `commit` (the last frame, closing the file, flushing a "
        "video encoder: H.264's look-ahead holds frames back, so most of the MP4's encoding lands in "
        "`commit`). The page here has no title, command or live data (the CLI passes them: the live "
        "data carries the target picture for the page's exact sliders, as raw RGB bytes in base64), so "
        "its size differs from the CLI's; the other files are the CLI's when the sizes agree."
    )
    sec.add(table(["format", "encode per frame", "range", "total (open to commit)", "slowest add",
                   "commit", "vs GIF", "file size"], erows))
    try:
        from paintlr.outputs import video

        options = getattr(video, "_OPTIONS", {})
        if options:
            settings = "; ".join(f"{codec} " + ", ".join(f"{k}={v}" for k, v in opts.items())
                                 for codec, opts in options.items())
            sec.add(f"Video settings (`paintlr/video.py`): {settings}"
                + f". Pillow {PIL.__version__} writes the GIF (paintlr's own streaming writer around its "
                  "encoder), the WebP and the APNG; the page holds each frame as the smaller of a lossless "
                  "PNG and a WebP at quality 90.")
    except Exception:  # the note is an extra; a moved name must not lose the section's figures
        pass

    sec.metrics["formats"] = results
    sec.metrics["formats_frames"] = gif_frames
    sec.metrics["formats_quick"] = cfg.quick
    return sec
