"""Loading the records of one model in bulk: a few queries per batch of records.

`load_in_bulk(loader, model, records)` does for many records at once what
`_Loader.load` does for one: each record's fields are merged into the row with its
natural key, checked with `full_clean()`, and the row is written only if it
changed, its many-to-many links set to exactly those listed, with one version in
the history carrying the load's reason. The database checks uniqueness and the
constraints as the rows are written.

It returns the records it leaves to the record-by-record path, which explains
problems precisely: a record naming a record that is not saved yet (or not
found), a second record with the same natural key, a value `full_clean()`
refuses. If the database refuses a batch, nothing of this model's bulk write
stays and all of its records take that path.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from risk_areas.history import current_operation

from .records import CREATED, UNCHANGED, UPDATED, describe_key, fields_of

BATCH = 500


def load_in_bulk(loader, model, records):
    """Write what can be written in bulk; return the records left to `loader.load`."""
    if not records:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:
        loader.advance(len(records))
        return records  # new rows' pks are needed for their links
    batch = _Batch(loader, model)
    rest = batch.prepare(records)
    try:
        with transaction.atomic():
            batch.write()
    except (IntegrityError, DataError):
        for record in batch.records:
            record.changed.clear()
        return records
    batch.finish()
    return rest


def _slug_model(model):
    return "slug" in fields_of(model)


class _Batch:
    def __init__(self, loader, model):
        self.loader = loader
        self.model = model
        self.manager = model._default_manager
        self.records = []  # the records this batch writes, in input order
        self.objects = {}  # record -> the object to write (its row, merged)
        self.links = {}  # record -> {m2m field name: the pks it must link to}
        self.held = defaultdict(dict)  # m2m name -> {pk: {target pk: through pk}}

    # Reading ---------------------------------------------------------------

    def prepare(self, records):
        """Merge and check each record; return those left to the slow path."""
        self._resolve_references(records)
        built = []
        rest = []
        for record in records:
            data = self._data(record)
            if data is None:
                self.loader.advance()
                rest.append(record)
            else:
                built.append((record, *data))
        existing = self._existing([key for _record, key, _data, _m2m in built])
        self._held_links([obj.pk for obj in existing.values()])
        seen = set()
        for record, key, data, m2m in built:
            self.loader.advance()
            if key in seen:
                rest.append(record)  # a second record with this natural key
                continue
            seen.add(key)
            if self._merge(record, existing.get(key), data, m2m):
                self.records.append(record)
            else:
                record.changed.clear()
                rest.append(record)
        rest.sort(key=lambda record: record.position)
        return rest

    def _resolve_references(self, records):
        """Look up, a batch at a time, the pks of every record the records name."""
        wanted = defaultdict(set)
        for record in records:
            for name, value in record.fields.items():
                field = fields_of(self.model).get(name)
                if field is None or not field.is_relation or value is None:
                    continue
                keys = value if field.many_to_many else [value]
                wanted[field.related_model].update(map(tuple, keys))
        for related, keys in wanted.items():
            self.loader.keys.resolve(related, keys)

    def _data(self, record):
        """(natural key, {attname: value}, {m2m name: pks}), or None if it cannot
        be built without the slow path."""
        data, m2m = {}, {}
        for name, value in record.fields.items():
            field = fields_of(self.model)[name]
            if field.primary_key:
                return None  # rows are matched by natural key: the slow path says so
            if field.many_to_many:
                pks = [self.loader.keys.get(field.related_model, key) for key in value]
                if None in pks:
                    return None
                m2m[name] = set(pks)
            elif field.many_to_one:
                pk = None
                if value is not None:
                    pk = self.loader.keys.get(field.related_model, value)
                    if pk is None:
                        return None
                data[field.attname] = pk
            elif field.editable:  # the others are kept by the code, never loaded
                try:
                    data[field.attname] = field.to_python(value)
                except ValidationError:
                    return None
        key = self._key(data)
        return None if key is None else (key, data, m2m)

    def _key(self, data):
        if _slug_model(self.model):
            slug = data.get("slug")
            return (slug,) if isinstance(slug, str) and slug else None
        owner = f"{self.model.owner}_id"
        if data.get(owner) is None or data.get("risk_area_id") is None:
            return None
        return (data[owner], data["risk_area_id"])

    def _existing(self, keys):
        """{natural key: row} for the keys that name rows in the database."""
        rows = {}
        if _slug_model(self.model):
            slugs = [slug for (slug,) in keys]
            for chunk in _chunks(slugs):
                for obj in self.manager.filter(slug__in=chunk):
                    rows[(obj.slug,)] = obj
        else:
            owner = f"{self.model.owner}_id"
            for chunk in _chunks(sorted({key[0] for key in keys})):
                for obj in self.manager.filter(**{f"{owner}__in": chunk}):
                    rows[(getattr(obj, owner), obj.risk_area_id)] = obj
        return rows

    def _held_links(self, pks):
        """The links each existing row holds now, for every many-to-many field."""
        for field in self._m2m_fields():
            through, source, target = _through(field)
            held = self.held[field.name]
            for chunk in _chunks(pks):
                rows = through.objects.filter(**{f"{source}__in": chunk})
                for pk, owner, other in rows.values_list("pk", source, target):
                    held.setdefault(owner, {})[other] = pk

    def _m2m_fields(self):
        return [
            field
            for field in self.model._meta.many_to_many
            if field.remote_field.through._meta.auto_created
        ]

    def _merge(self, record, obj, data, m2m):
        """Copy the record onto its row `obj` as `_Loader.merge` does (a new row
        when `obj` is None); False if it fails `full_clean()` (the slow path then
        says why)."""
        new = self.model(**data)
        if obj is None:
            # A new row is the record itself, on the model's defaults.
            obj = new
            links = {name: pks for name, pks in m2m.items() if pks}
        else:
            links = {}
            for name in record.fields:
                field = fields_of(self.model)[name]
                if field.many_to_many:
                    if m2m[name] != set(self.held[name].get(obj.pk, ())):
                        links[name] = m2m[name]
                        record.changed.append(name)
                elif field.editable:
                    value = getattr(new, field.attname)
                    if value != getattr(obj, field.attname):
                        setattr(obj, field.attname, value)
                        record.changed.append(name)
        # Links were looked up among saved rows: they exist; uniqueness and the
        # constraints are the database's to check as the rows are written.
        links_to_rows = [f.name for f in self.model._meta.fields if f.many_to_one]
        try:
            obj.full_clean(
                exclude=links_to_rows, validate_unique=False, validate_constraints=False
            )
        except ValidationError:
            return False
        self.objects[record] = obj
        self.links[record] = links
        return True

    # Writing ---------------------------------------------------------------

    def write(self):
        created = [r for r in self.records if self.objects[r].pk is None]
        updated = [r for r in self.records if self.objects[r].pk and r.changed]
        self.manager.bulk_create([self.objects[r] for r in created], batch_size=BATCH)
        now = timezone.now()
        by_fields = defaultdict(list)
        for record in updated:
            obj = self.objects[record]
            names = [n for n in record.changed if n not in self.links[record]]
            if names:
                if "updated" in fields_of(self.model):
                    obj.updated = now
                    names.append("updated")
                by_fields[tuple(sorted(names))].append(obj)
            elif "updated" in fields_of(self.model):
                obj.updated = now
                by_fields[("updated",)].append(obj)
        for names, objs in by_fields.items():
            self.manager.bulk_update(objs, names, batch_size=BATCH)
        self._write_links()
        self._write_history(created, updated)
        self.created, self.updated = created, updated

    def _write_links(self):
        for field in self._m2m_fields():
            through, source, target = _through(field)
            removed, added = [], []
            for record in self.records:
                wanted = self.links[record].get(field.name)
                if wanted is None:
                    continue
                obj = self.objects[record]
                held = self.held[field.name].get(obj.pk, {}) if obj.pk else {}
                removed += [pk for other, pk in held.items() if other not in wanted]
                added += [
                    through(**{f"{source}_id": obj.pk, f"{target}_id": other})
                    for other in sorted(wanted - set(held))
                ]
            for chunk in _chunks(removed):
                through.objects.filter(pk__in=chunk).delete()
            through.objects.bulk_create(added, batch_size=BATCH)

    def _write_history(self, created, updated):
        """One version per written row, with its links, as the slow path records."""
        manager_name = getattr(self.model._meta, "simple_history_manager_attribute", "")
        if not manager_name:
            return
        history = getattr(self.model, manager_name)
        operation = current_operation()
        options = {
            "batch_size": BATCH,
            "default_user": operation.user if operation else None,
            "default_change_reason": operation.reason if operation else None,
        }
        versions = []
        for records, update in ((created, False), (updated, True)):
            objs = [self.objects[record] for record in records]
            versions += (
                history.bulk_history_create(objs, update=update, **options) or []
            )
        pk_name = self.model._meta.pk.attname
        by_pk = {getattr(version, pk_name): version for version in versions}
        if operation is not None:
            for pk, version in by_pk.items():
                operation.versions[(self.model, pk)] = version
        for field in versions[0]._history_m2m_fields if versions else ():
            m2m_model = HistoricalRecords.m2m_models[field]
            through, source, _target = _through(field)
            names = [f.attname for f in through._meta.fields]
            rows = []
            for chunk in _chunks(list(by_pk)):
                found = through.objects.filter(**{f"{source}__in": chunk})
                for values in found.values_list(*names):
                    row = dict(zip(names, values, strict=True))
                    version = by_pk[row[f"{source}_id"]]
                    rows.append(m2m_model(history=version, **row))
            m2m_model.objects.bulk_create(rows, batch_size=BATCH)

    def finish(self):
        """Note what was done, record by record, once the rows are written."""
        created = set(self.created)
        for record in self.records:
            obj = self.objects[record]
            if record in created:
                record.status = CREATED
            else:
                record.status = UPDATED if record.changed else UNCHANGED
            if record.status != UNCHANGED:
                record.label = describe_key(self.model, _key_text(record))
            self.loader.rows[(self.model, obj.pk)] = record
            if _slug_model(self.model):
                self.loader.keys.add(self.model, obj.slug, obj.pk)


def _key_text(record):
    """The natural key as the record wrote it: ("cen",) or ("cen", "drugs")."""
    if "slug" in record.fields:
        return (record.fields["slug"],)
    model = record.model
    return (*record.fields[model.owner], *record.fields["risk_area"])


def _through(field):
    """A plain many-to-many field's link model and its two foreign key names."""
    return (
        field.remote_field.through,
        field.m2m_field_name(),
        field.m2m_reverse_field_name(),
    )


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class KeyMap:
    """The pk of each catalogue record by slug, looked up a batch at a time."""

    def __init__(self):
        self.pks = defaultdict(dict)  # model -> {slug: pk}

    def resolve(self, model, keys):
        if not _slug_model(model):
            return
        known = self.pks[model]
        slugs = sorted(
            {
                key[0]
                for key in keys
                if len(key) == 1 and isinstance(key[0], str) and key[0] not in known
            }
        )
        for chunk in _chunks(slugs):
            rows = model._default_manager.filter(slug__in=chunk)
            known.update(rows.values_list("slug", "pk"))

    def get(self, model, key):
        if not _slug_model(model) or not isinstance(key, list | tuple) or len(key) != 1:
            return None
        return self.pks[model].get(key[0])

    def add(self, model, slug, pk):
        self.pks[model][slug] = pk
