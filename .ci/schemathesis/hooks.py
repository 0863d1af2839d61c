"""The rules of the native API that a JSON Schema cannot state (loaded by ./run). Each is
said in words in the document; here a generated request is brought within it.

- `to` must be later than `from` (two parameters). A pair that breaks it loses its `to`.
- `cursor` is opaque: only a value a previous page answered is valid, so a generated one
  never is. Generated cursors are left out.
- An `interaction-imported` event that names its interaction names the one its record
  carries (two fields). A generated pair gets the record's id on both.
- A report (`/reports/intervals`) needs `to` later than `from`, at most 366 days and 10,000
  intervals later: a pair that breaks it, or spans more than 100 days (10,000 quarter hours
  is 104), gets `to` one day after `from`. It names each
  dimension once, never agent with endReason, and only metrics its grouping keeps (the
  agents' own work by agent, `ended` by endReason): a request that breaks one of these
  loses `groupBy`, the `endReason` filter or `metrics` until it keeps them.

- A redaction pattern's `regex` must compile (Rust's syntax) and not match empty text:
  a generated one is replaced by a fixed valid expression.

`before_call` runs in every phase (examples, coverage, fuzzing, stateful), unlike the
query filters, which only the fuzzing phase applies.
"""

from datetime import datetime, timedelta

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


def _names(query, key):
    value = query.get(key)
    return value.split(",") if isinstance(value, str) else []


def _within_report_rules(query):
    start, end = _instant(query.get("from")), _instant(query.get("to"))
    if start is not None and (end is None or end <= start or end - start > timedelta(days=100)):
        query["to"] = (start + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    group = _names(query, "groupBy")
    if len(set(group)) != len(group) or {"agent", "endReason"} <= set(group):
        query.pop("groupBy")
        group = []
    named = set(group) | {key for key in ("agent", "endReason") if key in query}
    if {"agent", "endReason"} <= named:
        query.pop("endReason", None)
        named.discard("endReason")
        if "endReason" in group:
            query.pop("groupBy")
    metrics = _names(query, "metrics")
    by_agent_or_reason = named & {"agent", "endReason"}
    if metrics and (len(set(metrics)) != len(metrics) or by_agent_or_reason):
        query.pop("metrics")


def _valid_patterns(body):
    patterns = body.get("redactionPatterns") if isinstance(body, dict) else None
    if isinstance(patterns, list):
        for pattern in patterns:
            if isinstance(pattern, dict) and isinstance(pattern.get("regex"), str):
                pattern["regex"] = "MBR-[0-9]{6}"


@schemathesis.hook
def before_call(context, case, kwargs):
    if isinstance(case.body, list):
        for event in case.body:
            _same_interaction(event)
    if case.path.endswith("/settings"):
        _valid_patterns(case.body)
    query = case.query
    if not isinstance(query, dict):
        return
    query.pop("cursor", None)
    if case.path.endswith("/reports/intervals"):
        _within_report_rules(query)
        return
    start, end = _instant(query.get("from")), _instant(query.get("to"))
    if start is not None and end is not None and end <= start:
        query.pop("to")
