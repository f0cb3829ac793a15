#!/usr/bin/env python3
"""Validates request-field values with pydantic v2, as SD.Next's FastAPI does, and prints what it made of each.

Input (argv[1], a JSON file): [{"type": "<emulator FieldType>", "value": <any JSON>}, ...].
Output (stdout, JSON): one entry per case, {"ok": <coerced value>} or
{"issues": [[type, [loc below the field], msg, input, ctx or null]]}.
The emulator's tests compare its own coercions with these.
"""
import json
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, create_model


class Image:
    """Stands in for PIL's `Image.Image`: pydantic checks it with isinstance, naming the class."""


ANNOTATIONS = {
    "string": str, "stringList": list[str], "imageList": list[Image], "int": int, "intOrString": int | str,
    "float": float, "bool": bool, "list": list, "dict": dict, "any": Any,
}


def check(kind: str, value: Any) -> dict:
    model: type[BaseModel] = create_model(
        "Request", __config__=ConfigDict(arbitrary_types_allowed=True), field=(ANNOTATIONS[kind], None))
    try:
        return {"ok": model.model_validate({"field": value}).model_dump(mode="json")["field"]}
    except ValidationError as error:
        return {"issues": [[e["type"], list(e["loc"][1:]), e["msg"], e["input"], e.get("ctx")]
                           for e in error.errors(include_url=False)]}


with open(sys.argv[1], encoding="utf-8") as file:
    cases = json.load(file)
json.dump([check(case["type"], case["value"]) for case in cases], sys.stdout)
