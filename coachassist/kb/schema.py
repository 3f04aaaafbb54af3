"""The JSON Schema of a knowledge-base file kind: the editor help of ``coachassist schema`` and
of the schema file ``coachassist new`` writes.

A field's description is the docstring under it in ``kb/models.py``. Pydantic can read those
itself (``use_attribute_docstrings``), but then it reads and compiles the source of every model
while the module is imported, which cost every command about 28 ms of start-up. Here they are
read once, with ``ast``, only when a schema is written, and given to pydantic as the fields'
descriptions, which is all ``use_attribute_docstrings`` does: the schema is the same
(``tests/kb/test_kb_schema.py`` holds the two ways to the same bytes).
"""

from __future__ import annotations

import ast
import inspect
from functools import cache
from pathlib import Path
from typing import Any

from coachassist.kb import models

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_document(kind: str) -> dict[str, Any]:
    """The editor-friendly JSON Schema of one file kind, with its ``$schema`` and title."""
    _describe_fields()
    document = editor_friendly(models.FILE_KINDS[kind].model_json_schema())
    document["$schema"] = SCHEMA_DIALECT
    document["title"] = f"coachassist {kind} file"
    return document


def field_docstrings(source: str) -> dict[str, dict[str, str]]:
    """Per top-level class, each annotated field's docstring (the string right under it),
    cleaned as pydantic cleans it."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for field, doc in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(doc, ast.Expr)
                and isinstance(doc.value, ast.Constant)
                and isinstance(doc.value.value, str)
            ):
                docs[field.target.id] = inspect.cleandoc(doc.value.value)
        found[node.name] = docs
    return found


def _model_classes() -> list[type[models.Model]]:
    """Every model, a class after the classes it was defined after (so after its fields')."""
    ordered: list[type[models.Model]] = []
    todo = list(models.Model.__subclasses__())
    while todo:
        cls = todo.pop(0)
        ordered.append(cls)
        todo[:0] = cls.__subclasses__()
    return ordered


@cache
def _describe_fields() -> None:
    """Give every field its docstring as description, then rebuild the models in order, so
    each model's schema is built from its fields' described schemas (once per process)."""
    docs = field_docstrings(Path(models.__file__).read_text("utf-8"))
    classes = _model_classes()
    for cls in classes:
        own = docs.get(cls.__name__, {})
        for name, info in cls.model_fields.items():
            if info.description is None and name in own:
                info.description = own[name]
    for cls in classes:
        cls.model_rebuild(force=True)


def editor_friendly(node: Any) -> Any:
    """The schema without unions an editor reports as "not valid under any of the schemas":
    TOML has no null, so ``X | None`` is just ``X``; a union of plain types is one ``type``."""
    if isinstance(node, list):
        return [editor_friendly(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: editor_friendly(value) for key, value in node.items()}
    branches = node.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) < len(branches) and node.get("default", 0) is None:
            del node["default"]
        plain = all(isinstance(b, dict) and set(b) <= {"type", "items"} for b in kept)
        if len(kept) == 1:
            del node["anyOf"]
            node = {**kept[0], **node}
        elif plain and sum("items" in b for b in kept) <= 1:
            del node["anyOf"]
            node["type"] = list(dict.fromkeys(b["type"] for b in kept))
            for branch in kept:
                if "items" in branch:
                    node["items"] = branch["items"]
    return node
