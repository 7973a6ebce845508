"""Polynomial features of a table's columns: a curved fit or boundary that is still linear in theta."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..errors import OptionError


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
            columns.append(np.prod(x[:, list(combo)], axis=1))
            counts = {j: combo.count(j) for j in dict.fromkeys(combo)}
            labels.append("*".join(names[j] + (f"^{n}" if n > 1 else "") for j, n in counts.items()))
    return np.column_stack(columns), labels
