"""Frames to video files: H.264 in .mp4 and VP9 in .webm, through PyAV (the optional `video` extra),
and their writers among the outputs.

PyAV is imported only when a video is written, so that paintlr works without it; the
command line calls `require_av` before training, to fail at once with what to install.
"""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import OutputError
from .images import pil_image, scaled
from .transaction import TempFile
from .writer import Settings, Writer, register

VIDEO = {".mp4": ("mp4", "libx264"), ".webm": ("webm", "libvpx-vp9")}

# Constant quality and a speed setting that encodes a small frame in a few ms. No B-frames in
# H.264: with reordered frames mp4's edit list ends the track a frame off the last frame's hold
# (the price is ~20% in size); VP9 in realtime mode does not reorder.
_OPTIONS = {
    "libx264": {"crf": "23", "preset": "medium", "bf": "0"},
    "libvpx-vp9": {"crf": "32", "b": "0", "deadline": "realtime", "cpu-used": "5", "row-mt": "1"},
}
_THREADS = 2
_BT709 = 1  # AVCOL_SPC/PRI/TRC_BT709; with AVCOL_RANGE_MPEG (also 1), the usual tags of an sRGB video
_TIME_BASE = Fraction(1, 1000)  # timestamps in milliseconds, so every frame keeps its own duration


def require_av() -> None:
    """Raise OutputError saying what to install if PyAV is missing; cheap, since nothing is imported."""
    try:
        found = importlib.util.find_spec("av") is not None
    except (ImportError, ValueError):  # a broken or None entry in sys.modules
        found = False
    if not found:
        raise OutputError("writing .mp4 or .webm needs PyAV: pip install 'paintlr[video]'")


def _even(frame: np.ndarray) -> np.ndarray:
    """The frame as (h, w, 3) RGB or (h, w) grey with even sides (yuv420p halves both), edges
    repeated rather than anything cropped."""
    a = np.asarray(frame)
    if a.dtype != np.uint8:
        raise ValueError(f"frames must be uint8 arrays, not {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    elif a.ndim == 3 and a.shape[2] == 4:
        a = a[:, :, :3]
    elif not (a.ndim == 2 or (a.ndim == 3 and a.shape[2] == 3)):
        raise ValueError(f"a frame must be (h, w) or (h, w, 1|3|4), not {a.shape}")
    pad = ((0, a.shape[0] % 2), (0, a.shape[1] % 2)) + ((0, 0),) * (a.ndim - 2)
    return np.pad(a, pad, mode="edge") if any(p[1] for p in pad[:2]) else a


class VideoEncoder:
    """One video file, encoded a frame at a time (none kept), each frame shown for its own ms.

    The stream is made at the first frame, whose size it takes (odd sides padded by one pixel).
    Errors from PyAV (OSError or av's own) propagate; abort() closes without raising.
    """

    def __init__(self, path: str, ext: str, fps: float):
        import av

        self._format, self._codec = VIDEO[ext.lower()]
        self._rate = Fraction(fps).limit_denominator(1001)
        # Opened here rather than by FFmpeg at the first packet, so that a bad path fails at once;
        # the format is explicit since the path may end in .part.
        self._file = open(path, "wb")  # closed by close() or abort()
        try:
            self._container = av.open(self._file, mode="w", format=self._format)
        except BaseException:
            self._file.close()
            raise
        self._stream = None
        self._size: tuple[int, int] | None = None
        self._pts = 0
        self._ms: dict[int, int] = {}  # pts -> duration of the frames inside the encoder

    def _open_stream(self, width: int, height: int) -> None:
        stream = self._container.add_stream(self._codec, rate=self._rate, options=dict(_OPTIONS[self._codec]))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        context = stream.codec_context
        stream.time_base = context.time_base = _TIME_BASE
        context.thread_count = _THREADS
        # Converted with the BT.709 matrix and tagged so: untagged, players guess BT.601 or
        # BT.709 and the guesses differ by ~7/255 per channel.
        context.colorspace = context.color_primaries = context.color_trc = context.color_range = _BT709
        self._stream = stream

    def add(self, frame: np.ndarray, ms: int) -> None:
        """Encode one uint8 frame, (h, w) grey, (h, w, 3) RGB or (h, w, 4) RGBA (alpha dropped)."""
        import av

        a = _even(frame)
        size = (a.shape[1], a.shape[0])
        if self._stream is None:
            self._open_stream(*size)
            self._size = size
        elif size != self._size:
            raise ValueError(f"every frame must have the size of the first, {self._size}, not {size}")
        image = av.VideoFrame.from_ndarray(np.ascontiguousarray(a), format="gray" if a.ndim == 2 else "rgb24")
        image = image.reformat(format="yuv420p", dst_colorspace="ITU709")
        image.pts, image.time_base = self._pts, _TIME_BASE
        ms = max(1, int(ms))
        self._ms[self._pts] = ms
        self._pts += ms
        self._mux(self._stream.encode(image))

    def _mux(self, packets) -> None:
        # Each packet carries its own frame's time on screen, so the last frame's hold reaches
        # the file (mp4's last sample duration, webm's block duration) rather than one step.
        for packet in packets:
            packet.duration = self._ms.pop(packet.pts, packet.duration)
            self._container.mux(packet)

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        if self._stream is not None:
            self._mux(self._stream.encode(None))
        try:
            self._container.close()
        finally:
            self._file.close()

    def abort(self) -> None:
        """Close the file, ignoring errors (it is about to be removed)."""
        for close in (self._container.close, self._file.close):
            try:
                close()
            except Exception:  # anything av raises while tearing down
                pass


class VideoWriter(Writer):
    """A video output: a frame at a time through `VideoEncoder`, each shown for its duration."""

    max_side = 8192

    @classmethod
    def check_available(cls) -> None:
        require_av()

    def __init__(self, name: str, settings: Settings):
        self.name, self.scale = name, settings.scale
        self.temps = [TempFile(name, open_file=False)]
        try:
            self.encoder = VideoEncoder(self.temps[0].tmp, Path(name).suffix.lower(), settings.fps)
        except BaseException:  # not yet an output Outputs knows of: its file is this writer's to remove
            self.temps[0].discard()
            raise

    def frame(self, frame: np.ndarray, ms: int) -> None:
        if self.scale > 1:
            frame = np.asarray(scaled(pil_image(frame), self.scale))
        self.encoder.add(frame, ms)  # cannot be rolled back: Outputs.add holds Ctrl-C until the frame is in

    def finish(self) -> None:
        self.encoder.close()
        super().finish()

    def abort(self) -> None:
        self.encoder.abort()
        super().abort()


@register
class Mp4Writer(VideoWriter):
    """MP4 (H.264)."""

    extensions = (".mp4",)
    bytes_per_pixel = 0.012


@register
class WebmWriter(VideoWriter):
    """WebM (VP9)."""

    extensions = (".webm",)
    bytes_per_pixel = 0.008
