"""The broker's HTTP contract as an OpenAPI 3.1 document, derived from the runtime's own files.

Built from ``runtime/broker/contract.schema.json`` (the request, response, parameter and problem
schemas the API Gateway model and the runtime validate with) and ``runtime/broker/problems.json``
(every problem type, status and title), so it cannot say something the broker does not do.
Standard library only: no aws_cdk, no Node.js.

``python -m constructs_lib.openapi docs/openapi.json`` (or ``make openapi``) writes it;
``write_openapi(outdir)`` writes ``openapi.json`` into a directory (the example app calls it
with ``cdk.out`` after synthesis). The output is deterministic: sorted keys, two-space indent,
a trailing newline.

For a deployed broker, the document names its URL as the server: ``server_url=`` (its ``url``
attribute, or :func:`broker_url_from_outputs` on ``cdk deploy --outputs-file`` output), or
from the command line ``participant-broker-openapi openapi.json --outputs-file outputs.json``
(also ``--server-url URL``, ``--stack``, ``--broker``).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from constructs_lib import _contract, _openapi_invitations
from constructs_lib._outputs import broker_url_from_outputs

__all__ = [
    "FILENAME",
    "broker_url_from_outputs",
    "build_openapi",
    "main",
    "render_openapi",
    "write_openapi",
]

FILENAME: Final = "openapi.json"
#: The HTTP contract's version (docs/versions.md): major for what breaks callers.
CONTRACT_VERSION: Final = "2.1.0"
PATH: Final = "/contacts/{contactId}/participants"
_SCHEMAS: Final = "#/components/schemas/"
#: The problem types only the invitation routes answer.
INVITATION_PROBLEMS: Final = frozenset({"invitation-not-valid", "invitations-unavailable"})
#: The problem types the participants route (and API Gateway in front of it) answers.
PARTICIPANT_PROBLEMS: Final = frozenset(_contract.problems()).difference(INVITATION_PROBLEMS)
_PROBLEM_JSON: Final = "application/problem+json"

_DESCRIPTION: Final = """\
Adds a participant to an ongoing Amazon Connect chat or WebRTC call and returns the \
participant's credentials. The Connect instance is the broker's, fixed at deploy time; it is \
never taken from the request.

Before adding anyone the broker looks the contact up (contact checks, on by default): a \
contact that does not exist, has ended, is on a channel that takes no added participants, \
takes another role, or is a WebRTC call whose agent has not connected yet gets a precise 404 \
or 409 instead of Connect's generic error. The 201 names the `role` Connect gave the \
participant.

Errors are RFC 9457 problem details (`application/problem+json`). Match on `type`, a stable \
URN; `requestId` is the API Gateway request ID. 429, 503 and `agent-not-connected` carry \
`Retry-After` (seconds): retry with the same `Idempotency-Key` and Connect never adds a second \
participant.
"""

_STATUS_WHEN: Final[dict[int, str]] = {
    400: "The request breaks the contract (see `errors`), or Amazon Connect rejected it "
    "(for example, the agent has not joined the call yet).",
    401: "No valid token (only with a Cognito or custom authorizer).",
    403: "`access-denied`: the caller may not invoke this API. `not-allowed`: the role or a "
    "capability is not allowed by this broker (see `errors`).",
    404: "`contact-not-found`: Amazon Connect has no such contact in this broker's instance "
    "(or, with contact-bound callers, it is not this caller's contact). "
    "`not-found`: no such resource (check the URL and stage).",
    409: "The contact cannot take this participant: `contact-ended` (start a new contact), "
    "`channel-not-supported` (a task, an email, or a voice call that is not WebRTC), "
    "`role-not-valid-for-channel` (see `errors`), `agent-not-connected` (the WebRTC call's "
    "agent has not connected yet: retry after `Retry-After`), or `conflict` (Connect's own "
    "answer, for example the call is full).",
    413: "The request is larger than the API accepts.",
    415: "`Content-Type` is missing, sent more than once, or not `application/json` "
    "(optionally with `charset=utf-8`); `errors` says which. Checked before anything else.",
    429: "Too many requests, or Amazon Connect throttled the broker. Retry after `Retry-After`.",
    500: "Something unexpected happened inside the broker; the body says nothing more.",
    503: "Amazon Connect could not process the request. Retry after `Retry-After`.",
    504: "Amazon Connect did not answer within the broker's time budget.",
}


def _components_refs(node: Any) -> Any:
    """``node`` with every ``#/definitions/...`` reference pointing into the components."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/definitions/", _SCHEMAS)
                if key == "$ref" and isinstance(value, str)
                else _components_refs(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_components_refs(value) for value in node]
    return node


def _schemas() -> dict[str, Any]:
    """Every definition of the contract schema, as OpenAPI 3.1 schemas.

    The contract files are JSON Schema 2020-12, the dialect OpenAPI 3.1 declares, so each
    definition is copied as it is; only its references change, to point into the components.
    """
    definitions: dict[str, Any] = _components_refs(
        copy.deepcopy(_contract.contract_schema()["definitions"])
    )
    return definitions


def _parameters(schemas: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": "contactId",
            "in": "path",
            "required": True,
            "description": schemas["ContactId"]["description"],
            "schema": {"$ref": _SCHEMAS + "ContactId"},
        },
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": schemas["IdempotencyKey"]["description"]
            + " The same caller retrying the same request with the same key gets the same "
            "participant.",
            "schema": {"$ref": _SCHEMAS + "IdempotencyKey"},
        },
    ]


def _headers() -> dict[str, Any]:
    return {
        "Cache-Control": {
            "description": "Always `no-store`: responses carry secrets or per-request details.",
            "required": True,
            "schema": {"type": "string", "const": "no-store"},
        },
        "X-Content-Type-Options": {
            "description": "Always `nosniff`.",
            "required": True,
            "schema": {"type": "string", "const": "nosniff"},
        },
        "Retry-After": {
            "description": "Seconds to wait before retrying (with the same `Idempotency-Key`).",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
    }


def _header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def problem_responses(
    codes: Iterable[str] | None = None,
    when: Mapping[int, str] = _STATUS_WHEN,
    means: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One response per status of the problem types ``codes`` (default: those of the
    participants route), naming each problem type it can carry: described by ``when`` (per
    status) and the types' titles, or by ``means`` (per type) and their titles."""
    wanted = set(PARTICIPANT_PROBLEMS if codes is None else codes)
    by_status: dict[int, list[tuple[str, str, str]]] = {}
    problems = _contract.problems()
    for code, entry in sorted(problems.items()):
        if code not in wanted:
            continue
        by_status.setdefault(entry["status"], []).append((code, entry["type"], entry["title"]))
    responses: dict[str, Any] = {}
    for status, entries in sorted(by_status.items()):
        types = sorted(urn for _, urn, _ in entries)
        titles = "; ".join(f"`{code}`: {title}" for code, _, title in entries)
        headers = _header_refs("Cache-Control", "X-Content-Type-Options")
        waiting = sorted(
            code for code, entry in problems.items() if code in wanted and _waits(entry, status)
        )
        if status in (429, 503):
            headers.update(_header_refs("Retry-After"))
        elif waiting:
            headers["Retry-After"] = {
                "description": "With " + ", ".join(f"`{code}`" for code in waiting) + " only: "
                "seconds to wait before retrying (with the same `Idempotency-Key`).",
                "required": False,
                "schema": {"type": "integer", "minimum": 0},
            }
        description = f"{when.get(status, titles)} Problem types: {titles}."
        if means is not None:
            description = " ".join(
                f"`{code}` ({title}): {means[code]}." for code, _, title in entries
            )
        responses[str(status)] = {
            "description": description,
            "headers": headers,
            "content": {
                _PROBLEM_JSON: {
                    "schema": {
                        "allOf": [
                            {"$ref": _SCHEMAS + "Problem"},
                            {
                                "properties": {
                                    "type": {"enum": types},
                                    "status": {"const": status},
                                }
                            },
                        ]
                    }
                }
            },
        }
    return responses


def _waits(entry: _contract.ProblemType, status: int) -> bool:
    """Whether a problem type of ``status`` carries its own ``Retry-After``."""
    return entry["status"] == status and "retryAfter" in entry


def _security_schemes() -> dict[str, Any]:
    return {
        "sigv4": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "AWS Signature Version 4 (service `execute-api`), the default: sign "
            "with credentials allowed to invoke the API (`ParticipantBroker.grant_invoke`).",
            "x-amazon-apigateway-authtype": "awsSigv4",
        },
        "cognito": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "description": "A Cognito user pool ID or access token, when the broker is deployed "
            "with a Cognito user pool authorizer.",
            "x-amazon-apigateway-authtype": "cognito_user_pools",
        },
    }


#: A ``CreateParticipantResponse``: the 201 of the participants route and of a redemption.
CREATED_EXAMPLE: Final[Mapping[str, str]] = {
    "participantId": "5c3e5f4e-4e0c-4a43-9d1b-3b1f1a7f2f10",
    "participantToken": "QVFJREFIaG...",
    "expiry": "2026-11-26T02:41:28.172Z",
    "role": "CUSTOMER",
}


def _operation(schemas: dict[str, Any]) -> dict[str, Any]:
    created = {
        "description": "The participant was added. `participantToken` is a secret: pass it to "
        "Connect's CreateParticipantConnection and nowhere else.",
        "headers": _header_refs("Cache-Control", "X-Content-Type-Options"),
        "content": {
            "application/json": {
                "schema": {"$ref": _SCHEMAS + "CreateParticipantResponse"},
                "example": dict(CREATED_EXAMPLE),
            }
        },
    }
    return {
        "operationId": "createParticipant",
        "summary": "Add a participant to an ongoing contact",
        "description": _DESCRIPTION,
        "parameters": _parameters(schemas),
        "requestBody": {
            "required": True,
            "description": "A JSON object of at most 8 KiB; unknown fields are rejected. Send it "
            "with `Content-Type: application/json` (optionally `; charset=utf-8`, any case): "
            "any other media type, or none, is answered 415.",
            "content": {
                "application/json": {
                    "schema": {"$ref": _SCHEMAS + "CreateParticipantRequest"},
                    "example": {"displayName": "Ana", "capabilities": {"video": "SEND"}},
                }
            },
        },
        "responses": {"201": created, **problem_responses()},
        "security": [{"sigv4": []}, {"cognito": []}],
    }


def _servers(server_url: str | None) -> list[dict[str, Any]]:
    local = {
        "url": "http://127.0.0.1:8787",
        "description": "The local development broker (`make serve`); NOT for production.",
    }
    if server_url is not None:
        if not server_url.startswith(("https://", "http://")):
            raise ValueError(
                f"server_url must be the broker's URL (https://...), got {server_url!r}; "
                "use its url attribute or the stack output"
            )
        deployed = {"url": server_url.rstrip("/"), "description": "This broker."}
        return [deployed, local]
    template = {
        "url": "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
        "description": "A deployed broker: its `url` attribute (the stack output).",
        "variables": {
            "restApiId": {"default": "abcdef1234"},
            "region": {"default": "us-east-1"},
            "stage": {"default": "v1"},
        },
    }
    return [template, local]


def build_openapi(server_url: str | None = None) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the broker's HTTP contract.

    ``server_url``: a deployed broker's URL (its ``url`` attribute or stack output), named as
    the document's first server; by default a URL template any broker fills in.
    """
    schemas = _schemas()
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Amazon Connect participant broker",
            "version": CONTRACT_VERSION,
            "summary": "Adds a participant to an ongoing Amazon Connect chat or WebRTC call.",
            "description": "A broker deployed with invitations (`InvitationOptions`) also serves "
            "the invitation routes (`/contacts/{contactId}/invitations...`, "
            "`/invitations/redeem`): a caller creates a one-time secret, and whoever holds it "
            "joins the contact without an account. A broker without invitations has none of them.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": _servers(server_url),
        "paths": {PATH: {"post": _operation(schemas)}, **_openapi_invitations.paths(schemas)},
        "components": {
            "schemas": schemas,
            "headers": _headers(),
            "securitySchemes": _security_schemes(),
        },
        "security": [{"sigv4": []}],
    }


def render_openapi(server_url: str | None = None) -> str:
    """Return the document as deterministic JSON text (sorted keys, indent 2, final newline)."""
    document = build_openapi(server_url)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(outdir: str | Path, *, server_url: str | None = None) -> Path:
    """Write ``openapi.json`` into ``outdir`` (created if missing); return the file's path."""
    directory = Path(outdir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    path.write_text(render_openapi(server_url), encoding="utf-8")
    return path


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="participant-broker-openapi",
        description="Write the OpenAPI 3.1 document of a ParticipantBroker's HTTP contract.",
    )
    parser.add_argument("path", nargs="?", help="file to write (default: standard output)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--server-url", help="the deployed broker's URL (its stack output)")
    source.add_argument(
        "--outputs-file", help="read the broker's URL from cdk deploy --outputs-file output"
    )
    parser.add_argument("--stack", help="with --outputs-file: the stack holding the broker")
    parser.add_argument(
        "--broker", help="with --outputs-file: the broker's construct path in its stack"
    )
    args = parser.parse_args(argv)
    if (args.stack or args.broker) and not args.outputs_file:
        parser.error("--stack and --broker only apply with --outputs-file")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """``participant-broker-openapi [PATH] [--server-url URL | --outputs-file FILE]``: write the
    document to PATH, or to standard output."""
    args = _parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        server_url = args.server_url
        if args.outputs_file:
            server_url = broker_url_from_outputs(
                args.outputs_file, stack=args.stack, broker=args.broker
            )
        text = render_openapi(server_url)
    except (OSError, ValueError) as error:
        print(f"participant-broker-openapi: {error}", file=sys.stderr)
        return 1
    if args.path is None:
        sys.stdout.write(text)
        return 0
    target = Path(args.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
