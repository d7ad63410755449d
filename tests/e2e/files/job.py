#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A small batch job for the end-to-end tests: counts words of a generated
# text, hashes it, asks a subprocess for the kernel name (pipes: @ipc) and
# writes the result as JSON next to a check that the numbers add up.
import collections
import hashlib
import json
import os
import subprocess
import sys

out = sys.argv[1]
words = ["alpha", "beta", "gamma", "delta"]
text = " ".join(words[(i * 7) % 4] for i in range(10000))
counts = collections.Counter(text.split())
digest = hashlib.sha256(text.encode()).hexdigest()
uname = subprocess.run(["uname", "-s"], capture_output=True, text=True, check=True).stdout.strip()
result = {
    "counts": dict(sorted(counts.items())),
    "sha256": digest,
    "uname": uname,
    "ok": sum(counts.values()) == 10000 and uname == "Linux",
}
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump(result, f, indent=1, sort_keys=True)
os.rename(tmp, out)
print("job: wrote", out, "ok" if result["ok"] else "WRONG")
sys.exit(0 if result["ok"] else 1)
