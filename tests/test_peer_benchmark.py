"""The peer benchmark (sb3-contrib's TRPO, ``benchmarks/peer_sb3_trpo.py``) stays apart from the
course and its results file stays complete.

Its environment (``.venv-peer``) is pinned exactly in ``benchmarks/peer/requirements.txt``, with
the course's gymnasium and numpy and the CPU build of torch 2.13.0; the course's own
requirements do not pull torch in, and ``make bench`` does not run the peer script. The results
written by the script (``benchmarks/results/peer_sb3_trpo.json``) hold five seeds per
configuration, with every field the script writes and summaries that agree with the runs.
None of this needs torch.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PEER_REQS = ROOT / "benchmarks" / "peer" / "requirements.txt"
SCRIPT = ROOT / "benchmarks" / "peer_sb3_trpo.py"
RESULTS = ROOT / "benchmarks" / "results" / "peer_sb3_trpo.json"
CONFIGS = ("zoo", "mlp32")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#")[0].strip()]


def pins(path: Path) -> dict[str, str]:
    """``{normalised name: version}`` of the ``name==version`` lines of a requirements file."""
    found = {}
    for line in requirement_lines(path):
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line)
        if match:
            found[norm(match.group(1))] = match.group(2)
    return found


def script_constant(name: str):
    """A literal module-level constant of the peer script, read without importing it (no torch)."""
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    for node in tree.body:
        names = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
        if isinstance(node, ast.Assign) and name in names:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {SCRIPT.name}")


def test_every_peer_requirement_is_pinned_exactly():
    lines = requirement_lines(PEER_REQS)
    assert lines, "benchmarks/peer/requirements.txt pins nothing"
    exact = re.compile(r"[A-Za-z0-9_.\-]+==[0-9][^\s,;<>=!~*]*")
    loose = [line for line in lines if not exact.fullmatch(line)]
    assert not loose, f"not pinned with ==: {loose}"
    names = [norm(line.split("==")[0]) for line in lines]
    assert len(names) == len(set(names)), "a package is pinned twice"


def test_peer_pins_torch_cpu_build_and_the_courses_gymnasium():
    peer, course = pins(PEER_REQS), pins(ROOT / "requirements.txt")
    assert peer["torch"] == "2.13.0"  # the CPU wheel on disk; any other version pulls a CUDA build
    for name in ("stable-baselines3", "sb3-contrib"):
        assert name in peer, name
    for name in ("gymnasium", "numpy"):
        assert peer[name] == course[name], f"{name}: peer {peer[name]} != course {course[name]}"


def test_the_course_does_not_depend_on_the_peer_stack():
    course = pins(ROOT / "requirements.txt")
    assert not {"torch", "stable-baselines3", "sb3-contrib"} & set(course)
    # `make bench` runs benchmarks/bench_*.py; the peer script must not match it
    assert SCRIPT.exists() and not SCRIPT.name.startswith("bench_")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^bench-peer:", makefile, re.M)
    assert "benchmarks/peer/requirements.txt" in makefile
    assert ".venv-peer/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_script_evaluates_after_each_update():
    # the policy after an update is the one sb3 holds at the next rollout's start (and at the end
    # of training); at _on_rollout_end it has not been updated yet
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    hooks = {node.name for node in classes["EvalAfterUpdate"].body
             if isinstance(node, ast.FunctionDef)}
    assert {"_on_rollout_start", "_on_training_end"} <= hooks
    assert "_on_rollout_end" not in hooks
    # and the script checks sb3's hook order before it measures (self_check, skippable)
    assert "self_check" in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert script_constant("BUDGET") == 100_000 and script_constant("TARGET") == 475.0
    assert script_constant("EVAL_EPISODES") == 20


def results_or_skip() -> dict:
    if not RESULTS.exists():
        pytest.skip("no results file yet: make bench-peer")
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def test_results_hold_five_seeds_per_config_with_every_field():
    data = results_or_skip()
    fields = script_constant("FIELDS")
    assert "5-9" in data["seeds"], "the held-out seeds 5-9 are missing"
    for key, entry in data["seeds"].items():
        lo, hi = (int(x) for x in key.split("-"))
        for config in CONFIGS:
            runs = entry[config]["runs"]
            assert [r["seed"] for r in runs] == list(range(lo, hi + 1)), (key, config)
            assert key not in ("5-9", "0-4") or len(runs) == 5, (key, config)
            for r in runs:
                assert set(r) == set(fields), (key, config, set(r) ^ set(fields))
                assert r["env_steps"] >= data["protocol"]["budget"]
                steps = r["steps_to_475"]
                assert steps is None or (0 < steps <= r["env_steps"] and steps % 1024 == 0)
                assert 0 <= r["final_return"] <= 500
                assert 0 < r["train_cpu_per_100k"] <= r["total_cpu_per_100k"]


def test_results_summaries_agree_with_the_runs():
    data = results_or_skip()
    for key, entry in data["seeds"].items():
        for config in CONFIGS:
            runs, s = entry[config]["runs"], entry[config]["summary"]
            steps = np.array([np.inf if r["steps_to_475"] is None else r["steps_to_475"]
                              for r in runs])
            median = float(np.median(steps))
            expected = median if np.isfinite(median) else None  # null in JSON: never reached
            assert s["median_steps_to_475"] == expected, (key, config)
            assert s["reached"] == int(np.isfinite(steps).sum()) and s["n_seeds"] == len(runs)
            finals = [r["final_return"] for r in runs]
            assert s["median_final_return"] == pytest.approx(np.median(finals))
            assert s["median_total_cpu_per_100k"] == pytest.approx(
                np.median([r["total_cpu_per_100k"] for r in runs]))
