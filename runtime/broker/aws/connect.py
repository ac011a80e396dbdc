"""Amazon Connect's DescribeContact and CreateParticipant (REST-JSON), called as botocore's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from . import client
from .answers import operation

DESCRIBE_CONTACT = operation("connect", "DescribeContact")
CREATE_PARTICIPANT = operation("connect", "CreateParticipant")


class ConnectClient(client.Client):
    SERVICE = client.Service("connect", rest=True)

    def describe_contact(self, *, InstanceId: str, ContactId: str) -> dict[str, Any]:
        path = f"/contacts/{quote(InstanceId, safe='')}/{quote(ContactId, safe='')}"
        return self.call(DESCRIBE_CONTACT, method="GET", path=path, headers=[], body=None)

    def create_participant(self, **params: Any) -> dict[str, Any]:
        """A ``ClientToken`` is generated when not given, as botocore does."""
        if "ClientToken" not in params:
            params["ClientToken"] = self.new_id()
        return self.call(
            CREATE_PARTICIPANT,
            method="POST",
            path="/contact/create-participant",
            headers=[("Content-Type", "application/json")],
            body=client.json_bytes(params),
        )
