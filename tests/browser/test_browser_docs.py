"""The docs' JavaScript, as written, in headless Chromium against the local broker.

Every ``js`` block of README.md and docs/*.md is read from the markdown when the module runs and
loaded, unchanged, as the scripts of a page served from another origin (a second HTTP server on
127.0.0.1), so the browser does what it does for a real app: a CORS preflight, then the request,
and script access only to what the broker's CORS headers allow. A block that defines a function
no test below calls fails ``test_every_docs_function_is_run``.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from constructs_lib.local import LocalBroker, LocalBrokerConfig
from constructs_lib.local.fake_connect import FakeConnect

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
URN = "urn:connect-participant-broker:problem:"
_BLOCK = re.compile(r"^```js\n(.*?)^```", re.DOTALL | re.MULTILINE)
_FUNCTION = re.compile(r"^(?:async\s+)?function\s+(\w+)", re.MULTILINE)
TITLES = {
    "agent-not-connected": "The call's agent has not connected yet",
    "throttled": "Too many requests",
    "contact-not-found": "Contact not found",
    "contact-ended": "The contact has ended",
}
#: Calls ``window[name](...args)`` and returns how it settled, errors as plain data.
_SETTLE = """async ([name, args]) => {
  try {
    return { value: await window[name](...args) };
  } catch (error) {
    if (!(error instanceof Error)) return { thrown: error };
    return {
      name: error.name, message: error.message,
      problem: error.problem ?? null, retryAfter: error.retryAfter ?? null,
    };
  }
}"""


def docs_scripts() -> list[tuple[str, str]]:
    """Each ``js`` block of the docs: where it is (page:line) and its code."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((f"{page.relative_to(ROOT)}:{line}", match.group(1)))
    return found


def page_html() -> bytes:
    scripts = []
    for where, code in docs_scripts():
        assert "</script" not in code.lower(), f"{where}: cannot be inlined in a page"
        scripts.append(f"<script>// {where}\n{code}</script>")
    return ("<!doctype html>\n<meta charset=utf-8>\n" + "\n".join(scripts)).encode()


class PageServer:
    """A web app's origin: every GET answers the page holding the docs' scripts."""

    def __init__(self, html: bytes) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class Seen:
    """A request the local broker received (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Site:
    """The local broker, the allowed page origin and an origin CORS does not allow."""

    broker: LocalBroker
    app: PageServer
    stranger: PageServer
    seen: list[Seen]

    @property
    def url(self) -> str:
        """The broker URL as the docs' functions take it (the stage URL, ``/`` at the end)."""
        return self.broker.url + "/"

    @property
    def fake(self) -> FakeConnect:
        return self.broker.connect

    def requests_to(self, path: str) -> list[tuple[str, dict[str, str]]]:
        return [(seen.method, seen.headers) for seen in self.seen if seen.path == path]


def record(broker: LocalBroker, seen: list[Seen]) -> None:
    """Keep every request ``broker`` serves in ``seen``, preflights included."""
    invoke = broker.invoke

    def recording(method: str, path: str, headers: Any, body: bytes, ip: str) -> Any:
        seen.append(Seen(method, path, {k.lower(): v for k, v in headers}))
        return invoke(method, path, headers, body, ip)

    broker.invoke = recording  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def site(browser: Browser) -> Iterator[Site]:
    html = page_html()
    app, stranger = PageServer(html), PageServer(html)
    config = LocalBrokerConfig(
        cors_allowed_origins=(app.origin,),
        invitations=True,
        agent_wait=0.0,
        connect_max_attempts=1,
        log_level="ERROR",
    )
    seen: list[Seen] = []
    try:
        with LocalBroker(config=config) as broker:
            record(broker, seen)
            yield Site(broker, app, stranger, seen)
    finally:
        app.close()
        stranger.close()


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One browser tab for the module (its preflight cache too: each test calls its own URLs)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def page(tab: Page, site: Site) -> Page:
    """The tab, freshly on the app's page; the simulated Connect reset."""
    tab.goto(site.app.origin + "/")
    site.fake.reset()
    return tab


def call(page: Page, name: str, *args: Any) -> dict[str, Any]:
    settled: dict[str, Any] = page.evaluate(_SETTLE, [name, list(args)])
    return settled


def test_every_docs_function_is_run() -> None:
    defined = sorted(name for _, code in docs_scripts() for name in _FUNCTION.findall(code))
    assert defined == ["invite", "join", "joinCall"]


def test_join_call_is_preflighted_then_gets_its_participant(page: Page, site: Site) -> None:
    settled = call(page, "joinCall", site.url, "browser-call", "id-token")
    participant = settled["value"]
    assert sorted(participant) == ["expiry", "participantId", "participantToken"]
    assert all(isinstance(value, str) and value for value in participant.values())
    (preflight_method, preflight), (post_method, post) = site.requests_to(
        "/contacts/browser-call/participants"
    )
    assert (preflight_method, post_method) == ("OPTIONS", "POST")
    assert {
        name: preflight.get(name)
        for name in ("origin", "access-control-request-method", "access-control-request-headers")
    } == {
        "origin": site.app.origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type,idempotency-key",
    }
    assert (post["origin"], post["authorization"]) == (site.app.origin, "id-token")
    (created,) = site.fake.requests_for("CreateParticipant")
    assert created.json()["ParticipantDetails"] == {
        "ParticipantRole": "CUSTOMER",
        "DisplayName": "Ana",
        "ParticipantCapabilities": {"Video": "SEND"},
    }
    # crypto.randomUUID() exists: a page on http://127.0.0.1 is a secure context.
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        post["idempotency-key"],
    )


@pytest.mark.parametrize(
    ("contact_id", "status", "code", "detail", "retry_after"),
    [
        (
            "no-agent-1",
            409,
            "agent-not-connected",
            "The call's agent has not connected yet; retry after the delay in Retry-After.",
            2,
        ),
        (
            "throttle-1",
            429,
            "throttled",
            "Amazon Connect is throttling requests; retry after the delay in Retry-After.",
            2,
        ),
        (
            "notfound-1",
            404,
            "contact-not-found",
            "Amazon Connect has no such contact in this broker's instance.",
            None,
        ),
    ],
    ids=["agent-not-connected", "throttled", "contact-not-found"],
)
def test_problem_bodies_and_retry_after_reach_the_script(
    page: Page,
    site: Site,
    contact_id: str,
    status: int,
    code: str,
    detail: str,
    retry_after: int | None,
) -> None:
    settled = call(page, "joinCall", site.url, contact_id, "id-token")
    problem = settled["problem"]
    request_id = problem.pop("requestId")
    assert isinstance(request_id, str) and request_id
    assert settled == {
        "name": "Error",
        "message": detail,
        "problem": {
            "type": URN + code,
            "title": TITLES[code],
            "status": status,
            "detail": detail,
        },
        "retryAfter": retry_after,
    }


def test_an_origin_cors_does_not_allow_is_blocked(page: Page, site: Site) -> None:
    page.goto(site.stranger.origin + "/")
    settled = call(page, "joinCall", site.url, "stranger-call", "id-token")
    assert settled == {
        "name": "TypeError",
        "message": "Failed to fetch",
        "problem": None,
        "retryAfter": None,
    }
    # The preflight did not allow the origin, so the browser never sent the POST.
    methods = [method for method, _ in site.requests_to("/contacts/stranger-call/participants")]
    assert methods == ["OPTIONS"]
    assert site.fake.requests == []


def test_an_invitation_is_created_shared_as_a_link_and_redeemed(page: Page, site: Site) -> None:
    created = call(page, "invite", site.url, "invited-call", "id-token")["value"]
    assert sorted(created) == ["expiry", "invitationId", "link"]
    link = urllib.parse.urlsplit(created["link"])
    assert (link.scheme, link.netloc, link.path) == ("https", "app.example.com", "/join")
    assert link.fragment.startswith(created["invitationId"] + ".")  # the secret

    # The invitee opens the link (here on the test app's origin).
    page.goto(f"{site.app.origin}/join#{link.fragment}")
    token = call(page, "join", site.url, "Bo")["value"]
    assert isinstance(token, str) and token
    assert page.url == f"{site.app.origin}/join"  # the secret left the address bar
    (added,) = site.fake.requests_for("CreateParticipant")
    assert (added.json()["ContactId"], added.json()["ParticipantDetails"]) == (
        "invited-call",
        {
            "ParticipantRole": "CUSTOMER",
            "DisplayName": "Bo",
            "ParticipantCapabilities": {"Video": "SEND"},
        },
    )

    # The one use is spent: the same link again is the docs' message.
    page.goto(f"{site.app.origin}/join#{link.fragment}")
    again = call(page, "join", site.url, "Bo")
    assert (again["name"], again["message"]) == (
        "Error",
        "This link has expired or has already been used.",
    )


def test_a_refused_invitation_throws_its_problem_body(page: Page, site: Site) -> None:
    thrown = call(page, "invite", site.url, "ended-call", "id-token")["thrown"]
    assert isinstance(thrown.pop("requestId"), str)
    assert thrown == {
        "type": URN + "contact-ended",
        "title": TITLES["contact-ended"],
        "status": 409,
        "detail": "The contact has ended.",
    }


def test_contact_bound_callers_from_a_browser(page: Page, site: Site) -> None:
    """With ``--caller-attribute`` the caller names itself in ``X-Local-Caller``."""
    bound = dataclasses.replace(site.broker.config, caller_attribute="brokerCaller")
    site.fake.add_contact("ana-call", attributes={"brokerCaller": "ana"})
    post_as = """async ([url, caller]) => {
      const response = await fetch(`${url}contacts/ana-call/participants`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Local-Caller": caller },
        body: JSON.stringify({ displayName: "Ana" }),
      });
      return [response.status, (await response.json()).type ?? "participant"];
    }"""
    with LocalBroker(config=bound, connect=site.fake) as local:
        url = local.url + "/"
        assert page.evaluate(post_as, [url, "ana"]) == [201, "participant"]
        assert page.evaluate(post_as, [url, "bob"]) == [404, URN + "contact-not-found"]
        # The docs' joinCall sends no X-Local-Caller: a 401 the script can read.
        settled = call(page, "joinCall", url, "ana-call", "id-token")
    assert isinstance(settled["problem"].pop("requestId"), str)
    detail = "The request is not authenticated (X-Local-Caller)."
    assert settled == {
        "name": "Error",
        "message": detail,
        "problem": {
            "type": URN + "unauthorized",
            "title": "Unauthorized",
            "status": 401,
            "detail": detail,
        },
        "retryAfter": None,
    }
