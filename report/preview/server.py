"""The preview's web server (tornado): the site folder as it is on disk, each HTML page with
the reload script added, and a WebSocket that tells open pages to reload or shows an error.

Only on 127.0.0.1. Nothing is cached by the browser: a reload always shows the new build.
"""

from __future__ import annotations

import json
from pathlib import Path

import tornado.web
import tornado.websocket

CLIENT = Path(__file__).with_name("client.js")
EVENTS_PATH = "/_preview/events"
PLACEHOLDER = (b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
               b"<title>Building...</title></head><body><p>No site has been built yet; this "
               b"page reloads when the first build finishes.</p></body></html>")


def with_client(html: bytes) -> bytes:
    """The page with the preview's script before </body> (or at the end)."""
    script = b"<script>" + CLIENT.read_bytes() + b"</script>\n"
    at = html.rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


class Hub:
    """The open pages, and the last rebuild's error (None once a build succeeds)."""

    def __init__(self) -> None:
        self.pages: set[EventsHandler] = set()
        self.error: str | None = None

    def send(self, message: dict) -> None:
        """To every open page; call it on the server's event loop."""
        text = json.dumps(message)
        for page in list(self.pages):
            try:
                page.write_message(text)
            except tornado.websocket.WebSocketClosedError:
                self.pages.discard(page)


class EventsHandler(tornado.websocket.WebSocketHandler):
    def initialize(self, hub: Hub) -> None:
        self.hub = hub

    def open(self) -> None:
        self.hub.pages.add(self)
        if self.hub.error is not None:  # a page opened after a failed rebuild shows it too
            self.write_message(json.dumps({"type": "error", "message": self.hub.error}))

    def on_close(self) -> None:
        self.hub.pages.discard(self)


class SiteHandler(tornado.web.StaticFileHandler):
    """Files of the site folder; HTML pages get the reload script."""

    async def get(self, path: str, include_body: bool = True) -> None:
        if not (Path(self.root) / "index.html").is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(with_client(PLACEHOLDER))
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None):
        if abspath.endswith(".html"):
            yield with_client(Path(abspath).read_bytes())[start:end]
            return
        yield from super().get_content(abspath, start, end)

    def get_content_size(self) -> int:
        if self.absolute_path and self.absolute_path.endswith(".html"):
            return len(with_client(Path(self.absolute_path).read_bytes()))
        return super().get_content_size()


def make_app(site: Path, hub: Hub) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (EVENTS_PATH, EventsHandler, {"hub": hub}),
            (r"/(.*)", SiteHandler, {"path": str(site), "default_filename": "index.html"}),
        ],
        compress_response=True,  # as static hosts send text files
    )
