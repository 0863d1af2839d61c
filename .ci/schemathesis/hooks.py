"""The rules of the native API that a JSON Schema cannot state (loaded by ./run). Each is
said in words in the document; here a generated request is brought within it.

- `to` must be later than `from` (two parameters). A pair that breaks it loses its `to`.
- `cursor` is opaque: only a value a previous page answered is valid, so a generated one
  never is. Generated cursors are left out.
- An `interaction-imported` event that names its interaction names the one its record
  carries (two fields). A generated pair gets the record's id on both.

`before_call` runs in every phase (examples, coverage, fuzzing, stateful), unlike the
query filters, which only the fuzzing phase applies.
"""

from datetime import datetime

import schemathesis


def _instant(value):
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _same_interaction(event):
    if not isinstance(event, dict) or event.get("type") != "interaction-imported":
        return
    record = event.get("record")
    if isinstance(record, dict) and isinstance(event.get("interactionId"), str):
        if isinstance(record.get("interactionId"), str):
            event["interactionId"] = record["interactionId"]


@schemathesis.hook
def before_call(context, case, kwargs):
    if isinstance(case.body, list):
        for event in case.body:
            _same_interaction(event)
    query = case.query
    if not isinstance(query, dict):
        return
    query.pop("cursor", None)
    start, end = _instant(query.get("from")), _instant(query.get("to"))
    if start is not None and end is not None and end <= start:
        query.pop("to")
