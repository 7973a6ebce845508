"""paintlr.outputs.gif: a frame the shared palette does not represent gets a palette of its own,
so that every frame of a GIF of real photos is within 1 dB of an adaptive quantisation of it alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import gif_structure, read_frames
from PIL import Image, ImageFilter

from paintlr.outputs import write_animation

REPO = Path(__file__).resolve().parents[2]


def _photo(name: str, side: int = 160) -> Image.Image:
    with Image.open(REPO / "sample_images" / name) as im:
        im = im.convert("RGB")
        im.thumbnail((side, side))
        return im


def _painting(target: Image.Image, blur: float = 0.0) -> list[np.ndarray]:
    """Frames as a painting makes them: a fade from the mean colour to the target (or to a smooth
    version of it, as smooth features paint), with the early frames close together."""
    end = np.asarray(target.filter(ImageFilter.GaussianBlur(blur)) if blur else target, float)
    mean = end.reshape(-1, 3).mean(axis=0)
    return [(mean + t * (end - mean) + 0.5).astype(np.uint8)
            for t in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0)]


def _db(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(float) - b.astype(float)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def _adaptive_db(frame: np.ndarray) -> float:
    """The PSNR an adaptive 256-colour quantisation of this frame alone reaches (the better of two)."""
    im = Image.fromarray(frame)
    return max(_db(np.asarray(im.quantize(256, method=m).convert("RGB")), frame)
               for m in (Image.Quantize.FASTOCTREE, Image.Quantize.MEDIANCUT))


@pytest.mark.parametrize("name, blur", [("chelsea.png", 0), ("coffee.png", 0), ("chelsea.png", 6)])
def test_every_frame_within_1_db_of_its_own_quantisation(tmp_path, name, blur):
    target = _photo(name)
    frames = _painting(target, blur)
    path = tmp_path / "a.gif"
    write_animation(path, frames, reference=frames[-1])
    got = read_frames(path)
    assert len(got) == len(frames)
    for k, (g, f) in enumerate(zip(got, frames)):
        assert _db(g, f) >= _adaptive_db(f) - 1.0, k
    info = gif_structure(path.read_bytes())
    assert info["global_table"] and any(f["local_table"] for f in info["frames"])


def test_frames_the_shared_palette_holds_exactly_need_no_table_of_their_own(tmp_path):
    tiles = np.array([(r, g, b) for r in (0, 255) for g in (0, 128, 255) for b in (0, 255)], np.uint8)
    frames = [np.repeat(np.roll(tiles, k, axis=0).reshape(3, 4, 3), 5, axis=0) for k in range(3)]
    path = tmp_path / "a.gif"
    write_animation(path, frames, reference=frames[0])
    assert not any(f["local_table"] for f in gif_structure(path.read_bytes())["frames"])
    for g, f in zip(read_frames(path), frames):
        assert np.array_equal(g, f)


def test_grey_photo_stays_exact_on_the_grey_ramp(tmp_path):
    grey = np.asarray(_photo("coffee.png").convert("L"))[:, :, None]
    frames = [(grey * t).astype(np.uint8) for t in (0.1, 0.5, 1.0)]
    path = tmp_path / "g.gif"
    write_animation(path, frames)
    assert not any(f["local_table"] for f in gif_structure(path.read_bytes())["frames"])
    for g, f in zip(read_frames(path), frames):
        assert np.array_equal(g[:, :, 0], f[:, :, 0])
