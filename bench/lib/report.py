"""Turns the measurements of bench/run.sh into the table it prints, benchmark.md and the
chart benchmark.svg, and checks the goals of the performance issue. Only the standard
library, so the benchmark needs nothing beyond python3.

The peers (the axum ceiling, the Flask-JWT-Extended peer) live outside the repository and
may be absent: then their rows and the comparisons with them are left out, and a goal that
is a ratio to one of them is reported as not evaluated, never as met or failed. A goal
stated for a size the run did not reach (a short run) is not evaluated either.

Usage: report.py RESULTS_DIR          prints the report, writes RESULTS_DIR/benchmark.{md,svg}
       report.py --goals-needing-peers  lists the goals that are ratios to a peer
RESULTS_DIR holds one `<scenario>.json` per wrk run (one JSON line from lib/report.lua,
the best of several rounds is used) and `facts.json` (memory, hash time, machine, which
scenarios ran, why the peers were absent, the command and what made it a short run).
"""
import json
import os
import sys
from html import escape

# What the first word of a scenario's name stands for when it is not auth-server.
PEERS = {"ceiling": "the axum ceiling", "flask": "the Flask-JWT-Extended peer", "fastify": "the Fastify peer"}


def peer_of(scenario):
    return PEERS.get(scenario.split("_")[0])


GOALS = []  # (label, target, peer scenarios it needs, evaluate(runs, facts) -> (measured, verdict)), in order


def goal(number, target, needs=()):
    """Declares a goal, with the peers' scenarios it is a ratio to. Its verdict is True (met),
    False (failed) or why it was not evaluated."""
    def register(evaluate):
        GOALS.append((number, target, needs, evaluate))
        return evaluate
    return register


def verdict(passed, *sizes):
    """`passed`, unless the run was smaller than the goal is stated for: (knob, value, needed)."""
    small = [f"{knob} {value:,} < {needed:,}" for knob, value, needed in sizes if value < needed]
    return f"not evaluated: short run ({', '.join(small)})" if small else passed


def rps(runs, name):
    return runs[name]["rps"]


def ms(us):
    return f"{us / 1000:.2f}"


def times(ratio, target):
    """`ratio` as "1.08×"; with a third decimal when two would round it onto the other
    side of `target` (1.098 is not 1.10)."""
    if (round(ratio, 2) >= target) != (ratio >= target):
        return f"{ratio:.3f}×"
    return f"{ratio:.2f}×"


def at_least(runs, name, reference, target):
    """Goal text and verdict for "scenario `name` ≥ `target`× scenario `reference`"."""
    ratio = rps(runs, name) / rps(runs, reference)
    return times(ratio, target), ratio >= target


# Issue 21's goals, then the round-one goals the benchmark still checks ("R" numbers).

@goal("1", "`/secret`, 1,024 distinct tokens round-robin (no cache can help) ≥ 0.95× the ceiling's `/secret`",
      needs=("ceiling_secret",))
def _(runs, facts):
    text, passed = at_least(runs, "ours_secret_distinct", "ceiling_secret", 0.95)
    return text, verdict(passed, ("DISTINCT_TOKENS", facts["distinct_tokens"], 1024))


@goal("2", "`/secret`, one token repeated ≥ 1.10× the ceiling's `/secret`", needs=("ceiling_secret",))
def _(runs, facts):
    return at_least(runs, "ours_secret", "ceiling_secret", 1.10)


@goal("3a", "revocations in Redis, 3 instances sharing it, one measured: `/secret` ≥ 0.90× the ceiling's",
      needs=("ceiling_secret",))
def _(runs, facts):
    return at_least(runs, "ours_secret_redis", "ceiling_secret", 0.90)


@goal("3b", "a revocation made on one instance refused on the others within 50 ms p99 (1,000 revocations)")
def _(runs, facts):
    spread = facts["propagation"]
    return (f"p50 {spread['p50_ms']:.1f} ms, p99 {spread['p99_ms']:.1f} ms, max {spread['max_ms']:.1f} ms "
            f"over {spread['count']:,} revocations on {spread['observers']} other instances",
            verdict(spread["p99_ms"] <= 50, ("PROPAGATION_REVOCATIONS", spread["count"], 1000)))


@goal("4", "password-guessing flood from 1,000 addresses: `/secret` p99 ≤ 2× idle; a real user's login "
      "p99 ≤ 1 s; CPU spent hashing bounded by the queue")
def _(runs, facts):
    flood = facts.get("flood")
    if not flood or "ours_secret_under_flood" not in runs or "ours_login_under_flood" not in runs:
        return "—", "not evaluated: the flood scenario did not run"
    loaded, quiet = runs["ours_secret_under_flood"]["p99_us"], runs["ours_secret"]["p99_us"]
    user = runs["ours_login_under_flood"]
    bound = flood["hashing_threads"] * flood["seconds"]
    return (f"`/secret` p99 {ms(loaded)} ms vs {ms(quiet)} ms idle ({loaded / quiet:.2f}×); real user's login "
            f"p99 {ms(user['p99_us'])} ms ({user['non2xx']} refused); hashing {flood['hash_cpu_seconds']:.1f} CPU s "
            f"of {bound:.1f} possible ({flood['hashing_threads']} threads × {flood['seconds']:.1f} s)",
            loaded <= 2 * quiet and user["p99_us"] <= 1_000_000 and user["non2xx"] == 0
            and flood["hash_cpu_seconds"] <= bound * 1.02)


@goal("5", "goal 1's server figure ≥ 2.5× the Fastify peer's `/secret`", needs=("fastify_secret",))
def _(runs, facts):
    return at_least(runs, "ours_secret_distinct", "fastify_secret", 2.5)


@goal("6", "resident memory idle ≤ 20 MB; 10,000 keep-alive connections ≤ 120 MB")
def _(runs, facts):
    mem = facts["memory_mb"]
    return (f"{mem['idle']:.1f} MB idle, {mem['many_connections']:.1f} MB with {facts['connections_seen']} connections open",
            verdict(mem["idle"] <= 20 and mem["many_connections"] <= 120 and facts["connections_seen"] >= 10000,
                    ("MANY_CONNECTIONS", facts["many_connections"], 10000)))


@goal("R2", "(round one) with 1M revocations ≥ 0.90× one token's `/secret`; memory reported, pruned on expiry")
def _(runs, facts):
    ours, million, mem = rps(runs, "ours_secret"), rps(runs, "ours_secret_1m"), facts["memory_mb"]
    left = facts["revocations_after_prune"]
    return (f"{million / ours:.2f}×, +{mem['with_1m_revocations'] - mem['before_1m_revocations']:.0f} MB, "
            f"{left} entries left after expiry",
            verdict(million >= 0.9 * ours and left == 0, ("REVOKED", facts["revoked"], 1_000_000)))


@goal("R3", "(round one) refresh with rotation ≥ 5× Flask's refresh", needs=("flask_refresh",))
def _(runs, facts):
    ratio = rps(runs, "ours_refresh") / rps(runs, "flask_refresh")
    return f"{ratio:.1f}×", ratio >= 5


@goal("R4", "(round one) login ≥ 0.9× cores ÷ hash time; `/secret` p99 under login load ≤ 3× unloaded")
def _(runs, facts):
    login = rps(runs, "ours_login") / (facts["cores"] / facts["hash_seconds"])
    loaded, quiet = runs["ours_secret_under_login"]["p99_us"], runs["ours_secret"]["p99_us"]
    return (f"{login:.2f}×; p99 {ms(loaded)} ms vs {ms(quiet)} ms ({loaded / quiet:.2f}×)",
            login >= 0.9 and loaded <= 3 * quiet)


def needed_peers(needs):
    """The peers behind these scenarios, named once each: "the axum ceiling and the Fastify peer"."""
    names = list(dict.fromkeys(peer_of(name) for name in needs))
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def load(results_dir, name):
    """The best round (highest req/s) of a scenario; every round must be error-free."""
    path = os.path.join(results_dir, f"{name}.json")
    rounds = [json.loads(line) for line in open(path) if line.startswith("{")]
    if not rounds:
        sys.exit(f"report: no wrk result for {name}")
    for r in rounds:
        if r["non2xx"] or r["socket_errors"]:
            print(f"report: WARNING {name}: {r['non2xx']} non-2xx answers, {r['socket_errors']} socket errors")
    return max(rounds, key=lambda r: r["rps"])


def rows(runs, facts):
    """(scenario, server, result, comparison): a peer's row only if it was measured, and each
    comparison only with what was measured."""
    def versus(value, reference, label, digits=2):
        return f"{value / rps(runs, reference):.{digits}f}× {label}" if reference in runs else None

    def row(scenario, server, name, *comparisons):
        if name in runs:
            yield scenario, server, runs[name], ", ".join(c for c in comparisons if c)

    ours = rps(runs, "ours_secret")
    yield from row("GET /secret", "axum ceiling (bare route + one jsonwebtoken check)", "ceiling_secret")
    yield from row("GET /secret", "auth-server (full revocation check, memory)", "ours_secret",
                   versus(ours, "ceiling_secret", "ceiling"), versus(ours, "fastify_secret", "Fastify"),
                   versus(ours, "flask_secret", "Flask", 0))
    yield from row("GET /secret", "Fastify peer (@fastify/jwt, a worker per core, revocation set)", "fastify_secret")
    yield from row("GET /secret", "Flask-JWT-Extended peer", "flask_secret")
    distinct = rps(runs, "ours_secret_distinct")
    yield from row(f"GET /secret, {facts['distinct_tokens']:,} distinct tokens round-robin (each request decodes)",
                   "auth-server", "ours_secret_distinct",
                   versus(distinct, "ceiling_secret", "ceiling"), versus(distinct, "fastify_secret", "Fastify"))
    yield from row(f"GET /secret, {facts['revoked']:,} revoked tokens", "auth-server", "ours_secret_1m",
                   versus(rps(runs, "ours_secret_1m"), "ours_secret", "one token"))
    yield from row("GET /secret, revocations in Redis (3 instances, one measured)", "auth-server + Redis", "ours_secret_redis",
                   versus(rps(runs, "ours_secret_redis"), "ceiling_secret", "ceiling"))
    yield from row("POST refresh", "auth-server (rotation, durable write)", "ours_refresh",
                   versus(rps(runs, "ours_refresh"), "flask_refresh", "Flask", 1))
    yield from row("POST refresh", "Flask-JWT-Extended peer (no rotation, no write)", "flask_refresh")
    allowed = facts["cores"] / facts["hash_seconds"]
    yield from row("POST login", f"auth-server (argon2id 19 MiB t=2 p=1, one hash {facts['hash_seconds'] * 1000:.1f} ms)",
                   "ours_login", f"{rps(runs, 'ours_login') / allowed:.2f}× the {allowed:.0f}/s {facts['cores']} cores "
                   f"allow (one hash {facts['hash_seconds_saturated'] * 1000:.1f} ms while all hash)")
    yield from row("POST login", "Flask-JWT-Extended peer (its tutorial's hash)", "flask_login")
    loaded, quiet = runs["ours_secret_under_login"]["p99_us"], runs["ours_secret"]["p99_us"]
    yield from row("GET /secret while logins saturate hashing", "auth-server", "ours_secret_under_login",
                   f"p99 {loaded / quiet:.2f}× unloaded")
    if "ours_secret_under_flood" in runs:
        flooded = runs["ours_secret_under_flood"]["p99_us"]
        yield from row("GET /secret during a password-guessing flood", "auth-server", "ours_secret_under_flood",
                       f"p99 {flooded / quiet:.2f}× unloaded")
    yield from row("POST login, a real user during the flood", "auth-server (device cookie)", "ours_login_under_flood")
    yield from row(f"GET /secret over {facts['many_connections']} keep-alive connections", "auth-server", "ours_secret_many")


def goal_results(runs, facts):
    """(number, target, measured, verdict) for every goal, in order."""
    for number, target, needs, evaluate in GOALS:
        missing = [name for name in needs if name not in runs]
        if missing:
            yield number, target, "—", f"not evaluated: needs {needed_peers(missing)} (peers absent)"
        else:
            yield (number, target, *evaluate(runs, facts))


def markdown(table_rows, goals, facts):
    absent, short = facts["peers_absent"], facts["short"]
    notes = []
    if absent:
        peers = needed_peers(name for _, _, needs, _ in GOALS for name in needs)
        notes.append(f"**Without the peers** ({absent}): {peers} were not measured, so there "
                     "is no comparison with them below, and the goals that are ratios to them are not "
                     "evaluated. The figures are absolute.")
    if short:
        notes.append(f"**Short run** ({', '.join(short)}): for checking the benchmark, not for comparison; the "
                     "goals stated for a larger size are not evaluated.")
    header = (f"Measured {facts['date']} on {facts['machine']} ({facts['cores']} cores), wrk "
              f"-t1 -c{facts['connections']} -d{facts['duration']}s after {facts['warmup']}s of warm-up, best of "
              f"{facts['rounds']} rounds, all servers on loopback in the same run. Command: `{facts['command']}`")
    table = ["| Scenario | Server | req/s | p50 ms | p99 ms | Comparison |", "|---|---|---:|---:|---:|---|"]
    for scenario, server, r, comparison in table_rows:
        table.append(f"| {scenario} | {server} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {comparison} |")
    mem = facts["memory_mb"]
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
    for number, target, measured, outcome in goals:
        shown = outcome if isinstance(outcome, str) else "pass" if outcome else "**FAIL**"
        goal_lines.append(f"| {number} | {target} | {measured} | {shown} |")
    title = "# Benchmark" + (" (without the peers)" if absent else "")
    return "\n".join([title, "", header, "", *[f"{n}\n" for n in notes], *table, "", *memory, "", *goal_lines, ""])


def svg(table_rows, facts):
    """Horizontal bars, one panel per scenario, each panel on its own scale."""
    panels = {}
    for scenario, server, r, _ in table_rows:
        panels.setdefault(scenario, []).append((server, r["rps"]))
    width, bar_h, label_w = 900, 22, 330
    y = 40
    without = ", without the peers" if facts["peers_absent"] else ""
    parts = [f'<text x="10" y="24" font-size="16" font-weight="bold">Requests per second (higher is better), '
             f'{escape(facts["date"])}, {facts["cores"]} cores{without}</text>']
    colours = {"auth-server": "#2b6cb0", "axum": "#718096", "Fastify": "#2f855a", "Flask": "#c05621"}
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


def summary(goals):
    evaluated = [(n, outcome) for n, _, _, outcome in goals if not isinstance(outcome, str)]
    failed = [n for n, outcome in evaluated if not outcome]
    line = f"goals: {len(evaluated) - len(failed)} of {len(evaluated)} evaluated met"
    if failed:
        line += f"; not met: {failed}"
    for kind in ("peers absent", "short run"):
        skipped = [n for n, _, _, outcome in goals if isinstance(outcome, str) and kind in outcome]
        if skipped:
            line += f"; not evaluated ({kind}): {skipped}"
    other = [n for n, _, _, outcome in goals
             if isinstance(outcome, str) and "peers absent" not in outcome and "short run" not in outcome]
    if other:
        line += f"; not evaluated (see the table): {other}"
    return line


def main(args):
    if args == ["--goals-needing-peers"]:
        for number, target, needs, _ in GOALS:
            if needs:
                print(f"goal {number}: {target} (needs {needed_peers(needs)})")
        return
    if len(args) != 1:
        sys.exit(__doc__)
    results_dir = args[0]
    facts = json.load(open(os.path.join(results_dir, "facts.json")))
    runs = {name: load(results_dir, name) for name in facts["scenarios"]}
    table_rows, goals = list(rows(runs, facts)), list(goal_results(runs, facts))
    text = markdown(table_rows, goals, facts)
    print(text)
    with open(os.path.join(results_dir, "benchmark.md"), "w") as f:
        f.write(text)
    with open(os.path.join(results_dir, "benchmark.svg"), "w") as f:
        f.write(svg(table_rows, facts))
    print(summary(goals))


if __name__ == "__main__":
    main(sys.argv[1:])
