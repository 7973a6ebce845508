"""paintlr.cli.inputs: the checks of inputs and outputs before any work, each refusal a usage error
naming its flag and the problem; the default output name; the photo and table loaded."""

from __future__ import annotations

import click
import pytest

from paintlr.cli.inputs import (
    check_frames,
    check_log,
    check_output,
    check_outputs,
    default_output,
    load,
    table,
    table_outputs,
)
from paintlr.settings import MAX_FRAME_PIXELS


def refusal(call, *args, **kwargs) -> str:
    """The message of the usage error call(*args) raises, as click prints it."""
    with pytest.raises(click.UsageError) as caught:
        call(*args, **kwargs)
    return caught.value.format_message()


@pytest.mark.parametrize(("output", "problem"), [
    ("nowhere/a.gif", "nowhere/a.gif: folder nowhere does not exist"),
    ("a.xyz", "unknown output extension '.xyz'"),
    ("a", "unknown output extension '(none)'"),
    ("photo.png", "refusing to overwrite the input"),
    ("frame-%d%d.png", "use exactly one placeholder"),
    ("x" * 300 + ".gif", "name too long"),
])
def test_check_outputs_refuses_naming_the_output_flag(workdir, output, problem):
    message = refusal(check_outputs, ("a.gif", output), "photo.png")
    assert message.startswith("Invalid value for '-o' / '--output': ") and problem in message, message


def test_check_outputs_refuses_a_folder_in_the_way(workdir):
    (workdir / "in.gif").mkdir()
    assert "in.gif: is a folder" in refusal(check_outputs, ("in.gif",), "photo.png")


def test_check_outputs_returns_the_outputs(workdir):
    assert check_outputs(("a.gif", "a.html", "f%04d.png"), "photo.png") == ["a.gif", "a.html", "f%04d.png"]
    assert check_outputs((), "photo.png") == []


def test_a_sweep_writes_only_animations(workdir):
    assert check_outputs(("s.gif", "s.webp"), "photo.png", animation_only=True) == ["s.gif", "s.webp"]
    for still in ("s.png", "s%03d.png"):
        message = refusal(check_outputs, (still,), "photo.png", animation_only=True)
        assert "'--output'" in message and ".gif" in message
        assert f"{still}: a sweep is an animation (" in message


def test_a_video_output_needs_pyav_before_any_work(workdir, monkeypatch):
    import paintlr.outputs

    asked = []
    monkeypatch.setattr(paintlr.outputs, "require_av", lambda: asked.append(True))
    check_outputs(("a.gif", "a.html"), "photo.png")
    assert asked == []
    check_outputs(("a.gif", "a.MP4", "b.webm"), "photo.png")
    assert asked == [True, True]


def test_check_output_names_the_hint_it_is_given(workdir):
    message = refusal(check_output, "nowhere/a.gif", "photo.png", "'--page'")
    assert message.startswith("Invalid value for '--page': nowhere/a.gif: folder nowhere does not exist")


@pytest.mark.parametrize(("log", "problem"), [
    ("log.txt", "log.txt: the log must be a .csv file"),
    ("log", "log: the log must be a .csv file"),
    ("nowhere/log.csv", "folder nowhere does not exist"),
])
def test_check_log_refuses_naming_the_log_flag(workdir, log, problem):
    message = refusal(check_log, log, "photo.png")
    assert message.startswith("Invalid value for '--log': ") and problem in message, message


def test_check_log_takes_a_csv_name_literally(workdir):
    check_log(None, "photo.png")
    check_log("log.csv", "photo.png")
    check_log("LOG.CSV", "photo.png")
    check_log("run-%d.csv", "photo.png")  # a log is no frame pattern
    (workdir / "in.csv").mkdir()
    assert "in.csv: is a folder" in refusal(check_log, "in.csv", "photo.png")


def test_check_log_refuses_to_overwrite_the_input(workdir):
    (workdir / "data.csv").write_text("x,y\n1,2\n")
    assert "refusing to overwrite the input" in refusal(check_log, "data.csv", "data.csv")


def test_check_frames_refuses_frames_too_large(workdir):
    check_frames(["a.gif", "a.mp4"], 8192, 10, "'--scale'")
    message = refusal(check_frames, ["a.gif", "a.mp4"], 8193, 10, "'--scale'")
    assert message.startswith("Invalid value for '--scale': a.mp4: frames of 8,193 x 10 are over the 8,192")
    message = refusal(check_frames, ["a.gif"], MAX_FRAME_PIXELS // 1000 + 1, 1000, "'--size'")
    assert message.startswith("Invalid value for '--size': frames of ") and "megapixels" in message


def test_default_output_is_the_stem_and_suffix_here(workdir):
    assert default_output("some/where/cat.jpg", "-learn.gif") == "cat-learn.gif"
    assert default_output("100%.png", ".gif") == "100%%.gif"  # read literally, not a frame pattern
    assert default_output("photo.png", ".png") == "photo-paintlr.png"  # never the source itself
    assert default_output("points", "-fit.gif") == "points-fit.gif"


def test_load_refuses_a_bad_background_naming_the_flag(photo):
    message = refusal(load, str(photo), 8, "nocolour")
    assert message == ("Invalid value for '--background': unknown colour 'nocolour': "
                       "use a name such as 'white' or '#rrggbb'")
    assert "'--background'" in refusal(load, str(photo), 8, "#12345")


def test_load_reads_the_photo_shrunk(photo):
    assert load(str(photo), 8, "white").shape == (6, 8, 3)
    image = load(str(photo), 100, "#ff8800")
    assert image.shape == (12, 16, 3) and 0 <= image.min() and image.max() <= 1


@pytest.mark.parametrize(("data", "example"), [(None, None), ("t.csv", "points")])
def test_table_outputs_want_data_or_an_example(workdir, data, example):
    message = refusal(table_outputs, data, example, (), None, "fit")
    assert message == "give a DATA file or --example NAME (one of the two)"


def test_table_outputs_name_and_default_output(workdir):
    assert table_outputs(None, "iris", (), None, "classify") == ("iris", ["iris-classify.gif"])
    assert table_outputs("sub/t.csv", None, ("a.gif",), "log.csv", "fit") == ("t", ["a.gif"])
    assert "'--log'" in refusal(table_outputs, None, "points", (), "log.txt", "fit")
    assert "'--output'" in refusal(table_outputs, None, "points", ("a.xyz",), None, "fit")


def test_table_reads_the_example_or_the_file(workdir):
    (workdir / "t.csv").write_text("a,b,c\n1,2,3\n4,5,6\n7,8,10\n")
    from_file = table("t.csv", None, ("b",), "a", False)
    assert from_file.x.shape == (3, 1) and list(from_file.y) == [1, 4, 7]
    assert (from_file.x_names, from_file.y_name, from_file.source) == (["b"], "a", "t.csv")
    example = table(None, "points", (), None, False)
    assert example.x.shape[0] == 5 and example.source == "example points"
