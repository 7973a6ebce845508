"""The frame-source protocol: what every run gives the outputs and the player, whatever it draws;
and what every run with a learning rate says of it (`Rated`)."""

from __future__ import annotations

from ..models.rates import is_unstable


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

    def title(self) -> str:
        """What the run is of, in words, for the player's title: its data, not its class."""
        return type(self).__name__

    def _repr_html_(self) -> str:
        """The player for a notebook: runs the source and embeds its frames (within 10 MB). The one
        place a run reaches the outputs, lazily (tests/test_layering.py allows exactly this)."""
        from ..outputs import notebook_player

        return notebook_player(self)


def image_words(shape: tuple[int, ...]) -> str:
    """An image of `shape` (h, w, channels) in words: "a 12 x 16 colour image"."""
    return f"a {shape[0]} x {shape[1]} {'grey' if len(shape) > 2 and shape[2] == 1 else 'colour'} image"


class Rated:
    """A run with a learning rate and the largest stable one for its optimizer and design."""

    learning_rate: float
    max_stable_learning_rate: float

    @property
    def unstable(self) -> bool:
        """True if the learning rate is at or above the stable limit: the cost explodes."""
        return is_unstable(self.learning_rate, self.max_stable_learning_rate)
