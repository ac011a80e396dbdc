"""JSON logs, one object per line on standard output (docs/operating.md). Every line carries
``apiRequestId``, ``lambdaRequestId`` and ``contactId`` (null until a valid one is known), bound
per invocation (:func:`bind`) in a context variable; callers add ``extra={"fields": {...}}``.
Never a token, a body or a display name; an exception only as its type and frames."""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from contextvars import ContextVar
from typing import Any

#: ``broker`` in Lambda; another name when the package is imported under another one.
LOGGER_NAME = __name__.rpartition(".")[0] or "broker"
LOGGER = logging.getLogger(LOGGER_NAME)
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
    """Add the (validated) contact ID to every following line of this invocation."""
    _context.set({**_context.get(), "contactId": contact_id})


def clear() -> None:
    _context.set(_EMPTY)


def context() -> dict[str, str | None]:
    return dict(_context.get())


def exception_fields(error: BaseException) -> dict[str, str]:
    """Describe an exception for a log line without its message."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    return {"errorType": type(error).__name__, "traceback": frames}


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        created = time.gmtime(record.created)
        entry: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", created) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_context.get(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return _ENCODER.encode(entry)


class StdoutHandler(logging.Handler):
    """Write to whatever ``sys.stdout`` is at emit time."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + "\n"
            try:
                sys.stdout.write(line)
            except UnicodeEncodeError:
                # Text the stream cannot encode (a lone surrogate in UTF-8): write its
                # escapes rather than lose the line.
                encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
                sys.stdout.write(line.encode(encoding, "backslashreplace").decode(encoding))
            sys.stdout.flush()
        except Exception:
            self.handleError(record)  # pragma: no mutate (stderr text only)


def configure(level: str) -> logging.Logger:
    """Return :data:`LOGGER`, writing JSON lines at ``level`` (idempotent)."""
    logger = LOGGER
    if not any(isinstance(handler, StdoutHandler) for handler in logger.handlers):
        handler = StdoutHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return logger
