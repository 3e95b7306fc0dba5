"""Credentials for the schemathesis run of `cargo xtask test`.

The fuzzer may end its own session (logout, revoke a session it listed, lock its own
user) or revoke the API key it uses, so credentials are fetched on demand and fetched
again after a 401. Resource-server paths (/oauth2/*) get an API key; the rest a session
token of the demo owner. The server's base URL and the owner's credentials come from the
environment set by the xtask.
"""

import json
import os
import urllib.error
import urllib.request

import schemathesis

BASE = os.environ["SESSIONDESK_FUZZ_URL"]
ORG = os.environ["SESSIONDESK_FUZZ_ORG"]
USERNAME = os.environ["SESSIONDESK_FUZZ_USERNAME"]
PASSWORD = os.environ["SESSIONDESK_FUZZ_PASSWORD"]


def _post(path, body, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(
        BASE + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.load(res)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def session_token():
    """Signs the owner in; at the session limit, ends the oldest session and resumes."""
    status, body = _post(
        "/v1/auth/login", {"org": ORG, "username": USERNAME, "password": PASSWORD}
    )
    if status == 409 and body.get("code") == "session_limit":
        status, body = _post("/v1/auth/login/resume", {"login_ticket": body["login_ticket"]})
    if status != 201:
        raise RuntimeError(f"fuzz credentials: sign-in answered {status}: {body}")
    return body["token"]


def is_resource_server_call(case):
    return case.operation.path.startswith("/oauth2/")


@schemathesis.auth(cache_by_key=lambda case, ctx: "api_key" if is_resource_server_call(case) else "session")
class Credentials:
    def get(self, case, ctx):
        token = session_token()
        if not is_resource_server_call(case):
            return token
        status, body = _post("/v1/admin/api-keys", {"name": "fuzz"}, token)
        if status != 201:
            raise RuntimeError(f"fuzz credentials: creating an API key answered {status}: {body}")
        return body["secret"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
