#!/usr/bin/env python3
"""Reads the load drivers' result files and prints the comparison table with ratios.

    ratios.py RESULTS_DIR FLOOR_LABEL PEER_LABEL... OURS_LABEL

The newest <label>-<stamp>.json summary of each label is used (medians of its runs).
The last column divides ours by each other column: below 1 is better for CPU, latency and
memory, above 1 is better for throughput.
"""
import glob
import json
import os
import sys


def newest(results, label):
    files = [f for f in glob.glob(os.path.join(results, label + "-*.json"))
             if os.path.basename(f)[len(label) + 1:][:8].isdigit()]
    if not files:
        raise SystemExit(f"no results for {label} in {results}")
    with open(max(files, key=os.path.getmtime)) as f:
        return json.load(f)


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def main():
    results, labels = sys.argv[1], sys.argv[2:]
    data = {l: newest(results, l) for l in labels}
    keys = []
    for d in data.values():
        for k in d["median"]:
            if k not in keys:
                keys.append(k)
    head = labels[:-1]
    print("| metric | " + " | ".join(labels) + " | ratio " + labels[-1] + " / (" + ", ".join(head) + ") |")
    print("|---|" + "---:|" * len(labels) + "---|")
    for k in keys:
        vals = [data[l]["median"].get(k, {}).get("median") for l in labels]
        ratio = ""
        if vals[-1] is not None and all(v for v in vals[:-1]):
            ratio = ", ".join(f"{vals[-1] / v:.2f}x" for v in vals[:-1])
        print(f"| {' '.join(k.split())} | "
              + " | ".join(fmt(v) for v in vals) + f" | {ratio} |")
    idle = [data[l].get("rss_idle_kb") for l in labels]
    print("| RSS MiB idle | " + " | ".join(fmt(v / 1024) if v else "-" for v in idle) + " | |")
    for l in labels:
        print(f"- {l}: {data[l].get('date', '')}, {data[l].get('machine', '')}")


if __name__ == "__main__":
    main()
