"""The router the routes register on (the handler's and the invitation routes' are built when
their modules are imported: these are built here, so that a change to it shows)."""

from __future__ import annotations

from typing import Any

from runtime.broker.context import Route, Router


def test_routes_are_found_by_method_and_resource_and_merged_with_include_router() -> None:
    def wrapped(route: Route) -> Route:
        return lambda: {"wrapped": route()}

    inner = Router(around=wrapped)

    @inner.route("GET", "/a")
    def a() -> dict[str, Any]:
        return {"a": 1}

    outer = Router()

    @outer.route("POST", "/b")
    def b() -> dict[str, Any]:
        return {"b": 2}

    assert a() == {"a": 1}  # the function itself is left as it is
    assert outer.include_router(inner) is outer
    assert set(outer.routes) == {("POST", "/b"), ("GET", "/a")}
    assert outer.routes["POST", "/b"]() == {"b": 2}
    assert outer.routes["GET", "/a"]() == {"wrapped": {"a": 1}}
