"""The paintlr command line: one module per command; each parses its flags and reports."""

from .app import cli, main

__all__ = ["cli", "main"]
