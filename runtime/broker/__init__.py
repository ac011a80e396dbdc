"""The ParticipantBroker's Lambda function, handler ``broker.handler.handler`` (docs/development.md
maps its modules). Only the standard library and botocore; imports inside are relative."""
