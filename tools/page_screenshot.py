"""Screenshot a paintlr player page in headless Chromium, for the README (run by `make figures`).

    python tools/page_screenshot.py PAGE.html OUT.png [FRAME] [RATE EPOCH]

Shows recorded frame FRAME (0-based) and, on a page with live sliders, the closed form at
RATE and EPOCH. Needs Debian's chromium and the playwright package (the dev extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(page_path: str, out: str, frame: str = "0", rate: str | None = None,
         epoch: str | None = None) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(Path(page_path).resolve().as_uri())
        page.evaluate(f"paintlr.show({int(frame)})")
        if rate is not None and epoch is not None:
            page.fill("#learning-rate", rate)
            page.fill("#epoch", epoch)
        page.wait_for_timeout(300)
        page.screenshot(path=out, full_page=True)
        browser.close()
    if errors:
        sys.exit(f"{page_path}: the page raised {errors[0]}")


if __name__ == "__main__":
    main(*sys.argv[1:])
