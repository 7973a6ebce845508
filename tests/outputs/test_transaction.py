"""paintlr.outputs.transaction: atomic writes, normal permissions, all or nothing on failure."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from conftest import colour_array, listing, read_frames
from frames_and_files import (
    fading_in,
    fail_on_call,
)

from paintlr.errors import OutputError
from paintlr.outputs import Outputs, gif, still, transaction, write_animation, write_outputs, write_still
from paintlr.outputs.transaction import atomic_save


def test_written_files_have_normal_permissions(tmp_path):
    write_still(tmp_path / "f.png", colour_array())
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "f.png").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failed_save_leaves_no_file(tmp_path, monkeypatch, error):
    # the GIF is written frame by frame: fail on the second frame, with the header and a frame written
    monkeypatch.setattr(gif.GifImagePlugin, "getdata", fail_on_call(gif.GifImagePlugin.getdata, 2, error))
    with pytest.raises(type(error)):
        write_animation(tmp_path / "a.gif", fading_in(3))
    assert listing(tmp_path) == set()


def test_failed_save_leaves_the_existing_file_untouched(tmp_path, monkeypatch):
    dest = tmp_path / "a.gif"
    dest.write_bytes(b"the previous run")
    monkeypatch.setattr(gif.GifImagePlugin, "getdata",
                        fail_on_call(gif.GifImagePlugin.getdata, 2, RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        write_outputs([dest], fading_in(3))
    assert dest.read_bytes() == b"the previous run"
    assert listing(tmp_path) == {"a.gif"}


def test_failed_rename_is_an_output_error_and_cleans_up(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(transaction.os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left") as info:
        write_still(tmp_path / "f.png", colour_array())
    assert "\n" not in str(info.value)
    assert listing(tmp_path) == set()


def test_a_directory_in_the_way_is_an_output_error(tmp_path):
    (tmp_path / "a.gif").mkdir()
    with pytest.raises(OutputError, match=r"a\.gif"):
        write_animation(tmp_path / "a.gif", fading_in(3))
    assert listing(tmp_path) == {"a.gif"}


def test_missing_folder_is_an_output_error(tmp_path):
    with pytest.raises(OutputError):
        atomic_save(tmp_path / "nope" / "a.png", lambda tmp: None)
    assert listing(tmp_path) == set()


def test_successful_save_replaces_the_old_file(tmp_path):
    dest = tmp_path / "a.png"
    dest.write_bytes(b"old")
    write_still(dest, colour_array())
    assert np.array_equal(read_frames(dest)[0], colour_array())
    assert listing(tmp_path) == {"a.png"}


def test_a_failed_rename_takes_back_the_outputs_renamed_before_it(tmp_path, monkeypatch):
    real = os.replace
    monkeypatch.setattr(transaction.os, "replace", fail_on_call(real, 2, OSError(5, "Input/output error")))
    with pytest.raises(OutputError, match=r"a\.webp: cannot write"):
        write_outputs([tmp_path / "a.gif", tmp_path / "a.webp", tmp_path / "a.apng"], fading_in(3))
    assert listing(tmp_path) == set()  # all or nothing: the GIF renamed first is removed again


def test_outputs_committed_together_are_all_or_nothing(tmp_path, monkeypatch):
    from paintlr.outputs.transaction import commit_all

    first, second = Outputs([tmp_path / "a.gif"]), Outputs([tmp_path / "b.png"])
    for out in (first, second):
        out.add(fading_in(2)[1])

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(still, "save_frame", full)  # the second set fails while the first is in place
    with pytest.raises(OutputError, match=r"b\.png"):
        commit_all(first.commit, second.commit)
    assert listing(tmp_path) == set()
