"""Settings live in the core: :mod:`salesbook.core.settings`. This module re-exports them so
``from salesbook.settings import Settings`` keeps working."""

from .core.settings import *  # noqa: F403
from .core.settings import (  # noqa: F401
    AS_OF_MAX,
    AS_OF_MIN,
    CADENCE_DAYS_MAX,
    NUMBER_ABS_MAX,
    QUOTA_MAX,
    WINDOW_DAYS_MAX,
    Settings,
)

__all__ = ["AS_OF_MAX", "AS_OF_MIN", "CADENCE_DAYS_MAX", "NUMBER_ABS_MAX", "QUOTA_MAX", "WINDOW_DAYS_MAX", "Settings"]
