"""The paintlr command group: its error handling (every error one line, no traceback), its
signals, and the commands, one module each, registered in COMMANDS. No policy here: the
commands parse flags, call the library and report.
"""

from __future__ import annotations

import sys
import warnings

import click

from .. import __version__
from ..errors import OptionError, PaintlrError, Terminated
from ..signals import sigterm_as_interrupt
from .classify import classify
from .fit import fit
from .info import info
from .learn import learn
from .options import PaintlrCommand, flag
from .report import EXIT_INTERRUPTED, EXIT_TERMINATED, say
from .sweep import sweep

NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click >= 8.2
COMMANDS = (learn, info, sweep, fit, classify)  # a new command: its module, and its name here


class _Stopped(Exception):
    """A KeyboardInterrupt (Ctrl-C or SIGTERM) carried past click, which would print a blank line
    and turn SIGTERM into a plain Abort."""

    def __init__(self, interrupt: KeyboardInterrupt):
        super().__init__()
        self.interrupt = interrupt


class PaintlrGroup(click.Group):
    """A click group whose every error is one line on stderr, without a traceback, and whose
    library warnings are shown one line each after the command."""

    command_class = PaintlrCommand

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Stopped(exc) from None
        except OptionError as exc:  # named by the flag of the command that ran, while it is known
            command = self.commands.get(ctx.invoked_subcommand or "")
            text = exc.text(lambda option: flag(option, command))
            if exc.names_itself():
                raise click.UsageError(text) from None
            raise click.UsageError(f"Invalid value for '{flag(exc.option, command)}': {text}") from None

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        self.command_line = ["paintlr", *(sys.argv[1:] if args is None else args)]
        with warnings.catch_warnings(record=True) as caught, sigterm_as_interrupt():
            warnings.simplefilter("default")
            code = self._run(args, prog_name, complete_var, **extra)
        for message in dict.fromkeys(str(w.message) for w in caught):
            say(f"warning: {message}")
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, complete_var, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NO_ARGS_IS_HELP as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            return exc.exit_code
        except SystemExit as exc:  # a command's own exit code (an interrupted run)
            return exc.code
        except _Stopped as exc:
            terminated = isinstance(exc.interrupt, Terminated)
            say("terminated" if terminated else "interrupted")
            return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
        except Terminated:
            say("terminated")
            return EXIT_TERMINATED
        except (click.exceptions.Abort, KeyboardInterrupt):
            say("interrupted")
            return EXIT_INTERRUPTED
        except click.ClickException as exc:
            say(exc.format_message())
            return exc.exit_code
        except PaintlrError as exc:
            say(f"error: {exc}")
            return 1


@click.group(cls=PaintlrGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paintlr")
def cli() -> None:
    """Watch linear regression learn a picture, frame by frame."""


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="paintlr")
