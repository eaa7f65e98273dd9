"""The cost of one guess against each kind of manifest (issue 14), measured here.

    python benchmarks/bench_kdf.py [--rounds 5] [--hashes 200000]

* a **passphrase** manifest: one guess is one scrypt derivation with the manifest's
  parameters (n=2**16, r=8, p=1): its time, and its memory (128·n·r bytes, and the peak
  RSS growth of a child process that runs it);
* a **random-key** manifest (the default): a guess is a 256-bit key, so the cost of one
  HMAC is shown only to say how hopeless 2**256 of them are;
* an **unkeyed** manifest: one guess is one salted SHA-256 of a canonical form — the
  number of phone numbers a core tests per second, and the time to try every number in a
  10**8-number block (one Chinese mobile prefix) at that rate.

Prints a Markdown table for docs/safety.md.  Not a test: timings vary by machine.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import statistics
import subprocess
import sys
import textwrap
import time

from contactguard._manifest import SCRYPT_N, SCRYPT_P, SCRYPT_R, derive, new_kdf_params


def _scrypt_seconds(rounds: int) -> list[float]:
    params = new_kdf_params()
    out = []
    for n in range(rounds):
        start = time.perf_counter()
        derive(f"candidate passphrase {n}", params)
        out.append(time.perf_counter() - start)
    return out


def _scrypt_peak_rss_growth() -> int:
    """KiB the peak RSS of a fresh process grows by when it runs one derivation."""
    # hashlib alone in the child (importing contactguard would set a higher peak first);
    # VmHWM, not ru_maxrss, which Linux carries over exec from the parent's image
    code = textwrap.dedent(f"""
        import hashlib, os, re
        def hwm():
            with open("/proc/self/status") as fh:
                return int(re.search(r"VmHWM:\\s+(\\d+)", fh.read()).group(1))
        before = hwm()
        hashlib.scrypt(b"candidate passphrase", salt=os.urandom(16), n={SCRYPT_N},
                       r={SCRYPT_R}, p={SCRYPT_P}, maxmem=1 << 28, dklen=32)
        print(hwm() - before)
    """)
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout)


def _per_second(fn: object, hashes: int) -> float:
    start = time.perf_counter()
    for n in range(hashes):
        fn(n)  # type: ignore[operator]
    return hashes / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--hashes", type=int, default=200_000)
    args = ap.parse_args()

    times = _scrypt_seconds(args.rounds)
    growth = _scrypt_peak_rss_growth()
    salt, key = os.urandom(16), os.urandom(32)
    prefix = b"cg-canon\nTEL:+86138"
    sha = _per_second(lambda n: hashlib.sha256(salt + prefix + b"%08d" % n).digest(),
                      args.hashes)
    mac = _per_second(lambda n: hmac.new(key, salt + prefix + b"%08d" % n,
                                         hashlib.sha256).digest(), args.hashes)
    memory = 128 * SCRYPT_N * SCRYPT_R * SCRYPT_P
    print(f"scrypt n=2**{SCRYPT_N.bit_length() - 1}, r={SCRYPT_R}, p={SCRYPT_P}: "
          f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms "
          f"over {args.rounds} rounds; {memory / 2**20:.0f} MiB by the parameters, peak RSS "
          f"+{growth / 1024:.0f} MiB")
    print()
    print("| manifest | one guess is | cost of one guess (one core) | guesses/s |")
    print("| --- | --- | ---: | ---: |")
    print(f"| unkeyed (`--unkeyed`, schema 1 salted) | SHA-256 of a canonical form | "
          f"{1e6 / sha:.2f} µs | {sha:,.0f} (10⁸ numbers of one prefix: "
          f"{1e8 / sha / 60:.0f} min) |")
    print(f"| passphrase (`--key-env`) | scrypt, {memory / 2**20:.0f} MiB | "
          f"{statistics.median(times) * 1000:.0f} ms | {1 / statistics.median(times):.1f} |")
    print(f"| generated key (default) | a 256-bit key, then HMAC-SHA256 | "
          f"{1e6 / mac:.2f} µs × 2²⁵⁵ expected | — |")


if __name__ == "__main__":
    main()
