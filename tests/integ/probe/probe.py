"""The integration tests' caller: a Lambda function that calls the broker with the package's own
``BrokerClient``, signed with SigV4 by the function's role, as a calling service does.

The event names the route and the contact: ``{"action": "create_participant" | "create_invitation",
"contactId": "..."}``. The answer is ``{"status": <HTTP status>}`` plus the problem ``type`` on an
error, and nothing else, so an assertion can match it exactly; the problem's ``detail`` and
``requestId`` go to the function's log, to find the request in the broker's logs.
"""

from __future__ import annotations

import json
import os
from typing import Any

from constructs_lib.client import BrokerClient, BrokerError

#: The display name every participant or invitation the probe asks for carries.
DISPLAY_NAME = "Integration probe"


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Call the broker once (no retries) and report its answer."""
    broker = BrokerClient(os.environ["BROKER_URL"], max_attempts=1)
    action, contact_id = event["action"], event["contactId"]
    try:
        if action == "create_participant":
            broker.create_participant(contact_id, DISPLAY_NAME)
        elif action == "create_invitation":
            broker.create_invitation(contact_id)
        else:
            raise ValueError(
                f"unknown action {action!r}: use create_participant or create_invitation"
            )
    except BrokerError as error:
        print(
            json.dumps(
                {
                    "action": action,
                    "status": error.status,
                    "type": error.type,
                    "detail": error.detail,
                    "requestId": error.request_id,
                }
            )
        )
        return {"status": error.status, "type": error.type}
    print(json.dumps({"action": action, "status": 201}))
    return {"status": 201}
