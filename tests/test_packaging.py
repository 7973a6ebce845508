"""The sdist carries what its own tests need, so that unpacking it and running pytest inside passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import REPO

# What the tests read besides the package: themselves, the sample photos, the bundled data,
# and the README's pictures (tests/test_readme.py checks that they exist).
FOLDERS = ("tests/", "sample_images/", "paintlr/data/", "docs/")
FILES = ("LICENSE", "README.md", "pyproject.toml")


def tracked_files() -> list[str]:
    """Every file git tracks that the work tree still has; skips outside a git checkout of paintlr."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=REPO, capture_output=True,
                             text=True, timeout=30, check=False)
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != REPO:
        pytest.skip("not run from a git checkout of paintlr (an unpacked sdist, say)")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True,
                            timeout=30, check=True)
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def test_sdist_holds_every_tracked_file_the_tests_need(tmp_path):
    tracked = tracked_files()
    expected = {name for name in tracked if name.startswith(FOLDERS)} | set(FILES)
    assert "paintlr/data/ex2data1.csv" in expected and "tests/conftest.py" in expected
    # Built from a copy of the tracked files: in the work tree, a paintlr.egg-info left by an
    # earlier build lists what went in last time, and setuptools would ship that again.
    source = tmp_path / "source"
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    proc = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
                           str(tmp_path / "dist"), str(source)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,) = (tmp_path / "dist").glob("paintlr-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.partition("/")[2] for name in tar.getnames()}  # without paintlr-VERSION/
    missing = sorted(expected - names)
    assert not missing, missing
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_a_folder_named_paintlr_in_the_working_folder_does_not_hide_the_package(tmp_path):
    """Python started in the folder above a clone named paintlr must import the package, not the
    clone's folder as an empty namespace package: with pip install (a regular package in
    site-packages) and with pip install -e, as make runs it (pyproject's package-dir makes that a
    .pth holding the clone's root, not a finder run after the folder's)."""
    (tmp_path / "paintlr").symlink_to(REPO, target_is_directory=True)
    code = "import paintlr; assert paintlr.__file__, paintlr; assert 'Painting' in dir(paintlr); print('ok')"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.stdout.strip() == "ok", proc.stderr
