"""paintlr.cli.options: the flag a library keyword is shown as, and the parameter types the flags share."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from paintlr import settings
from paintlr.cli.app import cli
from paintlr.cli.options import POSITIVE, FiniteFloatRange, OrBest, PaintlrCommand, Quality, command, flag


@pytest.mark.parametrize(("keyword", "shown"), [
    ("pairs", "--run"),  # declared as --run, named pairs
    ("feature_names", "--features"),
    ("learning_rates", "--learning-rate"),
    ("output", "--output"),  # -o / --output: the long one
    ("max_cost", "--max-cost"),
    ("no_such_setting", "--no-such-setting"),  # unknown: as it is spelt, with dashes
    ("photo", "--photo"),  # an argument has no flag: as it is spelt
])
def test_flag_is_the_one_the_sweep_command_declares(keyword, shown):
    assert flag(keyword, cli.commands["sweep"]) == shown


def test_flag_depends_on_the_command():
    assert flag("features", cli.commands["learn"]) == "--features"
    assert flag("pairs", cli.commands["learn"]) == "--pairs"  # learn declares no --run


def test_flag_defaults_to_the_running_command():
    assert flag("pairs") == "--pairs"  # no command running
    with click.Context(cli.commands["sweep"]):
        assert flag("pairs") == "--run"
        assert flag("feature_names") == "--features"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", float("nan"), float("inf")])
def test_finite_float_range_refuses_nan_and_infinity(value):
    with pytest.raises(click.BadParameter, match="is not a finite number"):
        FiniteFloatRange().convert(value, None, None)


def test_finite_float_range_keeps_its_range():
    assert FiniteFloatRange().convert("-2.5", None, None) == -2.5
    assert POSITIVE.convert("0.25", None, None) == 0.25
    for bad in ("0", "-1", "inf", "nan"):
        with pytest.raises(click.BadParameter):
            POSITIVE.convert(bad, None, None)


def test_or_best_takes_best_or_a_number_of_its_inner_type():
    rate = OrBest(POSITIVE)
    assert rate.convert(settings.BEST, None, None) == "best"
    assert rate.convert("0.5", None, None) == 0.5
    assert rate.name.endswith("|best")
    for bad in ("Best", "fast", "0", "nan"):
        with pytest.raises(click.BadParameter):
            rate.convert(bad, None, None)


@pytest.mark.parametrize(("value", "kept"), [
    ("lossless", "lossless"), (1, 1), (100, 100), ("1", 1), ("90", 90), ("100", 100)])
def test_quality_takes_1_to_100_or_lossless(value, kept):
    assert Quality().convert(value, None, None) == kept


@pytest.mark.parametrize(("value", "said"), [
    (0, "0 is not"), ("0", "'0' is not"), (101, "101 is not"), ("101", "'101' is not"),
    ("x", "'x' is not"), ("-5", "'-5' is not"), ("1.5", "'1.5' is not"), ("Lossless", "'Lossless' is not")])
def test_quality_refuses_what_is_not_1_to_100_or_lossless(value, said):
    with pytest.raises(click.BadParameter) as caught:
        Quality().convert(value, None, None)
    message = caught.value.format_message()
    assert said in message and "a number from 1 to 100 or 'lossless'" in message


def test_quality_refusal_names_the_flag_in_a_command():
    quality = click.command()(click.option("--quality", type=Quality())(lambda quality: None))
    result = CliRunner().invoke(quality, ["--quality", "101"])
    assert result.exit_code == 2
    assert "Invalid value for '--quality': '101' is not a number from 1 to 100" in result.output


HELP = ("Paint a photo by gradient descent, one frame per epoch, on a canvas\nof any size.\n\n"
        "More detail that is not in the summary.")


def test_short_help_is_the_whole_first_sentence():
    whole = "Paint a photo by gradient descent, one frame per epoch, on a canvas of any size."
    assert PaintlrCommand("paint", help=HELP).get_short_help_str() == whole
    assert PaintlrCommand("paint", help=HELP).get_short_help_str(limit=10) == whole
    assert len(click.Command("paint", help=HELP).get_short_help_str()) <= 45  # what click would show


def test_short_help_given_or_absent():
    assert PaintlrCommand("paint", help=HELP, short_help="Paint.").get_short_help_str() == "Paint."
    assert PaintlrCommand("paint").get_short_help_str() == ""


def test_command_makes_paintlr_commands():
    @command()
    def paint():
        """A summary long enough that click would cut it at forty-five characters.

        Details."""

    assert isinstance(paint, PaintlrCommand)
    summary = "A summary long enough that click would cut it at forty-five characters."
    assert paint.get_short_help_str() == summary
    assert all(isinstance(c, PaintlrCommand) for c in cli.commands.values())
