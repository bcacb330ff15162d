"""Writes the scenario feed files beside it (run: python3 make_scenarios.py).
The expected pages are worked out by hand in ../scenario_test.cc."""
import json, itertools, os
HERE = os.path.dirname(os.path.abspath(__file__))
counter = itertools.count(1)
def env(account, case, name, at, origin="", comm="", details=None):
    n = next(counter)
    d = {"case-id": case, "display-id": case[-6:], "communication-id": comm,
         "event-name": name, "origin": origin}
    if details: d["case"] = details
    return json.dumps({"version": "0", "id": f"5c3a7d10-0000-4000-8000-{n:012d}",
        "detail-type": "Support Case Update", "source": "aws.support", "account": account,
        "time": at, "region": "us-east-1", "resources": [], "detail": d}, separators=(",", ":"))
def details(case, service, sev, at, subject):
    return {"caseId": case, "displayId": case[-6:], "subject": subject, "status": "opened",
            "serviceCode": service, "categoryCode": "general-guidance", "severityCode": sev,
            "submittedBy": "ops@example.com", "timeCreated": at, "language": "en"}
def create(account, case, service, sev, at, subject):
    return env(account, case, "CreateCase", at, details=details(case, service, sev, at, subject))
def ack(case, eng, at):
    return json.dumps({"type": "ack", "case": case, "engineer": eng, "at": at}, separators=(",", ":"))
NW, CO, IN, UNK = "111122223333", "444455556666", "777700001111", "999900001111"
def cid(acct, n): return f"case-{acct}-muen-2026-5ce0a100000000{n:02d}"
S = {}
c = cid(NW, 1)
S["sev1_saturday_24x7"] = [create(NW, c, "medialive", "critical", "2026-11-07T08:00:00Z", "MediaLive channel down (3 a.m. Saturday)"),
                           ack(c, "s1", "2026-11-07T08:12:00Z")]
c = cid(NW, 2)
S["sev1_saturday_cloudfront"] = [create(NW, c, "cloudfront", "critical", "2026-11-07T08:00:00Z", "CloudFront 5xx (3 a.m. Saturday)")]
c = cid(CO, 3)
S["launch_sev2_friday_1655"] = [create(CO, c, "mediapackage", "urgent", "2026-11-13T21:55:00Z", "Origin errors at 16:55 Friday")]
c = cid(IN, 4)
S["sev4_holiday_weekend"] = [create(IN, c, "medialive", "normal", "2026-11-25T20:00:00Z", "Question before Thanksgiving"),
                             ack(c, "p3", "2026-12-01T14:30:00Z")]
c = cid(NW, 5)
S["severity_upgrade"] = [create(NW, c, "medialive", "high", "2026-11-10T10:00:00Z", "Degraded output"),
                         env(NW, c, "AddCommunicationToCase", "2026-11-10T10:30:00Z", "CUSTOMER", "cm-0005-1",
                             details(c, "medialive", "critical", "2026-11-10T10:00:00Z", "Degraded output: now down")),
                         ack(c, "mgr", "2026-11-10T10:42:00Z")]
c = cid(CO, 6)
S["reopen"] = [create(CO, c, "mediapackage", "high", "2026-11-10T15:00:00Z", "Stale manifests"),
               env(CO, c, "AddCommunicationToCase", "2026-11-10T15:20:00Z", "AWS", "cm-0006-1"),
               env(CO, c, "ResolveCase", "2026-11-10T16:00:00Z"),
               env(CO, c, "ReopenCase", "2026-11-10T17:00:00Z"),
               ack(c, "s2", "2026-11-10T19:30:00Z")]
c = cid(NW, 7)
S["out_of_scope_service"] = [create(NW, c, "amazon-rds", "critical", "2026-11-10T10:00:00Z", "RDS failover slow")]
c = cid(UNK, 8)
S["unknown_account"] = [create(UNK, c, "medialive", "urgent", "2026-11-10T11:30:00Z", "Who are we?")]
c = cid(NW, 9)
S["step_resolves_to_nobody"] = [create(NW, c, "medialive", "urgent", "2026-11-10T04:00:00Z", "Night-time Sev2")]
c = cid(NW, 10)
S["handoff_mid_step"] = [create(NW, c, "medialive", "urgent", "2026-11-10T11:50:00Z", "Just before the handoff"),
                         ack(c, "p1", "2026-11-10T12:05:00Z")]
# Bad input mixed with good: malformed JSON, an ack missing its engineer, an
# out-of-time-order event, an unknown severity, a duplicate envelope.
c = cid(NW, 11)
good = create(NW, c, "medialive", "urgent", "2026-11-10T04:00:00Z", "Good case among bad lines")
S["bad_lines"] = [good,
                  '{"version":"0","id":"broken"',
                  json.dumps({"type": "ack", "case": c, "at": "2026-11-10T04:01:00Z"}),
                  good,
                  env(NW, cid(NW, 12), "CreateCase", "2026-11-10T03:00:00Z", details=details(cid(NW, 12), "medialive", "urgent", "2026-11-10T03:00:00Z", "late line")),
                  env(NW, cid(NW, 13), "CreateCase", "2026-11-10T04:02:00Z", details=details(cid(NW, 13), "medialive", "sev-zero", "2026-11-10T04:02:00Z", "bad severity")),
                  ack(c, "p3", "2026-11-10T04:03:00Z")]
for name, lines in S.items():
    open(os.path.join(HERE, f"{name}.jsonl"), "w").write("\n".join(lines) + "\n")
# Every scenario in one file, in time order (determinism run).
allv = sorted((json.loads(l).get("time") or json.loads(l)["at"], l) for k, ls in S.items() if k != "bad_lines" for l in ls)
open(os.path.join(HERE, "all_scenarios.jsonl"), "w").write("\n".join(l for _, l in allv) + "\n")
