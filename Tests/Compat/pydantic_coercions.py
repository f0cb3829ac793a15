#!/usr/bin/env python3
"""Validates request-field values with pydantic v2, as SD.Next's FastAPI does, and prints what it made of each.

Input (argv[1], a JSON file): [{"type": "<emulator FieldType>", "value": <any JSON>}, ...].
Output (stdout, JSON): one entry per case, {"ok": <coerced value>} or {"issues": [[type, [loc below the field]]]}.
The emulator's tests compare its own coercions with these.
"""
import json
import sys
from typing import Any

from pydantic import BaseModel, ValidationError, create_model

ANNOTATIONS = {
    "string": str, "stringList": list[str], "int": int, "intOrString": int | str, "float": float,
    "bool": bool, "list": list, "dict": dict, "any": Any,
}


def check(kind: str, value: Any) -> dict:
    model: type[BaseModel] = create_model("Request", field=(ANNOTATIONS[kind], None))
    try:
        return {"ok": model.model_validate({"field": value}).model_dump(mode="json")["field"]}
    except ValidationError as error:
        return {"issues": [[e["type"], list(e["loc"][1:])] for e in error.errors()]}


with open(sys.argv[1], encoding="utf-8") as file:
    cases = json.load(file)
json.dump([check(case["type"], case["value"]) for case in cases], sys.stdout)
