"""JSON logs, one object per line on standard output (docs/operating.md). Every line carries
``apiRequestId``, ``lambdaRequestId`` and ``contactId`` (null until a valid one is known), bound
per invocation (:func:`bind`) in a context variable; callers add ``fields``. Never a token, a
body or a display name; an exception only as its type and frames. Written without
:mod:`logging`, which would cost more per line than the rest of a request."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

#: ``broker`` in Lambda; another name when the package is imported under another one.
LOGGER_NAME = __name__.rpartition(".")[0] or "broker"
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
_EMPTY = dict.fromkeys(("apiRequestId", "lambdaRequestId", "contactId"))
_context: ContextVar[dict[str, str | None]] = ContextVar("log", default=_EMPTY)
_ENCODER = json.JSONEncoder(
    default=str,
    ensure_ascii=False,  # pragma: no mutate (JSON-equal)
    separators=(",", ":"),  # pragma: no mutate (JSON-equal)
)
#: The last second written and its text (one tuple: threads read it whole).
_second: tuple[int, str] = (-1, "")


def bind(*, api_request_id: str | None, lambda_request_id: str | None) -> None:
    """Start an invocation's context: request IDs set, contact ID unknown."""
    _context.set(
        {"apiRequestId": api_request_id, "lambdaRequestId": lambda_request_id, "contactId": None}
    )


def bind_contact(contact_id: str) -> None:
    """Add the (validated) contact ID to every following line of this invocation."""
    _context.set({**_context.get(), "contactId": contact_id})


def clear() -> None:
    _context.set(_EMPTY)


def context() -> Mapping[str, str | None]:
    """This invocation's IDs (read only)."""
    return _context.get()


def exception_fields(error: BaseException) -> dict[str, str]:
    """Describe an exception for a log line without its message."""
    import traceback  # only here: no request that goes well pays for importing it

    frames = "".join(traceback.format_tb(error.__traceback__))
    return {"errorType": type(error).__name__, "traceback": frames}


def timestamp(now: float) -> str:
    """``now`` in UTC to the millisecond: ``2026-11-26T01:41:28.072Z``."""
    global _second
    second, text = _second
    if second != int(now):
        second = int(now)
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second = (second, text)
    return f"{text}.{int((now - second) * 1000):03d}Z"


class Logger:
    """Writes lines at :attr:`level` and above to whatever ``sys.stdout`` is at write time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.level = LEVELS["INFO"]
        self._lock = threading.Lock()

    def debug(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        if self.level <= 10:
            self.write("DEBUG", message, fields)

    def info(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        if self.level <= 20:
            self.write("INFO", message, fields)

    def warning(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        if self.level <= 30:
            self.write("WARNING", message, fields)

    def error(self, message: str, fields: Mapping[str, Any] | None = None) -> None:
        self.write("ERROR", message, fields)

    def write(self, level: str, message: str, fields: Mapping[str, Any] | None) -> None:
        """Write one line; a failure is reported on standard error, never raised."""
        try:
            entry: dict[str, Any] = {
                "timestamp": timestamp(time.time()),
                "level": level,
                "logger": self.name,
                "message": message,
                **_context.get(),
            }
            if fields:
                entry.update(fields)
            line = _ENCODER.encode(entry) + "\n"
            with self._lock:
                try:
                    sys.stdout.write(line)
                except UnicodeEncodeError:
                    # Text the stream cannot encode (a lone surrogate in UTF-8): write its
                    # escapes rather than lose the line.
                    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
                    sys.stdout.write(line.encode(encoding, "backslashreplace").decode(encoding))
                sys.stdout.flush()
        except Exception:
            import traceback

            sys.stderr.write("--- Logging error ---\n")
            traceback.print_exc(file=sys.stderr)


LOGGER = Logger(LOGGER_NAME)


def configure(level: str) -> Logger:
    """Return :data:`LOGGER`, writing lines at ``level`` (``DEBUG`` ... ``ERROR``) and above."""
    LOGGER.level = LEVELS[level]
    return LOGGER
