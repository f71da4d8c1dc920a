"""`kmeans-report serve`: preview a built site on 127.0.0.1 (never on other interfaces)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from .errors import ReportError

HOST = "127.0.0.1"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 — stdlib signature
        pass


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
