"""The errors planqa raises. Each message names the file, document or clause concerned."""

from __future__ import annotations


class PlanqaError(Exception):
    """Base class: the CLI prints these as one line, the UI as a chat message."""


class CorpusError(PlanqaError):
    """A corpus file or manifest entry cannot be read or parsed."""


class IndexMissingError(PlanqaError):
    """No index has been built yet for these settings."""


class IndexMismatchError(PlanqaError):
    """The index was built with another embedding model or chunking version."""


class IndexLockedError(PlanqaError):
    """Another build holds the index lock."""


class SettingsError(PlanqaError):
    """A setting has a value planqa cannot use."""


class IndexDamagedError(PlanqaError):
    """The index on disk cannot be read whole: a file is cut short, missing or garbled."""


class StoreUnavailableError(PlanqaError):
    """The Chroma server holding the index does not answer."""


class StorageFullError(PlanqaError):
    """No space was left on the device while writing the index or an export."""
