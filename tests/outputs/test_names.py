"""paintlr.outputs.names: the kind of output a name writes, by its extension or placeholder."""

from __future__ import annotations

import pytest

from paintlr.outputs.names import output_kind


@pytest.mark.parametrize(("name", "kind"), [
    ("a.gif", "animation"), ("a.GIF", "animation"), ("a.webp", "animation"),
    ("a.apng", "animation"), ("a.png", "still"), ("a.jpg", "still"), ("a.jpeg", "still"),
    ("out/frame_%04d.png", "sequence"), ("f%d.jpg", "sequence"), ("f_%03d.webp", "sequence"),
    ("100%.gif", "animation"), ("a%%d.png", "still"), ("50%%_%03d.png", "sequence"),
])
def test_output_kind(name, kind):
    assert output_kind(name) == kind


@pytest.mark.parametrize("name", [
    "a.tif", "a.bmp", "a", "a.txt", "f_%03d.tif", "f_%d_%d.png", "50%_%03d.png", "f_%03d",
])
def test_output_kind_rejects(name):
    with pytest.raises(ValueError) as info:
        output_kind(name)
    assert "\n" not in str(info.value)


def test_stills_at_splits_the_outputs_and_refuses_epochs_with_no_still():
    from paintlr.errors import OptionError
    from paintlr.outputs import stills_at

    assert stills_at(["a.gif", "b.png", "c.jpg"], [10]) == (["b.png", "c.jpg"], ["a.gif"])
    assert stills_at(["a.gif", "b.png"], []) == ([], ["a.gif", "b.png"])  # no epochs: the final frame
    with pytest.raises(OptionError) as caught:
        stills_at(["a.gif", "b.html"], [10])
    assert caught.value.option == "at_epochs" and caught.value.names_itself()
