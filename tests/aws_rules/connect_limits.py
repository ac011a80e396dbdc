"""Limits Amazon Connect enforces after the broker has answered, each with the page that says so.

The broker cannot check these (they live in Connect and in the Amazon Chime SDK), so the docs
must name them: ``tests/test_docs_connect_limits.py`` holds docs/contacts.md to this table.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Limit(NamedTuple):
    #: Words the docs' row must contain.
    says: str
    #: The AWS documentation page that states the limit.
    source: str


MULTI_USER_PAGE: Final = (
    "https://docs.aws.amazon.com/connect/latest/adminguide/enable-multiuser-inapp.html"
)

LIMITS: Final = (
    # "To enable multi user calling, you need to enable enhanced multi-party contact monitoring".
    Limit("multi-user calling turned on", MULTI_USER_PAGE),
    # "a total of six participants: the agent, the first user, and four other participants";
    # "The Amazon Chime SDK client libraries return a status code that the call is at capacity".
    Limit("Six participants per WebRTC call", MULTI_USER_PAGE),
    # "For WebRTC participants, if they leave or are disconnected for 60 seconds, a new
    # participant needs to be created using the CreateParticipant API."
    Limit(
        "disconnected for 60 s",
        "https://docs.aws.amazon.com/connect-participant/latest/APIReference/"
        "API_CreateParticipantConnection.html",
    ),
    # ClientToken: "A unique, case-sensitive identifier that you provide to ensure the
    # idempotency of the request" — the page states no retention.
    Limit(
        "no retention for `ClientToken`",
        "https://docs.aws.amazon.com/connect/latest/APIReference/API_CreateParticipant.html",
    ),
)
