"""Writing frames: animations, stills, frame files, logs, the player page and video, all or nothing.

Each format is a `Writer` registered by its extensions (writer.py); the modules below that
register one are imported here, once, so the registry is complete whatever is imported.
What the rest of paintlr uses of the outputs, by name (modules inside may move):
"""

# isort: off
# Each of these modules registers its writers on import, in this order: the order formats are listed in.
from .gif import GifWriter
from .webp import WebpWriter
from .apng import ApngWriter
from .page import HtmlWriter, notebook_player
from .video import VIDEO, Mp4Writer, WebmWriter, require_av
from .still import JpegWriter, PngWriter, write_still
# isort: on
from ..signals import interrupts_held, raise_held
from .names import (
    ANIMATIONS,
    check_frame_size,
    check_output,
    default_output,
    estimated_bytes,
    output_kind,
    stills_at,
    written_size,
)
from .stream import Outputs, write_animation, write_outputs
from .transaction import commit_all
from .writer import Writer, register

__all__ = [
    "ANIMATIONS", "VIDEO", "ApngWriter", "GifWriter", "HtmlWriter", "JpegWriter", "Mp4Writer", "Outputs",
    "PngWriter", "WebmWriter", "WebpWriter", "Writer", "check_frame_size", "check_output", "commit_all",
    "default_output", "estimated_bytes", "interrupts_held", "notebook_player", "output_kind", "raise_held",
    "register", "require_av", "stills_at", "write_animation", "write_outputs", "write_still", "written_size",
]
