"""A client of the standard library for the broker's AWS calls, held to botocore by the tests
(docs/security.md): :mod:`.connect` and :mod:`.dynamodb` on :mod:`.client`."""
