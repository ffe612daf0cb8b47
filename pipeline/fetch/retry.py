"""How long to wait before retrying: ``Retry-After`` when the server says, else full jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    A date in the past gives 0; a missing or unparseable value gives None.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # HTTP-dates are GMT; "-0000" parses as naive
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    attempt: int, base: float, cap: float, *, random_fraction: Callable[[], float] = random.random
) -> float:
    """Full-jitter exponential backoff before retry number ``attempt`` (0 for the first retry).

    Uniform in [0, min(cap, base * 2**attempt)]: spreading retries over the whole window keeps
    many clients that failed together from coming back together.
    """
    window = min(cap, base * 2 ** min(attempt, 62))
    return window * random_fraction()
