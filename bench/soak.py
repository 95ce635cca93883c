#!/usr/bin/env python3
"""Soak driver: whole flows at a fixed rate against one server, RSS sampled on the way.

    soak.py --pid PID --url http://127.0.0.1:PORT --flowload BIN --minutes M --rate R --out PREFIX

Starts one `flowload -m once --page --pkce` (sign-in page, login, PKCE exchange, API call) every
1/R seconds, at most 16 in flight, so the load is a fixed, modest rate and not "as fast as the
machine goes": an RSS measurement, not a throughput one, that can share the machine. Writes
PREFIX.csv (seconds, rss_kib, anon_kib, flows_ok, flows_failed) every 10 s and PREFIX.json
(samples and the summary: RSS at the end of warm-up, at the end, the slope after warm-up).
Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import time


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def slope_kib_per_min(samples):
    """Least-squares slope of RSS over time, KiB per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    xs = [s["seconds"] / 60 for s in samples]
    ys = [s["rss_kib"] for s in samples]
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--flowload", required=True)
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--rate", type=float, default=20, help="flows per second")
    ap.add_argument("--warmup-minutes", type=float, default=3,
                    help="entries are reclaimable after ~2 min (bench/soak-config.json)")
    ap.add_argument("--out", required=True, help="path prefix for .csv and .json")
    a = ap.parse_args()
    cmd = [a.flowload, "-m", "once", "-T", "5", "--page", "--pkce", "--resource-path", "/intercoms", a.url]
    t0 = time.monotonic()
    end = t0 + a.minutes * 60
    period = 1.0 / a.rate
    nxt, sample_at = t0, t0
    running, ok, failed, skipped = [], 0, 0, 0
    samples = []
    idle = status_kib(a.pid, "VmRSS")
    with open(a.out + ".csv", "w") as csv:
        csv.write("seconds,rss_kib,anon_kib,flows_ok,flows_failed\n")
        while True:
            now = time.monotonic()
            for p in running[:]:
                rc = p.poll()
                if rc is not None:
                    running.remove(p)
                    ok, failed = (ok + 1, failed) if rc == 0 else (ok, failed + 1)
            if now >= sample_at:
                s = {"seconds": round(now - t0, 1), "rss_kib": status_kib(a.pid, "VmRSS"),
                     "anon_kib": status_kib(a.pid, "RssAnon"), "flows_ok": ok, "flows_failed": failed}
                samples.append(s)
                csv.write("%(seconds).1f,%(rss_kib)d,%(anon_kib)d,%(flows_ok)d,%(flows_failed)d\n" % s)
                csv.flush()
                sample_at += 10
            if now >= end:
                break
            if now >= nxt:
                if len(running) < 16:
                    try:
                        running.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                    except OSError:
                        failed += 1  # e.g. the driver binary being rebuilt: a failed flow, not the end
                else:
                    skipped += 1  # the server fell behind: counted, not queued
                nxt += period
            time.sleep(max(0.0, min(nxt, sample_at) - time.monotonic()))
    for p in running:
        ok, failed = (ok + 1, failed) if p.wait() == 0 else (ok, failed + 1)
    after = [s for s in samples if s["seconds"] >= a.warmup_minutes * 60]
    summary = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": "%s, %d cores" % (platform.platform(), os.cpu_count()),
        "minutes": a.minutes, "rate_flows_per_s": a.rate, "warmup_minutes": a.warmup_minutes,
        "flows_ok": ok, "flows_failed": failed, "flows_skipped": skipped,
        "rss_idle_kib": idle,
        "rss_end_of_warmup_kib": after[0]["rss_kib"] if after else None,
        "rss_end_kib": samples[-1]["rss_kib"] if samples else None,
        "rss_max_after_warmup_kib": max(s["rss_kib"] for s in after) if after else None,
        "slope_after_warmup_kib_per_min": round(slope_kib_per_min(after), 2),
        "samples": samples,
    }
    with open(a.out + ".json", "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "samples"}, indent=1))


if __name__ == "__main__":
    main()
