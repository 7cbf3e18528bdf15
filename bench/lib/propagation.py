"""Measures how long a revocation made on one instance takes to be refused by the others
(issue 21, goal 3: within 50 ms p99 over 1,000 revocations). For each token read from
stdin: revoke it on REVOKER (`POST /api/v1/auth/logout/access`), then, from the moment
the logout is acknowledged, ask every OBSERVER `GET /api/v1/secret` with it over a
kept-alive connection until each answers 401. A revocation's figure is the time until
the last observer refused it. Prints one JSON line with the percentiles in milliseconds.

Usage: propagation.py REVOKER_HOST:PORT OBSERVER_HOST:PORT... < tokens (one per line)
"""
import http.client
import json
import sys
import time

# A revocation not seen by every observer within this long fails the measurement.
DEADLINE_S = 10.0


def connect(address):
    host, port = address.rsplit(":", 1)
    return http.client.HTTPConnection(host, int(port), timeout=30)


def status(connection, method, path, token):
    connection.request(method, path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    return response.status


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main():
    revoker = connect(sys.argv[1])
    observers = [connect(address) for address in sys.argv[2:]]
    if not observers:
        sys.exit("propagation: name at least one observer")
    tokens = [line.strip() for line in sys.stdin if line.strip()]
    figures = []
    for token in tokens:
        for observer in observers:
            if status(observer, "GET", "/api/v1/secret", token) != 200:
                sys.exit("propagation: an observer refused a token before its revocation")
        if status(revoker, "POST", "/api/v1/auth/logout/access", token) != 200:
            sys.exit("propagation: the logout was not acknowledged")
        acknowledged = time.perf_counter()
        waiting = list(observers)
        while waiting:
            waiting = [o for o in waiting if status(o, "GET", "/api/v1/secret", token) != 401]
            if time.perf_counter() - acknowledged > DEADLINE_S:
                sys.exit(f"propagation: not refused everywhere within {DEADLINE_S} s")
        figures.append((time.perf_counter() - acknowledged) * 1000)
    figures.sort()
    print(json.dumps({
        "count": len(figures),
        "observers": len(observers),
        "p50_ms": round(percentile(figures, 0.50), 3),
        "p99_ms": round(percentile(figures, 0.99), 3),
        "max_ms": round(figures[-1], 3),
    }))


if __name__ == "__main__":
    main()
