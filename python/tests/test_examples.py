"""The examples under examples/python/ run to the end on the default config."""

import json
import os
import subprocess
import sys

import pytest

from conftest import DEFAULT_CONFIG, ROOT


@pytest.mark.parametrize(
    "script,args,expect",
    [
        ("parameter_scan.py", ["--points", "3"], "hot swap"),
        ("artiq_controller.py", [], "swapped"),
    ],
)
def test_example_runs(script, args, expect, plugins_found):
    p = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / script), "--config", str(DEFAULT_CONFIG), *args],
        cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert expect in p.stdout


def test_shot_turnaround_benchmark_reports_its_figures(plugins_found):
    script = ROOT / "python" / "benches" / "shot_turnaround.py"
    p = subprocess.run(
        [sys.executable, str(script), "--config", str(DEFAULT_CONFIG), "--shots", "2", "--json"],
        cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(), timeout=300,
    )
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["shots"] == 2
    assert result["segments_rewritten"], "an amplitude change rewrites some segment"
    assert 0 < result["turnaround_p50_s"] <= result["turnaround_p90_s"] <= result["turnaround_max_s"]
