"""TaskRouter callbacks signed by Twilio's own Python library, posted to Interlog.

Sets the tenant's Twilio integration, then posts each callback of
examples/imports/twilio-taskrouter.form signed with `twilio.request_validator.
RequestValidator.compute_signature` (what Twilio's servers compute), and checks that
Interlog takes them (204), refuses one signed with another token (403), and holds the task.

Usage: twilio_taskrouter.py BASE_URL TENANT ADMIN_TOKEN READ_TOKEN CALLBACKS_FILE
"""

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from twilio.request_validator import RequestValidator

BASE, TENANT, ADMIN, READER, CALLBACKS = sys.argv[1:6]
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
ACCOUNT = "AC00000000000000000000000000000001"


def request(method, path, token=None, body=None, headers=None):
    req = urllib.request.Request(BASE + path, method=method, data=body, headers=headers or {})
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


status, _ = request("PUT", f"/api/v1/admin/tenants/{TENANT}/integrations/twilio", ADMIN,
                    json.dumps({"accountSid": ACCOUNT, "authToken": AUTH_TOKEN}).encode(),
                    {"content-type": "application/json"})
assert status == 200, status

url = f"{BASE}/compat/twilio/taskrouter/{TENANT}"
validator = RequestValidator(AUTH_TOKEN)
lines = [line for line in open(CALLBACKS).read().splitlines() if line]
for line in lines:
    params = dict(urllib.parse.parse_qsl(line, keep_blank_values=True))
    signature = validator.compute_signature(url, params)
    status, body = request("POST", f"/compat/twilio/taskrouter/{TENANT}", body=line.encode(),
                           headers={"content-type": "application/x-www-form-urlencoded",
                                    "x-twilio-signature": signature})
    assert status == 204, (status, body, line)

forged = RequestValidator("another-token").compute_signature(url, dict(urllib.parse.parse_qsl(lines[0])))
status, _ = request("POST", f"/compat/twilio/taskrouter/{TENANT}", body=lines[0].encode(),
                    headers={"content-type": "application/x-www-form-urlencoded",
                             "x-twilio-signature": forged})
assert status == 403, status

status, body = request("GET", f"/api/v1/tenants/{TENANT}/interactions/WT00000000000000000000000000000001",
                       READER)
record = json.loads(body)
assert status == 200 and record["status"] == "ended", (status, record)
assert record["agents"][0]["agentName"] == "bob", record
print(f"twilio: {len(lines)} callbacks signed by twilio's RequestValidator taken; a forged one refused")
