"""The allocation engine: a ledger of places, caps, and the step types every system reuses."""

from qualify.engine.allocate import allocate
from qualify.engine.context import Decline

__all__ = ["Decline", "allocate"]
