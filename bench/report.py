#!/usr/bin/env python3
"""Turns bench/run-compare.sh's results into the table, the CSV and the
chart data.

results.txt has one line per run: "<row> <uvcore|libuv|floor> <round>
<ms> <ops> <unit...>" or "<row> <library> <round> FAILED <why>".  The rate
of a run is ops / seconds.  For each row: the median and min-max rate of
each library, the ratio uvcore/libuv of the median rates (higher is better
for uvcore) with the min-max of the per-round ratios as its noise band, and
each library's median rate as a percentage of the floor's where the row has
a floor program.  Usage: report.py results.txt outdir [memory.txt]
"""
import csv
import os
import statistics
import sys


def human(v):
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return "%.3g%s" % (v / div, suf)
    return "%.3g" % v


def main():
    results, outdir = sys.argv[1], sys.argv[2]
    rows = {}      # row -> {lib: {round: rate}}, unit, failures
    order = []
    for line in open(results):
        f = line.split()
        if len(f) < 4:
            continue
        row, lib, rnd = f[0], f[1], int(f[2])
        if row not in rows:
            rows[row] = {"rates": {}, "unit": "", "failed": []}
            order.append(row)
        r = rows[row]
        if f[3] == "FAILED":
            r["failed"].append("%s %s" % (lib, " ".join(f[4:])))
            continue
        ms, ops = float(f[3]), float(f[4])
        r["unit"] = " ".join(f[5:]) or "runs"
        r["rates"].setdefault(lib, {})[rnd] = ops / (ms / 1000.0) if ms else 0

    table = []
    for row in order:
        r = rows[row]
        u = r["rates"].get("uvcore", {})
        lv = r["rates"].get("libuv", {})
        fl = r["rates"].get("floor", {})
        rec = {"workload": row, "unit": r["unit"] + "/s"}
        if not u or not lv:
            rec["note"] = "FAILED (%s)" % "; ".join(sorted(set(r["failed"])))
            table.append(rec)
            continue
        um, lm = statistics.median(u.values()), statistics.median(lv.values())
        paired = [u[k] / lv[k] for k in u if k in lv and lv[k] > 0]
        rec.update(uvcore=um, uvcore_min=min(u.values()),
                   uvcore_max=max(u.values()), libuv=lm,
                   libuv_min=min(lv.values()), libuv_max=max(lv.values()),
                   ratio=um / lm if lm else 0,
                   ratio_min=min(paired), ratio_max=max(paired),
                   runs=min(len(u), len(lv)))
        if fl:
            fm = statistics.median(fl.values())
            rec.update(floor=fm, uvcore_pct=100 * um / fm,
                       libuv_pct=100 * lm / fm)
        if rec["ratio_min"] > 1:
            rec["note"] = "uvcore faster"
        elif rec["ratio_max"] < 1:
            rec["note"] = "uvcore SLOWER"
        else:
            rec["note"] = "within noise"
        if r["failed"]:
            rec["note"] += " (some runs failed)"
        table.append(rec)

    lines = []
    hdr = ("%-26s %-18s %22s %22s %17s %11s %s" %
           ("workload", "rate unit", "uvcore median [min-max]",
            "libuv median [min-max]",
            "ratio [band]", "% of floor", ""))
    lines.append("Rates: higher is better.  ratio = uvcore rate / libuv "
                 "rate: > 1 means uvcore is faster;")
    lines.append("band = min-max of the per-round ratios; % of floor = "
                 "uvcore/libuv rate as % of the no-library program's.")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for rec in table:
        if "uvcore" not in rec:
            lines.append("%-26s %-18s %s" % (rec["workload"], rec["unit"],
                                             rec["note"]))
            continue
        pct = ("%3.0f%%/%3.0f%%" % (rec["uvcore_pct"], rec["libuv_pct"])
               if "floor" in rec else "")
        lines.append(
            "%-26s %-18s %22s %22s %17s %11s %s" %
            (rec["workload"], rec["unit"][:18],
             "%s [%s-%s]" % (human(rec["uvcore"]), human(rec["uvcore_min"]),
                             human(rec["uvcore_max"])),
             "%s [%s-%s]" % (human(rec["libuv"]), human(rec["libuv_min"]),
                             human(rec["libuv_max"])),
             "%.2f [%.2f-%.2f]" % (rec["ratio"], rec["ratio_min"],
                                   rec["ratio_max"]),
             pct, rec["note"]))
    text = "\n".join(lines) + "\n"

    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        text += memory_table(sys.argv[3])
    sys.stdout.write(text)
    with open(os.path.join(outdir, "table.txt"), "w") as f:
        f.write(text)

    cols = ["workload", "unit", "uvcore", "uvcore_min", "uvcore_max",
            "libuv", "libuv_min", "libuv_max", "ratio", "ratio_min",
            "ratio_max", "floor", "uvcore_pct", "libuv_pct", "runs", "note"]
    with open(os.path.join(outdir, "table.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for rec in table:
            w.writerow({k: ("%.6g" % v if isinstance(v, float) else v)
                        for k, v in rec.items()})
    with open(os.path.join(outdir, "chart.dat"), "w") as f:
        for rec in reversed(table):  # gnuplot draws the first row lowest
            if "ratio" in rec:
                f.write("%s\t%.4f\t%.4f\t%.4f\n" %
                        (rec["workload"], rec["ratio"], rec["ratio_min"],
                         rec["ratio_max"]))
    bad = [rec["workload"] for rec in table if "uvcore" not in rec]
    return 1 if bad else 0


def memory_table(path):
    """memory.txt: "== <lib>" then "<kind> <name> <value> <unit>" lines."""
    data, lib, keys = {}, None, []
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "==":
            lib = f[1]
            continue
        if lib is None or len(f) < 3:
            continue
        key = (f[0], f[1])
        if key not in keys:
            keys.append(key)
        data[(lib,) + key] = (f[2], " ".join(f[3:]))
    if not keys:
        return ""
    out = ["", "Memory (lower is better):",
           "%-10s %-28s %14s %14s %s" % ("kind", "what", "uvcore", "libuv",
                                         "unit")]
    for kind, name in keys:
        u = data.get(("uvcore", kind, name), ("-", ""))
        lv = data.get(("libuv", kind, name), ("-", ""))
        out.append("%-10s %-28s %14s %14s %s" % (kind, name, u[0], lv[0],
                                                 u[1] or lv[1]))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
