"""Every problem type each route can answer is listed under its status in the OpenAPI document,
and the document lists no type the route cannot answer.

What the function answers is found by running it, as Lambda runs it, in every world the
runtime's own tables name: each Connect error code it maps for DescribeContact and for
CreateParticipant (``connect._DESCRIBE_ERRORS``, ``connect._CLIENT_ERRORS``), an unknown code and
a timeout; each DynamoDB outcome (``dynamodb.THROTTLING_CODES``, its server error, a timeout, an
unknown code, a failed condition); each kind of contact; each configuration that changes what a
route checks; and bad requests. The worlds must reach every problem type the runtime's code names.
"""

from __future__ import annotations

import ast
import functools
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from invitation_support import (
    CONTACT_RESOURCE,
    INVITATION_ID,
    ONE_RESOURCE,
    REDEEM_RESOURCE,
    SECRET,
    SETTINGS,
    item,
    route_event,
)
from runtime_support import (
    CALLER_ARN,
    CONNECT_RESPONSE,
    FakeLambdaContext,
    api_gateway_event,
    contact_description,
    default_config,
)
from schema_support import document

from constructs_lib import _contract
from constructs_lib.openapi import invitations as _openapi_invitations
from runtime.broker import connect, contacts, dynamodb, handler
from runtime.broker.aws.errors import ClientError, ReadTimeoutError

PARTICIPANTS = "/contacts/{contactId}/participants"
URN = "urn:connect-participant-broker:problem:"
Event = dict[str, Any]
Outcome = dict[str, Any] | Exception


def client_error(code: str, operation: str, item: dict[str, Any] | None = None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": "m"}}
    if item is not None:
        response["Item"] = item
    return ClientError(response, operation)


def timeout() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="https://example.amazonaws.com")


def answer(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@dataclass
class FakeConnect:
    """DescribeContact and CreateParticipant answering or failing as told."""

    describe: Outcome
    create: Outcome

    def describe_contact(self, **kwargs: Any) -> dict[str, Any]:
        return answer(self.describe)

    def create_participant(self, **kwargs: Any) -> dict[str, Any]:
        return answer(self.create)


@dataclass
class FakeTable:
    """The invitation table: every call answers ``write`` (an update returns the invitation)."""

    write: Outcome

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        answer(self.write)
        return {}

    def query(self, **kwargs: Any) -> dict[str, Any]:
        answer(self.write)
        return {"Items": [item()]}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        return answer(self.write)


@dataclass(frozen=True)
class World:
    describe: Outcome
    create: Outcome
    table: Outcome


def worlds() -> Iterator[World]:
    """A world per outcome of each call, the other calls succeeding."""
    ongoing, created, stored = contact_description(), dict(CONNECT_RESPONSE), {"Attributes": item()}
    kinds: list[dict[str, Any]] = [
        ongoing,
        contact_description(ended=True),
        contact_description(channel="TASK", subtype=None, initiation="API"),
        contact_description(subtype=None, initiation="INBOUND"),
        contact_description(channel="CHAT", subtype=None, initiation="API"),
        contact_description(agent_connected=False),
        contact_description(attributes={"owner": "someone else"}),
        contact_description(attributes={"owner": CALLER_ARN}),
    ]
    for kind in kinds:
        yield World(kind, created, stored)
    lookup = [*connect._DESCRIBE_ERRORS, "NewException"]
    for code in lookup:
        yield World(client_error(code, "DescribeContact"), created, stored)
    yield World(timeout(), created, stored)
    for code in [*connect._CLIENT_ERRORS, "NewException"]:
        yield World(ongoing, client_error(code, "CreateParticipant"), stored)
    yield World(ongoing, timeout(), stored)
    store = [*dynamodb.THROTTLING_CODES, "InternalServerError", "ValidationException"]
    for code in store:
        yield World(ongoing, created, client_error(code, "UpdateItem"))
    yield World(ongoing, created, timeout())
    # A failed condition: a consume refused (as the item was), a revocation of nothing.
    for was in (None, item(uses_left=0), item(display_name="Grandma")):
        yield World(ongoing, created, client_error("ConditionalCheckFailedException", "X", was))
    # An invitation for a role the broker no longer allows.
    yield World(ongoing, created, {"Attributes": item(role="AGENT")})


#: The configurations that change what a route checks (all else as the construct's default).
CONFIGURATIONS: list[dict[str, Any]] = [
    {"contact_checks": False},
    {"contact_checks": True, "agent_wait_seconds": 0.0},
    {"contact_checks": True, "agent_wait_seconds": 0.0, "caller_attribute": "owner"},
]


def participants(body: dict[str, Any] | str, **kwargs: Any) -> Event:
    return api_gateway_event(body, **kwargs)


def without_identity(event: Event) -> Event:
    del event["requestContext"]["identity"]["userArn"]
    return event


TEXT = {"Content-Type": "text/plain"}
KEY = {"Idempotency-Key": "k-1"}
#: Each route's requests: good ones, a bad one of each kind, one without the caller's identity.
REQUESTS: dict[tuple[str, str], list[Callable[[], Event]]] = {
    ("POST", PARTICIPANTS): [
        lambda: participants({"displayName": "Ana"}),
        lambda: participants({"displayName": "Ana", "role": "CUSTOMER"}, headers=KEY),
        lambda: participants({"displayName": "Ana", "role": "AGENT"}),
        lambda: participants({"displayName": ""}, contact_id="bad/id"),
        lambda: participants({"displayName": "Ana"}, headers=TEXT),
        lambda: without_identity(participants({"displayName": "Ana"}, headers=KEY)),
    ],
    ("POST", CONTACT_RESOURCE): [
        lambda: route_event("POST", CONTACT_RESOURCE, {}),
        lambda: route_event("POST", CONTACT_RESOURCE, {"role": "CUSTOMER", "uses": 2}),
        lambda: route_event("POST", CONTACT_RESOURCE, {"role": "AGENT", "uses": 6}),
        lambda: route_event("POST", CONTACT_RESOURCE, {"uses": 0}),
        lambda: route_event("POST", CONTACT_RESOURCE, {}, headers=TEXT),
        lambda: without_identity(route_event("POST", CONTACT_RESOURCE, {})),
    ],
    ("GET", CONTACT_RESOURCE): [
        lambda: route_event("GET", CONTACT_RESOURCE),
        lambda: route_event("GET", CONTACT_RESOURCE, contact_id="bad/id"),
        lambda: without_identity(route_event("GET", CONTACT_RESOURCE)),
    ],
    ("DELETE", ONE_RESOURCE): [
        lambda: route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID),
        lambda: route_event("DELETE", ONE_RESOURCE, invitation_id="short"),
        lambda: without_identity(route_event("DELETE", ONE_RESOURCE, invitation_id=INVITATION_ID)),
    ],
    ("POST", REDEEM_RESOURCE): [
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": SECRET}),
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": SECRET}, headers=KEY),
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": SECRET, "displayName": "Ana"}),
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": "no-dot"}),
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": ""}),
        lambda: route_event("POST", REDEEM_RESOURCE, {"secret": SECRET}, headers=TEXT),
    ],
}
ROUTES = sorted(REQUESTS)


@functools.cache
def answered(route: tuple[str, str]) -> frozenset[tuple[int, str]]:
    """Every (status, problem type) the function answers on ``route`` in every world."""
    found: set[tuple[int, str]] = set()
    context = FakeLambdaContext()
    contacts.set_clock(lambda: 0.0, lambda seconds: None)  # never sleep for an agent
    try:
        for overrides, world in itertools.product(CONFIGURATIONS, worlds()):
            handler.set_config(default_config(invitations=SETTINGS, log_level="ERROR", **overrides))
            connect.set_client(FakeConnect(world.describe, world.create))
            dynamodb.set_client(FakeTable(world.table))
            for request in REQUESTS[route]:
                response = handler.handler(request(), context)
                if response["statusCode"] >= 400:
                    body = json.loads(response["body"])
                    found.add((response["statusCode"], body["type"].removeprefix(URN)))
    finally:
        contacts.set_clock()
        dynamodb.set_client(None)
    return frozenset(found)


def documented(route: tuple[str, str]) -> set[tuple[int, str]]:
    """The (status, problem type) pairs the document lists for ``route``."""
    method, resource = route
    responses = document()["paths"][resource][method.lower()]["responses"]
    return {
        (int(status), urn.removeprefix(URN))
        for status, response in responses.items()
        if int(status) >= 400
        for urn in response["content"]["application/problem+json"]["schema"]["allOf"][1][
            "properties"
        ]["type"]["enum"]
    }


def gateway(route: tuple[str, str]) -> set[tuple[int, str]]:
    """What API Gateway answers itself on ``route`` (held to the gateway responses the construct
    configures by tests/edge/test_as_deployed_gateway_responses.py); the redeem route has
    no authorizer, so no ``unauthorized``."""
    codes = set(_openapi_invitations._AUTHORIZED)
    if route[1] == REDEEM_RESOURCE:
        codes.discard("unauthorized")
    return {(_contract.problem(code)["status"], code) for code in codes}


def named_by_the_runtime() -> set[str]:
    """The problem codes the runtime's code names (string constants of runtime/broker/**.py)."""
    codes = set(_contract.problems())
    return {
        node.value
        for path in Path(handler.__file__).parent.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in codes
    }


@pytest.mark.parametrize("route", ROUTES, ids=[" ".join(route) for route in ROUTES])
def test_each_answer_of_the_route_is_documented_and_nothing_more(
    route: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    function = answered(route)
    capsys.readouterr()  # the EMF records of every world
    assert function - documented(route) == set(), "answered, not documented"
    assert documented(route) - function - gateway(route) == set(), "documented, never answered"


def test_the_worlds_reach_every_problem_the_runtime_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    everywhere = set().union(*(answered(route) for route in ROUTES))
    capsys.readouterr()
    assert {code for _, code in everywhere} == named_by_the_runtime()
