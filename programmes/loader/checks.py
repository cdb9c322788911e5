"""What a catalogue record may hold, checked before and after Django reads it."""

import json

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import F

from .records import MODELS, is_natural_key


def read_file(path):
    """The records of one file, or why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "file not found."
    except UnicodeDecodeError:
        return "not UTF-8 text."
    except OSError as error:
        return f"cannot be read ({error.strerror})."
    except json.JSONDecodeError as error:
        return (
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        )
    if not isinstance(data, list):
        return "expected a list of records."
    return data


def check_record(record):
    """Note what a catalogue record may not hold, before any database work."""
    item = record.item
    if not isinstance(item, dict):
        record.add('expected an object with "model" and "fields".')
    elif item.get("pk") is not None:
        record.add('has a "pk": records are matched by natural key (slug); remove it.')
    elif "model" not in item:
        record.add('missing "model".')
    elif str(item["model"]).lower() not in MODELS:
        models = ", ".join(MODELS)
        record.add(f'unknown model "{item["model"]}" (catalogue models: {models}).')
    elif not isinstance(item.get("fields"), dict):
        record.add('missing "fields" (an object).')
    else:
        for name, value in record.fields.items():
            _check_field(record, name, value)


def _check_field(record, name, value):
    model_field = {f.name: f for f in record.model._meta.get_fields()}.get(name)
    label = record.model._meta.label_lower
    if model_field is None or (model_field.auto_created and not model_field.concrete):
        record.add(f"unknown field of {label}.", name)
    elif model_field.many_to_many and not _is_plain_link(model_field):
        through = model_field.remote_field.through._meta.label_lower
        record.add(f"cannot be set here: list {through} records instead.", name)
    elif model_field.is_relation and not _names_records(model_field, value):
        found = json.dumps(value, ensure_ascii=False)
        record.add(f'expected a natural key such as ["slug"], found {found}.', name)


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
