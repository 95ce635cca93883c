#!/usr/bin/env python3
"""Draws the charts of docs/performance.md from one results file, as plain SVG.

    charts.py bench/results-STAMP.json [--out docs/img]

Writes cpu-per-operation.svg (server CPU per operation of every server, side by side, per
workload), p99-per-step.svg (99th percentile latency of every step, log scale) and
soak-rss.svg (RSS and its anonymous part during the soak). Standard library only: no
matplotlib, the SVG is written by hand.
"""
import argparse
import json
import math
import os
from xml.sax.saxutils import escape

COLORS = {"C floor": "#9e9e9e", "node-oauth2-server": "#8bc34a", "oauthlib": "#ffb300",
          "Beast floor": "#64b5f6", "beast-oauth": "#1565c0",
          "SQLite": "#7e57c2", "PostgreSQL": "#00897b", "memory": "#1565c0"}
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


class Svg:
    def __init__(self, w, h):
        self.w, self.h, self.items = w, h, []

    def rect(self, x, y, w, h, fill, title=None):
        t = f"<title>{escape(title)}</title>" if title else ""
        self.items.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}">{t}</rect>')

    def line(self, x1, y1, x2, y2, stroke="#ccc", width=1, dash=None):
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" stroke-width="{width}"{d}/>')

    def text(self, x, y, s, size=12, anchor="start", weight="normal", fill="#222"):
        self.items.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                          f'font-weight="{weight}" fill="{fill}" {FONT}>{escape(str(s))}</text>')

    def polyline(self, pts, stroke, width=2):
        p = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        self.items.append(f'<polyline points="{p}" fill="none" stroke="{stroke}" stroke-width="{width}"/>')

    def save(self, path):
        with open(path, "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.w}" height="{self.h}" '
                    f'viewBox="0 0 {self.w} {self.h}">\n<rect width="100%" height="100%" fill="white"/>\n')
            f.write("\n".join(self.items))
            f.write("\n</svg>\n")


def num(v):
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def nice_max(v):
    if v <= 0:
        return 1
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def servers(res):
    return [(d["column"], d["median"]) for label, d in res["servers"].items()
            if label in ("canned-page-pkce", "node-page-pkce", "oauthlib-page-pkce", "beast-floor-page-pkce",
                         "beast-oauth-page-pkce")]


def cpu_chart(res, path):
    """One panel per workload: horizontal bars, server CPU per operation, linear scale."""
    panels = [("W1 bearer: server CPU, us per request", "W1 server CPU us/request"),
              ("W2 whole flow (page, sign-in, token, API): us per flow", "W2 server CPU us/flow"),
              ("W3 token exchange: us per exchange", "W3 server CPU us/exchange")]
    srv = servers(res)
    bar, gap, left, width = 18, 4, 150, 420
    ph = 30 + len(srv) * (bar + gap) + 20
    svg = Svg(left + width + 90, 40 + ph * len(panels))
    svg.text(10, 22, "Server CPU per operation (lower is better; one run, medians)", 15, weight="bold")
    for i, (title, key) in enumerate(panels):
        y0 = 40 + i * ph
        svg.text(10, y0 + 16, title, 13, weight="bold")
        vals = [(c, m.get(key)) for c, m in srv if m.get(key) is not None]
        if not vals:
            continue
        top = nice_max(max(v for _, v in vals))
        for k in range(5):
            x = left + width * k / 4
            svg.line(x, y0 + 24, x, y0 + 24 + len(srv) * (bar + gap), "#e0e0e0")
            svg.text(x, y0 + 36 + len(srv) * (bar + gap), f"{top * k / 4:g}", 10, "middle", fill="#666")
        for j, (c, v) in enumerate(vals):
            y = y0 + 26 + j * (bar + gap)
            svg.text(left - 6, y + bar - 5, c, 12, "end")
            svg.rect(left, y, width * v / top, bar, COLORS.get(c, "#555"), f"{c}: {num(v)}")
            svg.text(left + width * v / top + 4, y + bar - 5, num(v), 11)
    svg.save(path)


def p99_chart(res, path):
    """Grouped bars per step, one bar per server, log scale (ms)."""
    steps = [("W1 bearer", "W1 bearer p99 ms"), ("W2 page", "W2 flow page p99 ms"),
             ("W2 sign-in", "W2 flow login p99 ms"), ("W2 token", "W2 flow token p99 ms"),
             ("W2 API", "W2 flow resource p99 ms"), ("W3 exchange", "W3 token p99 ms")]
    srv = servers(res)
    vals = [v for _, m in srv for _, k in steps if (v := m.get(k))]
    if not vals:
        return
    lo = 10 ** math.floor(math.log10(min(vals)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    left, top_pad, height, groupw = 60, 60, 300, 120
    svg = Svg(left + groupw * len(steps) + 20, top_pad + height + 60 + 20 * ((len(srv) + 2) // 3))
    svg.text(10, 22, "p99 latency per step, ms (log scale; 64 connections; lower is better)", 15, weight="bold")

    def y_of(v):
        return top_pad + height - height * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    d = lo
    while d <= hi * 1.0001:
        y = y_of(d)
        svg.line(left, y, left + groupw * len(steps), y, "#e0e0e0")
        svg.text(left - 6, y + 4, f"{d:g}", 10, "end", fill="#666")
        d *= 10
    bw = (groupw - 16) / max(1, len(srv))
    for i, (name, key) in enumerate(steps):
        gx = left + i * groupw + 8
        for j, (c, m) in enumerate(srv):
            v = m.get(key)
            if not v:
                continue
            y = y_of(v)
            svg.rect(gx + j * bw, y, bw - 2, top_pad + height - y, COLORS.get(c, "#555"), f"{c} {name}: {num(v)} ms")
        svg.text(left + i * groupw + groupw / 2, top_pad + height + 16, name, 11, "middle")
    for j, (c, _) in enumerate(srv):
        x, y = left + (j % 3) * 200, top_pad + height + 40 + 20 * (j // 3)
        svg.rect(x, y - 10, 12, 12, COLORS.get(c, "#555"))
        svg.text(x + 18, y, c, 12)
    svg.save(path)


def soak_chart(res, path):
    sk = res.get("soak")
    if not sk or not sk.get("samples"):
        return
    s = sk["samples"]
    xs = [p["seconds"] / 60 for p in s]
    rss = [p["rss_kib"] / 1024 for p in s]
    anon = [p["anon_kib"] / 1024 for p in s]
    left, top_pad, w, h = 60, 50, 620, 260
    svg = Svg(left + w + 30, top_pad + h + 70)
    svg.text(10, 22, f"RSS during the soak: {sk['rate_flows_per_s']:g} flows/s for {sk['minutes']:g} min "
                     f"({sk['flows_ok']} flows, {sk['flows_failed']} failed)", 15, weight="bold")
    ymax = nice_max(max(rss) * 1.1)
    xmax = max(xs) or 1

    def pt(x, y):
        return left + w * x / xmax, top_pad + h - h * y / ymax

    for k in range(6):
        y = top_pad + h - h * k / 5
        svg.line(left, y, left + w, y, "#e0e0e0")
        svg.text(left - 6, y + 4, f"{ymax * k / 5:g}", 10, "end", fill="#666")
    for k in range(7):
        x = left + w * k / 6
        svg.text(x, top_pad + h + 16, f"{xmax * k / 6:.0f}", 10, "middle", fill="#666")
    svg.text(left + w / 2, top_pad + h + 34, "minutes", 11, "middle")
    svg.text(14, top_pad - 10, "MiB", 11)
    wx = pt(sk["warmup_minutes"], 0)[0]
    svg.line(wx, top_pad, wx, top_pad + h, "#999", 1, "4,3")
    svg.text(wx + 4, top_pad + 12, "end of warm-up", 10, fill="#666")
    svg.polyline([pt(x, y) for x, y in zip(xs, rss)], COLORS["beast-oauth"])
    svg.polyline([pt(x, y) for x, y in zip(xs, anon)], COLORS["oauthlib"])
    ly = top_pad + h + 54
    svg.rect(left, ly - 10, 12, 12, COLORS["beast-oauth"])
    svg.text(left + 18, ly, "RSS (VmRSS)", 12)
    svg.rect(left + 160, ly - 10, 12, 12, COLORS["oauthlib"])
    svg.text(left + 178, ly, "anonymous part (RssAnon)", 12)
    svg.save(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "img"))
    a = ap.parse_args()
    with open(a.results) as f:
        res = json.load(f)
    os.makedirs(a.out, exist_ok=True)
    cpu_chart(res, os.path.join(a.out, "cpu-per-operation.svg"))
    p99_chart(res, os.path.join(a.out, "p99-per-step.svg"))
    soak_chart(res, os.path.join(a.out, "soak-rss.svg"))
    print("charts written to " + os.path.normpath(a.out))


if __name__ == "__main__":
    main()
