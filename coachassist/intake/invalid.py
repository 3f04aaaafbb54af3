"""Pydantic's validation errors of intake and response files, in the reader's language.

The English stays pydantic's own sentence, as before; each common error type has a catalogue
message (``intake.invalid.*``) whose English is that sentence and whose Dutch says the same. A
rare type keeps pydantic's words in both languages (``intake.invalid.other``); a model's own
check raises ``ValueError(Message(...))`` and is shown in the reader's language.
"""

from __future__ import annotations

from typing import Any

from coachassist.i18n import Lang, Message

# pydantic error type -> (message key, the ctx values it names)
_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "missing": ("intake.invalid.missing", ()),
    "extra_forbidden": ("intake.invalid.extra", ()),
    "string_type": ("intake.invalid.string", ()),
    "int_type": ("intake.invalid.integer", ()),
    "int_parsing": ("intake.invalid.integer_text", ()),
    "int_from_float": ("intake.invalid.whole_number", ()),
    "bool_type": ("intake.invalid.boolean", ()),
    "bool_parsing": ("intake.invalid.boolean_text", ()),
    "list_type": ("intake.invalid.list", ()),
    "dict_type": ("intake.invalid.table", ()),
    "model_type": ("intake.invalid.table_of", ("class_name",)),
    "literal_error": ("intake.invalid.literal", ("expected",)),
    "string_pattern_mismatch": ("intake.invalid.pattern", ("pattern",)),
    "string_too_long": ("intake.invalid.too_long", ("max_length",)),
    "too_long": ("intake.invalid.too_many", ("max_length", "actual_length")),
    "greater_than_equal": ("intake.invalid.at_least", ("ge",)),
    "less_than_equal": ("intake.invalid.at_most", ("le",)),
}


class Choices:
    """pydantic's list of allowed values (``'nl' or 'en'``), with "or" in the reader's words."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, lang: Lang) -> str:
        return self.text.replace(" or ", " of ") if lang == "nl" else self.text


def invalid(error: Any) -> Message:
    """One pydantic error (an item of ``ValidationError.errors()``) as a message."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error":
        cause = ctx.get("error")
        said = cause.args[0] if cause is not None and cause.args else None
        if isinstance(said, Message):
            return said
    known = _TYPES.get(error["type"])
    if known is None or any(name not in ctx for name in known[1]):
        return Message("intake.invalid.other", msg=error["msg"])
    key, names = known
    values: dict[str, object] = {name: ctx[name] for name in names}
    if "expected" in values:
        values["expected"] = Choices(str(values["expected"]))
    message = Message(key, **values)
    if str(message) != error["msg"]:  # another pydantic version words it otherwise: its words
        return Message("intake.invalid.other", msg=error["msg"])
    return message
