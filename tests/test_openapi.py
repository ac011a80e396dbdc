"""The OpenAPI document: derived from the contract files, deterministic, committed up to date."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import schema_support

from constructs_lib.openapi import build_openapi, main, render_openapi, write_openapi

ROOT = Path(__file__).resolve().parent.parent
BROKER = ROOT / "runtime" / "broker"
COMMITTED = ROOT / "docs" / "openapi.json"
OPERATION = ("paths", "/contacts/{contactId}/participants", "post")
# The keywords the function's validation reads (runtime/broker/contract.py, invitation_schema.py),
# annotations, and those of the answers' schemas (items).
PORTABLE_KEYWORDS = {
    "type",
    "title",
    "description",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "items",
    "$ref",
}
#: The problem types only the invitation routes answer (checked on the redeem route).
INVITATION_CODES = {"invitation-not-valid", "invitations-unavailable"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi()


@pytest.fixture(scope="module")
def operation(document: dict[str, Any]) -> dict[str, Any]:
    node: Any = document
    for key in OPERATION:
        node = node[key]
    return dict(node)


def contract() -> dict[str, Any]:
    """The contract schema with its companions' definitions (the requests of the invitation
    routes, and every answer)."""
    schema = dict(json.loads((BROKER / "contract.schema.json").read_text("utf-8")))
    for companion in ("invitations.schema.json", "answers.schema.json"):
        extra = json.loads((BROKER / companion).read_text("utf-8"))["definitions"]
        schema["definitions"] = {**schema["definitions"], **extra}
    return schema


def problems() -> dict[str, Any]:
    catalogue = json.loads((BROKER / "problems.json").read_text("utf-8"))
    return {code: entry for code, entry in catalogue.items() if not code.startswith("$")}


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def keywords(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    found = set(schema)
    for name in ("properties",):
        for child in schema.get(name, {}).values():
            found |= keywords(child)
    for name in ("items", "additionalProperties"):
        found |= keywords(schema.get(name))
    return found


def test_committed_document_is_up_to_date() -> None:
    assert COMMITTED.read_text("utf-8") == render_openapi(), (
        "docs/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_rendering_is_deterministic() -> None:
    assert render_openapi() == render_openapi()


def test_output_is_sorted_indented_with_final_newline() -> None:
    text = render_openapi()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert (document["openapi"], document["info"]["version"]) == ("3.1.0", "2.1.0")


def test_request_body_is_the_contract_request_schema(
    document: dict[str, Any], operation: dict[str, Any]
) -> None:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert resolve(document, ref) == contract()["definitions"]["CreateParticipantRequest"]


def test_created_response_is_the_contract_response_schema(
    document: dict[str, Any], operation: dict[str, Any]
) -> None:
    ref = operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert resolve(document, ref) == contract()["definitions"]["CreateParticipantResponse"]


def test_parameters_use_contract_definitions(
    document: dict[str, Any], operation: dict[str, Any]
) -> None:
    found = {
        (p["name"], p["in"], p["required"]): resolve(document, p["schema"]["$ref"])
        for p in operation["parameters"]
    }
    definitions = contract()["definitions"]
    assert found == {
        ("contactId", "path", True): definitions["ContactId"],
        ("Idempotency-Key", "header", False): definitions["IdempotencyKey"],
    }


def test_request_body_is_required_and_json_only(operation: dict[str, Any]) -> None:
    # OpenAPI 3.1, Parameter Object: a header parameter named Content-Type "SHALL be ignored";
    # the request body's media types are where the required Content-Type is written.
    body = operation["requestBody"]
    assert (body["required"], list(body["content"])) == (True, ["application/json"])
    assert "`Content-Type: application/json`" in body["description"]
    assert all(p["name"].lower() != "content-type" for p in operation["parameters"])


def test_unsupported_media_type_is_a_documented_response(operation: dict[str, Any]) -> None:
    response = operation["responses"]["415"]
    assert response["description"].startswith("`Content-Type` is missing")
    [_, narrowing] = response["content"]["application/problem+json"]["schema"]["allOf"]
    assert narrowing["properties"]["type"]["enum"] == [
        "urn:connect-participant-broker:problem:unsupported-media-type"
    ]


def test_every_problem_status_is_a_problem_json_response(operation: dict[str, Any]) -> None:
    expected = {
        str(entry["status"]) for code, entry in problems().items() if code not in INVITATION_CODES
    }
    error_statuses = {status for status in operation["responses"] if status != "201"}
    assert error_statuses == expected


def test_the_participants_route_lists_no_invitation_problem(operation: dict[str, Any]) -> None:
    listed = {
        urn
        for status, response in operation["responses"].items()
        if status != "201"
        for schema in response["content"].values()
        for urn in schema["schema"]["allOf"][1]["properties"]["type"]["enum"]
    }
    assert not {problems()[code]["type"] for code in INVITATION_CODES} & listed


@pytest.mark.parametrize("code", sorted(problems()))
def test_each_problem_type_is_listed_under_its_status(
    document: dict[str, Any], operation: dict[str, Any], code: str
) -> None:
    entry = problems()[code]
    if code in INVITATION_CODES:
        operation = document["paths"]["/invitations/redeem"]["post"]
    content = operation["responses"][str(entry["status"])]["content"]
    [problem_ref, narrowing] = content["application/problem+json"]["schema"]["allOf"]
    assert problem_ref == {"$ref": "#/components/schemas/Problem"}
    assert entry["type"] in narrowing["properties"]["type"]["enum"]
    assert narrowing["properties"]["status"] == {"const": entry["status"]}


@pytest.mark.parametrize("status", ["429", "503"])
def test_retryable_statuses_carry_retry_after(operation: dict[str, Any], status: str) -> None:
    assert "Retry-After" in operation["responses"][status]["headers"]


def test_agent_not_connected_carries_retry_after(operation: dict[str, Any]) -> None:
    header = operation["responses"]["409"]["headers"]["Retry-After"]
    assert header["required"] is False
    assert header["description"].startswith("With `agent-not-connected` only:")
    assert problems()["agent-not-connected"]["retryAfter"] == 2


def test_created_names_the_role(document: dict[str, Any], operation: dict[str, Any]) -> None:
    content = operation["responses"]["201"]["content"]["application/json"]
    schema = resolve(document, content["schema"]["$ref"])
    assert "role" in schema["required"]
    assert content["example"]["role"] == "CUSTOMER"


def test_every_response_carries_no_store(operation: dict[str, Any]) -> None:
    assert all(
        "Cache-Control" in response["headers"] for response in operation["responses"].values()
    )


def test_every_ref_resolves(document: dict[str, Any]) -> None:
    for ref in refs(document):
        assert resolve(document, ref) is not None


def test_schemas_use_only_portable_keywords(document: dict[str, Any]) -> None:
    used = set().union(*(keywords(s) for s in document["components"]["schemas"].values()))
    assert used <= PORTABLE_KEYWORDS


def test_operation_requires_sigv4_by_default(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["sigv4"]
    assert (document["security"], scheme["x-amazon-apigateway-authtype"]) == (
        [{"sigv4": []}],
        "awsSigv4",
    )


def test_write_openapi_writes_the_document(tmp_path: Path) -> None:
    path = write_openapi(tmp_path / "cdk.out")
    assert (path.name, path.read_text("utf-8")) == ("openapi.json", render_openapi())


def test_main_writes_the_given_path(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "openapi.json"
    assert main([str(target)]) == 0
    assert target.read_text("utf-8") == render_openapi()


def test_main_rejects_extra_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["a", "b"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.endswith(
        "participant-broker-openapi: error: unrecognized arguments: b\n"
    )


def test_building_imports_no_cdk() -> None:
    code = (
        "import sys; from constructs_lib.openapi import render_openapi; render_openapi(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'aws_cdk', 'jsii', 'constructs'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stdout.strip() == "[]"


def pointer(*parts: str) -> str:
    """A JSON pointer (RFC 6901) of ``parts``."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def examples(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str, Any]]:
    """Every example in the document as (where, pointer of its schema, example): the ``example``
    and ``examples`` of media types, parameters and headers (beside their ``schema``), and of
    schemas (the JSON Schema ``examples`` array, or OpenAPI's ``example``)."""
    found: list[tuple[str, str, Any]] = []
    if isinstance(node, list):
        for index, value in enumerate(node):
            found += examples(value, (*path, str(index)))
        return found
    if not isinstance(node, dict):
        return found
    # Beside a schema (media type, parameter, header), or in a schema of its own.
    owner = (*path, "schema") if isinstance(node.get("schema"), dict) else path
    if "example" in node:
        found.append((pointer(*path, "example"), pointer(*owner), node["example"]))
    named = node.get("examples")
    if isinstance(named, dict):  # Example Objects, by name
        found += [
            (pointer(*path, "examples", name, "value"), pointer(*owner), example["value"])
            for name, example in named.items()
        ]
    elif isinstance(named, list):  # the JSON Schema keyword
        found += [
            (pointer(*path, "examples", str(index)), pointer(*path), example)
            for index, example in enumerate(named)
        ]
    for key, value in node.items():
        if key not in ("example", "examples"):
            found += examples(value, (*path, key))
    return found


def test_every_example_validates_against_its_own_schema(document: dict[str, Any]) -> None:
    found = examples(document)
    failures = {
        where: [error.message for error in schema_support.validator(schema).iter_errors(example)]
        for where, schema, example in found
    }
    assert {where: errors for where, errors in failures.items() if errors} == {}
    # The walk sees the examples it must: request bodies and answers of every route.
    redeemed = pointer(
        "paths", "/invitations/redeem", "post", "responses", "201", "content", "application/json"
    )
    assert redeemed + "/example" in failures and len(failures) >= 7


def test_the_examples_walk_finds_each_kind_of_example() -> None:
    schema = {"type": "integer", "examples": [1, "x"]}
    tree = {
        "parameters": [{"schema": {"type": "string"}, "example": 5}],
        "content": {"application/json": {"schema": schema, "examples": {"a": {"value": 2}}}},
    }
    assert examples(tree) == [
        ("/parameters/0/example", "/parameters/0/schema", 5),
        ("/content/application~1json/examples/a/value", "/content/application~1json/schema", 2),
        ("/content/application~1json/schema/examples/0", "/content/application~1json/schema", 1),
        ("/content/application~1json/schema/examples/1", "/content/application~1json/schema", "x"),
    ]


def test_the_document_declares_json_schema_2020_12(document: dict[str, Any]) -> None:
    # The dialect the reference validator applies (tests/schema_support.py).
    assert document["jsonSchemaDialect"] == schema_support.OAS_BASE_DIALECT
