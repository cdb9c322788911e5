"""What a catalogue record may hold, checked before and after Django reads it."""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F

from risk_areas.models import SlugHistory

from .records import MODELS, fields_of, is_natural_key
from .slugs import check_old_slug


def read_file(path):
    """The records of one file, or why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except FileNotFoundError:
        return "file not found."
    except UnicodeDecodeError as error:
        return f"not UTF-8 text (byte {error.start + 1} cannot be read)."
    except OSError as error:
        return f"cannot be read ({error.strerror})."
    except json.JSONDecodeError as error:
        return (
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        )
    except RecursionError:
        return "not a catalogue file: its lists or objects are nested too deeply."
    except ValueError as error:
        if "digits" in str(error):  # Python's limit on the digits of an integer
            return "not valid catalogue JSON: a number has thousands of digits."
        return f"not valid catalogue JSON: {error}."
    if not isinstance(data, list):
        return "expected a list of records."
    return data


def _no_constant(name):
    raise ValueError(f"{name} is not a number a catalogue holds")


def check_record(record):
    """Note what a catalogue record may not hold, before any database work."""
    item = record.item
    if not isinstance(item, dict):
        record.add('expected an object with "model" and "fields".')
    elif (nul := _nul_field(item)) is not None:
        names = [nul] if nul else []
        record.add(
            "contains a NUL character (\\u0000), which no text may hold.", *names
        )
    elif item.get("pk") is not None:
        record.add('has a "pk": records are matched by natural key (slug); remove it.')
    elif "model" not in item:
        record.add('missing "model".')
    elif not isinstance(item["model"], str):
        record.add(f'expected "model" as text, found {shown(item["model"])}.')
    elif str(item["model"]).lower() not in MODELS:
        models = ", ".join(MODELS)
        record.add(f'unknown model "{item["model"]}" (catalogue models: {models}).')
    elif not isinstance(item.get("fields"), dict):
        record.add('missing "fields" (an object).')
    elif record.model is SlugHistory:
        check_old_slug(record)
    else:
        for name, value in record.fields.items():
            _check_field(record, name, value)


def _check_field(record, name, value):
    model_field = fields_of(record.model).get(name)
    label = record.model._meta.label_lower
    if model_field is None or (model_field.auto_created and not model_field.concrete):
        record.add(f"unknown field of {label}.", name)
    elif model_field.many_to_many and not _is_plain_link(model_field):
        through = model_field.remote_field.through._meta.label_lower
        record.add(f"cannot be set here: list {through} records instead.", name)
    elif model_field.is_relation and not _names_records(model_field, value):
        found = shown(value)
        record.add(f'expected a natural key such as ["slug"], found {found}.', name)
    elif not model_field.is_relation and (expected := _wrong_type(model_field, value)):
        record.add(f"expected {expected}, found {shown(value)}.", name)


def _wrong_type(model_field, value):
    """What JSON type `model_field` takes, when `value` is not of it; else "".

    Strict: a year is a whole number, never true, 2020.7 or "2020"; text is a
    string; true and false only where the field is a yes/no.
    """
    if value is None:
        return ""  # full_clean() says whether the field may be empty.
    if isinstance(model_field, models.BooleanField):
        return "" if isinstance(value, bool) else "true or false"
    if isinstance(model_field, models.IntegerField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return "" if whole else "a whole number"
    if isinstance(model_field, models.DateTimeField):
        return "" if isinstance(value, str) else 'a date and time ("2024-04-01T12:00Z")'
    if isinstance(model_field, models.DateField):
        return "" if isinstance(value, str) else 'a date ("2024-04-01")'
    if isinstance(model_field, models.CharField | models.TextField):
        return "" if isinstance(value, str) else "text (a string)"
    return ""


def _nul_field(item):
    """Where a record holds a NUL character: the field's name, "" outside its
    fields (or in a field's name), None if nowhere."""
    fields = item.get("fields")
    if isinstance(fields, dict):
        for name, value in fields.items():
            if _holds_nul(value) and not _holds_nul(name):
                return name
    return "" if _holds_nul(item) else None


def _holds_nul(value):
    """Whether any string in `value`, keys included, holds a NUL (no recursion:
    the value may be nested as deeply as the JSON reader allows)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
    return False


def shown(value):
    """`value` as JSON for a message, cut short if long."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (RecursionError, ValueError):
        return "a value nested too deeply"
    return text if len(text) <= 80 else f"{text[:77]}..."


def _is_plain_link(model_field):
    """Whether a many-to-many field has no link model of its own (like coverage)."""
    return model_field.remote_field.through._meta.auto_created


def _names_records(model_field, value):
    """Whether `value` names records by natural key, as fixtures do (never by id)."""
    if model_field.many_to_many:
        return isinstance(value, list) and all(map(is_natural_key, value))
    return is_natural_key(value) or (value is None and model_field.null)


def validate(record, obj):
    """Note what `full_clean()` and the model's constraints find wrong with `obj`."""
    try:
        obj.full_clean(validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            names = [] if name == NON_FIELD_ERRORS else [name]
            record.add(" ".join(messages), *names)
    # Constraint by constraint, as validate_constraints() does, to name the fields.
    for model, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model, obj)
            except ValidationError as error:
                names = _constraint_fields(model, constraint)
                given = ", ".join(
                    f"{name} {json.dumps(record.fields[name], ensure_ascii=False)}"
                    for name in map(record.name_for, names)
                    if name in record.fields
                )
                message = " ".join(error.messages)
                if given:
                    message = f"{message.rstrip('.')} ({given})."
                record.add(message, *names)


def _constraint_fields(model, constraint):
    """The names of the fields a constraint reads, in model order."""
    names = set(getattr(constraint, "fields", ()))
    if getattr(constraint, "condition", None) is not None:
        names |= constraint.condition.referenced_base_fields
    for expression in getattr(constraint, "expressions", ()):
        names |= {node.name for node in expression.flatten() if isinstance(node, F)}
    return [f.name for f in model._meta.fields if f.name in names]
