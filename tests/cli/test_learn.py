"""paintlr learn: what the command says, as the library decides it."""

import pytest
from click.testing import CliRunner

import paintlr.cli.report as report
from paintlr.cli import cli
from paintlr.settings import LOGISTIC_MAX_EPOCHS


@pytest.fixture
def workdir(tmp_path, monkeypatch, photo):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="paintlr")


@pytest.fixture
def totals(monkeypatch):
    """The totals the progress bars are given."""
    seen = []
    real = report.progress
    monkeypatch.setattr(report, "progress", lambda total, quiet, **kw: seen.append(total) or real(
        total, quiet, **kw))
    return seen


def test_a_max_epochs_given_is_known_even_when_it_equals_a_default(workdir, totals):
    """Logistic runs are not forecast: the bar's total is the --max-epochs given, also 1,000,000,
    the logistic default; without it, the bar has no total."""
    given = invoke("learn", "photo.png", "--model", "logistic", "--palette", "2", "--max-epochs",
                   LOGISTIC_MAX_EPOCHS, "-o", "a.gif")
    assert given.exit_code == 0, given.output
    default = invoke("learn", "photo.png", "--model", "logistic", "--palette", "2", "-o", "b.gif")
    assert default.exit_code == 0, default.output
    assert totals == [LOGISTIC_MAX_EPOCHS, None]


def test_library_warnings_name_the_flags(workdir):
    result = invoke("learn", "photo.png", "--max-epochs", "5", "-o", "a.gif", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("paintlr: warning: stopped at --max-epochs 5 with cost ")
    assert "still above --max-cost 0.0001" in result.stderr and "max_epochs" not in result.stderr


def test_an_unstable_rate_is_warned_of_once_after_the_run(workdir):
    result = invoke("learn", "photo.png", "--learning-rate", "2.01", "--engine", "iterate",
                    "--max-epochs", "2", "-o", "a.gif")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("is at or above the largest stable rate") == 1
    assert "for gd; the cost grows without bound" in result.stderr
