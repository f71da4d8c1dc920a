"""The preview server sends text files compressed, as static hosts do, and others as they are."""

from __future__ import annotations

import gzip
import threading
import urllib.error
import urllib.request

import pytest

from kmeans_report.report.errors import ReportError
from kmeans_report.report.serve import make_server


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<h1>Home</h1>" * 200, encoding="utf-8")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "chart.svg").write_text("<svg>" + "<path d='M0 0'/>" * 500 + "</svg>")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + bytes(300))
    server = make_server(tmp_path, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def fetch(url: str, gzip_ok: bool = True, method: str = "GET"):
    headers = {"Accept-Encoding": "gzip, deflate"} if gzip_ok else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers, method=method)) as r:
        return r.headers, r.read()


def test_text_files_are_sent_gzipped_and_decompress_to_the_file(site):
    root, url = site
    for name, path in [("", "index.html"), ("figures/chart.svg", "figures/chart.svg")]:
        headers, body = fetch(url + name)
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(body) < (root / path).stat().st_size / 5
        assert gzip.decompress(body) == (root / path).read_bytes()
    assert fetch(url + "figures/chart.svg")[0]["Content-Type"] == "image/svg+xml"


def test_binary_files_and_clients_without_gzip_get_the_plain_file(site):
    root, url = site
    headers, body = fetch(url + "logo.png")
    assert headers["Content-Encoding"] is None and body == (root / "logo.png").read_bytes()
    headers, body = fetch(url + "index.html", gzip_ok=False)
    assert headers["Content-Encoding"] is None and body == (root / "index.html").read_bytes()


def test_head_sends_headers_only_and_missing_files_are_404(site):
    _, url = site
    headers, body = fetch(url + "index.html", method="HEAD")
    assert body == b"" and int(headers["Content-Length"]) > 0
    with pytest.raises(urllib.error.HTTPError) as err:
        fetch(url + "nope.svg")
    assert err.value.code == 404


def test_a_folder_without_a_site_is_refused(tmp_path):
    with pytest.raises(ReportError, match="index.html missing"):
        make_server(tmp_path, 0)
