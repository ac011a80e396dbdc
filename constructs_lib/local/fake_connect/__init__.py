"""A simulated Amazon Connect for local development, tests and benchmarks. NOT FOR PRODUCTION.

``FakeConnect`` serves Connect's real wire protocol (restJson1) for the two operations the broker
calls, ``CreateParticipant`` (``POST /contact/create-participant``) and ``DescribeContact``
(``GET /contacts/{InstanceId}/{ContactId}``), on ``127.0.0.1``, so that a real botocore client
pointed at it (``endpoint_url=...`` or ``AWS_ENDPOINT_URL_CONNECT``) signs, serializes, retries
and parses errors exactly as it does against the real service.

It uses the standard library only (no aws_cdk), answers with realistic values (UUID participant
IDs, long opaque tokens, ISO 8601 expiry with milliseconds), is idempotent per ``ClientToken``
and records every request it receives.

Contacts. Every contact ID names a simulated contact: by default an ongoing WebRTC call whose
agent has connected. Others come from :meth:`FakeConnect.add_contact` (channel, ended, an agent
who connects after N seconds, user-defined attributes), the ``contacts`` argument, or a contact
ID prefix (see ``CONTACT_PREFIXES``):

  ===================== ==============================================================
  prefix                the contact
  ===================== ==============================================================
  ``chat-``             an ongoing chat
  ``ended-``            a WebRTC call that has ended
  ``task-``             a task; ``email-``: an email contact
  ``phone-``            a telephone (not WebRTC) voice call
  ``no-agent-``         a WebRTC call whose agent never connects
  ``agent-after-N-``    a WebRTC call whose agent connects N seconds after the fake first
                        sees the contact ID (for example ``agent-after-2-demo``)
  ===================== ==============================================================

CreateParticipant follows Connect's rules on them (administrator guide and API reference): it
fails with ``InvalidRequestException`` on an ended contact, a channel other than chat and WebRTC,
a role other than ``CUSTOM_BOT`` on a chat or ``CUSTOMER`` on a WebRTC call, and a WebRTC call
whose agent has not connected yet.

Failures, for exercising error paths:

* by contact ID prefix (see ``MAGIC_PREFIXES``), CreateParticipant only (DescribeContact
  describes these as ongoing WebRTC calls, except ``notfound-``, which neither operation finds):

  ============== ====================================== ======
  prefix         Connect answers                        status
  ============== ====================================== ======
  ``invalid-``   ``InvalidRequestException``            400
  ``quota-``     ``ServiceQuotaExceededException``      402
  ``notfound-``  ``ResourceNotFoundException``          404
  ``conflict-``  ``ConflictException``                  409
  ``throttle-``  ``ThrottlingException``                429
  ``error-``     ``InternalServiceException``           500
  ``slow-``      success, after ``slow_seconds`` (35 s by default: past any caller's timeout)
  ============== ====================================== ======

* programmatically: ``fail_next("ThrottlingException", times=2)`` makes the next two
  CreateParticipant requests fail, whatever their contact ID (``operation="DescribeContact"``
  for DescribeContact, ``operation=None`` for any request); ``delay_next(5.0)`` delays the next
  CreateParticipant the same way.

Example::

    with FakeConnect() as connect:
        connect.add_contact("call-1", agent_after=2.0, attributes={"brokerCaller": "sub-1"})
        client = botocore.session.get_session().create_client(
            "connect", endpoint_url=connect.url, region_name="us-east-1",
            aws_access_key_id="x", aws_secret_access_key="x")
        client.describe_contact(InstanceId="i", ContactId="call-1")
"""

from __future__ import annotations

from .contacts import (
    CONTACT_PREFIXES,
    CREATE_PARTICIPANT,
    DESCRIBE_CONTACT,
    ERROR_STATUS,
    MAGIC_PREFIXES,
    SimulatedContact,
)
from .requests import RecordedRequest
from .service import FakeConnect

__all__ = [
    "CONTACT_PREFIXES",
    "CREATE_PARTICIPANT",
    "DESCRIBE_CONTACT",
    "ERROR_STATUS",
    "MAGIC_PREFIXES",
    "FakeConnect",
    "RecordedRequest",
    "SimulatedContact",
]
