"""Time windows for backfills: a half-open ``[start, end)`` range in UTC, and the split of a
backfill's span into windows of one step (``1d``, ``6h``, ``1w``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipeline.errors import RunError

_STEP = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_interval(value: str) -> timedelta:
    """``15m``, ``6h``, ``1d``, ``2w`` as a timedelta; anything else is a clear error."""
    match = _STEP.match(value)
    if not match or int(match.group(1)) == 0:
        raise RunError(f"not an interval: {value!r} (use a number and a unit: 30s, 15m, 6h, "
                       "1d, 1w)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)``, both aware UTC datetimes."""

    start: datetime
    end: datetime

    def contains(self, moment: datetime | None) -> bool:
        """Whether ``moment`` falls in the window; an unknown time falls in none."""
        if moment is None:
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} .. {self.end.isoformat()}"


def split_windows(start: datetime, end: datetime, step: timedelta) -> list[Window]:
    """``[start, end)`` cut into consecutive windows of ``step``; the last one may be shorter."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        raise RunError(f"the backfill ends ({end.isoformat()}) before it starts "
                       f"({start.isoformat()})")
    windows, cursor = [], start
    while cursor < end:
        windows.append(Window(cursor, min(cursor + step, end)))
        cursor += step
    return windows


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
