"""An HTTP proxy in front of a real console that changes its JSON answers on the way back,
for the tests of answers that are not what the API declares (another version of the
console, a proxy that rewrote it)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

Tamper = Callable[[str, Any], Any]


@contextlib.contextmanager
def proxy(target: str, tamper: list[Tamper]) -> Iterator[str]:
    """An HTTP proxy on 127.0.0.1 in front of ``target``: each JSON answer goes through
    the functions in ``tamper`` (given the path) on its way back. Yields its address."""

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            keep = ("Authorization", "Content-Type")
            answer = httpx.request(
                self.command,
                target + self.path,
                content=self.rfile.read(length) if length else None,
                headers={k: v for k, v in self.headers.items() if k in keep},
                timeout=10,
            )
            body = answer.content
            if body and answer.headers.get("content-type", "").startswith("application/json"):
                data = json.loads(body)
                for change in tamper:
                    data = change(self.path, data)
                body = json.dumps(data).encode()
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("content-type", ""))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = _forward

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
