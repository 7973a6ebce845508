"""paintlr info: the library's report, with settings named by their flags."""

import pytest
from click.testing import CliRunner

from paintlr.cli import cli


@pytest.fixture
def workdir(tmp_path, monkeypatch, photo):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_info_names_flags_not_keywords(workdir):
    result = CliRunner().invoke(cli, ["info", "photo.png", "--max-epochs", "3"], prog_name="paintlr")
    assert result.exit_code == 0, result.output
    assert "(--learning-rate best, --momentum best)" in result.stdout
    assert "beyond --max-epochs" in result.stdout and "max_epochs" not in result.stdout


def test_info_of_a_logistic_model(workdir):
    result = CliRunner().invoke(cli, ["info", "photo.png", "--model", "logistic", "--palette", "3"],
                                prog_name="paintlr")
    assert result.exit_code == 0, result.output
    assert "a palette of 3 colours" in result.stdout and "not predicted" in result.stdout
