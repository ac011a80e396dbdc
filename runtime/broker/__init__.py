"""The ParticipantBroker's Lambda function: ``broker.handler.handler``.

Modules: :mod:`.handler` (the entry point), :mod:`.apigw` (API Gateway REST proxy events),
:mod:`.media_type` (the ``Content-Type`` check), :mod:`.contract` (validation against
``contract.schema.json``), :mod:`.problems` (RFC 9457 responses from ``problems.json``),
:mod:`.identity` (the caller), :mod:`.idempotency` (Connect's ``ClientToken``),
:mod:`.contacts` (the contact checks), :mod:`.connect` (the Amazon Connect client; its time
:mod:`.budget`), :mod:`.tracing` (X-Ray subsegments of its calls), :mod:`.config`
(environment), :mod:`.logs` (JSON logs) and :mod:`.metrics` (EMF metrics).
Only the standard library and botocore are used; imports inside the package are relative.
"""
