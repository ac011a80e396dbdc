"""What API Gateway answers by itself for a broker, as plain values (no CDK import).

The construct configures API Gateway with these values (``defaults`` and ``edge`` read them
from here), and the local broker, which runs without the CDK, answers with the same ones: the
CORS preflight and the gateway's own problems cannot drift apart between the two.
"""

from __future__ import annotations

from typing import Final

from constructs_lib import _contract

#: The CORS preflight (only with ``cors_allowed_origins``): the request headers a browser may
#: send, the methods, and how long it may cache the answer.
CORS_ALLOW_HEADERS: Final[tuple[str, ...]] = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "X-Amz-Content-Sha256",
)
CORS_ALLOW_METHODS: Final[tuple[str, ...]] = ("POST", "OPTIONS")
#: The routes with invitations (``invitations=InvitationOptions(...)``): resource path -> its
#: methods, in the order the CORS preflight lists them (before ``OPTIONS``).
PARTICIPANTS_PATH: Final[str] = _contract.routes()["participants"]
INVITATIONS_PATH: Final[str] = _contract.routes()["invitations"]
INVITATION_PATH: Final[str] = _contract.routes()["invitation"]
REDEEM_PATH: Final[str] = _contract.routes()["redeem"]
INVITATION_ROUTES: Final[dict[str, tuple[str, ...]]] = {
    INVITATIONS_PATH: ("GET", "POST"),
    INVITATION_PATH: ("DELETE",),
    REDEEM_PATH: ("POST",),
}
CORS_MAX_AGE_SECONDS: Final[int] = 600
#: The response headers a page on an allowed origin may read beyond the CORS-safelisted ones,
#: sent wherever ``Retry-After`` is (the function's answers, the gateway's 429 and 5xx).
#: ``x-amzn-RequestId`` is not exposed: every problem body carries the same ID as
#: ``requestId``, which is where a page reads it.
CORS_EXPOSE_HEADERS: Final[tuple[str, ...]] = ("Retry-After",)

#: The detail of the MISSING_AUTHENTICATION_TOKEN answer: API Gateway sends it for an unsigned
#: request under AWS_IAM and for every method or resource the API does not have.
UNKNOWN_ROUTE_DETAIL: Final[str] = (
    "The request is not authenticated, or no such resource or method exists."
)
#: The detail of the 5XX fallback, whose answer a failed function gets: 502, and a body without
#: ``status`` (a status set on the fallback would become every 5xx type's).
FUNCTION_FAILED_DETAIL: Final[str] = (
    "The broker failed to answer; retry after the time in Retry-After."
)
#: The ``Retry-After`` the gateway's 429 and 5xx answers carry, in seconds.
RETRY_AFTER_SECONDS: Final[int] = 1
#: The detail of the REQUEST_TOO_LARGE answer (a body over API Gateway's payload quota).
REQUEST_TOO_LARGE_DETAIL: Final[str] = "The request is too large."
#: API Gateway's payload quota for a REST API request, 10 MB ("Amazon API Gateway quotas").
MAX_PAYLOAD_BYTES: Final[int] = 10 * 1024 * 1024
