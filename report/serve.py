"""`kmeans-report serve`: preview a built site on 127.0.0.1 (never on other interfaces)."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
from pathlib import Path

from .errors import ReportError

HOST = "127.0.0.1"


# Text formats a static host (GitHub Pages, Netlify, nginx with gzip on) sends compressed;
# the preview does the same so that what it shows, and what a benchmark measures against it,
# is what readers download.
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map", ".mjs"}


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 — stdlib signature
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if (os.path.isdir(path) and self.path.split("?")[0].endswith("/")
                and os.path.isfile(os.path.join(path, "index.html"))):
            path = os.path.join(path, "index.html")
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and os.path.isfile(path) and Path(path).suffix in COMPRESSIBLE):
            return super().send_head()
        stat = os.stat(path)
        body = _gzipped(path, stat.st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


def make_server(directory: Path, port: int = 0) -> http.server.ThreadingHTTPServer:
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        raise ReportError(f"{directory}: no built site here (index.html missing); run `kmeans-report build` first")
    handler = functools.partial(QuietHandler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise ReportError(f"cannot listen on {HOST}:{port}: {exc.strerror}; try --port 0") from None


def serve_forever(directory: Path, port: int = 8000) -> None:
    server = make_server(directory, port)
    host, real_port = server.server_address[:2]
    print(f"Serving {directory}/ at http://{host}:{real_port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
