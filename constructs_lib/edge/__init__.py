"""The API edge: who may call (the resource policy), what API Gateway answers itself, the
method throttles. ``answers`` imports nothing of the CDK: the local broker and the OpenAPI
document share it."""
