"""Reading tables for fit and classify: every format, the bundled examples, and one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from paintlr import settings
from paintlr.errors import DataError, PaintlrError
from paintlr.io.tabular import Table, _delimiter, example_path, load_example, load_table

DATA = Path(__file__).resolve().parents[2] / "paintlr" / "data"


@pytest.fixture
def table(tmp_path):
    """table(text_or_bytes, name="t.csv") -> path of a file holding it, written byte for byte."""

    def write(content: str | bytes, name: str = "t.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


def error(path, **options) -> str:
    """The message load_table raises for `path`, checked to be one line."""
    with pytest.raises(DataError) as caught:
        load_table(path, **options)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message, message
    return message


def check(t: Table, x, y, x_names, y_name):
    assert t.x.dtype == np.float64 and t.x.shape == np.shape(x)
    np.testing.assert_array_equal(t.x, x)
    np.testing.assert_array_equal(t.y, y)
    assert (t.x_names, t.y_name) == (x_names, y_name)


# ---- formats -------------------------------------------------------------------------------------

def test_comma_with_header(table):
    t = load_table(table("x,y\n1,1\n2,3\n3,3\n"))
    check(t, [[1], [2], [3]], [1, 3, 3], ["x"], "y")
    assert t.y.dtype == np.float64 and t.x.shape == (3, 1) and t.y.shape == (3,)


def test_source_is_the_path_as_given(table):
    path = table("x,y\n1,1\n2,3\n")
    assert load_table(path).source == str(path)
    assert load_table(str(path)).source == str(path)


def test_semicolon(table):
    check(load_table(table("a;b;c\n1;2;3\n4;5;7\n")), [[1, 2], [4, 5]], [3, 7], ["a", "b"], "c")


def test_tab(table):
    check(load_table(table("a\tb\n1.5\t2\n3\t4\n")), [[1.5], [3]], [2, 4], ["a"], "b")


def test_whitespace_without_header(table):
    t = load_table(table("1 1\n2   3\n  3 3  \n"))
    check(t, [[1], [2], [3]], [1, 3, 3], ["column 0"], "column 1")


def test_whitespace_with_header(table):
    check(load_table(table("x y\n1 1\n2 3\n")), [[1], [2]], [1, 3], ["x"], "y")


def test_comma_without_header(table):
    check(load_table(table("1,2,3\n4,5,7\n")), [[1, 2], [4, 5]], [3, 7], ["column 0", "column 1"], "column 2")


def test_utf8_byte_order_mark(table):
    check(load_table(table("\ufeffx,y\n1,1\n2,3\n")), [[1], [2]], [1, 3], ["x"], "y")


def test_blank_lines_are_skipped_and_counted(table):
    path = table("\nx,y\n\n1,1\n   \n2,3\n\n")
    check(load_table(path), [[1], [2]], [1, 3], ["x"], "y")
    assert "row 6," in error(table("\nx,y\n\n1,1\n   \n2,oops\n\n"))


def test_comment_lines_are_skipped_anywhere_and_counted(table):
    path = table("# measured 2024-01-02, x in s\nx,y\n  # a note, indented\n1,1\n2,3\n#,#\n3,3\n")
    check(load_table(path), [[1], [2], [3]], [1, 3, 3], ["x"], "y")
    check(load_table(table("# no header below\n1;1\n2;3\n")), [[1], [2]], [1, 3], ["column 0"], "column 1")
    message = error(table("# about\nx,y\n1,1\n# skipped\n2,oops\n"))
    assert message.endswith("row 5, column 'y': 'oops' is not a number")


def test_a_file_of_comments_only_is_empty(table):
    assert error(table("# nothing\n  # here\n")).endswith("the file is empty")


def test_crlf_and_cr_line_endings(table):
    check(load_table(table("x,y\r\n1,1\r\n2,3\r\n")), [[1], [2]], [1, 3], ["x"], "y")
    assert "row 3," in error(table("x,y\r1,1\r2,oops\r"))


def test_cells_are_stripped_and_numbers_in_any_float_form(table):
    t = load_table(table(" x , y \n 3 ,1e3\n-0.5, +2\n"))
    check(t, [[3], [-0.5]], [1000, 2], ["x"], "y")


def test_quoted_cells(table):
    t = load_table(table('"exam, first","y"\n"1",2\n"3",4\n'))
    check(t, [[1], [3]], [2, 4], ["exam, first"], "y")
    check(load_table(table('a, "b"\n1, "2"\n3, "4"\n')), [[1], [3]], [2, 4], ["a"], "b")  # after a space


def test_empty_header_cell_names_its_column_by_index(table):
    t = load_table(table(",a,b\n0,1,2\n1,3,5\n"))
    assert t.x_names == ["column 0", "a"] and t.y_name == "b"


def test_columns_by_name_by_index_and_several_x(table):
    path = table("a,b,c,d\n1,2,3,4\n5,7,8,9\n6,5,4,2\n")
    check(load_table(path, x=["c"], y="a"), [[3], [8], [4]], [1, 5, 6], ["c"], "a")
    check(load_table(path, x=["2"], y="0"), [[3], [8], [4]], [1, 5, 6], ["c"], "a")
    check(load_table(path, x=["d", "1"], y="c"), [[4, 2], [9, 7], [2, 5]], [3, 8, 4], ["d", "b"], "c")
    check(load_table(path, y="b"), [[1, 3, 4], [5, 8, 9], [6, 4, 2]], [2, 7, 5], ["a", "c", "d"], "b")
    check(load_table(path, x=("a",)), [[1], [5], [6]], [4, 9, 2], ["a"], "d")  # y defaults to the last


def test_x_may_be_a_single_string(table):
    check(load_table(table("a,bb,c\n1,2,3\n4,5,7\n"), x="bb"), [[2], [5]], [3, 7], ["bb"], "c")


def test_column_specs_are_stripped(table):
    path = table("a,b,c\n1,2,3\n4,5,7\n")
    check(load_table(path, x=[" c ", "0 "], y=" b"), [[3, 1], [7, 4]], [2, 5], ["c", "a"], "b")


def test_name_wins_over_index(table):
    path = table("a,0,b\n1,2,3\n4,5,7\n")  # a column named "0", which is column 1
    check(load_table(path, x=["0"], y="b"), [[2], [5]], [3, 7], ["0"], "b")


def test_columns_by_index_without_header(table):
    path = table("1 2 3\n4 5 7\n6 8 8\n")
    check(load_table(path, x=["2"], y="0"), [[3], [7], [8]], [1, 4, 6], ["column 2"], "column 0")
    check(load_table(path, x=["column 1"]), [[2], [5], [8]], [3, 7, 8], ["column 1"], "column 2")


def test_unselected_columns_may_hold_anything(table):
    path = table("name,h,w\nbob,1.8,80\n,1.6,60\n")
    check(load_table(path, x=["h"], y="w"), [[1.8], [1.6]], [80, 60], ["h"], "w")


def test_a_first_line_of_empty_cells_is_data(table):
    path = table(",\n1,2\n3,4\n")
    assert error(path) == f"{path}: row 1, column 0: missing value (empty cell)"


def test_in_classify_the_y_cell_does_not_decide_the_header(table):
    t = load_table(table("x1,x2,2020\n1,2,a\n3,4,b\n"), labels=True)  # y may be anything, even a number
    check(t, [[1, 2], [3, 4]], ["a", "b"], ["x1", "x2"], "2020")


def test_names_that_are_numbers_are_read_as_data(table):
    t = load_table(table("2010,2020\n1,2\n3,5\n"))  # documented: a line of numbers is data
    check(t, [[2010], [1], [3]], [2020, 2, 5], ["column 0"], "column 1")


def test_a_name_asked_for_makes_the_first_line_a_header(table):
    path = table("a,7,b\n1,2,3\n4,5,7\n")  # one number among the names: data, unless a name is asked for
    assert error(path) == f"{path}: row 1, column 0: 'a' is not a number"
    check(load_table(path, x=["a"], y="b"), [[1], [4]], [3, 7], ["a"], "b")


def test_string_labels(table):
    t = load_table(table("a,b,kind\n1,2,cat\n2,1, dog \n3,3,cat\n"), labels=True)
    assert t.y.tolist() == ["cat", "dog", "cat"] and t.y.dtype.kind in "UO"
    assert np.unique(t.y).tolist() == ["cat", "dog"]
    check(t, [[1, 2], [2, 1], [3, 3]], ["cat", "dog", "cat"], ["a", "b"], "kind")


def test_string_labels_without_header(table):
    t = load_table(table("1.4,0.2,setosa\n4.7,1.4,versicolor\n"), labels=True)
    check(t, [[1.4, 0.2], [4.7, 1.4]], ["setosa", "versicolor"], ["column 0", "column 1"], "column 2")


def test_numeric_labels_are_floats(table):
    t = load_table(table("a,b,y\n1,2,0\n2,1,1\n3,3,1.0\n"), labels=True)
    assert t.y.dtype == np.float64 and t.y.tolist() == [0, 1, 1]


def test_labels_mixing_numbers_and_names_are_strings(table):
    t = load_table(table("a,y\n1,1\n2,two\n3,nan\n"), labels=True)
    assert t.y.tolist() == ["1", "two", "nan"]


def test_numeric_labels_refuse_nan(table):
    path = table("a,y\n1,0\n2,1\n3,nan\n")
    assert error(path, labels=True) == f"{path}: row 4, column 'y': 'nan' is not a finite number"


def test_delimiter_falls_back_to_the_commonest_when_the_sniffer_gives_up():
    assert _delimiter(["1,2", "3,4,5", "6,7"]) == ","
    assert _delimiter(["1;2", "3;4;5", "6;7"]) == ";"
    assert _delimiter(["1 2", "3 4"]) is None



def test_the_fallback_counts_lines_holding_a_delimiter_not_its_occurrences(table):
    """Semicolons on every line and commas (decimal commas) on one: the sniffer gives up on the
    ragged row 4, semicolons are on most lines, and the error names row 4, not row 1."""
    text = "height;weight\n1.5;60\n1.6;65\n1.7\n1.8;70,5,71,5,72,5\n"
    assert _delimiter(text.splitlines()) == ";"
    path = table(text)
    assert error(path) == f"{path}: row 4 has 1 cells, but row 1 has 2 (cells separated by semicolons)"


# ---- errors: each one line, naming the row and the column --------------------------------------

def test_error_classes():
    assert issubclass(DataError, PaintlrError) and issubclass(DataError, ValueError)


def test_non_numeric_x_cell(table):
    path = table("exam1,exam2,admitted\n1,2,0\n3,4,1\n\n5,6,0\n7,8,1\n8,9,0\n9,abc,1\n")
    assert error(path) == f"{path}: row 8, column 'exam2': 'abc' is not a number"


def test_non_numeric_y_cell_for_fit(table):
    path = table("x,y\n1,2\n2,three\n")
    assert error(path) == f"{path}: row 3, column 'y': 'three' is not a number"


def test_first_bad_cell_by_row_then_column(table):
    path = table("a,b,y\n1,2,3\n4,5,bad\n6,bad,7\n")
    assert "row 3, column 'y'" in error(path)
    assert "row 3, column 'a'" in error(table("a,y\n1,2\nbad,bad\n"))
    assert "row 3, column 'y'" in error(table("y,a\n1,2\nbad,bad\n"), y="y")


def test_non_numeric_cell_without_header_names_the_column_by_index(table):
    path = table("1,2\n3,x4\n5,6\n")
    assert error(path) == f"{path}: row 2, column 1: 'x4' is not a number"


def test_typo_in_row_1_is_reported_not_taken_for_a_header(table):
    path = table("1,2x\n3,4\n5,6\n")
    assert error(path) == f"{path}: row 1, column 1: '2x' is not a number"


def test_long_cell_is_shortened(table):
    message = error(table("x,y\n1," + "z" * 500 + "\n2,3\n"))
    assert "'zzz" in message and "...' is not a number" in message and len(message) < 200


def test_missing_value(table):
    path = table("x,y\n1,2\n,3\n4,5\n")
    assert error(path) == f"{path}: row 3, column 'x': missing value (empty cell)"
    assert error(table("1,\n2,3\n")).endswith("row 1, column 1: missing value (empty cell)")


def test_missing_label(table):
    path = table("x,z,y\n1,2,a\n3,4,\n4,5,b\n")
    assert error(path, labels=True) == f"{path}: row 3, column 'y': missing label (empty cell)"


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-Infinity"])
def test_nan_and_infinity_are_refused(table, cell):
    path = table(f"x,y\n1,2\n2,{cell}\n")
    assert error(path) == f"{path}: row 3, column 'y': {cell!r} is not a finite number"


def test_nan_in_x_is_refused_for_classify_too(table):
    path = table("x,z,y\n1,2,a\nnan,3,b\n")
    assert error(path, labels=True) == f"{path}: row 3, column 'x': 'nan' is not a finite number"


def test_fewer_than_two_data_rows(table):
    path = table("x,y\n1,2\n")
    assert error(path) == f"{path}: 1 data row (row 2); a table needs at least 2"
    path = table("x,y\n\n", "header_only.csv")
    assert error(path) == f"{path}: 0 data rows; a table needs at least 2"


def test_constant_x_column(table):
    path = table("a,b,y\n1,5,2\n2,5,3\n3,5,4\n")
    message = error(path)
    assert message.startswith(f"{path}: column 'b' has the same value (5) in every row")
    assert "column 'a'" not in message
    assert "column 0 has the same value (7)" in error(table("7 1\n7 2\n"))


def test_constant_y_is_fine_for_fit(table):
    assert load_table(table("x,y\n1,5\n2,5\n")).y.tolist() == [5, 5]


def test_one_class(table):
    path = table("x,z,species\n1,2,setosa\n2,3,setosa\n")
    assert error(path, labels=True) == (f"{path}: column 'species' holds one class only ('setosa') in every "
                                        f"row; classifying needs two or more")
    assert "column 'y' holds one class only (1)" in error(table("x,y\n1,1\n2,1.0\n"), labels=True)


def test_unknown_column_name_lists_the_names(table):
    path = table("exam1,exam2,admitted\n1,2,0\n3,4,1\n")
    message = error(path, x=["exam3"])
    assert message == (f"{path}: no column 'exam3': the columns are 'exam1', 'exam2', 'admitted' "
                       f"(or indexes 0 to 2)")
    assert "no column 'result'" in error(path, y="result")


def test_unknown_column_index(table):
    path = table("a,b\n1,2\n3,4\n")
    assert error(path, x=["2"]) == f"{path}: no column '2': the columns are 'a', 'b' (or indexes 0 to 1)"
    assert "no column '-1'" in error(path, y="-1")


def test_unknown_column_without_header(table):
    path = table("1,2\n3,4\n")
    assert error(path, y="b") == (f"{path}: no column 'b': the file has no header, so give a column by its "
                                  f"index, 0 to 1")


def test_y_also_given_as_x(table):
    path = table("a,b,c\n1,2,3\n4,5,7\n")
    assert error(path, x=["a", "c"]) == f"{path}: column 'c' is y and cannot be an x column too"
    assert error(path, x=["1"], y="b") == f"{path}: column 'b' is y and cannot be an x column too"
    assert "column 2 is y" in error(table("1,2,3\n4,5,7\n"), x=["2"])


def test_x_given_twice(table):
    path = table("a,b,c\n1,2,3\n4,5,7\n")
    assert error(path, x=["a", "0"]) == f"{path}: column 'a' is given twice as an x column"


def test_duplicate_column_names(table):
    path = table("x,x,y\n1,2,3\n2,3,4\n")
    message = f"{path}: 2 columns are named 'x' (indexes 0, 1); give the column by its index"
    assert error(path, x=["x"]) == message
    check(load_table(path, x=["1"]), [[2], [3]], [3, 4], ["x"], "y")


@pytest.mark.parametrize(("text", "cells", "separator"), [
    ("x,y\n1,2\n3,4,5\n6,7\n", 3, "commas"),
    ("x;y\n1;2\n3\n", 1, "semicolons"),
    ("1 2\n3 4\n5\n", 1, "whitespace"),
])
def test_rows_with_a_different_number_of_cells(table, text, cells, separator):
    path = table(text)
    assert error(path) == f"{path}: row 3 has {cells} cells, but row 1 has 2 (cells separated by {separator})"


@pytest.mark.parametrize("content", ["", "\n\n", "  \n\t\n", "\ufeff"])
def test_empty_file(table, content):
    path = table(content)
    assert error(path) == f"{path}: the file is empty"


def test_single_column(table):
    path = table("x\n1\n2\n")
    assert error(path).startswith(f"{path}: row 1 has only one column ('x'); a table needs an x column")
    assert "row 2 has only one column;" in error(table("\n1\n2\n"))


def test_binary_file(table):
    path = table(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # a PNG's first bytes: \r\n and \n, then NUL
    assert error(path) == f"{path}: not a text file (row 3 holds a NUL byte); a table is CSV or plain text"


def test_undecodable_utf8_names_the_row(table):
    path = table("x,y\n1,2\ncaf\u00e9,3\n".encode("latin-1"))
    assert error(path) == f"{path}: not UTF-8 text (row 3 holds the byte 0xe9); save it as UTF-8"
    path = table("x,y\r1,2\r\n\u00e9,3\r".encode("latin-1"), "mac.csv")  # rows counted as load_table does
    assert error(path) == f"{path}: not UTF-8 text (row 3 holds the byte 0xe9); save it as UTF-8"


def test_utf16_file(table):
    path = table("x,y\n1,2\n3,4\n".encode("utf-16"))
    assert error(path) == f"{path}: is UTF-16 (or UTF-32) text; save it as UTF-8"


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    assert error(path) == f"{path}: no such file"


def test_directory(tmp_path):
    assert error(tmp_path) == f"{tmp_path}: is a directory, not a data file"


def test_permission_denied(table, monkeypatch):
    path = table("x,y\n1,2\n3,4\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert error(path) == f"{path}: permission denied"


def test_other_read_errors(table, monkeypatch):
    path = table("x,y\n1,2\n3,4\n")

    def broken(self):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "read_bytes", broken)
    assert error(path) == f"{path}: cannot read the file (Input/output error)"


def test_a_path_with_a_line_break_still_gives_one_line(tmp_path):
    path = tmp_path / "two\nlines.csv"
    message = error(path)
    assert message.endswith(": no such file") and "two\\nlines.csv" in message


# ---- the bundled examples -------------------------------------------------------------------------

def test_examples_are_the_commands_choices_and_exist():
    files = {name: example_path(name) for name in settings.EXAMPLES}
    assert files == {"points": DATA / "points.csv", "admissions": DATA / "ex2data1.csv",
                     "iris": DATA / "iris.csv"}
    for file in files.values():
        assert file.is_file()
        assert f"## `{file.name}`" in (DATA / "README.md").read_text()


def test_unknown_example():
    with pytest.raises(DataError) as caught:
        load_example("penguins")
    assert str(caught.value) == "unknown example 'penguins': the examples are points, admissions, iris"


def test_points_example_is_the_seed_notebooks_line():
    t = load_example("points")
    check(t, [[1], [2], [3], [4], [5]], [1, 3, 3, 3, 5], ["x"], "y")
    assert t.source == "example points"
    theta = np.linalg.lstsq(np.c_[np.ones(5), t.x], t.y, rcond=None)[0]
    np.testing.assert_allclose(theta, [0.6, 0.8], atol=1e-12)


def test_admissions_example():
    t = load_example("admissions", labels=True)
    assert t.x.shape == (100, 2) and t.y.shape == (100,) and t.y.dtype == np.float64
    assert (t.x_names, t.y_name, t.source) == (["exam1", "exam2"], "admitted", "example admissions")
    assert np.unique(t.y).tolist() == [0, 1] and int(t.y.sum()) == 60
    assert t.x[0].tolist() == [34.62365962451697, 78.0246928153624]  # the original's first row, to the digit


def test_iris_example():
    t = load_example("iris", labels=True)
    assert t.x.shape == (150, 2) and t.y.shape == (150,)
    assert (t.x_names, t.y_name, t.source) == (["petal_length", "petal_width"], "species", "example iris")
    classes, counts = np.unique(t.y, return_counts=True)
    assert classes.tolist() == ["setosa", "versicolor", "virginica"] and counts.tolist() == [50, 50, 50]
    setosa, versicolor, virginica = (t.x[t.y == c] for c in classes)
    assert setosa[:, 0].max() < min(versicolor[:, 0].min(), virginica[:, 0].min())  # apart from the rest
    assert versicolor[:, 0].max() > virginica[:, 0].min() and versicolor[:, 1].max() > virginica[:, 1].min()


def test_iris_example_is_scikit_learns_copy():
    datasets = pytest.importorskip("sklearn.datasets")
    iris = datasets.load_iris()
    t = load_example("iris", labels=True)
    np.testing.assert_array_equal(t.x, iris.data[:, 2:4])
    assert t.y.tolist() == iris.target_names[iris.target].tolist()


def test_iris_cannot_be_fitted_as_numbers():
    with pytest.raises(DataError) as caught:
        load_example("iris")
    assert str(caught.value) == "example iris: row 2, column 'species': 'setosa' is not a number"


def test_example_errors_name_the_example():
    with pytest.raises(DataError) as caught:
        load_example("points", x=["z"])
    assert str(caught.value) == "example points: no column 'z': the columns are 'x', 'y' (or indexes 0 to 1)"


def test_data_readme_documents_every_file():
    readme = (DATA / "README.md").read_text()
    for path in DATA.glob("*.csv"):
        assert f"## `{path.name}`" in readme
    assert re.search(r"intercept 0\.6.*slope 0\.8", readme, re.S)
