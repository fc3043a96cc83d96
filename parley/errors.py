"""Errors parley reports per item. Each has a short code so users can look it up.

The CLI turns these into one-line messages (``path: E101 empty file``) and goes on
with the rest of the batch.
"""


class ParleyError(Exception):
    code = "E000"

    def __init__(self, message: str, item: str | None = None):
        super().__init__(message)
        self.message = message
        self.item = item

    def __str__(self) -> str:
        where = f"{self.item}: " if self.item else ""
        return f"{where}{self.code} {self.message}"


class InputError(ParleyError):
    """An input item that cannot be read as an article (empty, binary, too large...)."""
    code = "E100"


class EmptyInput(InputError):
    code = "E101"


class BinaryInput(InputError):
    code = "E102"


class TooLarge(InputError):
    code = "E103"


class DecodeError(InputError):
    code = "E104"


class MalformedRecord(InputError):
    code = "E105"


class MissingPath(InputError):
    code = "E106"


class NoText(InputError):
    code = "E107"


class StoreError(ParleyError):
    """The database cannot be opened or is not a parley database."""
    code = "E200"


class UsageError(ParleyError):
    code = "E300"
