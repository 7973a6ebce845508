"""paintlr.errors: paths shown on one line, the "must be one of" refusal, OSError messages, the
divergence message, and the option an OptionError blames."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from paintlr.errors import (
    DataError,
    DivergenceError,
    OptionError,
    PaintlrError,
    check_choice,
    display_path,
    os_error_message,
)

# --- display_path --------------------------------------------------------------------------------

def test_display_path_quotes_what_would_not_print_on_one_line():
    assert display_path("photo.png") == "photo.png"
    assert display_path(Path("my photos/cat 1.png")) == "my photos/cat 1.png"
    assert display_path("two\nlines.png") == "'two\\nlines.png'"
    assert display_path("tab\there.png") == "'tab\\there.png'"
    assert display_path(os.fsdecode(b"caf\xe9.png")) == "'caf\\udce9.png'"  # undecodable byte


def test_display_path_takes_bytes_and_gives_one_line():
    assert display_path(b"photo.png") == "photo.png"
    shown = display_path(b"caf\xe9\n.png")
    assert shown == "'caf\\udce9\\n.png'"
    assert "\n" not in shown and shown.isprintable()


def test_a_printable_non_ascii_path_is_shown_as_it_is():
    assert display_path("café/猫.png") == "café/猫.png"


# --- check_choice ----------------------------------------------------------------------------------

def test_check_choice_accepts_each_choice():
    for choice in ("auto", "exact", "iterate"):
        check_choice("engine", choice, ("auto", "exact", "iterate"))  # no error


@pytest.mark.parametrize("value", ["fast", "Auto", None, 3])
def test_check_choice_names_the_option_the_value_and_every_choice(value):
    with pytest.raises(OptionError) as info:
        check_choice("engine", value, ("auto", "exact", "iterate"))
    assert str(info.value) == f"engine must be one of auto, exact, iterate, not {value!r}"
    assert info.value.option == "engine"


# --- OptionError and the hierarchy ------------------------------------------------------------------

def test_option_error_keeps_the_option_and_is_a_value_error():
    error = OptionError("max_cost", "max_cost must be positive")
    assert error.option == "max_cost"
    assert str(error) == "max_cost must be positive"
    assert isinstance(error, PaintlrError) and isinstance(error, ValueError)
    assert issubclass(DataError, PaintlrError) and issubclass(DataError, ValueError)


# --- DivergenceError ---------------------------------------------------------------------------------

def test_divergence_message_with_an_epoch():
    error = DivergenceError(2.5, 1.98765432, epoch=12)
    assert str(error) == ("cost exploded at epoch 12: learning rate 2.5 is not below "
                          "the largest stable rate 1.98765")
    assert (error.learning_rate, error.max_stable, error.epoch) == (2.5, 1.98765432, 12)
    assert isinstance(error, PaintlrError) and isinstance(error, ArithmeticError)


def test_divergence_message_without_an_epoch():
    error = DivergenceError(3.0, 2.0)
    assert error.epoch is None
    assert str(error) == "cost exploded: learning rate 3 is not below the largest stable rate 2"


def test_divergence_at_epoch_zero_still_names_the_epoch():
    assert str(DivergenceError(3.0, 2.0, epoch=0)).startswith("cost exploded at epoch 0: ")


# --- os_error_message ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("exc", "expected"), [
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "in.png: no such file"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "in.png: is a directory, not an image"),
    (PermissionError(errno.EACCES, "Permission denied"), "in.png: permission denied"),
    (OSError(errno.EIO, "Input/output error"), "in.png: cannot read the file (Input/output error)"),
    (OSError("device\n  went   away"), "in.png: cannot read the file (device went away)"),
    (OSError(), "in.png: cannot read the file (OSError)"),
    (OSError(errno.EIO, "bell\x07here"), "in.png: cannot read the file ('bell\\x07here')"),
])
def test_os_error_message_is_one_line_saying_why(exc, expected):
    message = os_error_message("in.png", exc, "an image")
    assert message == expected
    assert "\n" not in message


def test_os_error_message_names_the_kind_of_input_for_a_directory():
    exc = IsADirectoryError(errno.EISDIR, "Is a directory")
    assert os_error_message("d", exc, "a data file") == "d: is a directory, not a data file"
