#!/usr/bin/env python3
"""Reads the load drivers' result files, the in-process benchmarks and the soak, and prints the
comparison table, the database stores per core, and the goals of issue 15 as ratios.

    ratios.py RESULTS_DIR [--out bench/results-STAMP] [--bench-dir bench]

The newest <label>-<stamp>.json summary of each label below is used (medians of its runs); the
newest bench/inprocess-*.json (bench/inprocess.sh), bench/soak-*.json (bench/soak.sh) and
RESULTS_DIR/rss-nopg-*.json (compare.sh --set rss). With --out, writes OUT.md (the tables) and
OUT.json (every figure, for bench/charts.py). Standard library only.
"""
import argparse
import glob
import json
import os

SERVERS = [  # (label, column)
    ("canned-page-pkce", "C floor"),
    ("node-page-pkce", "node-oauth2-server"),
    ("oauthlib-page-pkce", "oauthlib"),
    ("beast-floor-page-pkce", "Beast floor"),
    ("beast-oauth-page-pkce", "beast-oauth"),
]
STORES = [
    ("beast-oauth-page-pkce", "memory"),
    ("beast-oauth-sqlite-page-pkce", "SQLite"),
    ("beast-oauth-postgres-page-pkce", "PostgreSQL"),
]
# Keycloak's sizing guide, "Concepts for sizing CPU and memory resources":
KEYCLOAK_URL = "https://www.keycloak.org/high-availability/single-cluster/concepts-memory-and-cpu-sizing"
KEYCLOAK_LOGINS_PER_VCPU = 15
KEYCLOAK_REFRESH_PER_VCPU = 120


def newest(pattern):
    files = glob.glob(pattern)
    if not files:
        return None
    with open(max(files, key=os.path.getmtime)) as f:
        return json.load(f)


def label_result(results, label):
    files = [f for f in glob.glob(os.path.join(results, label + "-*.json"))
             if os.path.basename(f)[len(label) + 1:][:8].isdigit() and "-w" not in os.path.basename(f)[len(label):]]
    if not files:
        return None
    with open(max(files, key=os.path.getmtime)) as f:
        return json.load(f)


def med(d, key):
    return (d or {}).get("median", {}).get(key, {}).get("median") if d else None


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def foreign_max(d):
    """The highest CPU share other processes took during any measured workload of d."""
    vals = [w["cpu"]["foreign_cpu_pct"] for run in (d or {}).get("runs", []) for w in run.values()
            if isinstance(w, dict) and "cpu" in w]
    return max(vals) if vals else None


def bench_value(ib, name, field="real_time", unit="ns"):
    """A Google Benchmark figure (aggregate 'median' if repeated), converted to `unit`."""
    if not ib:
        return None
    def same(n):  # a fixed iteration count adds "/iterations:N" to the name
        return n == name or n.startswith(name + "/iterations:")
    rows = [b for b in ib.get("benchmarks", []) if same(b.get("run_name", b["name"])) or same(b["name"])]
    rows = [b for b in rows if b.get("aggregate_name", "median") == "median"] or rows
    if not rows:
        return None
    b = rows[0]
    v = b.get(field)
    if v is None:
        return None
    if field in ("real_time", "cpu_time"):
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
        v = v * scale[b.get("time_unit", "ns")] / scale[unit]
    return v


KEYS = ["W1 bearer  req/s", "W1 bearer  p99 ms", "W1 server CPU us/request",
        "W2 flow    flows/s", "W2 flow    page p99 ms", "W2 flow    login p99 ms", "W2 flow    token p99 ms",
        "W2 flow    resource p99 ms", "W2 flow    whole-flow p99 ms", "W2 server CPU us/flow",
        "W3 token   exchanges/s", "W3 token   p50 ms", "W3 token   p99 ms", "W3 server CPU us/exchange",
        "W1 bearer  errors", "W2 flow    errors", "W3 token   errors"]


def build(results, bench_dir):
    data = {label: label_result(results, label) for label, _ in SERVERS + STORES}
    ib = newest(os.path.join(bench_dir, "inprocess-2*.json"))
    soak = newest(os.path.join(bench_dir, "soak-2*.json"))
    nopg = newest(os.path.join(results, "rss-nopg-*.json"))
    out = {"servers": {}, "stores": {}, "goals": [], "inprocess": {}, "soak": None, "rss_nopg": nopg,
           "keycloak": {"url": KEYCLOAK_URL, "password_logins_per_vcpu": KEYCLOAK_LOGINS_PER_VCPU,
                        "refresh_per_vcpu": KEYCLOAK_REFRESH_PER_VCPU}}
    for label, col in SERVERS + STORES:
        d = data[label]
        if not d or label in out["servers"]:
            continue
        out["servers"][label] = {"column": col, "date": d.get("date"), "machine": d.get("machine"),
                                 "settings": d.get("settings"), "foreign_cpu_max_pct": foreign_max(d),
                                 "rss_idle_kb": d.get("rss_idle_kb"),
                                 "median": {" ".join(k.split()): med(d, k) for k in d.get("median", {})}}
    # Database stores, per core: one core-second of server CPU (the database's included) buys
    # 1e6 / (us per operation) operations.
    for label, col in STORES:
        d = data[label]
        if not d:
            continue
        flow_us, exch_us = med(d, "W2 server CPU us/flow"), med(d, "W3 server CPU us/exchange")
        out["stores"][col] = {
            "label": label, "flows_per_s": med(d, "W2 flow    flows/s"), "flow_p99_ms": med(d, "W2 flow    whole-flow p99 ms"),
            "us_per_flow": flow_us, "flows_per_core_s": 1e6 / flow_us if flow_us else None,
            "exchanges_per_s": med(d, "W3 token   exchanges/s"), "exchange_p99_ms": med(d, "W3 token   p99 ms"),
            "us_per_exchange": exch_us, "exchanges_per_core_s": 1e6 / exch_us if exch_us else None,
        }
    # In process.
    if ib:
        ip = out["inprocess"]
        ip["context"] = ib.get("context", {})
        for n in (1000, 100000, 1000000, 10000000):
            ip[f"bearer_ns_{n}"] = bench_value(ib, f"BM_opaque_bearer_validation/{n}")
            ip[f"exchange_us_{n}"] = bench_value(ib, f"BM_token_exchange_handle_request/{n}", unit="us")
        ip["code_issuance_us"] = bench_value(ib, "BM_code_issuance", unit="us")
        ip["token_issuance_us"] = bench_value(ib, "BM_token_issuance", unit="us")
        ip["refresh_memory_us"] = bench_value(ib, "BM_refresh_memory", unit="us")
        ip["refresh_sqlite_us"] = bench_value(ib, "BM_refresh_sqlite", unit="us")
        for t in (1, 2):
            ip[f"bearer_items_per_s_threads_{t}"] = bench_value(
                ib, f"BM_bearer_validation_shared/real_time/threads:{t}", "items_per_second")
            ip[f"exchange_items_per_s_threads_{t}"] = bench_value(
                ib, f"BM_token_exchange_shared/real_time/threads:{t}", "items_per_second")
        ip["heap_bytes_per_token_1M"] = bench_value(
            ib, "BM_memory_per_live_token/1000000/iterations:1", "bytes_per_token")
    if soak:
        out["soak"] = soak
    # Goals (issue 15): CPU per operation, server side, one run.
    fl, ours, cfl = data["beast-floor-page-pkce"], data["beast-oauth-page-pkce"], data["canned-page-pkce"]
    goals = out["goals"]

    def goal(name, value, limit, unit, how):
        goals.append({"goal": name, "value": value, "limit": limit, "unit": unit, "how": how,
                      "met": None if value is None else value <= limit})

    for key, lim, nm in (("W1 server CPU us/request", 1.10, "W1 bearer CPU vs Beast floor"),
                         ("W2 server CPU us/flow", 1.5, "W2 flow CPU vs Beast floor"),
                         ("W3 server CPU us/exchange", 1.5, "W3 exchange CPU vs Beast floor")):
        goal(nm, ratio(med(ours, key), med(fl, key)), lim, "x", key)
    goal("W3 p99 vs C floor p99 (64 connections)",
         ratio(med(ours, "W3 token   p99 ms"), med(cfl, "W3 token   p99 ms")), 2.0, "x", "W3 token p99 ms")
    ip = out["inprocess"]
    goal("exchange through handle_request", ip.get("exchange_us_1000"), 5.0, "us", "BM_token_exchange_handle_request/1000")
    goal("code issuance", ip.get("code_issuance_us"), 1.0, "us", "BM_code_issuance")
    goal("heap bytes per live token at 1M", ip.get("heap_bytes_per_token_1M"), 256, "B", "BM_memory_per_live_token")
    goal("idle RSS, example without PostgreSQL", nopg["rss_kib"] / 1024 if nopg else None, 10, "MiB", "VmRSS")
    goal("idle RSS, anonymous part", nopg["anon_kib"] / 1024 if nopg else None, 4, "MiB", "RssAnon")
    if soak and soak.get("rss_end_of_warmup_kib"):
        growth = 100 * (soak["rss_end_kib"] - soak["rss_end_of_warmup_kib"]) / soak["rss_end_of_warmup_kib"]
        goal("soak: RSS growth after warm-up", growth, 5.0, "%", "bench/soak.sh")
    return out


def table(out):
    lines = []
    s = out["servers"]
    cols = [(l, c) for l, c in SERVERS if l in s]
    lines.append("| metric | " + " | ".join(c for _, c in cols) + " | beast-oauth / Beast floor | beast-oauth / C floor |")
    lines.append("|---|" + "---:|" * len(cols) + "---:|---:|")
    for k in KEYS:
        k = " ".join(k.split())
        vals = [s[l]["median"].get(k) for l, _ in cols]
        ours = s.get("beast-oauth-page-pkce", {}).get("median", {}).get(k)
        bf = s.get("beast-floor-page-pkce", {}).get("median", {}).get(k)
        cf = s.get("canned-page-pkce", {}).get("median", {}).get(k)
        r1, r2 = ratio(ours, bf), ratio(ours, cf)
        lines.append(f"| {k} | " + " | ".join(fmt(v) for v in vals)
                     + f" | {fmt(r1) + 'x' if r1 else ''} | {fmt(r2) + 'x' if r2 else ''} |")
    lines.append("| RSS MiB idle (after one flow) | "
                 + " | ".join(fmt(s[l]["rss_idle_kb"] / 1024) if s[l].get("rss_idle_kb") else "-" for l, _ in cols) + " | | |")
    lines.append("| other processes' CPU, max % of a core | "
                 + " | ".join(fmt(s[l]["foreign_cpu_max_pct"]) for l, _ in cols) + " | | |")
    return lines


def stores_table(out):
    st = out["stores"]
    if not st:
        return []
    cols = list(st)
    kc = out["keycloak"]
    rows = [("W2 flows/s (2 I/O threads)", "flows_per_s"), ("W2 whole-flow p99 ms", "flow_p99_ms"),
            ("W2 server CPU us/flow (database included)", "us_per_flow"),
            ("W2 flows per core-second = sign-ins/s per vCPU", "flows_per_core_s"),
            ("W3 exchanges/s", "exchanges_per_s"), ("W3 p99 ms", "exchange_p99_ms"),
            ("W3 server CPU us/exchange (database included)", "us_per_exchange"),
            ("W3 exchanges per core-second (token requests/s per vCPU)", "exchanges_per_core_s")]
    lines = ["| per store | " + " | ".join(cols) + " | Keycloak sizing |", "|---|" + "---:|" * len(cols) + "---:|"]
    for name, key in rows:
        extra = ""
        if key == "flows_per_core_s":
            extra = f"{kc['password_logins_per_vcpu']} password logins/s per vCPU"
        if key == "exchanges_per_core_s":
            extra = f"{kc['refresh_per_vcpu']} refresh requests/s per vCPU"
        lines.append(f"| {name} | " + " | ".join(fmt(st[c].get(key)) for c in cols) + f" | {extra} |")
    return lines


def render(out):
    L = ["## HTTP, in-memory store (server CPU per operation, medians)", ""] + table(out)
    L += ["", "## Database stores under load (W2, W3; the database server's CPU counted as server CPU)", ""]
    L += stores_table(out) or ["(not measured: compare.sh --set db)"]
    L += ["", f"Keycloak sizing: {out['keycloak']['url']}", ""]
    ip = out["inprocess"]
    if ip:
        L += ["## In process (bench/inprocess.sh)", "", "| live tokens | 1k | 100k | 1M | 10M |", "|---|---:|---:|---:|---:|"]
        L.append("| bearer validation ns | " + " | ".join(fmt(ip.get(f"bearer_ns_{n}")) for n in (1000, 100000, 1000000, 10000000)) + " |")
        L.append("| exchange through handle_request us | " + " | ".join(
            fmt(ip.get(f"exchange_us_{n}")) for n in (1000, 100000, 1000000, 10000000)) + " |")
        L += ["", "| threads on one server | 1 | 2 |", "|---|---:|---:|"]
        L.append("| bearer validations/s | " + " | ".join(fmt(ip.get(f"bearer_items_per_s_threads_{t}")) for t in (1, 2)) + " |")
        L.append("| exchanges/s | " + " | ".join(fmt(ip.get(f"exchange_items_per_s_threads_{t}")) for t in (1, 2)) + " |")
        L.append("")
    if out["soak"]:
        sk = out["soak"]
        L += ["## Soak (bench/soak.sh)", "",
              f"{sk['minutes']} min at {sk['rate_flows_per_s']} flows/s: {sk['flows_ok']} flows, {sk['flows_failed']} failed; "
              f"RSS {sk['rss_idle_kib'] / 1024:.1f} MiB idle, {(sk['rss_end_of_warmup_kib'] or 0) / 1024:.1f} MiB after "
              f"{sk['warmup_minutes']} min warm-up, {(sk['rss_end_kib'] or 0) / 1024:.1f} MiB at the end "
              f"(max {(sk['rss_max_after_warmup_kib'] or 0) / 1024:.1f}); slope after warm-up "
              f"{sk['slope_after_warmup_kib_per_min']} KiB/min.", ""]
    L += ["## Goals (issue 15)", "", "| goal | measured | limit | met |", "|---|---:|---:|---|"]
    for g in out["goals"]:
        met = "-" if g["met"] is None else ("yes" if g["met"] else "**no**")
        L.append(f"| {g['goal']} | {fmt(g['value'])} {g['unit']} | {g['limit']} {g['unit']} | {met} |")
    L.append("")
    for label, d in out["servers"].items():
        L.append(f"- {label}: {d.get('date', '')}, {d.get('machine', '')}")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", default=None)
    ap.add_argument("--bench-dir", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    out = build(a.results, a.bench_dir)
    text = render(out)
    print(text)
    if a.out:
        with open(a.out + ".md", "w") as f:
            f.write(text + "\n")
        with open(a.out + ".json", "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
