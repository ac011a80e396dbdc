"""``python -m constructs_lib.local``: the ``participant-broker-local`` command."""

from .cli import main

raise SystemExit(main())
