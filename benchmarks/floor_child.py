"""The floor for the end-to-end job: import the runtime dependencies and write a GIF of given frames.

No training and no paintlr: numpy, Pillow, click and tqdm are imported (what any
paintlr run must load), the frames paintlr produced and its reference image (the
target photo as uint8) are read from an .npz file, and the frames are written as a
GIF with one palette (Pillow's fastest quantiser, fast octree, on the reference, as
paintlr's palette comes from the target), no dithering, Pillow's default GIF options
(`save_all`, every frame held in memory: fine for 60 frames at 256 px).
Prints one JSON object with the seconds per phase.
Usage: floor_child.py FRAMES.npz OUT.gif
"""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import click  # noqa: E402, F401
import numpy as np  # noqa: E402
import tqdm  # noqa: E402, F401
from PIL import Image  # noqa: E402

T_IMPORTS = time.perf_counter()


def main() -> None:
    with np.load(sys.argv[1]) as data:
        frames, reference = data["frames"], data["reference"]
    t_load = time.perf_counter()
    palette = Image.fromarray(reference).quantize(256, method=Image.Quantize.FASTOCTREE)
    t_palette = time.perf_counter()
    images = [Image.fromarray(f).quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    t_quant = time.perf_counter()
    images[0].save(sys.argv[2], save_all=True, append_images=images[1:],
                   duration=[50] * (len(images) - 1) + [1500], loop=0)
    t_save = time.perf_counter()
    print(json.dumps({"imports": T_IMPORTS - T0, "load": t_load - T_IMPORTS,
                      "palette": t_palette - t_load, "quantize": t_quant - t_palette,
                      "save": t_save - t_quant, "total_in_process": t_save - T0}))


if __name__ == "__main__":
    main()
