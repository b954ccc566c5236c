"""The JSON schema of a query plan, generated from the Plan record itself (pydantic reads the frozen
dataclass), for a chat model asked to propose a plan as structured output; and the check that a
proposal fits it. Only the fields a reading of one question sets are offered: the base, the previous
turn's result and the asker's persona come from the conversation, never from a model.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assistant.reading.plan import Plan

# Plan fields a model may propose; the rest keep the record's defaults (base "clauses", no within, no persona).
PROPOSED = ("form", "projection", "filters", "single", "common", "read", "docs")


@cache
def _adapter() -> TypeAdapter[Plan]:
    return TypeAdapter(Plan)


def plan_schema() -> dict[str, Any]:
    """The Plan record's JSON schema, narrowed to the proposed fields, with no extra keys allowed."""
    schema = copy.deepcopy(_adapter().json_schema())
    schema["properties"] = {k: v for k, v in schema["properties"].items() if k in PROPOSED}
    schema["required"] = [k for k in schema.get("required", ()) if k in PROPOSED]
    schema["additionalProperties"] = False
    for definition in schema.get("$defs", {}).values():
        definition["additionalProperties"] = False
    return schema


def proposal_schema() -> dict[str, Any]:
    """What the model returns: {"plan": <Plan> | null}; null leaves the question to the text search."""
    plan = plan_schema()
    defs = plan.pop("$defs", {})
    return {
        "title": "PlanProposal",
        "description": "The query plan of one question over the parsed records, or null when it asks for a passage of text.",
        "type": "object",
        "properties": {"plan": {"anyOf": [{"$ref": "#/$defs/Plan"}, {"type": "null"}]}},
        "required": ["plan"],
        "additionalProperties": False,
        "$defs": {**defs, "Plan": plan},
    }


def plan_from_json(data: Any) -> tuple[Plan | None, str]:
    """The Plan a decoded proposal's "plan" value describes, or (None, why it does not fit the schema)."""
    if not isinstance(data, dict):
        return None, f"not a JSON object: {type(data).__name__}"
    schema = plan_schema()
    extra = sorted(set(data) - set(schema["properties"]))
    if extra:
        return None, f"fields the plan does not have: {', '.join(extra)}"
    filter_fields = set(schema["$defs"]["Filter"]["properties"])
    for f in data.get("filters") or ():
        unknown = sorted(set(f) - filter_fields) if isinstance(f, dict) else []
        if unknown:
            return None, f"filter fields the plan does not have: {', '.join(unknown)}"
    try:
        plan = _adapter().validate_python(data, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return None, f"does not fit the schema at {where or 'the top'}: {first['msg']}"
    return plan, ""
