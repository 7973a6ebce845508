"""paintlr.outputs.writer: the registry is the one place formats are decided. Every registered
extension has its facts on its writer, the name checks agree with them, and a writer registered
here, a fake format, is found by name and written through Outputs with nothing else changed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import listing
from frames_and_files import fading_in

import paintlr.outputs as outputs
from paintlr.outputs import ANIMATIONS, Outputs, check_frame_size, estimated_bytes, output_kind
from paintlr.outputs.transaction import TempFile
from paintlr.outputs.writer import KINDS, Extensions, Writer, register, unregister, writer_for

PACKAGE = Path(outputs.__file__).parent
EXTENSION = re.compile(r"\.[a-z][a-z0-9]{1,4}")  # not a format spec such as .9g


def test_every_registered_extension_has_its_facts():
    registered = list(Extensions())
    assert registered == [".gif", ".webp", ".apng", ".html", ".mp4", ".webm", ".png", ".jpg", ".jpeg"]
    assert list(ANIMATIONS) == [".gif", ".webp", ".apng", ".html", ".mp4", ".webm"]
    for ext in registered:
        writer = writer_for(ext)
        assert issubclass(writer, Writer) and ext in writer.extensions
        assert writer.kind in KINDS
        assert writer.bytes_per_pixel > 0
        assert writer.max_side is None or writer.max_side > 0
        assert writer_for(ext.upper()) is writer


def test_the_name_checks_agree_with_the_writers():
    for ext in Extensions():
        writer = writer_for(ext)
        assert output_kind(f"a{ext}") == writer.kind
        count = 1 if writer.kind == "still" else 7
        assert estimated_bytes([f"a{ext}"], 100, 10, 7) == int(writer.bytes_per_pixel * 100 * 10 * count)
        if writer.max_side is not None:
            check_frame_size([f"a{ext}"], writer.max_side, 1)
            with pytest.raises(ValueError, match=f"{writer.max_side:,} pixels a side"):
                check_frame_size([f"a{ext}"], writer.max_side + 1, 1)
        if writer.frame_format is None:
            with pytest.raises(ValueError, match="frame files must end in"):
                output_kind(f"f_%03d{ext}")
        else:
            assert output_kind(f"f_%03d{ext}") == "sequence"


def extension_literals(path: Path) -> list[tuple[int, str]]:
    """Strings like ".gif" in a module, but for those in a class's `extensions` and video's codec
    table (VIDEO, whose keys are its writers' extensions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) in ("extensions", "VIDEO")
                                                for t in node.targets):
            allowed |= {id(n) for n in ast.walk(node.value)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in allowed
            and EXTENSION.fullmatch(node.value)]


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py")))
def test_no_module_decides_by_an_extension_literal(module):
    """Formats are looked up, never compared with: no ".gif" outside a writer's `extensions`
    (".part" names the temporary files)."""
    found = [(line, text) for line, text in extension_literals(PACKAGE / module) if text != ".part"]
    assert found == []


class FakeWriter(Writer):
    """A made-up format: each frame's mean as a line of text, the duration after it."""

    extensions = (".fake",)
    bytes_per_pixel = 0.5
    max_side = 100

    def __init__(self, name, settings):
        self.name = name
        self.temps = [TempFile(name)]

    def frame(self, frame, ms):
        self.temps[0].fp.write(f"{frame.mean():.1f} {ms}\n".encode())


@pytest.fixture
def fake_format():
    register(FakeWriter)
    try:
        yield FakeWriter
    finally:
        unregister(FakeWriter)
    assert writer_for(".fake") is None


def test_a_new_format_is_one_registration(tmp_path, fake_format):
    assert writer_for(".FAKE") is fake_format
    assert output_kind("a.fake") == "animation" and ".fake" in ANIMATIONS
    assert estimated_bytes(["a.fake"], 10, 10, 3) == 150
    with pytest.raises(ValueError, match=r"100 pixels a side that \.fake stores"):
        check_frame_size(["a.fake"], 101, 1)
    frames = fading_in(3)
    with Outputs([tmp_path / "a.fake", tmp_path / "a.gif"], fps=10) as out:
        for frame in frames:
            out.add(frame)
        assert out.commit() == [str(tmp_path / "a.fake"), str(tmp_path / "a.gif")]
    lines = (tmp_path / "a.fake").read_text().splitlines()
    assert lines == [f"{np.mean(f):.1f} {ms}" for f, ms in zip(frames, (100, 100, 1500))]
    assert listing(tmp_path) == {"a.fake", "a.gif"}


def test_an_extension_has_one_writer(fake_format):
    class Other(FakeWriter):
        pass

    with pytest.raises(ValueError, match="already written by FakeWriter"):
        register(Other)
    register(fake_format)  # the same writer again changes nothing
    with pytest.raises(TypeError):
        register(type("NoExtensions", (Writer,), {}))
    with pytest.raises(ValueError, match="lower-case extension"):
        register(type("Upper", (Writer,), {"extensions": (".FAKE2",)}))
    assert writer_for(".fake") is fake_format
