"""JSON lines on standard output (docs/operating.md), with the IDs :func:`bind` sets in a context
variable. Never a token, a body or a display name; an exception only as its type and frames.
Not :mod:`logging`, which takes twice as long a line."""

from __future__ import annotations

import functools
import json
import sys
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


def bind(*, api_request_id: str | None, lambda_request_id: str | None) -> None:
    """Start an invocation's context: request IDs set, contact ID unknown."""
    _context.set({**_EMPTY, "apiRequestId": api_request_id, "lambdaRequestId": lambda_request_id})


def bind_contact(contact_id: str) -> None:
    """Add the (validated) contact ID to the invocation's following lines."""
    _context.set({**_context.get(), "contactId": contact_id})


def clear() -> None:
    _context.set(_EMPTY)


def context() -> Mapping[str, str | None]:
    return _context.get()


def exception_fields(error: BaseException) -> dict[str, str]:
    """Describe an exception for a log line without its message."""
    import traceback  # only when needed

    frames = "".join(traceback.format_tb(error.__traceback__))
    return {"errorType": type(error).__name__, "traceback": frames}


@functools.lru_cache(maxsize=1)
def _utc(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


def timestamp(now: float) -> str:
    """UTC to the millisecond."""
    return f"{_utc(int(now))}.{int((now - int(now)) * 1000):03d}Z"


Fields = Mapping[str, Any] | None


class Logger:
    """Writes lines at :attr:`level` and above to ``sys.stdout`` (as it is at the time)."""

    def __init__(self, name: str) -> None:
        self.name, self.level = name, 20

    def debug(self, message: str, fields: Fields = None) -> None:
        if self.level <= 10:
            self.write("DEBUG", message, fields)

    def info(self, message: str, fields: Fields = None) -> None:
        if self.level <= 20:
            self.write("INFO", message, fields)

    def warning(self, message: str, fields: Fields = None) -> None:
        if self.level <= 30:
            self.write("WARNING", message, fields)

    def error(self, message: str, fields: Fields = None) -> None:
        self.write("ERROR", message, fields)

    def write(self, level: str, message: str, fields: Fields) -> None:
        """Never raises: a failure goes to standard error."""
        try:
            entry = {
                "timestamp": timestamp(time.time()),
                "level": level,
                "logger": self.name,
                "message": message,
                **_context.get(),
                **(fields or {}),
            }
            line = _ENCODER.encode(entry) + "\n"
            try:
                sys.stdout.write(line)
            except UnicodeEncodeError:  # a lone surrogate: its escape rather than no line
                encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
                sys.stdout.write(line.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
        except Exception:
            import traceback

            sys.stderr.write("--- Logging error ---\n")
            traceback.print_exc(file=sys.stderr)


LOGGER = Logger(LOGGER_NAME)


def configure(level: str) -> Logger:
    """:data:`LOGGER`, at ``level`` (in :data:`LEVELS`)."""
    LOGGER.level = LEVELS[level]
    return LOGGER
