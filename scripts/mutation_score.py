"""Mutation score of fisherlab's tests: apply simple AST mutations one at a time and run the tests.

    .venv/bin/python scripts/mutation_score.py [--per-target 30] [--seed 17] [--out report.json]
                                               [--root DIR] [--only linalg]

For each target (a module or package of fisherlab) every mutation site is listed, ``--per-target``
of them are drawn with ``--seed``, and each mutant is written over the module, the target's tests
run (``pytest -x``, one process), and the module restored. A mutant is *killed* when the tests
fail (or time out: an endless loop is a failure too) and *survives* when they pass. The score is
killed / total per target; the survivors are listed with their line and the mutated code.

Mutations (one node each, spliced into the original text so that the rest of the file, comments
included, is unchanged): arithmetic operators (+ -, * /, ** *), comparisons (< <=, > >=, == !=,
is / is not, in / not in), and / or, removal of a unary minus or a ``not``, numbers (n -> n + 1,
x -> 2 x, 0.0 -> 1.0), True <-> False, and augmented assignments (+= -=). Docstrings, f-strings
and other strings are never mutated.

This is a measurement, not part of ``make test``: it rewrites files of the working tree while it
runs (each is restored in a ``finally``, and the script refuses to start when a target differs
from its text at the start of a previous interrupted run, see ``.mutation_backup``). ``--root``
measures another checkout of the project (for example the commit before a change), whose own
``fisherlab`` is then put first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

TARGETS = {
    "linalg": (["fisherlab/linalg.py"],
               ["tests/test_linalg.py", "tests/test_optim.py", "tests/test_issue17.py", "tests/test_api_sweep_core.py"]),
    "families": (["fisherlab/families/_base.py", "fisherlab/families/scalar.py", "fisherlab/families/gaussian.py",
                  "fisherlab/families/categorical.py"],
                 ["tests/test_families.py", "tests/test_gaussian_families.py", "tests/test_categorical.py",
                  "tests/test_estimators.py", "tests/test_matrix_estimators.py", "tests/test_issue17.py",
                  "tests/test_api_sweep_core.py"]),
    "divergences": (["fisherlab/divergences.py"],
                    ["tests/test_divergences.py", "tests/test_models.py", "tests/test_issue17.py",
                     "tests/test_api_sweep_core.py"]),
    "rl/algorithms": (["fisherlab/rl/algorithms.py"],
                      ["tests/test_rl_algorithms.py", "tests/test_issue17.py", "tests/test_api_sweep_rl.py"]),
    "rl/estimators": (["fisherlab/rl/estimators.py"],
                      ["tests/test_rl_estimators.py", "tests/test_rl_ch6_estimators.py", "tests/test_issue17.py",
                       "tests/test_api_sweep_rl.py"]),
    # the modules of Chapters 6-8 (swept from the second round of issue 17 on)
    "rl/convergence": (["fisherlab/rl/convergence.py"],
                       ["tests/test_rl_ch6_convergence.py", "tests/test_rl_ch6_driver.py", "tests/test_issue17.py",
                        "tests/test_api_sweep_later.py"]),
    "rl/exact_pg": (["fisherlab/rl/exact_pg.py"],
                    ["tests/test_rl_exact_pg.py", "tests/test_issue17.py", "tests/test_api_sweep_later.py"]),
    "rl/second_order+lqr+assumptions": (["fisherlab/rl/second_order.py", "fisherlab/rl/lqr.py",
                                         "fisherlab/rl/assumptions.py"],
                                        ["tests/test_rl_ch6_estimators.py", "tests/test_rl_ch6_lqr.py",
                                         "tests/test_rl_ch6_convergence.py", "tests/test_issue17.py",
                                         "tests/test_api_sweep_later.py"]),
}

_BINOPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
           ast.FloorDiv: ast.Div}
_CMPOPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}


@dataclass
class Mutant:
    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    original: str
    mutated: str
    kind: str
    status: str = ""
    seconds: float = 0.0


def _strings_and_docstrings(tree):
    """Node ids inside f-strings, and docstring expressions: never mutated."""
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.update(id(n) for n in ast.walk(first))
    return skip


def _variants(node):
    """(kind, mutated copy of node) for each simple mutation of this node."""
    import copy

    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        new = copy.deepcopy(node)
        new.op = _BINOPS[type(node.op)]()
        out.append((f"{type(node.op).__name__} -> {type(new.op).__name__}", new))
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _CMPOPS:
                new = copy.deepcopy(node)
                new.ops[i] = _CMPOPS[type(op)]()
                out.append((f"{type(op).__name__} -> {type(new.ops[i]).__name__}", new))
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append((f"{type(node.op).__name__} -> {type(new.op).__name__}", new))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        out.append((f"drop {type(node.op).__name__}", copy.deepcopy(node.operand)))
    elif isinstance(node, ast.Constant) and not isinstance(node.value, str):
        value = node.value
        if isinstance(value, bool):
            out.append(("True <-> False", ast.Constant(not value)))
        elif isinstance(value, int):
            out.append(("n -> n + 1", ast.Constant(value + 1)))
        elif isinstance(value, float):
            out.append(("x -> 2x" if value else "0.0 -> 1.0", ast.Constant(2 * value if value else 1.0)))
    elif isinstance(node, ast.AugAssign) and type(node.op) in _BINOPS:
        new = copy.deepcopy(node)
        new.op = _BINOPS[type(node.op)]()
        out.append((f"augmented {type(node.op).__name__} -> {type(new.op).__name__}", new))
    return out


def mutation_sites(path: Path, rel: str) -> list[Mutant]:
    text = path.read_text()
    tree = ast.parse(text)
    skip = _strings_and_docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        for kind, new in _variants(node):
            original = ast.get_source_segment(text, node)
            if original is None:
                continue
            mutated = ast.unparse(new)
            if not isinstance(node, ast.stmt):
                mutated = f"({mutated})"
            if mutated.strip("()") == original.strip("()"):
                continue
            out.append(Mutant(rel, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset,
                              original, mutated, kind))
    return out


def apply(text: str, m: Mutant) -> str:
    lines = text.splitlines(keepends=True)

    def offset(line, col):  # ast column offsets count UTF-8 bytes; convert through the encoded line
        prefix = sum(len(s) for s in lines[: line - 1])
        return prefix + len(lines[line - 1].encode()[:col].decode())

    start, end = offset(m.line, m.col), offset(m.end_line, m.end_col)
    new = text[:start] + m.mutated + text[end:]
    ast.parse(new)  # a mutant must still be Python
    return new


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(root),
               HYPOTHESIS_PROFILE=os.environ.get("HYPOTHESIS_PROFILE", "course"))
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           "-n", "0", "-m", "not site", *tests]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "killed (timeout)", time.perf_counter() - start
    took = time.perf_counter() - start
    if proc.returncode == 0:
        return "survived", took
    if proc.returncode in (1,):
        return "killed", took
    return f"killed (pytest exit {proc.returncode})", took


def _clear_pycache(path: Path):
    cache = path.parent / "__pycache__"
    for pyc in cache.glob(path.stem + ".*.pyc"):
        pyc.unlink(missing_ok=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-target", type=int, default=30)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    ap.add_argument("--only", default="", help="only targets whose name contains this")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--out", default="", help="write the full report as JSON here")
    args = ap.parse_args()
    root = Path(args.root).resolve()
    backup = root / ".mutation_backup"
    if backup.exists():
        print(f"{backup} exists: a previous run was interrupted; restore its files first", file=sys.stderr)
        return 2
    report = {"seed": args.seed, "per_target": args.per_target, "root": str(root), "targets": {}}
    rng = random.Random(args.seed)
    for name, (files, tests) in TARGETS.items():
        if args.only not in name:
            continue
        tests = [t for t in tests if (root / t).exists()]
        status, took = run_tests(root, tests, args.timeout)
        if status != "survived":
            print(f"{name}: the tests fail without any mutation ({status}); skipped", file=sys.stderr)
            continue
        sites = [m for f in files for m in mutation_sites(root / f, f)]
        sample = rng.sample(sites, min(args.per_target, len(sites)))
        print(f"== {name}: {len(sites)} mutation sites, {len(sample)} drawn; clean test run {took:.1f} s", flush=True)
        originals = {f: (root / f).read_text() for f in files}
        backup.write_text(json.dumps(originals))
        try:
            for m in sample:
                path = root / m.file
                path.write_text(apply(originals[m.file], m))
                _clear_pycache(path)
                m.status, m.seconds = run_tests(root, tests, args.timeout)
                path.write_text(originals[m.file])
                _clear_pycache(path)
                print(f"  {m.status:<20} {m.file}:{m.line} {m.kind}: {m.original[:60]!r} -> {m.mutated[:60]!r}",
                      flush=True)
        finally:
            for f, text in originals.items():
                (root / f).write_text(text)
                _clear_pycache(root / f)
            backup.unlink(missing_ok=True)
        killed = sum(m.status.startswith("killed") for m in sample)
        report["targets"][name] = {"sites": len(sites), "total": len(sample), "killed": killed,
                                   "mutants": [asdict(m) for m in sample]}
        print(f"   {name}: killed {killed}/{len(sample)}", flush=True)
    print("\nmutation score (killed / sampled mutants):")
    tk = tt = 0
    for name, t in report["targets"].items():
        tk, tt = tk + t["killed"], tt + t["total"]
        print(f"  {name:<15} {t['killed']:>3}/{t['total']:<3} (of {t['sites']} sites)")
        for m in t["mutants"]:
            if m["status"] == "survived":
                print(f"      survived: {m['file']}:{m['line']} {m['kind']}: {m['original'][:70]!r} -> {m['mutated'][:70]!r}")
    print(f"  {'all':<15} {tk:>3}/{tt}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
