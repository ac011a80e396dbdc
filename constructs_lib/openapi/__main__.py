"""``python -m constructs_lib.openapi``: the ``participant-broker-openapi`` command."""

from .cli import main

raise SystemExit(main())
