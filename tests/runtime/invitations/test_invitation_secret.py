"""The invitation secret: its randomness, its form, its hash; and a redemption's use ID."""

from __future__ import annotations

import hashlib
import re

import pytest
from invitation_support import INVITATION_ID, RANDOM, SECRET

from runtime.broker import invitation_tokens as tokens
from runtime.broker.invitation_tokens import new_secret, new_use_id

# ``new_secret`` and ``new_use_id`` as imported above are the real ones (the fixtures fix the
# store's for the routes).


def test_a_new_secret_holds_its_id_and_256_random_bits() -> None:
    invitation_id, secret = new_secret()
    head, dot, tail = secret.partition(".")
    assert (head, dot) == (invitation_id, ".")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", head) and re.fullmatch(r"[A-Za-z0-9_-]{43}", tail)
    # 43 URL-safe base64 characters carry 32 bytes: 256 bits from the secrets module.
    assert tokens.SECRET_BYTES * 8 == 256


def test_secrets_do_not_repeat() -> None:
    made = {new_secret()[1] for _ in range(200)}
    assert len(made) == 200


def test_the_stored_hash_is_sha256_of_the_whole_secret() -> None:
    assert tokens.secret_hash(SECRET) == hashlib.sha256(SECRET.encode()).hexdigest()


@pytest.mark.parametrize(
    ("secret", "found"),
    [
        (SECRET, INVITATION_ID),
        (f"{INVITATION_ID}.{RANDOM}x", None),
        (f"{INVITATION_ID}{RANDOM}", None),
        (f".{RANDOM}", None),
        (f"{INVITATION_ID}.{RANDOM[:-1]}=", None),
        (f"{INVITATION_ID}.{RANDOM}.x", None),
        (f"{INVITATION_ID}\n.{RANDOM}", None),
    ],
)
def test_only_a_well_formed_secret_names_an_invitation(secret: str, found: str | None) -> None:
    assert tokens.invitation_id_of(secret) == found


def test_redemptions_differ_by_key_and_name() -> None:
    hashes = {
        tokens.redemption_hash(INVITATION_ID, key, name)
        for key in ("k1", "k2")
        for name in (None, "Bo", "bo")
    }
    assert len(hashes) == 6


def test_use_ids_are_96_random_bits_in_url_safe_text() -> None:
    """96 random bits: no redemption finds another's use ID in the item, nor guesses it."""
    made = {new_use_id() for _ in range(200)}
    assert len(made) == 200
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", use_id) for use_id in made)
    assert tokens.USE_ID_BYTES * 8 == 96
