"""One batch, one transaction, one savepoint per item: how loading and reprocessing write.

:func:`in_savepoints` runs a piece of work for each item of a batch inside its own SAVEPOINT,
so an item that fails, in the database or before it gets there, is rolled back alone and
reported, while the rest of the batch commits together. A batch that PostgreSQL aborted to
break a deadlock or a serialization conflict with a concurrent writer is run again whole,
after a short random pause; any other loss of the database (connection gone, locked) is a
:class:`~pipeline.errors.TransientError` for the caller's retries. The work must therefore
keep its effects inside the transaction and report through what it returns.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from pipeline.errors import TransientError

CONFLICT_ATTEMPTS = 5
"""Tries of a batch whose transaction PostgreSQL aborted to break a deadlock or a
serialization conflict with a concurrent writer."""

T = TypeVar("T")
R = TypeVar("R")


class BatchState(Protocol):
    """What the work shares across the items of one transaction (ids it looked up, say):
    told to forget what a rolled-back savepoint may have made up."""

    def forget(self) -> None: ...


S = TypeVar("S", bound=BatchState)


@dataclass(slots=True)
class Outcome(Generic[T, R]):
    """What a batch came to: each item's result, or the exception that failed it."""

    done: list[tuple[T, R]] = field(default_factory=list)
    failed: list[tuple[T, Exception]] = field(default_factory=list)


def is_transient(exc: DBAPIError) -> bool:
    """The database itself failed (connection lost, locked, a deadlock): not the item."""
    return isinstance(exc, OperationalError) or exc.connection_invalidated


def is_conflict(exc: BaseException | None) -> bool:
    """PostgreSQL's deadlock_detected (40P01) or serialization_failure (40001)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in {"40P01", "40001"}


def first_line(exc: SQLAlchemyError) -> str:
    """The driver's message, first line (SQLAlchemy adds the statement and parameters)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def in_savepoints(engine: Engine, items: Sequence[T], work: Callable[[Connection, S, T], R], *,
                  state: Callable[[Connection], S],
                  finish: Callable[[Connection, S, list[tuple[T, R]]], None] | None = None,
                  what: str = "writing") -> Outcome[T, R]:
    """Run ``work(connection, shared, item)`` for every item in one transaction, each in its
    own savepoint; ``finish`` runs last, in the same transaction, with what went through.

    ``shared`` is ``state(connection)``, made once per transaction. Raises
    :class:`TransientError` (``what`` says what was going on) when the database itself
    failed; the whole batch is then rolled back and safe to run again.
    """
    attempt = 1
    while True:
        try:
            return _once(engine, items, work, state=state, finish=finish, what=what)
        except TransientError as exc:
            if attempt >= CONFLICT_ATTEMPTS or not is_conflict(exc.__cause__):
                raise
        time.sleep(random.uniform(0.05, 0.25) * attempt)
        attempt += 1


def _once(engine: Engine, items: Sequence[T], work: Callable[[Connection, S, T], R], *,
          state: Callable[[Connection], S],
          finish: Callable[[Connection, S, list[tuple[T, R]]], None] | None,
          what: str) -> Outcome[T, R]:
    outcome: Outcome[T, R] = Outcome()
    try:
        with engine.begin() as connection:
            shared = state(connection)
            for item in items:
                try:
                    with connection.begin_nested():
                        result = work(connection, shared, item)
                except DBAPIError as exc:
                    if is_transient(exc):
                        raise
                    shared.forget()
                    outcome.failed.append((item, exc))
                    continue
                except Exception as exc:  # whatever fails one item fails only that item
                    if connection.invalidated:  # the item did not fail: the connection did
                        raise TransientError(f"database connection lost while {what}: "
                                             f"{type(exc).__name__}") from exc
                    shared.forget()
                    outcome.failed.append((item, exc))
                    continue
                outcome.done.append((item, result))
            if finish is not None:
                finish(connection, shared, outcome.done)
    except DBAPIError as exc:
        if is_transient(exc):
            raise TransientError(f"database unavailable while {what}: {first_line(exc)}"
                                 ) from exc
        raise
    return outcome
