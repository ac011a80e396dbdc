"""A client of the standard library for the AWS calls the broker makes.

Connect's DescribeContact and CreateParticipant (REST-JSON, :mod:`.connect`) and DynamoDB's
PutItem, UpdateItem and Query (JSON 1.0, :mod:`.dynamodb`), on one engine (:mod:`.client`):
SigV4 (:mod:`.sigv4`), credentials from Lambda's environment (:mod:`.credentials`), endpoints
(:mod:`.endpoints`), HTTPS with kept-alive connections (:mod:`.transport`), botocore's standard
retry mode (:mod:`.retries`) and errors as botocore reports them (:mod:`.errors`). The tests
hold every part to botocore with its full service models (docs/security.md).
"""
