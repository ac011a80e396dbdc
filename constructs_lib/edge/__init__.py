"""The API edge: who may call (the resource policy, ``access``), what API Gateway answers
itself (``responses``, from the plain values of ``constructs_lib._gateway_answers``, which the
local broker and the OpenAPI document share), the method throttles (``throttling``)."""
