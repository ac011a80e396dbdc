"""HTTPS (HTTP for an endpoint URL override) on connections kept for the next invocations,
checked before reuse as urllib3 does (a closed socket reads as ready). TLS verifies the
certificate and the host name; ``AWS_CA_BUNDLE``, when set, is the only trust, as for botocore.
"""

from __future__ import annotations

import http.client
import os
import select
import ssl
import threading
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

from . import errors

MAX_IDLE = 10
Connection = http.client.HTTPConnection


class Response(NamedTuple):
    status: int
    headers: dict[str, str]
    """Names lowercased; the last of a repeated header, as botocore keeps it."""
    body: bytes


def tls_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=environ.get("AWS_CA_BUNDLE") or None)


def _dropped(connection: Connection) -> bool:
    sock = connection.sock
    if sock is None:
        return True
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


class Transport:
    """Pooled connections, safe to share between threads."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self._context = context
        self._idle: dict[tuple[str, str, int | None], list[Connection]] = {}
        self._lock = threading.Lock()
        self.opened = 0

    def context(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = tls_context(os.environ)
        return self._context

    def _take(self, key: tuple[str, str, int | None]) -> Connection | None:
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                connection = idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        return None

    def _give_back(self, key: tuple[str, str, int | None], connection: Connection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < MAX_IDLE:
                idle.append(connection)
                return
        connection.close()

    def _open(self, url: str, timeout: float) -> Connection:
        parts = urlsplit(url)
        host = parts.hostname or ""
        connection: Connection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                host, parts.port, timeout=timeout, context=self.context()
            )
        else:
            connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
        try:
            connection.connect()
        except ssl.SSLError as error:
            raise errors.SSLError(url, error) from error
        except TimeoutError as error:
            raise errors.ConnectTimeoutError(url) from error
        except OSError as error:
            raise errors.EndpointConnectionError(url) from error
        self.opened += 1
        return connection

    def send(
        self,
        *,
        method: str,
        url: str,
        host: str,
        headers: list[tuple[str, str]],
        body: bytes | None,
        connect_timeout: float,
        read_timeout: float,
    ) -> Response:
        """The whole answer (sent as urllib3 sends botocore's: ``Host``, ``Accept-Encoding:
        identity``, the headers); an :class:`~.errors.HTTPClientError` if none."""
        parts = urlsplit(url)
        key = (parts.scheme, host, parts.port)
        connection = self._take(key) or self._open(url, connect_timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            if connection.sock is not None:
                connection.sock.settimeout(read_timeout)
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in [("Host", host), ("Accept-Encoding", "identity"), *headers]:
                connection.putheader(name, value.encode("utf-8"))
            connection.endheaders(body)
            answer = connection.getresponse()
            data = answer.read()
        except TimeoutError as error:
            connection.close()
            raise errors.ReadTimeoutError(url) from error
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise errors.ConnectionClosedError(url) from error
        if answer.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        received = {name.lower(): value for name, value in answer.getheaders()}
        return Response(answer.status, received, data)

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()
