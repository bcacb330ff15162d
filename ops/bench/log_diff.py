#!/usr/bin/python3
"""Compares two `escalator log --format json` outputs object by object.

Usage: log_diff.py BEFORE.log.json AFTER.log.json [--examples N]

Prints, per event type, which field paths were added, removed or changed
(list indices shown as []), how many events each touched, and an example; and
checks that the pages (case, engineer, at, step, cycle, cause) are the same.
Exits 0 when the logs hold the same events in the same order and no field
was removed or changed (added fields are allowed), else 1.
"""

import argparse
import collections
import json
import sys


def walk(before, after, path, out):
    """Appends (kind, path, before, after) for every difference."""
    if isinstance(before, dict) and isinstance(after, dict):
        for k in before:
            if k not in after:
                out.append(("removed", path + "." + k, before[k], None))
            else:
                walk(before[k], after[k], path + "." + k, out)
        for k in after:
            if k not in before:
                out.append(("added", path + "." + k, None, after[k]))
    elif isinstance(before, list) and isinstance(after, list):
        for i in range(max(len(before), len(after))):
            if i >= len(before):
                out.append(("added", path + "[]", None, after[i]))
            elif i >= len(after):
                out.append(("removed", path + "[]", before[i], None))
            else:
                walk(before[i], after[i], path + "[]", out)
    elif before != after:
        out.append(("changed", path, before, after))


def pages(lines):
    return [(e["case"], e.get("engineer"), e["at"], e.get("step"), e.get("cycle"), e.get("cause"))
            for e in lines if e["type"] == "paged"]


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--examples", type=int, default=1)
    args = ap.parse_args()
    before, after = load(args.before), load(args.after)
    ok = True
    print(f"{args.before}: {len(before)} events; {args.after}: {len(after)} events")
    if len(before) != len(after):
        print("DIFFERENT event counts")
        ok = False
    # (type, kind, path) -> [events touched, examples]
    seen = collections.OrderedDict()
    for b, a in zip(before, after):
        for key in ("seq", "type", "case", "at"):
            if b.get(key) != a.get(key):
                print(f"DIFFERENT {key} at seq {b.get('seq')}: {b.get(key)!r} != {a.get(key)!r}")
                ok = False
        diffs = []
        walk(b, a, "", diffs)
        touched = set()
        for kind, path, old, new in diffs:
            k = (b["type"], kind, path)
            entry = seen.setdefault(k, [0, []])
            if k not in touched:
                entry[0] += 1
                touched.add(k)
            if len(entry[1]) < args.examples:
                entry[1].append((b.get("seq"), old, new))
            if kind != "added":
                ok = False
    for (etype, kind, path), (count, examples) in seen.items():
        print(f"{etype:16} {kind:8} {path:40} in {count} event(s)")
        for seq, old, new in examples:
            if kind == "added":
                print(f"    e.g. seq {seq}: {json.dumps(new)[:160]}")
            else:
                print(f"    e.g. seq {seq}: {json.dumps(old)[:160]} -> {json.dumps(new)[:160]}")
    pb, pa = pages(before), pages(after)
    if pb == pa:
        print(f"pages: the same {len(pb)} (case, engineer, at, step, cycle, cause)")
    else:
        print(f"pages DIFFER: {len(pb)} before, {len(pa)} after")
        ok = False
    print("OK: only added fields" if ok else "NOT OK: fields removed or changed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
