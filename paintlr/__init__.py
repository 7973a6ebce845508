"""paintlr: watch linear regression learn a picture, frame by frame.

The public API is imported lazily so that `paintlr --help` starts without numpy.
"""

from __future__ import annotations

__version__ = "0.1.0"

_EXPORTS = {
    "LinearRegressionModel": "models.linear",
    "TrainResult": "models.training",
    "OneHot": "core.designs",
    "Dense": "core.designs",
    "LogisticRegressionModel": "models.logistic",
    "Painting": "runs.painting",
    "PalettePainting": "runs.palette_painting",
    "Sweep": "runs.sweep",
    "FitAnimation": "runs.line_fit",
    "Classification": "runs.classification",
    "load_image": "io.image",
    "load_table": "io.tabular",
    "load_example": "io.tabular",
    "PaintlrError": "errors",
    "DivergenceError": "errors",
    "ImageError": "errors",
    "OutputError": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __dir__() -> list[str]:
    """The public API as well as what is loaded: tab completion shows the lazy exports."""
    return sorted({*globals(), *__all__})


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'paintlr' has no attribute {name!r}")
