"""Helpers for the invitation route tests: events, table items and the expected DynamoDB calls,
written out here from the documented item layout (not read from the runtime)."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from runtime_support import (
    API_REQUEST_ID,
    CALLER,
    CONTACT_ID,
    FUNCTION_NAME,
    api_gateway_event,
    printed,
)

from runtime.broker.invitation_settings import InvitationSettings

NOW = 1_795_657_288
INVITATION_ID = "Vh2kQ9xW1mZr8TfA"
RANDOM = "3q2-7wJvX0bYc1dZe2fAg3hBi4jCk5lDm6nEo7pFq8r"
SECRET = f"{INVITATION_ID}.{RANDOM}"
SECRET_HASH = hashlib.sha256(SECRET.encode()).hexdigest()
#: The use ID of the redemption under test (random in the function: fixed here).
USE_ID = "u7Kp2Qx9LmZ4wRtB"
TABLE = "Stack-BrokerInvitationTable-1A2B3C4D5E6F"
#: As the construct sets them by default: 15 minutes, at most an hour, at most 5 uses.
SETTINGS = InvitationSettings(TABLE, 900, 3600, 5)
INDEX = "byContact"
CONTACT_RESOURCE = "/contacts/{contactId}/invitations"
ONE_RESOURCE = "/contacts/{contactId}/invitations/{invitationId}"
REDEEM_RESOURCE = "/invitations/redeem"
#: The invitation counters (docs/operating.md, "Invitations").
COUNTERS = (
    "InvitationsCreated",
    "InvitationsRedeemed",
    "InvitationRedemptionsRefused",
    "InvitationUsesGivenBack",
    "InvitationsRevoked",
    "InvitationStoreErrors",
)
NOT_VALID = {
    "type": "urn:connect-participant-broker:problem:invitation-not-valid",
    "title": "The invitation is not valid",
    "status": 404,
    "detail": "No such invitation, or it has expired, been used up or been revoked.",
}


def route_event(
    method: str,
    resource: str,
    body: dict[str, Any] | str | None = None,
    *,
    contact_id: str | None = CONTACT_ID,
    invitation_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway proxy event for one invitation route, as API Gateway sends it."""
    event = api_gateway_event(body, contact_id=contact_id, headers=headers)
    parameters: dict[str, str] = {}
    if contact_id is not None and resource != REDEEM_RESOURCE:
        parameters["contactId"] = contact_id
    if invitation_id is not None:
        parameters["invitationId"] = invitation_id
    path = resource.replace("{contactId}", contact_id or "").replace(
        "{invitationId}", invitation_id or ""
    )
    event.update(
        resource=resource,
        path=path,
        httpMethod=method,
        pathParameters=parameters or None,
    )
    event["requestContext"].update(resourcePath=resource, httpMethod=method, path=f"/v1{path}")
    if method in ("GET", "DELETE"):
        event.update(body=None)
        for name in ("headers", "multiValueHeaders"):
            event[name] = {k: v for k, v in event[name].items() if k != "Content-Type"}
    return event


def item(
    *,
    uses: int = 1,
    uses_left: int = 1,
    expires_at: int = NOW + 900,
    display_name: str | None = None,
    capabilities: dict[str, str] | None = None,
    role: str = "CUSTOMER",
    secret_hash: str = SECRET_HASH,
    revoked_at: int | None = None,
    redemptions: list[str] | None = None,
    use_ids: list[str] | None = None,
    created_by: str = CALLER,
) -> dict[str, Any]:
    """An invitation item as DynamoDB holds it."""
    found: dict[str, Any] = {
        "invitationId": {"S": INVITATION_ID},
        "secretHash": {"S": secret_hash},
        "contactId": {"S": CONTACT_ID},
        "role": {"S": role},
        "uses": {"N": str(uses)},
        "usesLeft": {"N": str(uses_left)},
        "expiresAt": {"N": str(expires_at)},
        "createdAt": {"N": str(NOW - 60)},
        "createdBy": {"S": created_by},
    }
    if display_name is not None:
        found["displayName"] = {"S": display_name}
    if capabilities:
        found["capabilities"] = {"M": {k: {"S": v} for k, v in capabilities.items()}}
    if revoked_at is not None:
        found["revokedAt"] = {"N": str(revoked_at)}
    if redemptions:
        found["redemptions"] = {"SS": redemptions}
    if use_ids:
        found["useIds"] = {"SS": use_ids}
    return found


def redemption(key: str, display_name: str | None) -> str:
    """What the table records for a redemption with ``key`` (the documented encoding)."""
    text = json.dumps(
        ["connect-participant-broker/redemption/1", INVITATION_ID, key, display_name],
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


def invitation_token(key: str, *, display_name: str, capabilities: dict[str, str]) -> str:
    """The ClientToken of a redemption: the invitation is the key's scope (documented)."""
    request = {"capabilities": capabilities, "displayName": display_name, "role": "CUSTOMER"}
    document = [
        "connect-participant-broker/invitation-token/1",
        INVITATION_ID,
        CONTACT_ID,
        key,
        request,
    ]
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def consume_params(*, key: str | None = None, display_name: str | None = None) -> dict[str, Any]:
    """The UpdateItem that consumes one use (documented in the store's module docstring)."""
    names = {
        "#secretHash": "secretHash",
        "#usesLeft": "usesLeft",
        "#expiresAt": "expiresAt",
        "#revokedAt": "revokedAt",
        "#displayName": "displayName",
        "#useIds": "useIds",
    }
    values: dict[str, Any] = {
        ":secretHash": {"S": SECRET_HASH},
        ":zero": {"N": "0"},
        ":now": {"N": str(NOW)},
        ":useId": {"S": USE_ID},
        ":one": {"N": "1"},
        ":useIds": {"SS": [USE_ID]},
    }
    exists = "attribute_not_exists" if display_name is not None else "attribute_exists"
    condition = (
        "#secretHash = :secretHash AND #usesLeft > :zero AND #expiresAt > :now AND "
        f"attribute_not_exists(#revokedAt) AND {exists}(#displayName) AND "
        "NOT contains(#useIds, :useId)"
    )
    update = "SET #usesLeft = #usesLeft - :one ADD #useIds :useIds"
    if key is not None:
        names["#redemptions"] = "redemptions"
        values[":redemption"] = {"S": redemption(key, display_name)}
        values[":redemptions"] = {"SS": [redemption(key, display_name)]}
        condition += " AND NOT contains(#redemptions, :redemption)"
        update += ", #redemptions :redemptions"
    return {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": INVITATION_ID}},
        "UpdateExpression": update,
        "ConditionExpression": condition,
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def give_back_params(*, key: str | None = None, display_name: str | None = None) -> dict[str, Any]:
    """The UpdateItem that returns the use this redemption's use ID took, and removes the ID."""
    names = {"#usesLeft": "usesLeft", "#useIds": "useIds"}
    values: dict[str, Any] = {":one": {"N": "1"}, ":useIds": {"SS": [USE_ID]}}
    update = "SET #usesLeft = #usesLeft + :one DELETE #useIds :useIds"
    if key is not None:
        names["#redemptions"] = "redemptions"
        values[":redemptions"] = {"SS": [redemption(key, display_name)]}
        update += ", #redemptions :redemptions"
    values[":useId"] = {"S": USE_ID}
    return {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": INVITATION_ID}},
        "UpdateExpression": update,
        "ConditionExpression": "contains(#useIds, :useId)",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def put_params(**overrides: Any) -> dict[str, Any]:
    """The PutItem of a new invitation: the defaults, created by the IAM caller at NOW."""
    stored = item(expires_at=NOW + 900, created_by=CALLER)
    stored["createdAt"] = {"N": str(NOW)}
    stored.update(overrides)
    return {
        "TableName": TABLE,
        "Item": stored,
        "ConditionExpression": "attribute_not_exists(#invitationId)",
        "ExpressionAttributeNames": {"#invitationId": "invitationId"},
    }


def query_params(start: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Query of a listing (one page, from ``start`` when given)."""
    params: dict[str, Any] = {
        "TableName": TABLE,
        "IndexName": INDEX,
        "KeyConditionExpression": "#contactId = :contactId AND #expiresAt > :now",
        "FilterExpression": "#usesLeft > :zero AND attribute_not_exists(#revokedAt)",
        "ExpressionAttributeNames": {
            "#contactId": "contactId",
            "#expiresAt": "expiresAt",
            "#usesLeft": "usesLeft",
            "#revokedAt": "revokedAt",
        },
        "ExpressionAttributeValues": {
            ":contactId": {"S": CONTACT_ID},
            ":now": {"N": str(NOW)},
            ":zero": {"N": "0"},
        },
    }
    if start is not None:
        params["ExclusiveStartKey"] = start
    return params


def listed(**overrides: Any) -> dict[str, Any]:
    """An item as the index holds it: keys and projected attributes only."""
    found = item(**overrides)
    del found["secretHash"], found["createdBy"]
    return found


def revoke_params(creator: str | None = None) -> dict[str, Any]:
    """The UpdateItem that revokes an invitation of the contact (only one ``creator`` made,
    when given)."""
    names = {"#contactId": "contactId", "#revokedAt": "revokedAt"}
    values: dict[str, Any] = {":contactId": {"S": CONTACT_ID}, ":now": {"N": str(NOW)}}
    condition = "#contactId = :contactId"
    if creator is not None:
        names["#createdBy"] = "createdBy"
        values[":creator"] = {"S": creator}
        condition += " AND #createdBy = :creator"
    return {
        "TableName": TABLE,
        "Key": {"invitationId": {"S": INVITATION_ID}},
        "UpdateExpression": "SET #revokedAt = if_not_exists(#revokedAt, :now)",
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


def observed(output: str) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """What an invitation route printed: its log lines (timestamps checked, then dropped), its
    own EMF record (``Timestamp``, epoch milliseconds, checked against the clock, then dropped)
    and the handler's."""
    log_lines, records = printed(output)
    (record,) = [found for found in records if "InvitationsCreated" in found]
    (handler_record,) = [found for found in records if "ParticipantsCreated" in found]
    timestamp = record["_aws"].pop("Timestamp")
    assert isinstance(timestamp, int) and abs(timestamp - time.time() * 1000) < 60_000
    return log_lines, record, handler_record


def invitation_record(reason: str | None = None, **counts: int) -> dict[str, Any]:
    """An invitation route's EMF record (without ``Timestamp``) as CloudWatch reads it: every
    counter by ``FunctionName``, and a refused redemption's also by ``FunctionName, Reason``."""
    assert set(counts) <= set(COUNTERS), counts
    dimensions = [["FunctionName"], *([["FunctionName", "Reason"]] if reason else [])]
    directive = {
        "Namespace": "ConnectParticipantBroker",
        "Dimensions": dimensions,
        "Metrics": [{"Name": name, "Unit": "Count"} for name in COUNTERS],
    }
    return {
        "_aws": {"CloudWatchMetrics": [directive]},
        "FunctionName": FUNCTION_NAME,
        **{name: counts.get(name, 0) for name in COUNTERS},
        **({"Reason": reason} if reason else {}),
        "apiRequestId": API_REQUEST_ID,
    }
