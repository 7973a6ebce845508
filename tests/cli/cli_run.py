"""What the command-line tests share: the CLI run in-process, its log read, its summary line."""

from __future__ import annotations

import csv
import re

from click.testing import CliRunner

from paintlr.cli import cli

SUMMARY = re.compile(r"^[\d,]+ epochs, cost [^,]+, PSNR [\d.]+ dB(?:; stopped at the epoch limit, [^,]+)?, "
                     r"[\d.]+ s, (\d+) frames -> (.+)$")


def invoke(*args):
    """The CLI in-process, through the group's main() as the console script calls it."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="paintlr")
    # anything but a clean exit would be an exception that escaped main()
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exc_info
    return result


def read_log(path) -> list[dict[str, str]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text: str, pattern: str) -> float:
    """The number `pattern`'s first group finds in `text` (thousands commas allowed)."""
    return float(re.search(pattern, text).group(1).replace(",", ""))
