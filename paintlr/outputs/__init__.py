"""Writing frames: animations, stills, frame files, logs, the player page and video, all or nothing.

What the rest of paintlr uses of the outputs, by name (modules inside may move):
"""

from .animation import (
    ANIMATIONS,
    Outputs,
    check_frame_size,
    check_output,
    commit_all,
    default_output,
    estimated_bytes,
    output_kind,
    write_animation,
    write_outputs,
    write_still,
    written_size,
)
from .page import notebook_player
from .video import VIDEO, require_av

__all__ = [
    "ANIMATIONS", "VIDEO", "Outputs", "check_frame_size", "check_output", "commit_all", "default_output",
    "estimated_bytes", "notebook_player", "output_kind", "require_av", "write_animation", "write_outputs",
    "write_still", "written_size",
]
