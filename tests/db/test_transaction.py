"""One transaction per batch, one savepoint per item: what fails one item fails only it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, select, text

from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.db.transaction import in_savepoints
from pipeline.errors import TransientError


class _Shared:
    def __init__(self, _connection: Connection) -> None:
        self.forgotten = 0

    def forget(self) -> None:
        self.forgotten += 1


def _insert_source(connection: Connection, _shared: _Shared, name: str) -> str:
    if name == "boom":
        raise ValueError("not a database error")
    connection.execute(schema.Source.__table__.insert().values(
        name=name, kind="feed", location="https://e.org/rss",
        created_at=datetime.now(UTC)))
    return name.upper()


def test_each_item_fails_alone_and_finish_sees_what_went_through(engine):
    ensure_schema(engine)
    finished = []
    outcome = in_savepoints(engine, ["a", "boom", "a", "b"], _insert_source, state=_Shared,
                            finish=lambda c, s, done: finished.append(
                                ([r for _i, r in done], s.forgotten)))
    assert [result for _item, result in outcome.done] == ["A", "B"]
    assert [(item, type(exc).__name__) for item, exc in outcome.failed] == [
        ("boom", "ValueError"), ("a", "IntegrityError")]  # the second "a" breaks uniqueness
    assert finished == [(["A", "B"], 2)]
    with engine.connect() as connection:
        assert connection.execute(select(schema.Source.name).order_by(schema.Source.name)
                                  ).scalars().all() == ["a", "b"]


def test_a_lost_database_is_transient_and_rolls_the_batch_back(engine):
    ensure_schema(engine)

    def lose_connection(connection: Connection, _shared: _Shared, name: str) -> None:
        _insert_source(connection, _shared, name)
        if name == "b":
            connection.invalidate()  # as if the server went away mid-batch
            connection.execute(text("SELECT 1"))

    with pytest.raises(TransientError, match="while testing"):
        in_savepoints(engine, ["a", "b"], lose_connection, state=_Shared, what="testing")
    with engine.connect() as connection:
        assert connection.execute(select(schema.Source.name)).all() == []
