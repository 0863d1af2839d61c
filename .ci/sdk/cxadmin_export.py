"""Exports one day through Interlog's CxEngage dialect with the vendor's own Python SDK
(PyPI `cxadmin`), serially and in parallel, and checks that both give exactly the
interactions the native API lists for that day. Run by ./run; exits non-zero on a mismatch.

Usage: cxadmin_export.py BASE_URL TENANT KEY_ID KEY_SECRET NATIVE_TOKEN YYYY-MM-DD
"""

import sys
from datetime import datetime, timedelta, timezone

import requests
from CxAdmin import Cx


def native_day(base, tenant, token, start, end):
    """The native API's list of the day, every page, as interaction ids."""
    url = f"{base}/api/v1/tenants/{tenant}/interactions"
    params = {"from": start.isoformat(), "to": end.isoformat(), "limit": 1000}
    headers = {"Authorization": f"Bearer {token}"}
    ids = []
    while True:
        page = requests.get(url, params=params, headers=headers, timeout=60)
        page.raise_for_status()
        body = page.json()
        ids.extend(item["interactionId"] for item in body["items"])
        if not body["nextCursor"]:
            return ids
        params["cursor"] = body["nextCursor"]


def check(name, ids, expected):
    problems = []
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} duplicates")
    if set(ids) != set(expected):
        missing = len(set(expected) - set(ids))
        extra = len(set(ids) - set(expected))
        problems.append(f"{missing} missing, {extra} not in the native list")
    verdict = "; ".join(problems) or "the same interactions"
    print(f"cxadmin {name}: {len(ids)} interactions: {verdict}")
    return not problems


def main():
    base, tenant, key_id, secret, token, day = sys.argv[1:7]
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    end = start + timedelta(days=1)
    expected = native_day(base, tenant, token, start, end)
    print(f"native API: {len(expected)} interactions started on {day}")
    if len(expected) <= 1000:
        sys.exit("the day must hold more than one page of 1000 to test the SDK's paging")
    # The SDK asks /v1/tokens for a token with the key, then sends `Authorization: Token`.
    cx = Cx(f"{base}/compat/cxengage", key_id, secret, tenant)
    serial = [r["interactionId"] for r in cx.statistics.getInteractions((start, end))]
    parallel = cx.statistics.getInteractionsInParallel((start, end), numThreads=8)
    parallel = [r["interactionId"] for r in parallel]
    ok = check("getInteractions", serial, expected)
    ok = check("getInteractionsInParallel", parallel, expected) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
