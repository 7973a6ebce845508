"""Polynomial features of a table's columns: a curved fit or boundary that is still linear in theta."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..errors import DataError, OptionError

OVERFLOW_MARGIN = 1e6  # squares summed over the rows stay this far below float64's largest


def polynomial_features(x: np.ndarray, degree: int, names: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Every monomial of the columns of x of total degree 1..degree, (m, p), and their names.

    One column x gives x, x^2, ..., x^degree: a polynomial fit that is still linear regression.
    """
    if int(degree) != degree or degree < 1:
        raise OptionError("degree", f"degree must be a positive integer, got {degree!r}")
    x = np.asarray(x, dtype=np.float64)
    columns, labels = [], []
    for total in range(1, int(degree) + 1):
        for combo in itertools.combinations_with_replacement(range(x.shape[1]), total):
            with np.errstate(over="ignore"):  # inf: refused by refuse_overflow, naming the feature
                columns.append(np.prod(x[:, list(combo)], axis=1))
            counts = {j: combo.count(j) for j in dict.fromkeys(combo)}
            labels.append("*".join(names[j] + (f"^{n}" if n > 1 else "") for j, n in counts.items()))
    return np.column_stack(columns), labels


def refuse_overflow(features: np.ndarray, names: Sequence[str], *, x_names: Sequence[str]) -> None:
    """A DataError naming the first feature (m, p) whose squares, summed over the rows as the Gram
    matrix and the standard deviation sum them, come within OVERFLOW_MARGIN of float64's largest
    (the condition number and the error surface need that room); x_names are the columns."""
    m, p = features.shape
    limit = np.sqrt(np.finfo(np.float64).max / (OVERFLOW_MARGIN * m * (p + 1)))
    for name, column in zip(names, features.T, strict=True):
        largest = float(np.max(np.abs(column)))
        if largest <= limit:
            continue
        if name in x_names:
            what = f"column {name!r}"
        else:
            columns = [c for c in x_names if c in name.replace("^", "*").split("*")]
            degree = sum(int(part.split("^")[1]) if "^" in part else 1 for part in name.split("*"))
            what = f"feature {name!r} (of column{'s' if len(columns) > 1 else ''} " \
                   f"{', '.join(map(repr, columns))}, degree {degree})"
        factor = f"; rescale it, say divide it by 1e{int(np.floor(np.log10(largest)))}" \
            if np.isfinite(largest) else ""
        raise DataError(f"{what}: values up to {largest:.3g} are too large: their squares overflow float64 "
                        f"(the largest usable is about {limit:.1e}){factor}")
