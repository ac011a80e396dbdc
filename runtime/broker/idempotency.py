"""Connect's ``ClientToken``, derived from the caller's ``Idempotency-Key`` (CONTRACT v2).

The key is never sent to Connect as it is: Connect keeps one idempotency namespace for the
whole instance, so a key sent unchanged would let a second caller who replays (or guesses)
the same key for the same contact be handed the first caller's participant, and would make
the same key with a different request silently return the first participant. The token is
instead the SHA-256 (64 hex digits; Connect allows 500 characters) of an unambiguous encoding
of:

* a version tag (:data:`VERSION`), so a future change of the encoding never collides;
* the caller's identity (:func:`broker.identity.caller_identity`; empty without
  authentication);
* the contact ID;
* the ``Idempotency-Key``;
* the request as Connect receives it: the *effective* role (the default applied), the display
  name and the capabilities.

So the same caller repeating the same request with the same key gets the same participant;
another caller with the same key gets another token; the same key with another request is
another request. The encoding is a JSON array with sorted keys and ASCII escapes (as botocore
writes Connect's request), so two requests Connect can tell apart never give the same text.
Without a key there is no token (botocore generates one per call, which still makes the SDK's
own retries safe).

The token, like the key, is a secret: it is never logged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

VERSION = "connect-participant-broker/client-token/1"


def client_token(
    *,
    caller: str,
    contact_id: str,
    key: str,
    role: str,
    display_name: str,
    capabilities: Mapping[str, str],
    version: str = VERSION,
) -> str:
    """Return the ``ClientToken`` for one caller, contact, key and effective request."""
    request = {"role": role, "displayName": display_name, "capabilities": dict(capabilities)}
    text = json.dumps(
        [version, caller, contact_id, key, request],
        ensure_ascii=True,  # pragma: no mutate (the default)
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("ascii")).hexdigest()  # pragma: no mutate (codec case)
