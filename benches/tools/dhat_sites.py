#!/usr/bin/env python3
"""Allocation sites per request from a `valgrind --tool=dhat` profile of a benchmark client.

Usage: dhat_sites.py DHAT_JSON REQUESTS
       dhat_sites.py DHAT_JSON --anchor ANCHOR

REQUESTS is the number of requests the profiled process made (the clients print it on stderr as
`TOTAL requests=N`). With --anchor instead, the number of blocks allocated at the site whose
stack mentions ANCHOR is taken as the number of requests (for a driver known to allocate there
once per request). Every site allocating at least half a block per request is listed with its
blocks per request, the mean block size and the first three frames outside the allocator and
std.
"""
import json
import re
import sys

SKIP = re.compile(
    r"library/|alloc\.rs|vgpreload|stats_alloc|raw_vec|boxed\.rs|slice\.rs|spec_from|"
    r"vec/mod|string\.rs|mod\.rs:(464|433|177|965|3749)|UnknownInlinedFun \(wire|clone<u8"
)
NOISE = re.compile(r"/work/[^ ]*?/(?=(driver|benches|macros)/)|/root/\.cargo/registry/src/[^/]*/|\{\{closure\}\}")


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        profile = json.load(f)
    frames = profile["ftbl"]
    points = profile["pps"]
    if sys.argv[2:3] == ["--anchor"] and len(sys.argv) > 3:
        anchor = sys.argv[3]
        anchored = [p["tbk"] for p in points if any(anchor in frames[i] for i in p["fs"])]
        if not anchored:
            print(f"no allocation site mentions {anchor!r}", file=sys.stderr)
            return 1
        requests = max(anchored)
        print(f"# {requests} requests (blocks allocated at the {anchor} site)")
    elif len(sys.argv) > 2 and sys.argv[2].isdigit() and int(sys.argv[2]) > 0:
        requests = int(sys.argv[2])
        print(f"# {requests} requests (as the client counted them)")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    total = 0.0
    for p in sorted(points, key=lambda p: -p["tbk"]):
        if p["tbk"] < requests / 2:
            break
        stack = [re.sub(r"^0x[0-9A-F]+: ", "", frames[i]) for i in p["fs"]]
        shown = [NOISE.sub("", s)[:110] for s in stack if not SKIP.search(s)][:3]
        per = p["tbk"] / requests
        total += per
        print(f"{per:5.2f}/req {p['tb'] / p['tbk']:6.0f} B  " + "  <-  ".join(shown))
    print(f"# {total:.2f} allocations per request at these sites")
    return 0


if __name__ == "__main__":
    sys.exit(main())
