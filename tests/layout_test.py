#!/usr/bin/python3
"""Checks the architecture the README states: no CMake target of ours depends on one that
depends back, and the pure code (router/, report/, explain/, metrics/, feed's parsing) includes
no I/O library and reads no clock. Fails naming the cycle or the file and line."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
failures = []

# The target graph, from our own CMakeLists (add_library / add_executable, target_link_libraries).
deps = {}
for cml in root.glob("**/CMakeLists.txt"):
    if "build" in cml.relative_to(root).parts[:1]:
        continue
    text = re.sub(r"#.*", "", cml.read_text())
    for m in re.finditer(r"add_(?:library|executable)\(\s*(\w+)", text):
        deps.setdefault(m.group(1), set())
    for m in re.finditer(r"target_link_libraries\(\s*(\w+)([^)]*)\)", text):
        words = re.findall(r"[\w:$<>-]+", m.group(2))
        deps.setdefault(m.group(1), set()).update(
            w for w in words if w not in ("PUBLIC", "PRIVATE", "INTERFACE"))
ours = set(deps)
for t in deps:
    deps[t] &= ours

state = {}
def visit(t, path):
    state[t] = 1
    for d in sorted(deps[t]):
        if state.get(d) == 1:
            failures.append("target cycle: " + " -> ".join(path[path.index(d):] + [d]))
        elif d not in state:
            visit(d, path + [d])
    state[t] = 2
for t in sorted(deps):
    if t not in state:
        visit(t, [t])

# The pure code.
pure = list((root / "router").rglob("*.h")) + list((root / "router").rglob("*.cc"))
pure += list((root / "report").rglob("*.h")) + list((root / "report").rglob("*.cc"))
pure += list((root / "explain").rglob("*.h")) + list((root / "explain").rglob("*.cc"))
pure += list((root / "metrics").rglob("*.h")) + list((root / "metrics").rglob("*.cc"))
pure += [root / "feed" / f for f in ("feed_parser.h", "feed_parser.cc", "commands.h",
                                     "commands.cc", "dead_letter.h", "dead_letter.cc",
                                     "ingest_sink.h")]
forbidden = re.compile(r'#include\s*[<"](rocksdb/|librdkafka/|zmq|spdlog/|store/|engine/|pager/)'
                       r'|system_clock::now|steady_clock::now|\btime\(nullptr\)')
for f in pure:
    for n, line in enumerate(f.read_text().splitlines(), 1):
        if forbidden.search(line):
            failures.append(f"{f.relative_to(root)}:{n}: I/O or clock in pure code: {line.strip()}")

# The pager's pure part (pager_page): the page, the channel's messages, the delivery rules.
# It may include its own headers, nothing that does I/O, and reads no clock.
pure_pager = [root / "pager" / f"{name}.{ext}" for name in ("page", "protocol", "delivery_book")
              for ext in ("h", "cc")]
forbidden_pager = re.compile(r'#include\s*[<"](rocksdb/|librdkafka/|zmq|spdlog/|store/|engine/|curl/)'
                             r'|system_clock::now|steady_clock::now|\btime\(nullptr\)')
for f in pure_pager:
    for n, line in enumerate(f.read_text().splitlines(), 1):
        if forbidden_pager.search(line):
            failures.append(f"{f.relative_to(root)}:{n}: I/O or clock in pure code: {line.strip()}")
pure += pure_pager

for f in failures:
    print(f)
print(f"{len(deps)} targets, {len(pure)} pure files checked; {len(failures)} problem(s)")
sys.exit(1 if failures else 0)
