"""The browser fixture itself: a file:// page runs its JavaScript, and nothing reaches the network."""

from __future__ import annotations

CANVAS_PAGE = """<!doctype html>
<html><body><canvas id="c" width="8" height="8"></canvas>
<script>
  const g = document.getElementById("c").getContext("2d");
  g.fillStyle = "rgb(255, 0, 0)";
  g.fillRect(0, 0, 8, 8);
  window.pixel = Array.from(g.getImageData(4, 4, 1, 1).data);
  window.answer = 42;
</script></body></html>
"""

FETCHING_PAGE = """<!doctype html>
<html><body><script>
  window.done = fetch("http://example.com/").then(() => "reached", () => "blocked");
</script></body></html>
"""


def test_file_page_runs_canvas_script_offline(page, tmp_path):
    html = tmp_path / "canvas.html"
    html.write_text(CANVAS_PAGE, encoding="utf-8")
    page.goto(html.as_uri())
    assert page.evaluate("window.answer") == 42
    assert page.evaluate("window.pixel") == [255, 0, 0, 255]
    assert page.console_errors == []
    assert page.network_requests == []


def test_network_request_is_blocked_and_recorded(page, tmp_path):
    html = tmp_path / "fetch.html"
    html.write_text(FETCHING_PAGE, encoding="utf-8")
    page.goto(html.as_uri())
    assert page.evaluate("window.done") == "blocked"
    assert page.network_requests == ["http://example.com/"]
    assert page.console_errors, "the aborted load is reported on the console too"
