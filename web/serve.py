"""Serve the demo page and the chat widget on the loopback interface (used by `make web` and the tests).

Only the widget's own files are served: the top-level pages, scripts and styles of web/, and the
socket.io client from web/node_modules as /vendor/socket.io.min.js (no CDN). HTML pages get their
widget pointed at the Rasa server given by --server-url.

    python web/serve.py --port 8080 --server-url http://127.0.0.1:5005
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

WEB_DIR = Path(__file__).resolve().parent
SOCKETIO_DIST = WEB_DIR / "node_modules" / "socket.io-client" / "dist"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
SERVER_URL_ATTRIBUTE = re.compile(r'data-server-url="[^"]*"')


def routes(web_dir: Path = WEB_DIR) -> dict[str, Path]:
    """URL path -> file for everything this server is willing to send."""
    table = {
        f"/{path.name}": path
        for path in sorted(web_dir.iterdir())
        if path.is_file() and path.suffix in CONTENT_TYPES and path.suffix != ".map"
    }
    table["/"] = web_dir / "index.html"
    dist = web_dir / "node_modules" / "socket.io-client" / "dist"
    table["/vendor/socket.io.min.js"] = dist / "socket.io.min.js"
    table["/vendor/socket.io.min.js.map"] = dist / "socket.io.min.js.map"
    return table


def point_widget_at(page: str, server_url: str) -> str:
    """The HTML page with every widget's data-server-url set to `server_url`."""
    attribute = f'data-server-url="{html.escape(server_url, quote=True)}"'
    return SERVER_URL_ATTRIBUTE.sub(lambda _: attribute, page)


class WidgetHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the files listed by `routes()`; 404 for anything else."""

    server_version = "careerbot-web"

    def __init__(self, *args, table: dict[str, Path], server_url: str, **kwargs) -> None:
        self.table = table
        self.server_url = server_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """Send the file for the requested path."""
        self._respond(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """Send the headers for the requested path."""
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        path = self.table.get(urlsplit(self.path).path)
        if path is None or not path.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return
        body = path.read_bytes()
        if path.suffix == ".html":
            body = point_widget_at(body.decode("utf-8"), self.server_url).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", CONTENT_TYPES[path.suffix])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
        """One line per request on stderr, without the client address."""
        sys.stderr.write(f"web: {format % args}\n")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument(
        "--server-url",
        default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}",
        help="the Rasa server the widget talks to (default: http://127.0.0.1:$RASA_PORT, else 5005)",
    )
    args = parser.parse_args(argv)

    if not (SOCKETIO_DIST / "socket.io.min.js").is_file():
        print(
            f"The socket.io client is missing ({SOCKETIO_DIST / 'socket.io.min.js'}).\n"
            "Install it with: cd web && npm ci",
            file=sys.stderr,
        )
        return 1
    handler = partial(WidgetHandler, table=routes(), server_url=args.server_url)
    with ThreadingHTTPServer((args.host, args.port), handler) as httpd:
        print(f"Serving the widget demo on http://{args.host}:{args.port}/ "
              f"(widget -> {args.server_url})", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
