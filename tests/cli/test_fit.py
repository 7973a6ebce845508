"""paintlr fit and classify: the one unstable-rate warning, as the library words it."""

import pytest
from click.testing import CliRunner

from paintlr.cli import cli


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fit_and_classify_share_the_unstable_warning(workdir):
    fit = CliRunner().invoke(cli, ["fit", "--example", "points", "--learning-rate", "0.01", "--learning-rate",
                                   "0.2", "-o", "f.gif", "-q"], prog_name="paintlr")
    assert fit.exit_code == 0, fit.output
    classify = CliRunner().invoke(cli, ["classify", "--example", "admissions", "--learning-rate", "100",
                                        "--max-epochs", "5", "-o", "c.gif", "-q"], prog_name="paintlr")
    assert classify.exit_code == 0, classify.output
    for result in (fit, classify):
        assert result.stderr.count("is at or above the largest stable rate") == 1
        assert result.stderr.rstrip().endswith("; the cost grows without bound")
