"""paintlr.settings: every default inside the limits the code checks it against, choices without
repeats, and no numpy loaded by importing it (the command line builds its flags from it)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

from paintlr import settings as s


def test_frames_and_fps_defaults_are_within_their_limits():
    assert 2 <= s.FRAMES <= s.MAX_FRAMES
    assert 0 < s.MIN_FPS <= s.FPS <= s.MAX_FPS
    assert 100 / s.MIN_FPS <= 65535  # the slowest frame still fits GIF's delay field (centiseconds)


def test_feature_defaults_are_within_their_limits():
    assert s.FEATURES[0] == "onehot"  # the seed's design comes first: the default
    assert 1 <= s.DEGREE <= s.MAX_DEGREE
    assert 2 <= s.N_FEATURES <= s.MAX_N_FEATURES
    assert s.N_FEATURES % 2 == 0  # random Fourier features come in cosine/sine pairs
    assert s.SIGMA > 0


def test_size_and_output_defaults_are_within_their_limits():
    assert 1 <= s.SIZE <= s.MAX_RENDER_SIZE
    assert s.MAX_SCALE >= 1
    assert s.MAX_FRAME_PIXELS >= s.MAX_RENDER_SIZE ** 2
    assert 1 <= s.QUALITY <= 100
    assert all(side >= 1 for side in s.FIT_SIZE)


def test_training_defaults_are_within_their_limits():
    assert 0 < s.DEFAULT_MAX_COST and s.OPTIMUM_MARGIN > 1
    assert 1 <= s.MAX_EPOCHS <= s.EPOCHS_LIMIT and 1 <= s.LOGISTIC_MAX_EPOCHS <= s.EPOCHS_LIMIT
    assert float(s.EPOCHS_LIMIT) == s.EPOCHS_LIMIT  # exact as a float
    assert 1 <= s.CLASSIFY_EPOCHS <= s.LOGISTIC_MAX_EPOCHS
    assert 0 < s.LOGISTIC_RATE_FRACTION < 1 and 0 < s.MOMENTUM < 1 and s.SEED_LEARNING_RATE > 0
    assert s.BATCH_SIZE >= 1 and s.DEFAULT_PALETTE >= 2


@pytest.mark.parametrize("name", ["MODELS", "FEATURES", "OPTIMIZERS", "ENGINES", "SOLVERS", "INITS",
                                  "EXAMPLES"])
def test_each_choice_tuple_is_a_tuple_of_names_without_repeats(name):
    choices = getattr(s, name)
    assert isinstance(choices, tuple) and choices
    assert all(isinstance(c, str) and c for c in choices)
    assert len(set(choices)) == len(choices), choices


def test_the_defaults_chosen_from_a_tuple_are_in_it():
    assert s.MODELS[0] == "linear" and s.OPTIMIZERS[0] == "gd" and s.ENGINES[0] == "auto"
    assert s.SOLVERS[0] == "gd" and s.INITS[0] == "zeros"
    assert s.BEST not in s.OPTIMIZERS + s.ENGINES  # "best" is a value of a number flag, not a choice


def test_importing_settings_loads_no_numpy():
    code = ("import sys, paintlr.settings; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'PIL', 'scipy')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            timeout=60, check=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert result.stdout.strip() == "[]", result.stdout
