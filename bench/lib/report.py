"""Turns the measurements of bench/run.sh into the table it prints, docs/benchmark.md and
the chart docs/benchmark.svg, and checks the goals of the performance issue. Only the
standard library, so the benchmark needs nothing beyond python3.

Usage: report.py RESULTS_DIR DOCS_DIR COMMAND
RESULTS_DIR holds one `<scenario>.json` per wrk run (one JSON line from lib/report.lua,
the best of several rounds is used) and `facts.json` (memory, hash time, machine).
"""
import json
import os
import sys
from html import escape

results_dir, docs_dir, command = sys.argv[1], sys.argv[2], sys.argv[3]


def load(name):
    """The best round (highest req/s) of a scenario; every round must be error-free."""
    path = os.path.join(results_dir, f"{name}.json")
    rounds = [json.loads(line) for line in open(path) if line.startswith("{")]
    if not rounds:
        sys.exit(f"report: no wrk result for {name}")
    for r in rounds:
        if r["non2xx"] or r["socket_errors"]:
            print(f"report: WARNING {name}: {r['non2xx']} non-2xx answers, {r['socket_errors']} socket errors")
    return max(rounds, key=lambda r: r["rps"])


facts = json.load(open(os.path.join(results_dir, "facts.json")))
runs = {name: load(name) for name in facts["scenarios"]}


def ms(us):
    return f"{us / 1000:.2f}"


rows = []  # (scenario, server, result, comparison)


def row(scenario, server, name, comparison=""):
    rows.append((scenario, server, runs[name], comparison))


goals = []  # (number, text, measured, passed)


def goal(number, text, measured, passed):
    goals.append((number, text, measured, passed))


ceiling = runs["ceiling_secret"]["rps"]
ours = runs["ours_secret"]["rps"]
flask = runs["flask_secret"]["rps"]
row("GET /secret", "axum ceiling (bare route + one jsonwebtoken check)", "ceiling_secret")
row("GET /secret", "auth-server (full revocation check, memory)", "ours_secret",
    f"{ours / ceiling:.2f}× ceiling, {ours / flask:.0f}× Flask")
row("GET /secret", "Flask-JWT-Extended peer", "flask_secret")
goal(1, "`/secret` ≥ 0.90× ceiling and ≥ 50× Flask", f"{ours / ceiling:.2f}×, {ours / flask:.0f}×",
     ours >= 0.9 * ceiling and ours >= 50 * flask)

distinct = runs["ours_secret_distinct"]["rps"]
row(f"GET /secret, {facts['distinct_tokens']:,} distinct tokens round-robin (each request decodes)", "auth-server",
    "ours_secret_distinct", f"{distinct / ceiling:.2f}× ceiling")

million = runs["ours_secret_1m"]["rps"]
row(f"GET /secret, {facts['revoked']:,} revoked tokens", "auth-server", "ours_secret_1m", f"{million / ours:.2f}× goal 1")
mem = facts["memory_mb"]
goal(2, "with 1M revocations ≥ 0.90× goal 1 (memory reported, pruned on expiry)",
     f"{million / ours:.2f}×, +{mem['with_1m_revocations'] - mem['before_1m_revocations']:.0f} MB, "
     f"{facts['revocations_after_prune']} entries left after expiry",
     million >= 0.9 * ours and facts["revocations_after_prune"] == 0 and facts["revoked"] >= 1_000_000)

redis = runs["ours_secret_redis"]["rps"]
row("GET /secret, revocations in Redis", "auth-server + Redis", "ours_secret_redis", f"{redis / ceiling:.2f}× ceiling")
goal(5, "Redis revocation state: `/secret` ≥ 0.60× ceiling", f"{redis / ceiling:.2f}×", redis >= 0.6 * ceiling)
spread = facts.get("propagation")
if spread:
    goal(7, f"a revocation on one instance refused on the {spread['observers']} others ≤ 50 ms p99",
         f"p50 {spread['p50_ms']:.1f} ms, p99 {spread['p99_ms']:.1f} ms, max {spread['max_ms']:.1f} ms "
         f"over {spread['count']:,} revocations",
         spread["p99_ms"] <= 50 and spread["count"] >= 1000)

refresh = runs["ours_refresh"]["rps"]
flask_refresh = runs["flask_refresh"]["rps"]
row("POST refresh", "auth-server (rotation, durable write)", "ours_refresh", f"{refresh / flask_refresh:.1f}× Flask")
row("POST refresh", "Flask-JWT-Extended peer (no rotation, no write)", "flask_refresh")
goal(3, "refresh with rotation ≥ 5× Flask's refresh", f"{refresh / flask_refresh:.1f}×", refresh >= 5 * flask_refresh)

login = runs["ours_login"]["rps"]
allowed = facts["cores"] / facts["hash_seconds"]
row("POST login", f"auth-server (argon2id 19 MiB t=2 p=1, one hash {facts['hash_seconds'] * 1000:.1f} ms)", "ours_login",
    f"{login / allowed:.2f}× the {allowed:.0f}/s {facts['cores']} cores allow (one hash "
    f"{facts['hash_seconds_saturated'] * 1000:.1f} ms while all hash)")
row("POST login", "Flask-JWT-Extended peer (its tutorial's hash)", "flask_login")
loaded_p99 = runs["ours_secret_under_login"]["p99_us"]
quiet_p99 = runs["ours_secret"]["p99_us"]
row("GET /secret while logins saturate hashing", "auth-server", "ours_secret_under_login",
    f"p99 {loaded_p99 / quiet_p99:.2f}× unloaded")
goal(4, "login ≥ 0.9× cores ÷ hash time; `/secret` p99 under login load ≤ 3× unloaded",
     f"{login / allowed:.2f}×; p99 {ms(loaded_p99)} ms vs {ms(quiet_p99)} ms ({loaded_p99 / quiet_p99:.2f}×)",
     login >= 0.9 * allowed and loaded_p99 <= 3 * quiet_p99)

row(f"GET /secret over {facts['many_connections']} keep-alive connections", "auth-server", "ours_secret_many")
goal(6, "resident memory idle ≤ 30 MB, with 10,000 connections ≤ 150 MB",
     f"{mem['idle']:.1f} MB idle, {mem['many_connections']:.1f} MB with {facts['connections_seen']} connections open",
     mem["idle"] <= 30 and mem["many_connections"] <= 150 and facts["connections_seen"] >= 10000)

table = ["| Scenario | Server | req/s | p50 ms | p99 ms | Comparison |", "|---|---|---:|---:|---:|---|"]
for scenario, server, r, comparison in rows:
    table.append(f"| {scenario} | {server} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {comparison} |")
memory = [
    "| Memory (resident) | MB |", "|---|---:|",
    f"| idle, after start-up | {mem['idle']:.1f} |",
    f"| after the other scenarios, before opening the connections | {mem['before_many_connections']:.1f} |",
    f"| {facts['connections_seen']} keep-alive connections open (highest sample) | {mem['many_connections']:.1f} |",
    f"| before loading {facts['revoked']:,} revocations | {mem['before_1m_revocations']:.1f} |",
    f"| with {facts['revoked']:,} revoked, unexpired tokens | {mem['with_1m_revocations']:.1f} |",
    f"| after they expired and were pruned ({facts['revocations_after_prune']} left) | {mem['after_prune']:.1f} |",
]
goal_lines = ["| Goal | Target | Measured | |", "|---:|---|---|---|"]
for number, text, measured, passed in sorted(goals):
    goal_lines.append(f"| {number} | {text} | {measured} | {'pass' if passed else '**FAIL**'} |")

header = (f"Measured {facts['date']} on {facts['machine']} ({facts['cores']} cores), wrk "
          f"-t1 -c{facts['connections']} -d{facts['duration']}s after {facts['warmup']}s of warm-up, best of "
          f"{facts['rounds']} rounds, all servers on loopback in the same run. Command: `{command}`")
markdown = "\n".join(["# Benchmark", "", header, "", *table, "", *memory, "", *goal_lines, ""])
print(markdown)
os.makedirs(docs_dir, exist_ok=True)
with open(os.path.join(docs_dir, "benchmark.md"), "w") as f:
    f.write(markdown)


def svg():
    """Horizontal bars, one panel per scenario, each panel on its own scale."""
    panels = {}
    for scenario, server, r, _ in rows:
        panels.setdefault(scenario, []).append((server, r["rps"]))
    width, bar_h, label_w = 900, 22, 330
    y = 40
    parts = [f'<text x="10" y="24" font-size="16" font-weight="bold">Requests per second (higher is better), '
             f'{escape(facts["date"])}, {facts["cores"]} cores</text>']
    colours = {"auth-server": "#2b6cb0", "axum": "#718096", "Flask": "#c05621"}
    for scenario, bars in panels.items():
        parts.append(f'<text x="10" y="{y + 14}" font-size="13" font-weight="bold">{escape(scenario)}</text>')
        y += 22
        top = max(v for _, v in bars) or 1
        for server, value in bars:
            colour = next((c for k, c in colours.items() if server.startswith(k)), "#4a5568")
            length = max(1, (width - label_w - 110) * value / top)
            parts.append(f'<text x="10" y="{y + 15}" font-size="12">{escape(server[:52])}</text>')
            parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{bar_h - 6}" fill="{colour}"/>')
            parts.append(f'<text x="{label_w + length + 6:.1f}" y="{y + 15}" font-size="12">{value:,.0f}</text>')
            y += bar_h
        y += 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y + 10}" '
            f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>\n')


with open(os.path.join(docs_dir, "benchmark.svg"), "w") as f:
    f.write(svg())
failed = [number for number, _, _, passed in goals if not passed]
print(f"goals: {len(goals) - len(failed)} of {len(goals)} met" + (f"; not met: {failed}" if failed else ""))
