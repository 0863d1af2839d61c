"""The two rules of the native API that a JSON Schema cannot state (loaded by ./run).

- `to` must be later than `from`: a rule across two parameters (the document says so in
  words). A generated pair that breaks it loses its `to`.
- `cursor` is opaque: only a value a previous page answered is valid, so a generated one
  never is. Generated cursors are left out.

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


@schemathesis.hook
def before_call(context, case, kwargs):
    query = case.query
    if not isinstance(query, dict):
        return
    query.pop("cursor", None)
    start, end = _instant(query.get("from")), _instant(query.get("to"))
    if start is not None and end is not None and end <= start:
        query.pop("to")
