#!/usr/bin/env python3
"""Where a page's time goes inside serve: one line per stage, percentiles over the cases.

Input: `perf script -F comm,tid,time,event,trace` of serve recorded with syscall tracepoints on
CLOCK_MONOTONIC, and page_latency's --dump (send instants on the same clock):

  build/ops/bench/page_latency --cases 600 --dump /tmp/pl.csv --serve-wrap "perf record -q \\
    -k CLOCK_MONOTONIC -e syscalls:sys_exit_recvmsg,syscalls:sys_enter_write,\\
    syscalls:sys_exit_fdatasync,syscalls:sys_enter_sendto,syscalls:sys_enter_read -o /tmp/s.perf --"
  perf script -i /tmp/s.perf -F comm,tid,time,event,trace > /tmp/s.txt
  ops/bench/page_timeline.py /tmp/s.txt /tmp/pl.csv

Per case, the first of each after the one before (serve's threads are told apart by what they
do, see Roles): R the fetch response carrying it reaches serve's consumer thread; O the ingest
thread wakes the hub (Offer, after Apply); W the store writer writes the WAL; F its fdatasync
returns; H the writer wakes the hub (Written); Hr the hub reads its wake-up; Z ZeroMQ's I/O
thread sends the page frame; P the bench's device has it. It assumes one case per fetch
response (so --serve-fetch-wait-ms short enough that cases do not queue at the broker).
"""
import bisect
import collections
import math
import csv
import re
import sys

LINE = re.compile(r"\s*(\S+) (\d+) +(\d+\.\d+): +syscalls:(\w+): (.*)")


def field(rest, name):
    m = re.search(name + r": (0x[0-9a-f]+)", rest)
    return int(m.group(1), 16) if m else None


def roles(events):
    """The threads and fds the stages need, from what each thread does."""
    fsyncs = collections.Counter(e[1] for e in events if e[2] == "sys_exit_fdatasync")
    writer = fsyncs.most_common(1)[0][0]
    # The writer's 8-byte writes go to the hub's eventfd (Written); its large ones to the WAL.
    wake_fd = collections.Counter(
        field(e[3], "fd") for e in events
        if e[1] == writer and e[2] == "sys_enter_write" and field(e[3], "count") == 8
    ).most_common(1)[0][0]
    wal_fd = collections.Counter(
        field(e[3], "fd") for e in events
        if e[1] == writer and e[2] == "sys_enter_write" and field(e[3], "count") > 8
    ).most_common(1)[0][0]
    wakers = collections.Counter(
        e[1] for e in events
        if e[1] != writer and e[2] == "sys_enter_write" and field(e[3], "fd") == wake_fd)
    main = wakers.most_common(1)[0][0]
    hub = collections.Counter(
        e[1] for e in events
        if e[2] == "sys_enter_read" and field(e[3], "fd") == wake_fd).most_common(1)[0][0]
    io = collections.Counter(
        e[1] for e in events if e[2] == "sys_enter_sendto" and e[0].startswith("ZMQbg/IO")
    ).most_common(1)[0][0]
    consumer = collections.Counter(
        e[1] for e in events
        if e[2] == "sys_exit_recvmsg" and 900 <= int(e[3], 16) < 1 << 40).most_common(1)[0][0]
    return writer, wake_fd, wal_fd, main, hub, io, consumer


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: page_timeline.py PERF_SCRIPT_TXT PAGE_LATENCY_DUMP_CSV")
    events = []
    for line in open(sys.argv[1]):
        m = LINE.match(line)
        if m:
            comm, tid, t, name, rest = m.groups()
            events.append((comm, tid, name, rest, float(t) * 1e6))  # microseconds
    writer, wake_fd, wal_fd, main_tid, hub, io, consumer = roles(events)

    def series(keep):
        times = sorted(e[4] for e in events if keep(e))
        return times

    def write_to(tid, fd, min_count=0):
        return lambda e: (e[1] == tid and e[2] == "sys_enter_write" and
                          field(e[3], "fd") == fd and field(e[3], "count") >= min_count)

    R = series(lambda e: e[1] == consumer and e[2] == "sys_exit_recvmsg" and
               900 <= int(e[3], 16) < 1 << 40)
    O = series(write_to(main_tid, wake_fd))
    W = series(write_to(writer, wal_fd, 1024))
    F = series(lambda e: e[1] == writer and e[2] == "sys_exit_fdatasync")
    H = series(write_to(writer, wake_fd))
    Hr = series(lambda e: e[1] == hub and e[2] == "sys_enter_read" and
                field(e[3], "fd") == wake_fd)
    Z = series(lambda e: e[1] == io and e[2] == "sys_enter_sendto" and
               field(e[3], "len") >= 256)

    def after(times, t):
        i = bisect.bisect_left(times, t)
        return times[i] if i < len(times) else None

    stages = ["S->R Kafka hop into serve", "R->O consume, parse, apply", "R->W to the WAL write",
              "W->F write + fdatasync", "F->H on_written", "H/O->Hr hub wakes",
              "Hr->Z hub + ZeroMQ send", "Z->P device", "R->Z serve in all", "S->P send to page"]
    got = {s: [] for s in stages}
    for d in csv.DictReader(open(sys.argv[2])):
        if float(d["page_ms"]) < 0:
            continue
        s = int(d["sent_steady_ns"]) / 1e3
        p = s + float(d["page_ms"]) * 1e3
        r = after(R, s)
        o = r and after(O, r)
        w = r and after(W, r)
        f = w and after(F, w)
        h = f and after(H, f)
        hr = h and o and after(Hr, max(h, o))
        z = hr and after(Z, hr)
        if not z:
            continue
        for name, v in zip(stages, [r - s, o - r, w - r, f - w, h - f, hr - max(h, o), z - hr,
                                    p - z, z - r, p - s]):
            got[name].append(v / 1e3)
    for name in stages:
        v = sorted(got[name])
        if not v:
            continue
        q = lambda p: v[max(0, math.ceil(p * len(v)) - 1)]  # nearest rank
        print(f"{name:27s} p50 {q(.5):7.3f}  p90 {q(.9):7.3f}  p99 {q(.99):7.3f}  "
              f"max {v[-1]:7.3f} ms  (n {len(v)})")


if __name__ == "__main__":
    main()
