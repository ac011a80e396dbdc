"""A local ParticipantBroker for development. NOT FOR PRODUCTION: no authentication.

``participant-broker-local`` (or ``make serve``) serves the broker's HTTP contract on
``127.0.0.1`` from the real runtime code (``runtime/broker``, the same files the Lambda function
runs), backed by a simulated Amazon Connect (:class:`constructs_lib.local.fake_connect.FakeConnect`)
in the same process. Each HTTP request becomes an API Gateway REST proxy event and goes through
the runtime's ``handler(event, context)``; its proxy response becomes the HTTP response.

Only ``POST /contacts/{contactId}/participants`` reaches the runtime, and with
``invitations=True`` (``--invitations``) the invitation routes too, their table held by moto's
DynamoDB (:class:`constructs_lib.local.dynamodb.LocalDynamoDB`) in the same process, so the
runtime's own store code runs against it. What API Gateway answers by itself,
the local broker answers the same way (:mod:`constructs_lib.local._gateway`): a
method or path the API does not have is 403 ``access-denied`` (API Gateway's
MISSING_AUTHENTICATION_TOKEN), an encoded slash in the contact ID is such a path, ``OPTIONS``
is the CORS preflight when origins are configured, and a body over 10 MB is 413.

The contact checks run as deployed (on by default): any contact ID is an ongoing WebRTC call
whose agent has connected, unless its prefix (``chat-``, ``ended-``, ``task-``, ``email-``,
``phone-``, ``no-agent-``, ``agent-after-N-``) or a ``--contacts`` file says otherwise, and IDs
starting with ``notfound-``, ``conflict-``, ``quota-``, ``throttle-``, ``invalid-``, ``error-``
or ``slow-`` make the simulated Connect fail (see :mod:`constructs_lib.local.fake_connect`).

Contact-bound callers (``caller_attribute``): there is no authentication here, so the caller
says who it is in the ``X-Local-Caller`` header, which the local broker hands the runtime as a
custom authorizer's ``principalId`` (a request without it gets the gateway's 401; with CORS,
the preflight allows the header). This is a simulation for development, not authentication.

Standard library and botocore only: no aws_cdk, no Node.js. botocore comes with the package's
``client`` extra; the invitation routes also need moto, which the ``local`` extra brings and
which is imported only with invitations on. Without them, the command and :class:`LocalBroker`
fail at once and name the extra.
"""

from __future__ import annotations

from .cli import config_from_args, contacts_from_file, main
from .events import LambdaContext, build_event, proxy_event
from .runtime import Runtime, load_runtime
from .server import LocalBroker
from .settings import (
    BANNER,
    CALLER_HEADER,
    DEFAULT_INSTANCE_ID,
    DEFAULT_PORT,
    INVITATION_TABLE,
    LocalBrokerConfig,
)

__all__ = [
    "BANNER",
    "CALLER_HEADER",
    "DEFAULT_INSTANCE_ID",
    "DEFAULT_PORT",
    "INVITATION_TABLE",
    "LambdaContext",
    "LocalBroker",
    "LocalBrokerConfig",
    "Runtime",
    "build_event",
    "config_from_args",
    "contacts_from_file",
    "load_runtime",
    "main",
    "proxy_event",
]
