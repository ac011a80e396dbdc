"""Connect's ``ClientToken``, derived from the caller's ``Idempotency-Key`` (CONTRACT v2).

Connect keeps one idempotency namespace per instance, so the key is never sent as it is: another
caller replaying or guessing it would get the first caller's participant, and the same key with
another request would silently return the first one. The token is the SHA-256 (hex) of a JSON
array, sorted keys and ASCII escapes (so requests Connect tells apart never give the same text),
of a version tag (:data:`VERSION`), the caller's identity (empty without authentication), the
contact ID, the key and the request as Connect receives it: the effective role, the display name
and the capabilities. Without a key there is no token (the client generates one per call). The
token, like the key, is a secret: never logged.
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
