"""Requests served at once by the local broker (one thread each, one runtime): every log line and
metric record carries the request ID of the request it is about."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from local_http import Answer, send

from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import CREATE_PARTICIPANT, FakeConnect

CONTACT_ID = "c0ffee00-1234-4abc-8def-0123456789ab"


@pytest.fixture(scope="module")
def broker(fake_connect: FakeConnect) -> Iterator[LocalBroker]:
    config = LocalBrokerConfig(contact_checks=False, connect_read_timeout=5.0, log_level="INFO")
    with LocalBroker(config=config, connect=fake_connect) as running:
        yield running


def post(broker: LocalBroker) -> Answer:
    url = f"{broker.url}/contacts/{CONTACT_ID}/participants"
    return send(url, {"displayName": "Ana Silva"})


def test_a_request_served_while_another_waits_for_connect_keeps_its_own_request_id(
    broker: LocalBroker, fake: FakeConnect, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first request waits in Connect while the second one is served from start to end.
    fake.delay_next(1.0)
    answers: dict[str, Answer] = {}
    slow = threading.Thread(target=lambda: answers.update(slow=post(broker)))
    slow.start()
    deadline = time.monotonic() + 5
    while not fake.requests_for(CREATE_PARTICIPANT) and time.monotonic() < deadline:
        time.sleep(0.01)
    answers["quick"] = post(broker)
    slow.join(timeout=10)
    assert {name: answer.status for name, answer in answers.items()} == {"slow": 201, "quick": 201}

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    created: dict[str, Any] = {
        line["participantId"]: line
        for line in printed
        if line.get("message") == "participant created"
    }
    records = [line for line in printed if "_aws" in line]
    for answer in answers.values():
        request_id = answer.header("x-amzn-RequestId")
        line = created[answer.json()["participantId"]]
        assert (line["apiRequestId"], line["contactId"]) == (request_id, CONTACT_ID)
    assert sorted(record["apiRequestId"] for record in records) == sorted(
        str(answer.header("x-amzn-RequestId")) for answer in answers.values()
    )
