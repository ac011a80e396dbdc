"""Every prop is written once, in constructs_lib/props.py: the construct's signature and
docstring and the props reference (docs/reference.md) are what ``make props`` generates from
it, and the construct takes exactly those props."""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

import pytest

from constructs_lib import ParticipantBroker
from constructs_lib.props import InvitationOptions, ParticipantBrokerProps

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def generator() -> ModuleType:
    """scripts/generate_props.py as a module (scripts/ is not a package)."""

    spec = importlib.util.spec_from_file_location(
        "generate_props", ROOT / "scripts" / "generate_props.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["constructs_lib/broker.py", "docs/reference.md"])
def test_the_generated_parts_are_what_make_props_writes(name: str) -> None:
    generated = {
        path.relative_to(ROOT).as_posix(): text for path, text in generator().generated().items()
    }
    assert (ROOT / name).read_text(encoding="utf-8") == generated[name], (
        f"{name} differs from what `make props` writes from constructs_lib/props.py; run it"
    )


def test_the_construct_takes_exactly_the_props_in_their_order() -> None:
    parameters = list(inspect.signature(ParticipantBroker.__init__).parameters.values())[3:]
    fields = dataclasses.fields(ParticipantBrokerProps)
    assert [(p.name, p.kind) for p in parameters] == [
        (f.name, inspect.Parameter.KEYWORD_ONLY) for f in fields
    ]
    for parameter, field in zip(parameters, fields, strict=True):
        default = inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default
        assert parameter.default is default, parameter.name
        assert parameter.annotation == field.type, parameter.name


@pytest.mark.parametrize("props", [ParticipantBrokerProps, InvitationOptions])
def test_every_prop_says_what_it_does_and_its_default(props: type) -> None:
    for prop in generator().fields(props.__name__):
        assert prop.description and prop.default_doc, prop.name


def test_a_prop_without_its_default_is_refused_by_the_generator() -> None:
    source = 'class ParticipantBrokerProps:\n    timeout: int = 3\n    """The timeout."""\n'
    with pytest.raises(
        SystemExit, match=r"ParticipantBrokerProps.timeout: its docstring must say 'Default:'"
    ):
        generator().fields("ParticipantBrokerProps", source)
