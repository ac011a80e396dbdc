"""Lambda code of the ParticipantBroker.

The directory ``runtime/`` is the Lambda asset: its package ``broker`` is imported by
Lambda as a top-level package (handler ``broker.handler.handler``). Inside the wheel the
same code is importable as ``runtime.broker``; every module of ``broker`` uses relative
imports only, so both work.
"""
