"""``BrokerClient``: signed calls to one broker, with retries and an ``Idempotency-Key``."""

from __future__ import annotations

import json
import logging
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from http.client import HTTPException
from typing import TYPE_CHECKING, Any, Final

from constructs_lib import _contract, _extras

from .errors import AgentNotConnected, BrokerUnreachable, CredentialsError, SigningError, error_for
from .models import Invitation, OpenInvitation, Participant
from .responses import Response, built, describe, lower, parse_json, participant, success_payload

if TYPE_CHECKING:
    from botocore.credentials import Credentials
    from botocore.session import Session

_LOG = logging.getLogger(__name__)
RETRY_STATUSES: Final = frozenset({429, 502, 503, 504})
HOST_REGION: Final = re.compile(
    r"[a-z0-9-]+\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?",
)
USER_AGENT: Final = "connect-participant-broker-client/1"
#: The routes the client calls: the runtime's ``routes.json``, shipped in the package.
ROUTES: Final[dict[str, str]] = _contract.routes()


def region_from_url(url: str) -> str | None:
    """The AWS region in an ``execute-api`` host name, or ``None`` for any other host."""
    host = urllib.parse.urlsplit(url).hostname or ""
    match = HOST_REGION.fullmatch(host)
    return match.group(1) if match else None


class BrokerClient:
    """Calls one ParticipantBroker: ``POST {url}/contacts/{contactId}/participants``.

    Args:
        url: the broker's base URL (its ``url`` attribute, the stage URL, or a custom domain).
        session: the botocore session whose credentials sign requests; by default a new one
            (the standard credential chain: environment, profile, container or instance role).
        region: the region to sign for; by default taken from an ``execute-api`` URL, else from
            the session's configuration.
        timeout: seconds to wait for a connection and for each read (30 s by default: longer
            than API Gateway's 29 s, so the gateway's own 504 arrives first).
        max_attempts: attempts per call, first included (3 by default; 1 disables retries).
        authorization: an ``Authorization`` header value, or a function returning one per
            request (for example a Cognito token), used instead of SigV4 signing.
        sign: sign requests with SigV4 (the default); ``False`` sends them unsigned (only for the
            local development broker, which has no authentication). Signing needs botocore
            (the ``client`` extra): without it the constructor raises ``ModuleNotFoundError``
            naming the extra, before any request.
        backoff: base of the exponential backoff between retries, in seconds (0.25 by default).
        max_retry_after: the longest ``Retry-After`` this client honours, in seconds (20 by
            default; longer values are capped).
    """

    def __init__(
        self,
        url: str,
        session: Session | None = None,
        *,
        region: str | None = None,
        timeout: float = 30.0,
        max_attempts: int = 3,
        authorization: str | Callable[[], str] | None = None,
        sign: bool = True,
        backoff: float = 0.25,
        max_retry_after: float = 20.0,
    ) -> None:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("https", "http"):
            raise ValueError(f"url must start with https:// (got {url!r})")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        self._sign = sign and authorization is None
        if self._sign:
            _extras.require("botocore", feature="BrokerClient (SigV4 signing)")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._authorization = authorization
        self._session = session
        self._region = region
        self._credentials: Credentials | None = None

    # -- public API ------------------------------------------------------------------------

    def create_participant(
        self,
        contact_id: str,
        display_name: str,
        role: str | None = None,
        video: bool = False,
        screen_share: bool = False,
        idempotency_key: str | None = None,
        wait_for_agent: float = 0.0,
    ) -> Participant:
        """Add a participant to an ongoing contact and return its credentials.

        Args:
            contact_id: the Connect contact (for WebRTC, the initial contact ID).
            display_name: the name other participants see.
            role: the participant role (default: the role the contact's channel takes).
            video: ask for the video ``SEND`` capability.
            screen_share: ask for the screen-share ``SEND`` capability.
            idempotency_key: reuse a key to make a repeated call (same caller, same
                arguments) return the same participant; the broker scopes keys to the caller
                and the request, so the same key with other arguments is another participant.
                By default a new UUID, reused on this call's retries.
            wait_for_agent: seconds to keep asking, per the broker's ``Retry-After``, while it
                answers that the WebRTC call's agent has not connected yet. Default 0: raise
                :class:`AgentNotConnected` at once.

        Raises:
            BrokerError: a subclass per problem (``ContactNotFound``, ``Throttled``, ...).
        """
        body = _participant_body(display_name, role, video, screen_share)
        path = _on_contact(ROUTES["participants"], contact_id)
        key = idempotency_key or str(uuid.uuid4())
        deadline = time.monotonic() + wait_for_agent
        while True:
            response = self._send("POST", path, body, key)
            delay = self._agent_delay(response, deadline)
            if delay is None:
                return participant(response)
            _LOG.debug("agent not connected yet; asking again in %.1f s", delay)
            time.sleep(delay)

    def _agent_delay(self, response: Response, deadline: float) -> float | None:
        """Seconds to wait before asking again for a call whose agent has not connected, or
        ``None`` when the answer is something else or the wait would pass ``deadline``."""
        if response.status != AgentNotConnected.status_code:
            return None
        payload = parse_json(response.body)
        if not isinstance(payload, dict) or payload.get("type") != AgentNotConnected.problem_type:
            return None
        delay = self._delay(1, response.headers.get("retry-after"))
        return delay if time.monotonic() + delay <= deadline else None

    def create_invitation(
        self,
        contact_id: str,
        *,
        display_name: str | None = None,
        role: str | None = None,
        video: bool = False,
        screen_share: bool = False,
        lifetime_seconds: int | None = None,
        uses: int | None = None,
    ) -> Invitation:
        """Create an invitation to join ``contact_id`` (a broker with invitations).

        Args:
            contact_id: the Connect contact the invitee will join.
            display_name: the name the invitee gets; by default the invitee chooses one.
            role, video, screen_share: what the invitee gets, as for ``create_participant``.
            lifetime_seconds: how long it lasts; by default the broker's default lifetime.
            uses: how many people may redeem it; by default 1.

        A retried call (after a 5xx or no answer) may leave an extra invitation whose secret
        nobody received; it expires unused.
        """
        body = _participant_body(display_name, role, video, screen_share)
        if lifetime_seconds is not None:
            body["lifetimeSeconds"] = lifetime_seconds
        if uses is not None:
            body["uses"] = uses
        response = self._send("POST", _invitations_path(contact_id), body, None)
        payload = success_payload(response, 201)
        return built(
            response,
            lambda: Invitation(
                invitation_id=str(payload["invitationId"]),
                secret=str(payload["secret"]),
                expiry=datetime.fromisoformat(str(payload["expiry"])),
                uses=int(payload["uses"]),
                role=str(payload["role"]),
            ),
        )

    def list_invitations(self, contact_id: str) -> list[OpenInvitation]:
        """The invitations of ``contact_id`` that can still be redeemed (never their secrets)."""
        response = self._send("GET", _invitations_path(contact_id), None, None)
        payload = success_payload(response, 200)
        return built(
            response,
            lambda: [
                OpenInvitation(
                    invitation_id=str(entry["invitationId"]),
                    expiry=datetime.fromisoformat(str(entry["expiry"])),
                    uses=int(entry["uses"]),
                    uses_left=int(entry["usesLeft"]),
                    role=str(entry["role"]),
                    display_name=entry.get("displayName"),
                    capabilities=dict(entry.get("capabilities", {})),
                )
                for entry in payload["invitations"]
            ],
        )

    def revoke_invitation(self, contact_id: str, invitation_id: str) -> None:
        """Revoke an invitation of ``contact_id``; revoking it again is not an error.

        Raises:
            InvitationNotValid: the contact has no such invitation.
        """
        path = f"{_invitations_path(contact_id)}/{urllib.parse.quote(invitation_id, safe='')}"
        response = self._send("DELETE", path, None, None)
        if response.status != 204:
            raise error_for(response.status, response.headers, parse_json(response.body))

    def redeem_invitation(
        self,
        secret: str,
        display_name: str | None = None,
        idempotency_key: str | None = None,
    ) -> Participant:
        """Join the invitation's contact: the participant's credentials, as for
        ``create_participant``. Sent without any authentication: the secret is the credential.

        Args:
            secret: the invitation secret, exactly as created.
            display_name: the invitee's name; required when the invitation sets none, refused
                when it sets one.
            idempotency_key: by default a new UUID, reused on this call's retries, so a retried
                redemption returns the same participant and consumes no second use.

        Raises:
            InvitationNotValid: unknown, expired, used up or revoked.
        """
        body: dict[str, Any] = {"secret": secret}
        if display_name is not None:
            body["displayName"] = display_name
        key = idempotency_key or str(uuid.uuid4())
        response = self._send("POST", ROUTES["redeem"], body, key, authenticate=False)
        return participant(response)

    # -- transport -------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        key: str | None,
        *,
        authenticate: bool = True,
    ) -> Response:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._once(method, self.url + path, data, key, authenticate)
            except (TimeoutError, OSError, HTTPException) as error:
                if attempt >= self.max_attempts:
                    raise BrokerUnreachable(
                        None, "The broker could not be reached", describe(error)
                    ) from error
                _LOG.debug("broker unreachable (%s); retry %d", type(error).__name__, attempt)
                time.sleep(self._delay(attempt, None))
                continue
            if response.status not in RETRY_STATUSES or attempt >= self.max_attempts:
                return response
            _LOG.debug("broker answered %d; retry %d", response.status, attempt)
            time.sleep(self._delay(attempt, response.headers.get("retry-after")))

    def _once(
        self, method: str, url: str, data: bytes | None, key: str | None, authenticate: bool
    ) -> Response:
        headers = {
            "Accept": "application/json, application/problem+json",
            "User-Agent": USER_AGENT,
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        if authenticate:
            headers.update(self._auth_headers(method, url, data or b"", headers))
        # The scheme was checked in __init__: only http(s) URLs reach urllib.
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return Response(answer.status, lower(answer.headers), answer.read())
        except urllib.error.HTTPError as answer:
            with answer:
                return Response(answer.code, lower(answer.headers), answer.read())
        except urllib.error.URLError as error:
            reason = error.reason
            raise (reason if isinstance(reason, OSError) else OSError(str(reason))) from error

    def _auth_headers(
        self, method: str, url: str, data: bytes, headers: Mapping[str, str]
    ) -> dict[str, str]:
        if self._authorization is not None:
            value = self._authorization
            return {"Authorization": value() if callable(value) else value}
        if not self._sign:
            return {}
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.exceptions import BotoCoreError
        from botocore.exceptions import ClientError as BotocoreClientError

        botocore_errors = (BotoCoreError, BotocoreClientError)
        try:
            credentials = self._frozen_credentials()
        except botocore_errors as error:
            raise CredentialsError(None, "No usable AWS credentials", str(error)) from error
        try:
            request = AWSRequest(method=method, url=url, data=data, headers=dict(headers))
            SigV4Auth(credentials, "execute-api", self._signing_region()).add_auth(request)
        except botocore_errors as error:
            raise SigningError(None, "The request could not be signed", str(error)) from error
        return {name: str(value) for name, value in request.headers.items()}

    def _get_session(self) -> Session:
        if self._session is None:
            import botocore.session

            self._session = botocore.session.get_session()
        return self._session

    def _frozen_credentials(self) -> Any:
        if self._credentials is None:
            credentials = self._get_session().get_credentials()
            if credentials is None:
                from botocore.exceptions import NoCredentialsError

                raise NoCredentialsError()
            self._credentials = credentials
        return self._credentials.get_frozen_credentials()

    def _signing_region(self) -> str:
        region = self._region or region_from_url(self.url)
        if region is None:
            configured = self._get_session().get_config_variable("region")
            region = str(configured) if configured else None
        if region is None:
            raise SigningError(
                None,
                "The request could not be signed",
                f"cannot tell the AWS region from {self.url!r}; pass region=, for example "
                "BrokerClient(url, region='eu-west-2')",
            )
        self._region = region
        return region

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before the next attempt: ``Retry-After`` or jittered backoff."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_retry_after)
            except ValueError:
                pass  # an HTTP date: fall back to backoff
        cap = min(self.backoff * 2 ** (attempt - 1), self.max_retry_after)
        return random.uniform(0, cap)  # noqa: S311 - jitter, not security


def _invitations_path(contact_id: str) -> str:
    return _on_contact(ROUTES["invitations"], contact_id)


def _on_contact(route: str, contact_id: str) -> str:
    """``route`` with its ``{contactId}`` filled in (encoded, so a ``/`` stays in the ID)."""
    return route.replace("{contactId}", urllib.parse.quote(contact_id, safe=""))


def _participant_body(
    display_name: str | None, role: str | None, video: bool, screen_share: bool
) -> dict[str, Any]:
    """The members a participant or an invitation request shares."""
    body: dict[str, Any] = {}
    if display_name is not None:
        body["displayName"] = display_name
    if role is not None:
        body["role"] = role
    capabilities = {
        name: "SEND" for name, wanted in (("video", video), ("screenShare", screen_share)) if wanted
    }
    if capabilities:
        body["capabilities"] = capabilities
    return body
