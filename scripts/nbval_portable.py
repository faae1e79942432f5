"""Strict nbval under several CPU profiles: stored outputs must not depend on the reader's CPU.

Usage: python scripts/nbval_portable.py [--profiles native,avx2,sse4] -- <pytest arguments>

The same notebook prints different last bits on different x86-64 CPUs, because numpy dispatches
its loops to SIMD kernels (SSE4, AVX2, AVX-512) and OpenBLAS picks a kernel for the CPU it finds.
Any recent x86-64 machine can simulate an older one: numpy switches kernels off when they are
named in ``NPY_DISABLE_CPU_FEATURES``, and OpenBLAS takes the kernel named in
``OPENBLAS_CORETYPE``. Each profile below runs the whole strict nbval under such an environment
(inherited by every notebook kernel), after checking that the switch took effect.

| profile  | numpy kernels         | OpenBLAS kernel             |
|----------|-----------------------|-----------------------------|
| native   | what the CPU has      | what the CPU has            |
| avx2     | up to AVX2 (X86_V3)   | Haswell                     |
| sse4     | baseline (X86_V2)     | Nehalem                     |

The script prints one line per profile (failures and time) and exits non-zero if any profile
fails or cannot be simulated on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

AVX512 = (
    "X86_V4 AVX512_ICL AVX512_SPR AVX512F AVX512CD AVX512VL AVX512BW AVX512DQ "
    "AVX512_SKX AVX512_CLX AVX512_CNL"
)
AVX2 = "AVX F16C FMA3 AVX2 X86_V3"

PROFILES: dict[str, dict[str, str]] = {
    "native": {},
    "avx2": {"NPY_DISABLE_CPU_FEATURES": AVX512, "OPENBLAS_CORETYPE": "Haswell"},
    "sse4": {"NPY_DISABLE_CPU_FEATURES": f"{AVX512} {AVX2}", "OPENBLAS_CORETYPE": "Nehalem"},
}
# numpy dispatch targets that must be off, and the OpenBLAS kernel that must be chosen
EXPECTED = {
    "native": ((), None),
    "avx2": (("X86_V4", "AVX512_ICL", "AVX512_SPR"), "Haswell"),
    "sse4": (("X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"), "Nehalem"),
}

# Run in a child process under the profile's environment: what numpy and OpenBLAS really use.
_PROBE = r"""
import ctypes, glob, json, os
import numpy, scipy
from numpy._core._multiarray_umath import __cpu_baseline__, __cpu_dispatch__, __cpu_features__

def corename(package, symbol):
    libs = os.path.join(os.path.dirname(package.__file__), os.pardir, package.__name__ + ".libs")
    for lib in glob.glob(os.path.join(libs, "*openblas*")):
        function = getattr(ctypes.CDLL(lib), symbol, None)
        if function is not None:
            function.restype = ctypes.c_char_p
            return function().decode()
    return None

print(json.dumps({
    "on": list(__cpu_baseline__) + [k for k in __cpu_dispatch__ if __cpu_features__.get(k)],
    "numpy_blas": corename(numpy, "scipy_openblas_get_corename64_"),
    "scipy_blas": corename(scipy, "scipy_openblas_get_corename"),
}))
"""


def environment(profile: str) -> dict[str, str]:
    """The process environment of ``profile``: this one, plus the profile's switches."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")}
    env.update(PROFILES[profile])
    return env


def probe(profile: str) -> dict:
    """numpy's kernels (baseline and dispatch targets on) and OpenBLAS's under ``profile``."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=environment(profile), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_profile(profile: str, seen: dict) -> str | None:
    """Why ``profile`` is not simulated by ``seen`` (the probe's answer), or None when it is."""
    off, kernel = EXPECTED[profile]
    still_on = [f for f in off if f in seen["on"]]
    if still_on:
        return f"numpy still dispatches to {', '.join(still_on)}"
    for key in ("numpy_blas", "scipy_blas"):
        if kernel is not None and seen[key] is not None and seen[key] != kernel:
            return f"OpenBLAS ({key}) runs the {seen[key]} kernel, not {kernel}"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="native,avx2,sse4", help="comma- or space-separated")
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="after --: pytest arguments")
    args = parser.parse_args(argv)
    profiles = args.profiles.replace(",", " ").split()
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown or not profiles:
        parser.error(f"--profiles must name some of {', '.join(PROFILES)}, got {args.profiles!r}")
    pytest_args = [a for a in args.pytest_args if a != "--"] if args.pytest_args else []

    summary = []
    for profile in profiles:
        seen = probe(profile)
        blas = seen["numpy_blas"] or "?"
        print(f"== strict nbval, CPU profile {profile}: numpy {'+'.join(seen['on'])}, "
              f"OpenBLAS {blas}", flush=True)
        problem = check_profile(profile, seen)
        if problem:
            print(f"   cannot simulate {profile} on this machine: {problem}", flush=True)
            summary.append((profile, "not simulated", 0.0))
            continue
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], env=environment(profile))
        elapsed = time.perf_counter() - start
        summary.append((profile, "passed" if result.returncode == 0 else f"failed ({result.returncode})", elapsed))

    print("== strict nbval per CPU profile")
    for profile, outcome, elapsed in summary:
        print(f"   {profile:<7} {outcome:<14} {elapsed:6.0f} s")
    return 0 if all(outcome == "passed" for _, outcome, _ in summary) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
