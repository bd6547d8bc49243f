#!/usr/bin/env python3
"""Checks a report.html as headless Chromium rendered it (`make report-check`).

usage: check_report_html.py RENDERED_DOM.html SCREENSHOT.png

The DOM Chromium dumps after loading the page must hold the report's title, its tables
(models, verdicts, at least one per-layer table) and its inline SVG charts, each chart with
its title and every point's label; the screenshot must be a non-empty PNG. Exits 1 naming
what is missing.
"""
import sys
from html.parser import HTMLParser


class Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = {}
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_data(self, data):
        self.text.append(data)


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2])
        return 2
    dom, screenshot = sys.argv[1], sys.argv[2]
    page = Counter()
    with open(dom, encoding="utf-8") as file:
        page.feed(file.read())
    text = " ".join(page.text)
    problems = []
    if "GreenNN benchmark report" not in text:
        problems.append("the title is missing")
    if page.tags.get("table", 0) < 3:
        problems.append(f"{page.tags.get('table', 0)} tables, expected at least 3 (models, verdicts, per layer)")
    if page.tags.get("svg", 0) < 3:
        problems.append(f"{page.tags.get('svg', 0)} charts, expected 3 (MACs vs latency, layer times, roofline)")
    for label in ["lenet5 b1 (baseline)", "lenet5-ds b1", "lenet5-lowrank b1", "realised"]:
        if label not in text:
            problems.append(f"'{label}' does not appear on the page")
    with open(screenshot, "rb") as file:
        png = file.read()
    if not png.startswith(b"\x89PNG") or len(png) < 10_000:
        problems.append(f"the screenshot is not a rendered page ({len(png)} bytes)")
    if problems:
        print("report.html check failed:\n  " + "\n  ".join(problems))
        return 1
    print(f"report.html renders in Chromium: {page.tags.get('table', 0)} tables, {page.tags.get('svg', 0)} charts, "
          f"screenshot {len(png):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
