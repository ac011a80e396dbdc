"""What the simulated Connect and the local broker share: an HTTP server on a loopback
address, run in a background thread, usable as a context manager."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any, ClassVar, Self


class LoopbackRequestHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 whose every method, whatever its name, goes to ``_serve``.

    ``TCP_NODELAY``: a response goes out as two writes (headers, body); with Nagle's algorithm
    the second waits for the client's delayed ACK, about 40 ms per call on loopback.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        """Answer the request, whatever its method."""
        raise NotImplementedError

    def __getattr__(self, name: str) -> Any:
        """``do_<METHOD>`` for every method, HEAD, OPTIONS, TRACE and unknown ones included
        (``BaseHTTPRequestHandler`` answers a method it finds no ``do_`` for with a 501 HTML
        page, not the service's own answer)."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server whose listen backlog holds a burst of simultaneous clients (the
    standard library's 5 would refuse the rest, as no real endpoint does)."""

    request_queue_size = 128
    daemon_threads = True


class LoopbackService:
    """Base of a service with ``start()``/``stop()`` and a bound ``ThreadingHTTPServer``."""

    #: How errors name the service, for example ``"fake connect"``.
    service_name: ClassVar[str] = "service"
    _server: HTTPServer | None = None

    def start(self) -> Self:
        """Start serving; return ``self``."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop serving. Safe to call twice."""
        raise NotImplementedError

    def _serve_in_background(self, server: HTTPServer, name: str) -> threading.Thread:
        """Serve ``server`` (now ``_server``) in a daemon thread that notices ``shutdown()``
        within 50 ms; return the thread, started."""
        self._server = server
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name=name
        )
        thread.start()
        return thread

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL the service answers on, for example ``http://127.0.0.1:54321``."""
        if self._server is None:
            raise RuntimeError(f"{self.service_name} is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"
