"""Entities in the database: one row per entity across articles.

Every batch transaction that writes mentions or events goes through one :class:`EntityIds`.
Places and most other entities are rows keyed by type and name. People, and organizations
whose name a person could bear, are reached through their *form* (``entity_forms``): the
name the article gave them on its own. When the batch is written, :meth:`EntityIds.settle`
decides again, with :func:`pipeline.entities.names.resolve_group`, where every form of the
groups the batch touched belongs, and re-points the mentions and events of the forms whose
entity changed (a surname that now has its full name, a name that became ambiguous). Since
the decision depends only on what is stored, the same articles give the same entities in any
order and any batch size.

On PostgreSQL the transaction first takes an advisory lock, so that concurrent loaders settle
entities one after the other: each one sees what the previous one committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Insert, and_, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.db import schema
from pipeline.db.values import column_length, fit
from pipeline.entities.names import (
    FORM_TYPES,
    ORG,
    Form,
    Key,
    group_words,
    is_name_like,
    resolve_group,
    words,
)
from pipeline.gazetteer import NameRules

ENTITY_LOCK = 7_310_452_118_430_012
"""The PostgreSQL advisory lock a loader holds while it resolves entities (any fixed key)."""

_CHUNK = 500


def _insert(connection: Connection, table: Any) -> Insert:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _least(a: str | None, b: str | None) -> str | None:
    """Of two countries, the one both orders of loading agree on: the set one, or the first
    in alphabetical order."""
    return min(c for c in (a, b) if c) if a or b else None


def lock_entities(connection: Connection) -> None:
    """Serialize entity resolution with other loaders until this transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ENTITY_LOCK})


class FormRules:
    """Which entity keys are forms: every person, and organizations with a name a person could
    bear (not ``NASA``, not ``Polish Border Guard``, not a well-known organization)."""

    def __init__(self, names: NameRules) -> None:
        self._names = names

    def participating(self, key: Key) -> bool:
        kind, name = key
        return (kind == ORG and is_name_like(name, self._names.is_org_word)
                and not self._names.is_known_organization(name))

    def is_form(self, key: Key) -> bool:
        return key[0] in FORM_TYPES and bool(words(key[1])) and (
            key[0] != ORG or self.participating(key))


_NAME_CHARS = column_length(schema.Entity.__table__, "name")
_TYPE_CHARS = column_length(schema.Entity.__table__, "type")
_ALIAS_CHARS = column_length(schema.EntityAlias.__table__, "alias")


class EntityIds:
    """Entity, form and alias rows for one batch transaction, each upserted once."""

    def __init__(self, connection: Connection, pipeline_version: str,
                 rules: FormRules | None = None) -> None:
        self._connection = connection
        self._version = pipeline_version
        self._rules = rules or FormRules(NameRules.load())
        self._ids: dict[Key, int] = {}
        self._forms: dict[Key, tuple[int, int]] = {}
        self._aliases: set[tuple[int, str]] = set()
        self._touched: set[str] = set()
        lock_entities(connection)

    def entity_id(self, name: str, type_: str, country_code: str | None) -> int:
        """The entity a mention or event names, as its article resolved it."""
        return self.resolve(name, type_, country_code)[0]

    def resolve(self, name: str, type_: str, country_code: str | None
                ) -> tuple[int, int | None]:
        """``(entity id, form id)``; the form id is None for types not resolved across
        articles."""
        # The stored name is the key: a name past the column's bound is looked up as stored.
        name, type_ = fit(name, _NAME_CHARS), fit(type_, _TYPE_CHARS)
        if self._rules.is_form((type_, name)):
            return self.form(name, type_, country_code)
        return self._row(name, type_, country_code), None

    def _row(self, name: str, type_: str, country_code: str | None) -> int:
        key = (type_, name)
        if key not in self._ids:
            self._ids[key] = upsert_entity(self._connection, key, country_code, self._version)
        return self._ids[key]

    def form(self, name: str, type_: str, country_code: str | None) -> tuple[int, int]:
        """``(entity id, form id)`` of a person's or organization's name."""
        key = (type_, name)
        self._touched |= group_words(name)
        cached = self._forms.get(key)
        if cached is not None and country_code is None:
            return cached
        table = schema.EntityForm.__table__
        stored = self._connection.execute(
            select(table.c.id, table.c.entity_id, table.c.country_code)
            .where(table.c.type == type_, table.c.name == name)).one_or_none()
        if stored is None:
            entity_id = self._row(name, type_, None)
            found = words(name)
            self._connection.execute(_insert(self._connection, table).values(
                type=type_, name=name, first_word=found[0], last_word=found[-1],
                entity_id=entity_id, country_code=country_code).on_conflict_do_nothing())
            stored = self._connection.execute(
                select(table.c.id, table.c.entity_id, table.c.country_code)
                .where(table.c.type == type_, table.c.name == name)).one()
        elif _least(stored.country_code, country_code) != stored.country_code:
            self._connection.execute(update(table).where(table.c.id == stored.id).values(
                country_code=_least(stored.country_code, country_code)))
        self._forms[key] = (stored.entity_id, stored.id)
        return self._forms[key]

    def add_alias(self, entity_id: int, alias: str) -> None:
        alias = fit(alias, _ALIAS_CHARS)
        if (entity_id, alias) in self._aliases:
            return
        statement = _insert(self._connection, schema.EntityAlias.__table__).values(
            entity_id=entity_id, alias=alias).on_conflict_do_nothing()
        self._connection.execute(statement)
        self._aliases.add((entity_id, alias))

    def touch_article(self, article_id: int) -> None:
        """Settle again the forms an article's mentions use (before they are replaced)."""
        forms, mentions = schema.EntityForm.__table__, schema.Mention.__table__
        for (name,) in self._connection.execute(
                select(forms.c.name).distinct()
                .join(mentions, mentions.c.form_id == forms.c.id)
                .where(mentions.c.article_id == article_id)):
            self._touched |= group_words(name)

    def forget(self) -> None:
        """After a rolled-back savepoint the ids cached during it may not exist any more."""
        self._ids.clear()
        self._forms.clear()
        self._aliases.clear()

    def settle(self) -> int:
        """Resolve the forms of every group this transaction touched; returns how many forms
        changed entity."""
        changed = settle_groups(self._connection, self._touched, self._version, self._rules)
        self._touched.clear()
        self.forget()
        return changed


def upsert_entity(connection: Connection, key: Key, country_code: str | None,
                  version: str | None) -> int:
    """The id of the entity ``key``, created when new; a country fills an empty one, and of
    two countries the first in alphabetical order stays (so loading order does not matter).
    ``version`` None (a migration) leaves ``pipeline_version`` as it was."""
    type_, name = key
    table = schema.Entity.__table__
    # A stored entity the upsert would leave as it is only gets read: an upsert locks the row
    # until commit, which serializes concurrent loaders on common entities and deadlocks
    # those that meet them in another order.
    stored = connection.execute(
        select(table.c.id, table.c.country_code, table.c.pipeline_version)
        .where(table.c.type == type_, table.c.name == name)).one_or_none()
    if (stored is not None and (version is None or stored.pipeline_version == version)
            and _least(stored.country_code, country_code) == stored.country_code):
        return stored.id
    statement = _insert(connection, table).values(
        name=name, type=type_, country_code=country_code, pipeline_version=version)
    incoming = statement.excluded.country_code
    least = (func.min if connection.dialect.name == "sqlite" else func.least)(
        table.c.country_code, incoming)
    changes: dict[str, Any] = {
        "country_code": func.coalesce(least, table.c.country_code, incoming)}
    if version is not None:
        changes["pipeline_version"] = statement.excluded.pipeline_version
    statement = statement.on_conflict_do_update(
        index_elements=["type", "name"], set_=changes).returning(table.c.id)
    return connection.execute(statement).scalar_one()


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(items))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _id_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _group_forms(connection: Connection, group: Iterable[str]) -> list[Any]:
    """Every form whose first or last word is in ``group``, with its mention count."""
    forms, mentions = schema.EntityForm.__table__, schema.Mention.__table__
    count = (select(func.count()).where(mentions.c.form_id == forms.c.id)
             .scalar_subquery().label("mentions"))
    rows: dict[int, Any] = {}
    for chunk in _chunks(group):
        for row in connection.execute(
                select(forms.c.id, forms.c.type, forms.c.name, forms.c.entity_id,
                       forms.c.country_code, count)
                .where(or_(forms.c.first_word.in_(chunk), forms.c.last_word.in_(chunk)))):
            rows[row.id] = row
    return list(rows.values())


def settle_groups(connection: Connection, group: Iterable[str], version: str | None,
                  rules: FormRules) -> int:
    """Point every form whose first or last word is in ``group`` at the entity the stored
    forms say it is; returns how many forms moved."""
    rows = _group_forms(connection, group)
    if not rows:
        return 0
    decided = resolve_group([Form(r.type, r.name, r.mentions) for r in rows],
                            participating=rules.participating)
    targets: dict[Key, int] = {}
    moved, old_ids = 0, set()
    for row in sorted(rows, key=lambda r: (r.type, r.name)):
        target = decided[(row.type, row.name)]
        if target not in targets:
            targets[target] = upsert_entity(connection, target, None, version)
        if targets[target] != row.entity_id:
            _repoint(connection, row.id, row.name, row.entity_id, targets[target])
            old_ids.add(row.entity_id)
            moved += 1
    # An entity's country is the one its forms agree on (the first alphabetically if not).
    entities, forms = schema.Entity.__table__, schema.EntityForm.__table__
    country = (select(func.min(forms.c.country_code)).where(forms.c.entity_id == entities.c.id)
               .scalar_subquery())
    for chunk in _id_chunks(targets.values()):
        stale = entities.c.country_code.is_distinct_from(country)
        values: dict[str, Any] = {"country_code": country}
        if version is not None:
            stale = or_(stale, entities.c.pipeline_version.is_distinct_from(version))
            values["pipeline_version"] = version
        connection.execute(update(entities).where(entities.c.id.in_(chunk), stale)
                           .values(values))
    _delete_unused(connection, old_ids - set(targets.values()))
    return moved


def _repoint(connection: Connection, form_id: int, name: str, old: int, new: int) -> None:
    """Move a form, its mentions, their surface forms and the events of their articles that
    named the old entity, to the new entity."""
    mentions, events = schema.Mention.__table__, schema.Event.__table__
    aliases, forms = schema.EntityAlias.__table__, schema.EntityForm.__table__
    connection.execute(update(mentions).where(mentions.c.form_id == form_id)
                       .values(entity_id=new))
    texts = {t for (t,) in connection.execute(
        select(mentions.c.text).distinct().where(mentions.c.form_id == form_id))} | {name}
    connection.execute(_insert(connection, aliases).on_conflict_do_nothing(),
                       [{"entity_id": new, "alias": t} for t in sorted(texts)])
    # An article whose mentions used this form named the entity through it in its events too.
    of_form = select(mentions.c.article_id).where(mentions.c.form_id == form_id)
    for column in ("actor1_entity_id", "actor2_entity_id", "location_entity_id"):
        connection.execute(update(events).where(
            events.c[column] == old, events.c.article_id.in_(of_form)).values({column: new}))
    connection.execute(update(forms).where(forms.c.id == form_id).values(entity_id=new))
    # The old entity keeps only the surface forms it is still seen under (so that a name
    # merged and split again ends with the aliases it would have had all along).
    still_used = or_(
        select(mentions.c.id).where(mentions.c.entity_id == old,
                                    mentions.c.text == aliases.c.alias).exists(),
        select(forms.c.id).where(forms.c.entity_id == old,
                                 forms.c.name == aliases.c.alias).exists())
    connection.execute(aliases.delete().where(aliases.c.entity_id == old,
                                              aliases.c.alias.in_(sorted(texts)), ~still_used))


def _delete_unused(connection: Connection, entity_ids: set[int]) -> None:
    """Delete the entities nothing refers to any more (merged into another); their aliases
    go with them, after being kept on the entities their forms moved to."""
    if not entity_ids:
        return
    entities, mentions, events = (schema.Entity.__table__, schema.Mention.__table__,
                                  schema.Event.__table__)
    forms = schema.EntityForm.__table__
    used = or_(
        select(mentions.c.id).where(mentions.c.entity_id == entities.c.id).exists(),
        select(forms.c.id).where(forms.c.entity_id == entities.c.id).exists(),
        select(events.c.id).where(or_(
            events.c.actor1_entity_id == entities.c.id,
            events.c.actor2_entity_id == entities.c.id,
            events.c.location_entity_id == entities.c.id)).exists())
    connection.execute(entities.delete().where(
        and_(entities.c.id.in_(sorted(entity_ids)), ~used)))


def adopt_stored_entities(connection: Connection, rules: FormRules | None = None) -> int:
    """Give the people and organizations stored before forms existed their forms (each
    entity's own name, as its articles resolved it), then settle them all: the duplicates
    already stored (``Trump`` next to ``Donald Trump``) are merged. Returns forms moved."""
    rules = rules or FormRules(NameRules.load())
    entities, forms = schema.Entity.__table__, schema.EntityForm.__table__
    mentions = schema.Mention.__table__
    lock_entities(connection)
    rows = connection.execute(select(entities.c.id, entities.c.type, entities.c.name,
                                     entities.c.country_code)
                              .where(entities.c.type.in_(sorted(FORM_TYPES)))
                              .order_by(entities.c.id)).all()
    group: set[str] = set()
    for row in rows:
        if not rules.is_form((row.type, row.name)):
            continue
        found = words(row.name)
        form_id = connection.execute(forms.insert().values(
            type=row.type, name=row.name, first_word=found[0], last_word=found[-1],
            entity_id=row.id, country_code=row.country_code).returning(forms.c.id)).scalar_one()
        connection.execute(update(mentions).where(mentions.c.entity_id == row.id)
                           .values(form_id=form_id))
        group |= group_words(row.name)
    return settle_groups(connection, group, None, rules)
