"""The Downloads page reads on a phone and on a laptop, with either engine: at 390 px each
file is a block that fits the screen (nothing behind a sideways scroll, the wheel's SHA-256
whole and in view), at 1280 px a table; at both, no word of a file's name is split across
lines (Bootstrap's `.table a` and pandoc's equal column widths split them letter by letter)."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers import serve, settle

pytestmark = pytest.mark.e2e

# Where the Downloads table's pieces land: the right edge of every element in it, whether its
# box scrolls, how its rows are laid out, the SHA-256 shown, and the names' words that take
# more than one line.
MEASURE = """() => {
  const box = document.querySelector('.downloads');
  const table = box.querySelector('table');
  const scroller = table.closest('.table-scroll') || table.parentElement;
  const lines = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  };
  const split = [];
  for (const link of table.querySelectorAll('tbody td:first-child a')) {
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s-]+/g)) {  // a hyphen may break
        if (lines(node, m.index, m.index + m[0].length) > 1) split.push(m[0]);
      }
    }
  }
  const code = table.querySelector('td code');
  const rect = code && code.getBoundingClientRect();
  return {
    right: Math.max(...[...box.querySelectorAll('*')].map(e => e.getBoundingClientRect().right)),
    scrolls: scroller.scrollWidth > scroller.clientWidth,
    clipped: [...table.querySelectorAll('td')].filter(td => td.scrollWidth > td.clientWidth)
      .map(td => td.innerText),
    rowDisplay: getComputedStyle(table.querySelector('tbody tr')).display,
    headShown: table.querySelector('thead').getBoundingClientRect().height > 1,
    sha: code && code.innerText.replace(/\\s/g, ''),
    shaBox: rect && {left: rect.left, right: rect.right, height: rect.height},
    split,
  };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_downloads_fit_the_screen_with_the_wheel_digest_in_view(page, engine_site, width):
    site, _, engine = engine_site
    wheel = next((site / "downloads").glob("kmeans_report-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    page.set_viewport_size({"width": width, "height": 900})
    with serve(site) as url:
        page.goto(url + "downloads.html")
        settle(page)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, engine
        got = page.evaluate(MEASURE)
    where = f"{engine}, {width} px"
    assert got["right"] <= width, where
    assert not got["scrolls"] and got["clipped"] == [], where
    assert got["split"] == [], where  # "Segment assignments" never as "Segme / nt"
    assert got["sha"] == digest, where
    assert 0 <= got["shaBox"]["left"] and got["shaBox"]["right"] <= width, where
    assert got["shaBox"]["height"] > 0, where
    if width == 1280:
        assert got["rowDisplay"] == "table-row" and got["headShown"], where
    else:  # one block per file; the column heads are for screen readers only
        assert got["rowDisplay"] != "table-row" and not got["headShown"], where
