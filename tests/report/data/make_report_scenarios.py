"""Writes the report scenario feeds beside it (run: python3 make_report_scenarios.py), for
tests/scenarios/data/config.yaml. The expected figures are worked out by hand in
../report_command_test.cc; the breach-code scenarios reuse tests/scenarios/data."""
import json, itertools, os
HERE = os.path.dirname(os.path.abspath(__file__))
counter = itertools.count(1)
def env(account, case, name, at, origin="", comm="", details=None):
    n = next(counter)
    d = {"case-id": case, "display-id": case[-6:], "communication-id": comm,
         "event-name": name, "origin": origin}
    if details: d["case"] = details
    return json.dumps({"version": "0", "id": f"5c3a7d20-0000-4000-8000-{n:012d}",
        "detail-type": "Support Case Update", "source": "aws.support", "account": account,
        "time": at, "region": "us-east-1", "resources": [], "detail": d}, separators=(",", ":"))
def create(account, case, service, sev, at, subject):
    return env(account, case, "CreateCase", at, details={
        "caseId": case, "displayId": case[-6:], "subject": subject, "status": "opened",
        "serviceCode": service, "categoryCode": "general-guidance", "severityCode": sev,
        "submittedBy": "ops@example.com", "timeCreated": at, "language": "en"})
def ack(case, eng, at):
    return json.dumps({"type": "ack", "case": case, "engineer": eng, "at": at}, separators=(",", ":"))
NW = "111122223333"
def cid(n): return f"case-{NW}-muen-2026-5ce0a200000000{n:02d}"
S = {}
# Counts: Tuesday 2026-11-10 on Northwind (annual + 24x7: the `always` clock). Five level-1
# cases acknowledged after 3, 6, 9 and 12 minutes and one never; a level-2 case resolved after
# 20 minutes with no response; a level-2 case acknowledged after 30 minutes.
lines = []
for i, (opened, acked) in enumerate([("14:00", "14:03"), ("14:30", "14:36"), ("15:00", "15:09"),
                                     ("15:30", "15:42"), ("16:00", None)], start=1):
    lines.append(create(NW, cid(i), "medialive", "critical", f"2026-11-10T{opened}:00Z", f"Sev1 #{i}"))
    if acked: lines.append(ack(cid(i), "p1", f"2026-11-10T{acked}:00Z"))
lines.append(create(NW, cid(6), "medialive", "urgent", "2026-11-10T17:00:00Z", "Sev2 resolved"))
lines.append(env(NW, cid(6), "ResolveCase", "2026-11-10T17:20:00Z"))
lines.append(create(NW, cid(7), "medialive", "urgent", "2026-11-10T18:00:00Z", "Sev2 answered"))
lines.append(ack(cid(7), "p1", "2026-11-10T18:30:00Z"))
S["counts"] = sorted(lines, key=lambda l: json.loads(l).get("time") or json.loads(l)["at"])
# A next-response clock: a level-1 case acknowledged by p1 after 4 minutes; the customer writes
# again an hour after the opening, which starts a next-response clock paging p1, who
# acknowledges 10 minutes later.
c = cid(8)
S["follow_up"] = [create(NW, c, "medialive", "critical", "2026-11-10T14:00:00Z", "Channel down"),
                  ack(c, "p1", "2026-11-10T14:04:00Z"),
                  env(NW, c, "AddCommunicationToCase", "2026-11-10T15:00:00Z", "CUSTOMER", "cm-0008-1"),
                  ack(c, "p1", "2026-11-10T15:10:00Z")]
for name, lines in S.items():
    open(os.path.join(HERE, f"{name}.jsonl"), "w").write("\n".join(lines) + "\n")
# Many cases (for rollups against the exact fold): 600 cases over four days (2026-11-09..12) on
# Northwind and Contoso, at random instants to the second: acknowledged after a random delay
# (some never: breached), some resolved, some with a customer follow-up acknowledged later.
import random
rng = random.Random(16)
CO = "444455556666"
lines = []
engineers = ["p1", "p2", "p3", "s1", "s2", "eae1", "eae2", "edm1", "mgr"]
def iso(t): return f"2026-11-{9 + t // 86400:02d}T{t % 86400 // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}Z"
for n in range(600):
    account = NW if n % 3 else CO
    case = f"case-{account}-muen-2026-b00000{n:06d}"
    opened = rng.randrange(0, 4 * 86400 - 4 * 3600)
    sev = rng.choice(["critical", "critical", "urgent", "high"])
    lines.append((opened, create(account, case, "medialive", sev, iso(opened), f"Many #{n}")))
    t = opened
    if rng.random() < 0.85:
        t = opened + rng.randrange(30, 3 * 3600)
        lines.append((t, ack(case, rng.choice(engineers), iso(t))))
        if rng.random() < 0.3:
            t += rng.randrange(600, 7200)
            lines.append((t, env(account, case, "AddCommunicationToCase", iso(t), "CUSTOMER",
                                 f"cm-{n:06d}")))
            t += rng.randrange(60, 5400)
            lines.append((t, ack(case, rng.choice(engineers), iso(t))))
    if rng.random() < 0.6:
        t += rng.randrange(600, 36000)
        lines.append((t, env(account, case, "ResolveCase", iso(t))))
lines.sort(key=lambda x: x[0])
open(os.path.join(HERE, "many.jsonl"), "w").write("\n".join(l for _, l in lines) + "\n")
