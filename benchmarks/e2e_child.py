"""`paintlr learn PHOTO` with default settings, run in-process the way cli.learn runs it, timed.

Run in a fresh interpreter by bench_output.py: prints one JSON object with the
seconds spent in each phase. The calls are cli.learn's: `job.make_painting` on the
loaded photo, then every frame streamed into `outputs.Outputs` (GIF palette from
`reference=to_uint8(painting.goal())` and the first frame) while the painting runs.
Phases: imports (everything cli.learn imports), load (load_image), plan
(make_painting: closed-form cost curve, frame epochs), train (the closed-form jumps,
`trajectory.cost` and `trajectory.theta`, and any `model.train` call), render (each
frame's picture, `Painting.frame`, and its `to_uint8`), encode (`Outputs`: opening,
the reference, every `add`, `commit`), loop overhead (the rest: Frame objects, the
report row the CLI computes per frame).
Usage: e2e_child.py PHOTO OUT.gif [FRAMES.npz]   (FRAMES.npz: the frames and the reference, for the floor)
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import click  # noqa: E402, F401
import tqdm  # noqa: E402, F401

import paintlr.cli  # noqa: E402, F401
from paintlr import settings  # noqa: E402
from paintlr.core.pixels import to_uint8  # noqa: E402
from paintlr.io.image import load_image  # noqa: E402
from paintlr.outputs import Outputs  # noqa: E402
from paintlr.runs.recipe import make_painting  # noqa: E402

T_IMPORTS = time.perf_counter()


def timed(fn, bucket: list):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            bucket.append(time.perf_counter() - start)

    return wrapper


def main() -> None:
    photo, out_path = sys.argv[1], sys.argv[2]
    frames_npz = sys.argv[3] if len(sys.argv) > 3 else None
    t = {"imports": T_IMPORTS - T0}
    start = time.perf_counter()
    target = load_image(photo, settings.SIZE, settings.BACKGROUND)
    t["load"] = time.perf_counter() - start

    start = time.perf_counter()
    painting, _ = make_painting(target)  # the CLI's defaults are make_painting's defaults
    t["plan"] = time.perf_counter() - start
    del target  # cli.learn keeps no copy of it either

    train_calls: list[float] = []
    frame_calls: list[float] = []
    encode: list[float] = []
    traj = painting.trajectory
    traj.cost = timed(traj.cost, train_calls)
    traj.theta = timed(traj.theta, train_calls)
    painting.model.train = timed(painting.model.train, train_calls)
    painting.frame = timed(painting.frame, frame_calls)
    kept, reference = [], None
    count, epochs = 0, 0
    optimal = painting.optimal_cost
    start = time.perf_counter()
    e0 = time.perf_counter()
    reference = to_uint8(painting.goal())
    out = Outputs([out_path], fps=settings.FPS, scale=1, dither=False, reference=reference)
    encode.append(time.perf_counter() - e0)
    with out:
        for frame in painting:
            c0 = time.perf_counter()
            image = to_uint8(frame.image)
            frame_calls.append(time.perf_counter() - c0)
            row = (frame.epoch, frame.cost, *frame.channel_costs, frame.psnr, frame.cost - optimal)
            e0 = time.perf_counter()
            out.add(image, row)
            encode.append(time.perf_counter() - e0)
            if frames_npz:
                kept.append(image)
            count += 1
            epochs = frame.epoch
            del frame, image
        e0 = time.perf_counter()
        out.commit()
        encode.append(time.perf_counter() - e0)
    loop = time.perf_counter() - start
    t["train"] = sum(train_calls)
    t["render"] = sum(frame_calls)
    t["encode"] = sum(encode)
    t["loop_other"] = loop - t["train"] - t["render"] - t["encode"]
    t["total_in_process"] = time.perf_counter() - T0
    t["frames"] = count
    t["epochs"] = epochs
    t["shape"] = list(painting.shape)
    t["split"] = True
    print(json.dumps(t))
    if frames_npz:
        import numpy as np

        np.savez(frames_npz, frames=np.stack(kept), reference=reference)


if __name__ == "__main__":
    main()
