"""Prints COUNT distinct access tokens of one session: each from a refresh of the previous
refresh token (rotation), over one keep-alive connection.

Usage: mint_tokens.py HOST:PORT REFRESH_TOKEN COUNT
"""
import http.client
import json
import sys

address, refresh_token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = address.rsplit(":", 1)
connection = http.client.HTTPConnection(host, int(port), timeout=30)
for _ in range(count):
    connection.request("POST", "/api/v1/auth/refresh", headers={"Authorization": f"Bearer {refresh_token}"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"mint_tokens: refresh answered {response.status}: {body[:200]!r}")
    pair = json.loads(body)
    refresh_token = pair["refresh_token"]
    print(pair["access_token"])
