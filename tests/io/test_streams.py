"""paintlr.io.streams: what is not a regular file: pipes, devices, sockets."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
from image_files import error_of

import paintlr.io.streams as streams_mod
from paintlr.io.image import load_image


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_fifo_without_a_writer_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.append(error_of(fifo)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open(): give it a writer so the thread can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_image blocked on a FIFO without a writer")
    assert said == [f"{fifo}: a pipe with nothing to read"]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="no /dev/fd")
def test_a_pipe_holding_an_image_is_read(save, rgb):
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, save(rgb, "p.png").read_bytes())
        os.close(write_end)
        a = load_image(f"/dev/fd/{read_end}")
    finally:
        os.close(read_end)
    np.testing.assert_array_equal(a, rgb / 255)


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_a_socket_is_not_a_regular_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative name: socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("s.png")
        assert error_of(tmp_path / "s.png") == f"{tmp_path / 's.png'}: not a regular file"


def test_stream_input_is_capped(monkeypatch):
    monkeypatch.setattr(streams_mod, "MAX_STREAM_BYTES", 1 << 20)
    assert error_of("/dev/zero") == ("/dev/zero: more than 1 MiB to read from a pipe or device; "
                                     "save the image to a file")


@pytest.mark.parametrize(("error", "said"), [
    (PermissionError(13, "Permission denied"), "permission denied"),
    (OSError(5, "Input/output error"), "cannot read the file (Input/output error)"),
    (OSError(), "cannot read the file (OSError)"),
])
def test_an_input_that_cannot_be_opened_is_one_line_saying_why(save, rgb, monkeypatch, error, said):
    path = save(rgb, "p.png")

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, "open", refuse)
    assert error_of(path) == f"{path}: {said}"


def test_a_missing_input_and_a_directory_are_named_as_such(tmp_path):
    assert error_of(tmp_path / "missing.png") == f"{tmp_path / 'missing.png'}: no such file"
    assert error_of(tmp_path) == f"{tmp_path}: is a directory, not an image"
