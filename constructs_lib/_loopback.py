"""What the simulated Connect and the local broker share: an HTTP server on a loopback
address, run in a background thread, usable as a context manager."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import ClassVar, Self


class LoopbackService:
    """Base of a service with ``start()``/``stop()`` and a bound ``ThreadingHTTPServer``."""

    #: How errors name the service, for example ``"fake connect"``.
    service_name: ClassVar[str] = "service"
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Self:
        """Start serving; return ``self``."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop serving. Safe to call twice."""
        raise NotImplementedError

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
