"""The fuzz test of the command line, short version: random inputs and flags, each run checked.

The cases, the runner and the checks are in tests/fuzz.py. PAINTLR_FUZZ_SEED and
PAINTLR_FUZZ_CASES pick other or more cases; `make fuzz` runs the long version
(python -m tests.fuzz), which keeps failing cases under /tmp/paintlr-fuzz.
A failure prints the command line and how to run that one case again.
"""

from __future__ import annotations

import os
import signal

import fuzz
import pytest

SEED = int(os.environ.get("PAINTLR_FUZZ_SEED", "0"))
CASES = int(os.environ.get("PAINTLR_FUZZ_CASES", "250"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-corpus")
    return folder, fuzz.build_corpus(folder)


@pytest.mark.parametrize("index", range(CASES))
def test_fuzz_case(index, corpus, tmp_path):
    folder, samples = corpus
    case = fuzz.make_case(SEED, index, samples, folder)
    result = fuzz.run_case(case, tmp_path / "run")
    if result.problems:
        pytest.fail(result.report(), pytrace=False)


def test_corpus_has_every_kind_of_input(corpus):
    _, samples = corpus
    notes = " | ".join(s.note for s in samples)
    for kind in ("PNG RGB", "JPEG CMYK", "GIF P", "WEBP RGB", "TIFF RGB tiff_lzw",
                 "TIFF RGB tiff_adobe_deflate", "BMP RGB", "TGA RGB", "PPM RGB", "PPM L", "ICO RGB", "APNG",
                 "animated GIF", "PNG I;16", "PFM", "JPEG EXIF orientation 6", "TIFF 1-bit group4",
                 "TIFF F with nan", "PNG P-transparent", "PNG LA", "PNG 1", "PNG 1x500", "PNG 3x1"):
        assert kind in notes, kind


def test_sigint_mid_run_exits_130_with_every_output_or_none(tmp_path):
    _, problems = fuzz.signal_case(signal.SIGINT, tmp_path)
    assert not problems, "\n".join(problems)


def test_sigterm_mid_run_exits_143_with_every_output_or_none(tmp_path):
    _, problems = fuzz.signal_case(signal.SIGTERM, tmp_path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_before_the_first_frame_leaves_nothing(tmp_path, sig):
    """The signal as soon as the outputs' temporary files exist: every kind of output, a video too."""
    _, problems = fuzz.signal_case(sig, tmp_path, delay=0.0, outputs=("o.webm", "o.gif", "o.webp", "p.html"))
    assert not problems, "\n".join(problems)
