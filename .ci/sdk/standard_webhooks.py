"""Interlog's webhooks verified by the Standard Webhooks library from PyPI.

Starts a receiver on a free port, subscribes it through the admin API, posts one call's
events, and checks every delivery with `standardwebhooks.Webhook(secret).verify`, which
checks the signature and refuses a stale timestamp, as a receiver in production would.

Usage: standard_webhooks.py BASE_URL TENANT ADMIN_TOKEN WRITE_TOKEN
"""

import http.server
import json
import socket
import sys
import threading
import time
import urllib.request

from standardwebhooks.webhooks import Webhook

BASE, TENANT, ADMIN, WRITER = sys.argv[1:5]
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(method, path, token, body):
    request = urllib.request.Request(
        BASE + path,
        method=method,
        data=json.dumps(body).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
server = http.server.HTTPServer(("127.0.0.1", port), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()

hook = call("POST", f"/api/v1/admin/tenants/{TENANT}/webhooks", ADMIN, {
    "url": f"http://127.0.0.1:{port}/hooks",
    "events": ["interaction.updated", "interaction.ended"],
})
events = [
    {"type": "interaction-started", "channelType": "voice", "direction": "inbound"},
    {"type": "queue-entered", "queueId": "support"},
    {"type": "agent-allocated", "agentId": "ann", "queueId": "support"},
    {"type": "interaction-ended"},
]
for n, event in enumerate(events):
    event.update({"eventId": f"swh-{n}", "interactionId": "swh-call",
                  "timestamp": f"2026-11-29T09:00:{n * 10:02d}.000Z"})
    call("POST", f"/api/v1/tenants/{TENANT}/events", WRITER, [event])

deadline = time.time() + 30
while len(received) < 5 and time.time() < deadline:
    time.sleep(0.1)
assert len(received) == 5, f"{len(received)} deliveries"

verifier = Webhook(hook["secret"])
kinds = []
for headers, body in received:
    lowered = {k.lower(): v for k, v in headers.items()}
    payload = verifier.verify(body, lowered)
    assert payload["data"]["interaction"]["interactionId"] == "swh-call", payload
    kinds.append(payload["type"])
assert kinds == ["interaction.updated"] * 4 + ["interaction.ended"], kinds

tampered = dict({k.lower(): v for k, v in received[0][0].items()})
try:
    verifier.verify(received[0][1] + b" ", tampered)
    raise AssertionError("a changed body verified")
except Exception as error:  # the library's WebhookVerificationError
    assert "AssertionError" not in type(error).__name__, error
print(f"standardwebhooks: {len(received)} deliveries verified, in order")
