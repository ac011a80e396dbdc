"""The ParticipantBroker's Lambda function, handler ``broker.handler.handler`` (docs/development.md
maps its modules). The standard library only; imports inside are relative."""
