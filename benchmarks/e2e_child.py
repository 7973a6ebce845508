"""`paintlr learn PHOTO` with default settings, run in-process the way cli.learn runs it, timed.

Run in a fresh interpreter by bench_output.py: prints one JSON object with the
seconds spent in each phase. Phases: imports (everything cli.learn imports),
load (load_image), train (planning the frames and every model.train call),
render (each frame's model output and its conversion to uint8), loop overhead
(the rest of the frame loop), encode (write_outputs: the GIF).
Usage: e2e_child.py PHOTO OUT.gif [FRAMES.npy]
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import click  # noqa: E402, F401
import tqdm  # noqa: E402, F401

import paintlr.cli  # noqa: E402, F401
from paintlr.animation import write_outputs  # noqa: E402
from paintlr.image import load_image, to_uint8  # noqa: E402
from paintlr.painting import Painting  # noqa: E402

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
    photo, out = sys.argv[1], sys.argv[2]
    frames_npy = sys.argv[3] if len(sys.argv) > 3 else None
    t = {"imports": T_IMPORTS - T0}
    start = time.perf_counter()
    target = load_image(photo, 256, "white")
    t["load"] = time.perf_counter() - start

    start = time.perf_counter()
    painting = Painting(target)  # the CLI's defaults are the library's defaults
    t["plan"] = time.perf_counter() - start

    train_calls: list[float] = []
    frame_calls: list[float] = []
    split = hasattr(painting, "model") and hasattr(painting.model, "train") and hasattr(painting, "_frame")
    if split:
        painting.model.train = timed(painting.model.train, train_calls)
        painting._frame = timed(painting._frame, frame_calls)
    convert: list[float] = []
    images, epochs = [], 0
    start = time.perf_counter()
    for frame in painting:
        c0 = time.perf_counter()
        images.append(to_uint8(frame.image))
        convert.append(time.perf_counter() - c0)
        epochs = frame.epoch
    loop = time.perf_counter() - start
    if split:
        t["train"] = t["plan"] + sum(train_calls)
        t["render"] = sum(frame_calls) + sum(convert)
        t["loop_other"] = loop - sum(train_calls) - sum(frame_calls) - sum(convert)
    else:
        t["train_and_render"] = t["plan"] + loop
    start = time.perf_counter()
    write_outputs([out], images, fps=20, scale=1, dither=False)
    t["encode"] = time.perf_counter() - start
    t["total_in_process"] = time.perf_counter() - T0
    t["frames"] = len(images)
    t["epochs"] = epochs
    t["shape"] = list(target.shape)
    t["split"] = split
    print(json.dumps(t))
    if frames_npy:
        import numpy as np

        np.save(frames_npy, np.stack(images))


if __name__ == "__main__":
    main()
