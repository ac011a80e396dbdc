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

from .cli import main
from .document import build_openapi, render_openapi, write_openapi
from .outputs import broker_url_from_outputs
from .shared import CONTRACT_VERSION, FILENAME

__all__ = [
    "CONTRACT_VERSION",
    "FILENAME",
    "broker_url_from_outputs",
    "build_openapi",
    "main",
    "render_openapi",
    "write_openapi",
]
