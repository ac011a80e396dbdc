"""The requests the simulated Connect received, as tests read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .contacts import (
    CREATE_PARTICIPANT,
    CREATE_PARTICIPANT_PATH,
    DESCRIBE_CONTACT,
    DESCRIBE_CONTACT_PATH,
)


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request the fake received (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None

    @property
    def operation(self) -> str | None:
        """``CreateParticipant``, ``DescribeContact``, or ``None`` for anything else."""
        path = self.path.split("?", 1)[0]
        if self.method == "POST" and path == CREATE_PARTICIPANT_PATH:
            return CREATE_PARTICIPANT
        if self.method == "GET" and DESCRIBE_CONTACT_PATH.fullmatch(path):
            return DESCRIBE_CONTACT
        return None
