"""The frame-source protocol: what every run gives the outputs and the player, whatever it draws."""

from __future__ import annotations


class Playable:
    """A run that yields items (a frame, or a frame's states): `log_row(item)` gives an item's
    epoch and values under `log_columns()`, and `live()` the closed form the player computes
    frames from, if any. How an item becomes pixels is render's business (`render.pictures`).
    In Jupyter a run shows itself as the player (`_repr_html_`)."""

    def log_columns(self) -> list[str]:
        raise NotImplementedError

    def log_row(self, item) -> tuple:
        raise NotImplementedError

    def live(self) -> dict | None:
        """What the player needs to compute any frame itself, or None."""
        return None

    def _repr_html_(self) -> str:
        """The player for a notebook: runs the source and embeds its frames (within 10 MB). The one
        place a run reaches the outputs, lazily (tests/test_layering.py allows exactly this)."""
        from ..outputs import notebook_player

        return notebook_player(self)
