"""Read a table of numbers for `paintlr fit` and `paintlr classify`: the x columns and the y column.

A table is a text file: CSV with commas, semicolons or tabs, or columns separated by spaces.

* Delimiter: `csv.Sniffer` on the first 50 lines of cells, among ",", ";" and tab; if it cannot
  decide, the one of the three found on most of those lines (a tie goes to ",", then ";"). When
  none of those lines holds any of the three, every line is split on runs of spaces and tabs
  ("1 1" / "2 3"). In CSV, a cell may be quoted with double quotes.
* Header: the first line of cells is a header when, in the columns that must hold numbers, its
  cells are words: not numbers, and not all empty; or when a column is asked for by a
  (non-numeric) name that the line holds. The columns that must hold numbers are the x columns,
  and y as well unless labels=True (classify), whose y may hold class names on every line. One
  number among them makes the line data, so that a typo in row 1 ("1,2x") is reported rather
  than the row taken silently for a header. A header cell left empty names its column
  "column N", as do all columns of a file without a header; names that are numbers ("1990")
  make a line data.
* Columns: by name (a header's cell) or by 0-based index given as a string ("2"); a name wins
  over an index. By default y is the last column and x every other column.
* Cells are stripped of surrounding whitespace. Blank lines and comment lines (whose first
  non-blank character is #), anywhere, are skipped but still counted, so a "row N" in an error
  is the file's line N, as an editor or spreadsheet numbers it, header included. A UTF-8
  byte-order mark is accepted. NaN and infinity are refused.

Every problem raises `DataError` with a one-line message that names the file, and the row and
the column where it applies. Numpy and the standard library only; no I/O but reading the file.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from ..errors import DataError, display_path, os_error_message
from ..settings import EXAMPLES

DATA = Path(__file__).resolve().parents[1] / "data"
RENAMED = {"admissions": "ex2data1.csv"}  # bundled files not called NAME.csv (the course's name for this one)
DELIMITERS = ",;\t"
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", None: "whitespace"}
SAMPLE_LINES = 50  # lines of cells shown to csv.Sniffer
SHOWN = 40  # characters of a cell quoted in an error message
INDEX = re.compile(r"\d+")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
BYTE_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, and == on a dataclass compares tuples
class Table:
    """The rows of a table as arrays: x (m, d) float64 features and y (m,) the target or labels."""

    x: np.ndarray  # (m, d) float64, the feature columns
    y: np.ndarray  # (m,) float64; with labels=True float64 when every y cell is a number, else str
    x_names: list[str]  # the header's names, or "column 0", "column 1", ... without one
    y_name: str
    source: str  # the path, or "example NAME"


def example_path(name: str) -> Path:
    """The bundled file of example `name` (one of settings.EXAMPLES) in paintlr/data: NAME.csv, or
    the file RENAMED gives."""
    if name not in EXAMPLES:
        raise DataError(f"unknown example {name!r}: the examples are {', '.join(EXAMPLES)}")
    return DATA / RENAMED.get(name, f"{name}.csv")


def load_example(name: str, *, x: Sequence[str] = (), y: str | None = None, labels: bool = False) -> Table:
    """A bundled table by name, as load_table reads it; its source (and errors) say "example NAME"."""
    return _load(example_path(name), f"example {name}", x, y, labels)


def load_table(source: str | PathLike, *, x: Sequence[str] = (), y: str | None = None,
               labels: bool = False) -> Table:
    """Read the table in the file at `source` (a path; bundled tables come from load_example).

    CSV with or without a header row (comma, semicolon or tab, detected) or whitespace-separated
    text; the module docstring gives the rules. `x` names the feature columns (repeatable) and `y`
    the target, each by name or 0-based index as a string ("2"); by default the last column is y
    and the others are x. labels=True (classify): y may hold numbers or class names; the labels
    come back as float64 if every y cell is a number (NaN and infinity refused), else as strings
    (where "nan" is a class name like any other), and there must be two or more classes.
    Raises DataError, with a one-line message, for anything it cannot use.
    """
    return _load(Path(source), display_path(str(source)), x, y, labels)


def _load(path: Path, src: str, x: Sequence[str], y: str | None, labels: bool) -> Table:
    x_specs = [x.strip()] if isinstance(x, str) else [str(s).strip() for s in x]
    y_spec = None if y is None else str(y).strip()
    table, delimiter = _rows(path, src)
    header, names, x_cols, y_col = _columns(src, table[0][1], x_specs, y_spec, labels)
    data = table[1:] if header else table
    _check_rows(src, data, table[0], delimiter)

    def column(c: int) -> str:
        return f"column {names[c]!r}" if header else f"column {c}"

    def value(number: int, cells: list[str], c: int) -> float:
        cell = cells[c]
        if not cell:
            raise DataError(f"{src}: row {number}, {column(c)}: missing value (empty cell)")
        v = _number(cell)
        if v is None:
            raise DataError(f"{src}: row {number}, {column(c)}: {_show(cell)} is not a number")
        if not np.isfinite(v):
            raise DataError(f"{src}: row {number}, {column(c)}: {_show(cell)} is not a finite number")
        return v

    xs = np.empty((len(data), len(x_cols)), dtype=np.float64)
    ys = np.empty(len(data), dtype=np.float64)
    given: list[str] = []  # labels=True: the y cells as written
    for i, (number, cells) in enumerate(data):  # the first bad cell by row, then left to right
        for c in sorted([*x_cols, y_col]):
            if c != y_col:
                xs[i, x_cols.index(c)] = value(number, cells, c)
            elif not labels:
                ys[i] = value(number, cells, c)
            elif not cells[c]:
                raise DataError(f"{src}: row {number}, {column(c)}: missing label (empty cell)")
            else:
                given.append(cells[c])
    if labels:
        values = [_number(cell) for cell in given]
        if all(v is not None for v in values):  # numbers: as for x, NaN and infinity are refused
            ys = np.array([value(number, cells, y_col) for number, cells in data], dtype=np.float64)
        else:
            ys = np.array(given, dtype=str)
        classes = np.unique(ys)
        if classes.size < 2:
            shown = f"{classes[0]:g}" if ys.dtype.kind == "f" else _show(str(classes[0]))
            raise DataError(f"{src}: {column(y_col)} holds one class only ({shown}) in every row; "
                            f"classifying needs two or more")
    for j, c in enumerate(x_cols):
        if np.all(xs[:, j] == xs[0, j]):
            raise DataError(f"{src}: {column(c)} has the same value ({xs[0, j]:g}) in every row; a constant "
                            f"x column leaves the model degenerate: choose other x columns")
    return Table(x=xs, y=ys, x_names=[names[c] for c in x_cols], y_name=names[y_col], source=src)


def _rows(path: Path, src: str) -> tuple[list[tuple[int, list[str]]], str | None]:
    """The file's lines of cells (not blank, not comments) as (row number, cells), and the delimiter
    that split them; refused if empty or if its first line has only one cell."""
    lines = LINE_BREAK.split(_read_text(path, src))
    rows = [(number, line) for number, line in enumerate(lines, start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise DataError(f"{src}: the file is empty")
    delimiter = _delimiter([line for _, line in rows[:SAMPLE_LINES]])
    table = [(number, _split(line, delimiter)) for number, line in rows]
    first_row, first = table[0]
    if len(first) < 2:
        name = f" ({_show(first[0])})" if first[0] and _number(first[0]) is None else ""
        raise DataError(f"{src}: row {first_row} has only one column{name}; a table needs an x column and a "
                        f"y column (cells separated by commas, semicolons, tabs or spaces)")
    return table, delimiter


def _check_rows(src: str, data: list[tuple[int, list[str]]], first: tuple[int, list[str]],
                delimiter: str | None) -> None:
    """Every data row as wide as the first row, and at least two of them."""
    first_row, width = first[0], len(first[1])
    for number, cells in data:
        if len(cells) != width:
            raise DataError(f"{src}: row {number} has {len(cells)} cells, but row {first_row} has {width} "
                            f"(cells separated by {DELIMITER_NAMES[delimiter]})")
    if len(data) < 2:
        where = f" (row {data[0][0]})" if data else ""
        raise DataError(f"{src}: {len(data)} data row{'' if len(data) == 1 else 's'}{where}; "
                        f"a table needs at least 2")


def _read_text(path: Path, src: str) -> str:
    """The file's text, or a DataError for a file that is missing, unreadable or not UTF-8 text."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(os_error_message(src, exc, "a data file")) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{src}: is UTF-16 (or UTF-32) text; save it as UTF-8")
    if b"\0" in raw:
        row = _row_at(raw, raw.index(b"\0"))
        raise DataError(f"{src}: not a text file (row {row} holds a NUL byte); a table is CSV or plain text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = _row_at(raw, exc.start)
        raise DataError(f"{src}: not UTF-8 text (row {row} holds the byte 0x{raw[exc.start]:02x}); "
                        f"save it as UTF-8") from None


def _row_at(raw: bytes, offset: int) -> int:
    """The 1-based line of the byte at `offset`, counting line breaks as the text is split."""
    return len(BYTE_LINE_BREAK.findall(raw, 0, offset)) + 1


def _delimiter(sample: list[str]) -> str | None:
    """',', ';' or tab by csv.Sniffer (else the one on most lines), or None: split on whitespace."""
    counts = {d: sum(d in line for line in sample) for d in DELIMITERS}
    if not any(counts.values()):
        return None
    try:
        found = csv.Sniffer().sniff("\n".join(sample), delimiters=DELIMITERS).delimiter
    except csv.Error:  # ragged lines, say: the row check then names the first that differs
        found = None
    if found in counts:
        return found
    return max(DELIMITERS, key=lambda d: counts[d])  # ties go to the earlier: ',' then ';' then tab


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    cells = next(csv.reader([line], delimiter=delimiter, quotechar='"', skipinitialspace=True), [])
    return [cell.strip() for cell in cells]


def _columns(src: str, first: list[str], x_specs: list[str], y_spec: str | None,
             labels: bool) -> tuple[bool, list[str], list[int], int]:
    """Whether the first row is a header, the column names, and the x and y columns (indexes)."""
    width = len(first)
    header_names = [cell or f"column {i}" for i, cell in enumerate(first)]
    plain_names = [f"column {i}" for i in range(width)]

    def words(columns) -> bool:  # a non-empty cell that is not a number, and no number
        cells = [first[c] for c in columns if first[c]]
        return bool(cells) and all(_number(cell) is None for cell in cells)

    try:
        x_cols, y_col = _select(src, x_specs, y_spec, header_names, header=True)
    except DataError:
        if words(range(width)):  # the first row looks like a header: list its names
            raise
    else:
        numeric = x_cols if labels else [*x_cols, y_col]
        by_name = any(s in first and _number(s) is None for s in [*x_specs, y_spec] if s is not None)
        if by_name or words(numeric):
            return True, header_names, x_cols, y_col
    x_cols, y_col = _select(src, x_specs, y_spec, plain_names, header=False)
    return False, plain_names, x_cols, y_col


def _select(src: str, x_specs: list[str], y_spec: str | None, names: list[str],
            header: bool) -> tuple[list[int], int]:
    y_col = len(names) - 1 if y_spec is None else _find(src, y_spec, names, header)
    x_cols = [_find(src, s, names, header) for s in x_specs]
    if not x_cols:
        return [c for c in range(len(names)) if c != y_col], y_col
    shown = (lambda c: repr(names[c])) if header else str
    for i, c in enumerate(x_cols):
        if c == y_col:
            raise DataError(f"{src}: column {shown(c)} is y and cannot be an x column too")
        if c in x_cols[:i]:
            raise DataError(f"{src}: column {shown(c)} is given twice as an x column")
    return x_cols, y_col


def _find(src: str, spec: str, names: list[str], header: bool) -> int:
    """The index of a column given by name or by 0-based index."""
    matches = [i for i, name in enumerate(names) if name == spec]
    if len(matches) > 1:
        raise DataError(f"{src}: {len(matches)} columns are named {_show(spec)} (indexes "
                        f"{', '.join(map(str, matches))}); give the column by its index")
    if matches:
        return matches[0]
    if INDEX.fullmatch(spec) and int(spec) < len(names):
        return int(spec)
    if header:
        available = f"the columns are {', '.join(map(repr, names))} (or indexes 0 to {len(names) - 1})"
    else:
        available = f"the file has no header, so give a column by its index, 0 to {len(names) - 1}"
    raise DataError(f"{src}: no column {_show(spec)}: {available}")


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _show(cell: str) -> str:
    """A cell quoted for a one-line message, shortened if long."""
    return repr(cell if len(cell) <= SHOWN else cell[: SHOWN - 3] + "...")

