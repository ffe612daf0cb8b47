"""Errors, split the way the flows need them: per item vs. per run, transient vs. terminal.

An :class:`ItemError` concerns one article: it is quarantined in ``ingest_errors`` and the rest of
the batch goes on. A :class:`RunError` stops the whole run with a one-line reason (bad database
URL, unreadable path, schema behind). :class:`TransientError` marks failures worth retrying
(a database that is briefly unreachable); everything else is terminal and is never retried.
"""

from __future__ import annotations

STAGES = ("read", "feed", "sitemap", "fetch", "extract", "clean", "entities", "events", "load")
"""Where an item can fail, in pipeline order: ``ingest_errors.stage`` is one of these."""


class NewsflowError(Exception):
    """Base class for every error newsflow raises on purpose."""


class RunError(NewsflowError):
    """The run cannot proceed at all; the message is shown to the user as is."""


class SchemaOutOfDateError(RunError):
    """The database is behind the newest migration."""


class TransientError(NewsflowError):
    """A failure that may succeed if retried (network blips, lock timeouts)."""


class ItemError(NewsflowError):
    """One article failed at one stage; it goes to ``ingest_errors`` and the batch continues."""

    def __init__(self, stage: str, reason: str, *, error_type: str | None = None) -> None:
        super().__init__(reason)
        self.stage = stage
        self.reason = reason
        self.error_type = error_type or type(self).__name__
