#!/usr/bin/env python3
"""ops/bench/failover's helper: writes its configuration and feed, and reads serve's logs.

  failover_tool.py config SAMPLE OUT --accounts K --step-s D
      SAMPLE with K more customers like the first (annual, oncall_24x7, us-east-business) and
      level 1's policy replaced by: alice at once, bob after D seconds.
  failover_tool.py feed OUT --cases N --accounts K --spread-s W [--now EPOCH_S]
      N level-1 CreateCase events, case i of account i % K, dated evenly over the W seconds
      before --now (default: the wall clock), oldest first: with --step-s W their bob steps fall
      due evenly over the W seconds after it.
  failover_tool.py balance FEED_PARTITIONS OUT --cases N --accounts K --spread-s W
                           --partitions P --members M
      As feed, with accounts chosen so that each of the M ranges the range assignor gives M
      members of P partitions gets N/M cases (FEED_PARTITIONS: "account partition" lines from
      a calibration publish).
  failover_tool.py failover B_ERR A_LOG B_LOG CASE_PARTITIONS --changelog LOG --kill EPOCH_S
      The failover's instants from B's stderr, checked against A's and B's logs and the
      changelog's (JSON lines of escalator log): prints one JSON object.
  failover_tool.py summary RESULT.json... --session-ms S --cases N
      The medians of the failover runs, and whether any run lost or doubled something.
serve's stderr lines start with spdlog's "[YYYY-mm-dd HH:MM:SS.mmm]" in local time.
"""
import argparse
import collections
import datetime
import json
import re
import sys
import time

FIRST_ACCOUNT = 210000000000


def account(i):
    return str(FIRST_ACCOUNT + i)


def write_config(args):
    text = open(args.sample).read()
    more = ""
    for i in range(args.accounts):
        more += (f'  - account: "{account(i)}"\n    name: Bench customer {i}\n'
                 "    plan: annual\n    addons: [oncall_24x7]\n    calendar: us-east-business\n"
                 "    eae: alice\n    edm: femi\n    workflows: [live-linear]\n"
                 "    engagement: {start: 2026-07-01, end: 2027-06-30}\n")
    anchor = "customers:\n"
    if anchor not in text:
        sys.exit("failover_tool: no 'customers:' in " + args.sample)
    text = text.replace(anchor, anchor + more, 1)
    level1 = re.compile(r"  1: \{repeat: 2, steps: \[[^\n]*\n[^\n]*\n[^\n]*\]\}\n")
    replaced, n = level1.subn(
        f"  1: {{repeat: 0, steps: [{{after: 0s, notify: [alice]}}, "
        f"{{after: {args.step_s}s, notify: [bob]}}]}}\n", text)
    if n != 1:
        sys.exit("failover_tool: level 1's policy not found in " + args.sample)
    open(args.out, "w").write(replaced)


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def case_event(case_id, acct, t):
    at = iso(t)
    return json.dumps({
        "version": "0", "id": "env-" + case_id, "detail-type": "Support Case Update",
        "source": "aws.support", "account": acct, "time": at, "region": "us-east-1",
        "resources": [],
        "detail": {"case-id": case_id, "display-id": "77", "communication-id": "",
                   "event-name": "CreateCase", "origin": "",
                   "case": {"caseId": case_id, "displayId": "77", "subject": "channel down",
                            "status": "opened", "serviceCode": "medialive",
                            "categoryCode": "other", "severityCode": "critical",
                            "submittedBy": "ops@bench.example", "timeCreated": at,
                            "language": "en"}}}, separators=(",", ":"))


def write_feed(args, accounts_of):
    now = args.now if args.now else time.time()
    with open(args.out, "w") as out:
        for i in range(args.cases):
            t = now - args.spread_s + args.spread_s * i / args.cases
            out.write(case_event(f"case-fo-{i}", accounts_of(i), t) + "\n")


def feed(args):
    write_feed(args, lambda i: account(i % args.accounts))


def member_ranges(partitions, members):
    """The range assignor's split of partitions 0..P-1 among M members, in member order: the
    first P % M members get one more."""
    per, extra = divmod(partitions, members)
    out, start = [], 0
    for i in range(members):
        n = per + (1 if i < extra else 0)
        out.append(range(start, start + n))
        start += n
    return out


def balance(args):
    ranges = member_ranges(args.partitions, args.members)
    groups = [[] for _ in ranges]
    for line in open(args.feed_partitions):
        acct, p = line.split()
        for group, r in zip(groups, ranges):
            if int(p) in r:
                group.append(acct)
    if not all(groups):
        sys.exit("failover_tool: some member's partitions got no account; use more accounts")
    for group in groups:
        group.sort()
    m = args.members
    write_feed(args, lambda i: groups[i % m][(i // m) % len(groups[i % m])])


STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\]")


def stamped(path):
    """(epoch seconds, line) of each stamped line."""
    out = []
    for line in open(path, errors="replace"):
        m = STAMP.match(line)
        if m:
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
            out.append((time.mktime(t.timetuple()) + t.microsecond / 1e6, line.rstrip("\n")))
    return out


def events(path):
    return [json.loads(line) for line in open(path) if line.strip()]


def page_key(e):
    return (e["case"], e.get("step"), e.get("cycle"))


def instant(text):
    """Epoch seconds of an RFC 3339 UTC instant, with or without milliseconds."""
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if "." in text else "%Y-%m-%dT%H:%M:%SZ"
    return datetime.datetime.strptime(text, fmt).replace(
        tzinfo=datetime.timezone.utc).timestamp()


def failover(args):
    kill = args.kill
    lines = [(t, l) for t, l in stamped(args.b_err) if t >= kill - 0.001]
    case_partition = {}
    for line in open(args.feed_partitions):
        c, p = line.split()
        case_partition[c] = int(p)

    def first(pattern, after=None):
        for t, l in lines:
            if (after is None or t >= after) and re.search(pattern, l):
                return t, l
        return None, None

    revoked, _ = first(r"kafka: revoked")
    assigned, _ = first(r"kafka: assigned")
    restored = []  # (partition, applied, read, ms, logged at)
    restore_re = re.compile(
        r"partition (\d+): restored (\d+) changelog records \((\d+) read\) in (\d+) ms")
    refused = []
    for t, l in lines:
        if assigned is not None and t > assigned:
            break
        m = restore_re.search(l)
        if m:
            restored.append(tuple(int(x) for x in m.groups()) + (t,))
        if "refused, not served" in l:
            refused.append(l)
    fired, fired_line = first(r"timers: fired", assigned) if assigned else (None, None)
    fired_n = int(re.search(r"fired (\d+)", fired_line).group(1)) if fired_line else 0
    restore_start = restored[0][4] - restored[0][3] / 1000 if restored else None
    taken = {r[0] for r in restored if r[1] > 0}

    a_log, b_log = events(args.a_log), events(args.b_log)
    changelog = events(args.changelog)
    b_opened = collections.Counter(e["case"] for e in b_log if e["type"] == "case_opened")
    cases = set(case_partition)
    missing = sorted(c for c in cases if b_opened[c] == 0)
    twice_opened = sorted(c for c in cases if b_opened[c] > 1)
    # The changelog holds every owner's records: a step paged twice there was fired twice.
    cl_pages = collections.Counter(page_key(e) for e in changelog if e["type"] == "paged")
    twice = sorted(k for k, n in cl_pages.items() if n > 1)
    b_pages = collections.Counter(page_key(e) for e in b_log if e["type"] == "paged")
    twice_b = sorted(k for k, n in b_pages.items() if n > 1)
    # Pages A wrote that its changelog never got (its last writes before the kill): B fires
    # the step again (at-least-once), the changelog keeps B's.
    a_lost = sorted(page_key(e) for e in a_log
                    if e["type"] == "paged" and page_key(e) not in cl_pages)
    # Steps of taken-over partitions due after the kill: B fired them (A was dead). Those
    # due before the assignment were overdue then and fire in B's first round after it.
    by_b = [e for e in b_log if e["type"] == "paged" and e["case"] in case_partition and
            case_partition[e["case"]] in taken and instant(e["at"]) > kill]
    overdue = [e for e in by_b if assigned is not None and instant(e["at"]) <= assigned]
    # Steps due while nobody owned them: fired late by B, by how much (due to B's first round).
    lateness = sorted(fired - instant(e["at"]) for e in overdue) if fired else []
    rel = lambda t: None if t is None else round(t - kill, 3)
    out = {
        "kill": kill,
        "open_cases": len(cases),
        "a_cases": args.a_cases,
        "ingest_s": args.ingest_s,
        "group_noticed_s": rel(revoked),
        "restore_started_s": rel(restore_start),
        "assigned_s": rel(assigned),
        "first_fired_s": rel(fired),
        "first_fired_count": fired_n,
        "rebalance_s": None if revoked is None or restore_start is None else round(
            restore_start - revoked, 3),
        "restore_wall_s": None if restore_start is None or assigned is None else round(
            assigned - restore_start, 3),
        "restore_sum_ms": sum(r[3] for r in restored),
        "restore_taken_ms": sum(r[3] for r in restored if r[1] > 0),
        "restore_own_ms": sum(r[3] for r in restored if r[1] == 0),
        "partitions_restored": len(restored),
        "partitions_taken": len(taken),
        "records_applied": sum(r[1] for r in restored),
        "records_read": sum(r[2] for r in restored),
        "refused": refused,
        "changelog_partitions_truncated": args.truncated,
        "steps_fired_by_b_for_taken": len(by_b),
        "overdue_at_takeover": len(overdue),
        "overdue_late_max_s": round(lateness[-1], 3) if lateness else None,
        "cases_missing_in_b": len(missing),
        "cases_opened_twice_in_b": len(twice_opened),
        "steps_paged_twice_in_changelog": len(twice),
        "steps_paged_twice_in_b": len(twice_b),
        "pages_of_a_not_in_changelog": len(a_lost),
        "examples": {"missing": missing[:3], "twice": [list(k) for k in twice[:3]],
                     "a_lost": [list(k) for k in a_lost[:3]]},
    }
    print(json.dumps(out))


def summary(args):
    rs = [json.load(open(p)) for p in args.results]

    def med(key):
        v = sorted(r[key] for r in rs if r.get(key) is not None)
        return v[(len(v) - 1) // 2] if v else float("nan")

    n = args.cases
    print(f"failover medians of {len(rs)} ({n} open cases, session {args.session_ms} ms): "
          f"group noticed {med('group_noticed_s'):.2f} s, rebalance {med('rebalance_s'):.2f} s, "
          f"restore {med('restore_wall_s'):.2f} s ({med('restore_wall_s') * 100000 / n:.2f} s "
          f"per 100k open cases; taken-over partitions {med('restore_taken_ms')} ms, own "
          f"{med('restore_own_ms')} ms), first page {med('first_fired_s'):.2f} s after the kill "
          f"(aim: session + 5 s = {args.session_ms / 1000 + 5:.1f} s)")
    bad = [k for k in ("cases_missing_in_b", "cases_opened_twice_in_b",
                       "steps_paged_twice_in_changelog", "steps_paged_twice_in_b",
                       "changelog_partitions_truncated")
           if any(r.get(k) for r in rs)] + (["refused"] if any(r["refused"] for r in rs) else [])
    print("outcome: " + ("every case once in the survivor's log, no step paged twice, "
                         "nothing refused" if not bad else "PROBLEMS: " + ", ".join(bad)) +
          f"; pages of A not in the changelog (fired again by B): "
          f"{[r['pages_of_a_not_in_changelog'] for r in rs]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("config")
    c.add_argument("sample")
    c.add_argument("out")
    c.add_argument("--accounts", type=int, required=True)
    c.add_argument("--step-s", type=int, required=True)
    for name in ("feed", "balance"):
        f = sub.add_parser(name)
        if name == "balance":
            f.add_argument("feed_partitions")
            f.add_argument("--partitions", type=int, required=True)
            f.add_argument("--members", type=int, required=True)
        f.add_argument("out")
        f.add_argument("--cases", type=int, required=True)
        f.add_argument("--accounts", type=int, required=True)
        f.add_argument("--spread-s", type=float, required=True)
        f.add_argument("--now", type=float, default=0)
    r = sub.add_parser("failover")
    for name in ("b_err", "a_log", "b_log", "feed_partitions"):
        r.add_argument(name)
    r.add_argument("--changelog", required=True)
    r.add_argument("--kill", type=float, required=True)
    r.add_argument("--a-cases", type=int, default=0)
    r.add_argument("--ingest-s", type=float, default=0)
    r.add_argument("--truncated", type=int, default=0)
    m = sub.add_parser("summary")
    m.add_argument("results", nargs="+")
    m.add_argument("--session-ms", type=int, required=True)
    m.add_argument("--cases", type=int, required=True)
    args = ap.parse_args()
    {"config": write_config, "feed": feed, "balance": balance, "failover": failover,
     "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    main()
