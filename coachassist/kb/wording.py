"""Plain-language wording of knowledge-base problems, in Dutch and English.

Pydantic's own messages ("String should match pattern ...", "Input should be a valid integer")
mean nothing to a trainer; ``explain`` turns each validation error into a sentence that names
the field the trainer wrote (items counted from 1: "step 5"), what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable
from functools import cache
from typing import Any

from pydantic import BaseModel

from coachassist.i18n import LANGS, Lang, keys, t

Both = dict[str, str]  # {"nl": ..., "en": ...}
KNOWN_LIMIT = 8
BLANK = "text is blank; write the text in this language"  # models._not_blank, said in any lang


def both(key: str, **values: object) -> Both:
    return {lang: t(key, lang, **values) for lang in LANGS}


def did_you_mean(wrong: object, choices: Iterable[str], lang: Lang) -> str:
    """`` (did you mean 'x'?)`` when one choice is close to ``wrong``, else ``""``."""
    if not isinstance(wrong, str):
        return ""
    close = difflib.get_close_matches(wrong, list(choices), n=1, cutoff=0.6)
    return t("kbcheck.did_you_mean", lang, suggestion=close[0]) if close else ""


def known(ids: Iterable[str], wanted: object = None, own: Iterable[str] = ()) -> Both:
    """``did you mean 'x'? known: a, b, ...``: the trainer's own ids first, then the rest,
    alphabetically, at most ``KNOWN_LIMIT`` of them."""
    names = sorted(set(ids))
    mine = set(own)
    ordered = [n for n in names if n in mine] + [n for n in names if n not in mine]
    shown = ", ".join(ordered[:KNOWN_LIMIT]) + (", ..." if len(ordered) > KNOWN_LIMIT else "")
    result: Both = {}
    for lang in LANGS:
        text = t("kbcheck.known", lang, ids=shown) if names else t("kbcheck.none_known", lang)
        hint = did_you_mean(wanted, names, lang).strip() if wanted else ""
        result[lang] = f"{hint.strip('()')} {text}" if hint else text
    return result


def where(path: list[Any], lang: Lang) -> str:
    """A field path as a trainer reads it: ``["steps", 4, "en"]`` -> ``step 5, en``."""
    words: list[str] = []
    keys: list[str] = []
    for index, part in enumerate(path):
        following = path[index + 1] if index + 1 < len(path) else None
        if isinstance(part, int):
            continue
        if isinstance(following, int):
            if keys:
                words.append(".".join(keys))
                keys = []
            words.append(f"{_noun(part, lang)} {following + 1}")
        else:
            keys.append(_plain(part))
    if keys:
        words.append(".".join(keys))
    return ", ".join(words)


def _noun(list_name: str, lang: Lang) -> str:
    try:
        return t(f"kbcheck.noun.{list_name}", lang)
    except KeyError:
        return f"{list_name}: {t('kbcheck.noun.other', lang)}"


def explain(error: Any, root: type[BaseModel]) -> Both:
    """One pydantic error as a plain sentence in both languages (without the field path)."""
    return {lang: _explain(error, root, lang) for lang in LANGS}


def _explain(error: Any, root: type[BaseModel], lang: Lang) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    shown = _shown(value)
    match kind:
        case "missing":
            return t("kbcheck.missing", lang)
        case "extra_forbidden":
            fields = field_names(root, list(error["loc"])[:-1])
            hint = did_you_mean(error["loc"][-1], fields, lang)
            return t("kbcheck.unknown_field", lang, hint=hint)
        case "int_type" | "float_type":
            if isinstance(value, str) and _is_number(value, kind == "int_type"):
                return t("kbcheck.quoted_number", lang, value=value.strip())
            key = "kbcheck.want_int" if kind == "int_type" else "kbcheck.want_number"
            return t(key, lang, value=shown)
        case "bool_type":
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return t("kbcheck.quoted_bool", lang, value=value)
            return t("kbcheck.want_bool", lang, value=shown)
        case "string_type":
            return t("kbcheck.want_text", lang, value=shown)
        case "list_type" | "tuple_type" | "set_type":
            return t("kbcheck.want_list", lang)
        case "dict_type" | "model_type" | "model_attributes_type":
            return t("kbcheck.want_table", lang)
        case "literal_error":
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = did_you_mean(value, choices, lang)
            choices_text = ", ".join(choices)
            return t("kbcheck.choose", lang, value=_plain(value), hint=hint, choices=choices_text)
        case "string_pattern_mismatch":
            dotted = "." in str(ctx.get("pattern", ""))
            extra = t("kbcheck.bad_id_extra", lang) if dotted else ""
            fixed = _slug(value, dotted)
            return t("kbcheck.bad_id", lang, value=_plain(value), extra=extra, fixed=fixed)
        case "string_too_long":
            return t("kbcheck.too_long", lang, limit=ctx.get("max_length"))
        case "string_too_short":
            return t("kbcheck.empty_text", lang)
        case "too_short":
            return t("kbcheck.too_few", lang, limit=ctx.get("min_length"))
        case "greater_than_equal" | "greater_than":
            return t("kbcheck.too_small", lang, value=shown, limit=ctx.get("ge", ctx.get("gt")))
        case "less_than_equal" | "less_than":
            return t("kbcheck.too_large", lang, value=shown, limit=ctx.get("le", ctx.get("lt")))
        case "value_error":
            message = str(ctx.get("error", error["msg"]))
            if message == BLANK:
                return t("kbcheck.empty_text", lang)
            return dutch(message) if lang == "nl" else message
    return str(error["msg"])


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return repr(value[:60])
    if isinstance(value, dict | list):
        return "{...}" if isinstance(value, dict) else "[...]"
    return str(value)[:60]


def _plain(value: object) -> str:
    """A value to quote in a one-line message: line breaks and tabs shown as escapes."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], str(value)[:60])


def _is_number(text: str, whole: bool) -> bool:
    try:
        number = float(text.strip())
    except ValueError:
        return False
    return number.is_integer() if whole else True


def _slug(value: object, dotted: bool) -> str:
    text = str(value).strip().lower()
    allowed = r"[^a-z0-9_.-]+" if dotted else r"[^a-z0-9_]+"
    slug = re.sub(allowed, "_", text).strip("_.-")
    if not slug or not slug[0].isalpha():
        slug = f"my_{slug}".rstrip("_")
    return slug[:64]


def field_names(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """The field names a table at ``loc`` (a pydantic error location) may hold."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    model_type = _model_in(current)
    return list(model_type.model_fields) if model_type else []


def _step(annotation: Any, part: Any) -> Any:
    model_type = _model_in(annotation)
    if model_type is not None and isinstance(part, str) and part in model_type.model_fields:
        return model_type.model_fields[part].annotation
    plain = _unwrap(annotation)
    args = typing.get_args(plain)
    if typing.get_origin(plain) is dict and len(args) == 2:
        return args[1]
    if typing.get_origin(plain) is list and args:
        return args[0]
    return None


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(options[0]) if len(options) == 1 else annotation
    return annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    plain = _unwrap(annotation)
    return plain if isinstance(plain, type) and issubclass(plain, BaseModel) else None


def dutch(message: str) -> str:
    """An English ``check`` message with every known phrase (``kbcheck.phrase.*``) in Dutch;
    ids, conditions and quoted values stay as the trainer wrote them."""
    for english, nederlands in _phrases():
        message = message.replace(english, nederlands)
    return message


@cache
def _phrases() -> list[tuple[str, str]]:
    pairs = [(t(key, "en"), t(key, "nl")) for key in keys() if key.startswith("kbcheck.phrase.")]
    return sorted(pairs, key=lambda pair: -len(pair[0]))
