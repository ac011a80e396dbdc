"""Amazon Connect's DescribeContact and CreateParticipant (REST-JSON), as a botocore client
calls them with Connect's full service model (keyword arguments, answers, errors)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from . import client
from .operations import operation

DESCRIBE_CONTACT = operation("connect", "DescribeContact")
CREATE_PARTICIPANT = operation("connect", "CreateParticipant")


class ConnectClient(client.Client):
    """The two Connect operations of the broker, called like botocore's client methods."""

    SERVICE = client.Service("connect", rest=True)

    def describe_contact(self, *, InstanceId: str, ContactId: str) -> dict[str, Any]:
        """``GET /contacts/{InstanceId}/{ContactId}``."""
        path = f"/contacts/{quote(InstanceId, safe='')}/{quote(ContactId, safe='')}"
        return self.call(DESCRIBE_CONTACT, method="GET", path=path, headers=[], body=None)

    def create_participant(self, **params: Any) -> dict[str, Any]:
        """``POST /contact/create-participant``; a ``ClientToken`` is generated when not given."""
        if "ClientToken" not in params:
            params["ClientToken"] = self.new_id()
        return self.call(
            CREATE_PARTICIPANT,
            method="POST",
            path="/contact/create-participant",
            headers=[("Content-Type", "application/json")],
            body=client.json_bytes(params),
        )
