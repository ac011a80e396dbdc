"""The whole OpenAPI 3.1 document: its servers, components and the route families."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from constructs_lib import _contract

from . import invitations as invitation_routes
from . import participants
from .shared import CONTRACT_VERSION, FILENAME, PATH, SCHEMAS


def _components_refs(node: Any) -> Any:
    """``node`` with every ``#/definitions/...`` reference pointing into the components."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/definitions/", SCHEMAS)
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


def build_openapi(server_url: str | None = None, *, invitations: bool = False) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the broker's HTTP contract.

    ``server_url``: a deployed broker's URL (its ``url`` attribute or stack output), named as
    the document's first server; by default a URL template any broker fills in.
    ``invitations``: also describe the invitation routes, which a broker deployed with
    ``InvitationOptions`` serves; by default the participants route only.
    """
    schemas = _schemas()
    paths = {PATH: {"post": participants.operation(schemas)}}
    if invitations:
        paths.update(invitation_routes.paths(schemas))
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
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": _headers(),
            "securitySchemes": _security_schemes(),
        },
        "security": [{"sigv4": []}],
    }


def render_openapi(server_url: str | None = None, *, invitations: bool = False) -> str:
    """Return the document as deterministic JSON text (sorted keys, indent 2, final newline)."""
    document = build_openapi(server_url, invitations=invitations)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(
    outdir: str | Path, *, server_url: str | None = None, invitations: bool = False
) -> Path:
    """Write ``openapi.json`` into ``outdir`` (created if missing); return the file's path."""
    directory = Path(outdir)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    path.write_text(render_openapi(server_url, invitations=invitations), encoding="utf-8")
    return path
