#!/usr/bin/python3
"""Recomputes the figures of `escalator report --format json` from `escalator log --format json`
alone, written apart from report/ (from the rules in its --help and the README), so that a test
can compare the two: report_command_test.cc "Every figure recomputed from the log".

usage: recompute_report.py LOG_JSONL CONFIG_YAML FROM TO BY

Prints {"groups": [...], "total": {...}, "breaches": [...], "engineers": [...]} with the
report's field names (a subset: the figures, not the prose)."""
import datetime as dt
import json
import sys
import zoneinfo

import yaml

UTC = dt.timezone.utc
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def instant(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)


def fmt(t):
    s = t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    ms = t.microsecond // 1000
    return s + (f".{ms:03d}" if ms else "") + "Z"


def ms(delta):
    return round(delta.total_seconds() * 1000)


def seconds(m):
    return m // 1000 if m % 1000 == 0 else m / 1000


# ---- Calendars: open time in [a, b), by intersecting each local day's windows.

def day_set(spec):
    out = set()
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out.update(range(DAYS.index(a), DAYS.index(b) + 1))
        else:
            out.add(DAYS.index(part))
    return out


class Calendar:
    def __init__(self, spec):
        self.zone = zoneinfo.ZoneInfo(spec["zone"])
        self.windows = []  # (weekday set, start minutes, end minutes)
        for days, span in spec["hours"].items():
            start, end = span.split("-")
            to_min = lambda hm: int(hm[:2]) * 60 + int(hm[3:])
            self.windows.append((day_set(days), to_min(start), to_min(end)))
        self.holidays = {dt.date.fromisoformat(str(h)) for h in spec.get("holidays", [])}

    def local(self, day, minutes):
        return (dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)).replace(
            tzinfo=self.zone).astimezone(UTC)

    def elapsed(self, a, b):
        total = 0
        day = a.astimezone(self.zone).date() - dt.timedelta(days=1)
        last = b.astimezone(self.zone).date() + dt.timedelta(days=1)
        while day <= last:
            if day not in self.holidays:
                for days, start, end in self.windows:
                    if day.weekday() in days:
                        lo, hi = max(a, self.local(day, start)), min(b, self.local(day, end))
                        if lo < hi:
                            total += ms(hi - lo)
            day += dt.timedelta(days=1)
        return total


# ---- The fold: one list of clocks per case.

def fold(events):
    cases = {}
    pages_by_seq = {}
    for e in events:
        case = cases.setdefault(e["case"], {"clocks": []})
        t = e["type"]
        clocks = case["clocks"]
        cur = clocks[-1] if clocks else None
        if t == "case_opened":
            case.update(display_id=e.get("display_id", ""), account=e.get("account", ""),
                        service=e.get("service", ""), opened=instant(e["at"]))
        elif t == "routed":
            plan = e.get("plan_of_escalation")
            routing = {"at": instant(e["at"]), "level": e["level"],
                       "due": instant(e["due"]) if plan and "due" in e else None,
                       "calendar": plan["clock"] if plan else "",
                       "steps": plan["steps"] if plan else 0,
                       "fields": e.get("reason_fields", {})}
            if "clock_start" in e:
                kind = {"reopened": "reopened", "follow_up_owner": "follow_up",
                        "follow_up_policy": "follow_up"}.get(e["reason_code"], "opened")
                clocks.append({"kind": kind, "start": instant(e["clock_start"]),
                               "plan": e.get("plan", ""), "fallback": e["fallback"],
                               "deferred": bool(plan and plan.get("deferred")),
                               "routing": [routing], "response": None, "breach": None,
                               "resolved": None, "acks": [], "pages": [], "steps": []})
            elif cur:
                cur["routing"].append(routing)
        elif cur is None:
            continue
        elif t == "paged":
            page = {"seq": e["seq"], "at": instant(e["at"]), "engineer": e["engineer"],
                    "target": e.get("target", ""), "delivered": None, "failed": None,
                    "superseded": None}
            cur["pages"].append(page)
            pages_by_seq[(e["case"], e["seq"])] = page
        elif t == "escalated":
            steps = cur["routing"][-1]["steps"]
            cur["steps"].append({
                "at": instant(e["at"]), "step": e["step"], "empty": e.get("empty", False),
                "position": e["cycle"] * steps + e["step"] + 1 if e["step"] >= 0 else 0})
        elif t == "acknowledged":
            cur["acks"].append((instant(e["at"]), e["engineer"]))
        elif t == "responded" and cur["response"] is None:
            cur["response"] = instant(e["at"])
        elif t == "breached" and cur["breach"] is None:
            cur["breach"] = (instant(e["at"]), instant(e["due"]), e.get("at_severity_change", False))
        elif t == "case_resolved" and cur["resolved"] is None:
            cur["resolved"] = instant(e["at"])
        elif t in ("delivered", "delivery_failed", "page_superseded"):
            page = pages_by_seq.get((e["case"], e["paged_seq"]))
            key = {"delivered": "delivered", "delivery_failed": "failed",
                   "page_superseded": "superseded"}[t]
            if page and page[key] is None:
                page[key] = instant(e["at"])
    return cases


# ---- Judging a clock as of `to`.

def routing_at(clock, t):
    r = clock["routing"][0]
    for x in clock["routing"]:
        if x["at"] <= t:
            r = x
    return r


def sent(page, t):
    return page["at"] <= t and not (page["superseded"] and page["superseded"] <= t)


def judge(clock, to, calendars):
    resp = clock["response"] if clock["response"] and clock["response"] <= to else None
    res = clock["resolved"] if clock["resolved"] and clock["resolved"] <= to else None
    out = {"ru": False, "breached_at": None}
    if clock["routing"][0]["due"] is None:
        r, out["outcome"] = routing_at(clock, to), "unrouted"
    elif clock["breach"] and clock["breach"][0] <= to:
        r = routing_at(clock, clock["breach"][0])
        out["outcome"], out["breached_at"] = "breached", clock["breach"][0]
    elif resp or res:
        end = resp if resp and (not res or resp <= res) else res
        r = routing_at(clock, end)
        if end <= r["due"]:
            out["outcome"], out["ru"] = "met", end != resp
        else:
            out["outcome"], out["breached_at"] = "breached", r["due"]
    else:
        r = routing_at(clock, to)
        if r["due"] < to:
            out["outcome"], out["breached_at"] = "breached", r["due"]
        else:
            out["outcome"] = "open"
    out["level"], out["due"] = r["level"], r["due"]
    out["first_response"] = None
    if resp:
        cal = calendars.get(routing_at(clock, resp)["calendar"])
        out["first_response"] = cal.elapsed(clock["start"], resp) if cal else ms(resp - clock["start"])
    acks = [a for a, _ in clock["acks"] if clock["start"] <= a <= to]
    out["to_ack"] = ms(acks[0] - clock["start"]) if acks else None
    out["to_resolve"] = ms(res - clock["start"]) if res else None
    out["deepest"] = max([s["position"] for s in clock["steps"] if s["at"] <= to], default=0)
    pages = [p for p in clock["pages"] if sent(p, to)]
    out["pages"] = len(pages)
    out["delivered"] = sum(1 for p in pages if p["delivered"] and p["delivered"] <= to)
    out["undelivered"] = sum(1 for p in pages if not (p["delivered"] and p["delivered"] <= to)
                             and p["failed"] and p["failed"] <= to)
    return out


def reason(clock, j, to):
    due = clock["breach"][1] if clock["breach"] and clock["breach"][0] == j["breached_at"] else j["due"]
    pages = [p for p in clock["pages"] if sent(p, due)]
    empty = [s for s in clock["steps"] if s["at"] <= due and s["empty"]]
    if clock["breach"] and clock["breach"][2] and clock["breach"][0] == j["breached_at"]:
        return due, "severity_raised_past_target"
    if empty or not pages:
        return due, "nobody_on_call"
    if not any(p["delivered"] and p["delivered"] <= due for p in pages) and \
            any(p["failed"] and p["failed"] <= to for p in pages):
        return due, "pages_not_delivered"
    if clock["fallback"]:
        return due, "fallback_routing"
    if clock["deferred"]:
        return due, "deferred_outside_coverage"
    return due, "not_acknowledged_in_time"


def pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return seconds(v[-(-p * len(v) // 100) - 1])


def interruption(t, zone):
    local = t.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if minute < 8 * 60 or minute >= 22 * 60:
        return "sleep"
    return "business" if local.weekday() < 5 and minute < 18 * 60 else "off_hours"


def main():
    log, config_path, frm, to, by = sys.argv[1:6]
    frm, to = instant(frm), instant(to)
    config = yaml.safe_load(open(config_path))
    calendars = {name: Calendar(spec) for name, spec in config["calendars"].items()}
    zones = {e["id"]: zoneinfo.ZoneInfo(e.get("zone", "UTC")) for e in config["engineers"]}
    events = [json.loads(line) for line in open(log) if line.strip()]
    events.sort(key=lambda e: e["seq"])
    cases = fold(events)

    groups, total, breaches, engineers = {}, None, [], {}

    def new_group():
        return {"clocks": 0, "met": 0, "breached": 0, "open": 0, "resolved_unanswered": 0,
                "unrouted": 0, "fr": [], "ack": [], "resolve": [], "deepest_step": 0,
                "pages": 0, "pages_delivered": 0, "pages_undelivered": 0}

    total = new_group()
    for case_id, case in cases.items():
        for clock in case["clocks"]:
            if not (frm <= clock["start"] < to):
                continue
            j = judge(clock, to, calendars)
            first = next((p for p in clock["pages"] if sent(p, to)), None)
            key = {"level": str(j["level"]), "customer": case.get("account", ""),
                   "plan": clock["plan"], "service": case.get("service", ""),
                   "engineer": first["engineer"] if first else "(nobody)",
                   "schedule": (first["target"].removeprefix("schedule/") if first
                                else "(nobody)")}[by]
            for g in (groups.setdefault(key, new_group()), total):
                g["clocks"] += 1
                g[j["outcome"]] += 1
                g["resolved_unanswered"] += j["ru"]
                for k, src in (("fr", "first_response"), ("ack", "to_ack"),
                               ("resolve", "to_resolve")):
                    if j[src] is not None:
                        g[k].append(j[src])
                g["deepest_step"] = max(g["deepest_step"], j["deepest"])
                g["pages"] += j["pages"]
                g["pages_delivered"] += j["delivered"]
                g["pages_undelivered"] += j["undelivered"]
            for p in clock["pages"]:
                if not sent(p, to):
                    continue
                e = engineers.setdefault(p["engineer"], {"pages": 0, "acks": 0, "ack": [],
                                                         "business": 0, "off_hours": 0,
                                                         "sleep": 0, "schedules": {}})
                e["pages"] += 1
                e[interruption(p["at"], zones.get(p["engineer"], UTC))] += 1
                s = p["target"].removeprefix("schedule/")
                e["schedules"][s] = e["schedules"].get(s, 0) + 1
            for at, who in clock["acks"]:
                if not (clock["start"] <= at <= to):
                    continue
                e = engineers.setdefault(who, {"pages": 0, "acks": 0, "ack": [], "business": 0,
                                               "off_hours": 0, "sleep": 0, "schedules": {}})
                e["acks"] += 1
                paged = next((p["at"] for p in clock["pages"]
                              if p["engineer"] == who and sent(p, to) and p["at"] <= at),
                             clock["start"])
                e["ack"].append(ms(at - paged))
            if j["outcome"] == "breached":
                due, code = reason(clock, j, to)
                breaches.append({
                    "case": case_id, "display_id": case.get("display_id", ""),
                    "customer": case.get("account", ""), "plan": clock["plan"],
                    "level": j["level"], "clock": clock["kind"], "opened": fmt(case["opened"]),
                    "clock_start": fmt(clock["start"]), "due": fmt(due),
                    "breached_at": fmt(j["breached_at"]),
                    "first_response": fmt(clock["response"]) if clock["response"] and
                    clock["response"] <= to else None,
                    "reason": code})

    def figures(key, g):
        met, breached = g["met"], g["breached"]
        return {"key": key, "clocks": g["clocks"], "met": met, "breached": breached,
                "open": g["open"], "resolved_unanswered": g["resolved_unanswered"],
                "unrouted": g["unrouted"],
                "compliance": met / (met + breached) if met + breached else None,
                "first_response_s": {p: pct(g["fr"], n) for p, n in
                                     (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
                "time_to_ack_s": {p: pct(g["ack"], n) for p, n in
                                  (("p50", 50), ("p90", 90), ("max", 100))},
                "time_to_resolve_s": {p: pct(g["resolve"], n) for p, n in
                                      (("p50", 50), ("p90", 90), ("max", 100))},
                "deepest_step": g["deepest_step"], "pages": g["pages"],
                "pages_delivered": g["pages_delivered"],
                "pages_undelivered": g["pages_undelivered"]}

    order = (lambda k: (len(k), k)) if by == "level" else (lambda k: k)
    out = {"groups": [figures(k, groups[k]) for k in sorted(groups, key=order)],
           "total": figures("all", total),
           "breaches": sorted(breaches, key=lambda b: (b["clock_start"], b["case"])),
           "engineers": [{"engineer": k, "pages": e["pages"], "acks": e["acks"],
                          "median_ack_s": pct(e["ack"], 50), "business": e["business"],
                          "off_hours": e["off_hours"], "sleep": e["sleep"],
                          "schedules": e["schedules"]} for k, e in sorted(engineers.items())]}
    print(json.dumps(out))


main()
