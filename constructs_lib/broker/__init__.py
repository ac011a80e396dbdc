"""The construct and its props: ``ParticipantBroker`` (``construct``), built from its props
(``props``, each written once) and choices (``choices``) by a short chain of builders
(``function``, ``api``, ``account``), with its scanner acknowledgements (``nag``)."""

from __future__ import annotations

from .construct import ParticipantBroker

__all__ = ["ParticipantBroker"]
