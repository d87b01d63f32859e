"""awgsf.compile: the same bytes and steps as `awgsf compile` writes."""

import json
import subprocess
import threading

import numpy as np
import pytest

import awgsf
from conftest import DEFAULT_CONFIG, GOLDEN, ROOT

# Every preset but `large`, the benchmark program (hundreds of MiB of samples).
PRESETS = [p for p in awgsf.presets() if p != "large"]


def cli_compile(awgsf_bin, config, out, *args):
    subprocess.run(
        [str(awgsf_bin), "compile", *args, "--config", str(config), "--out", str(out)],
        check=True, cwd=ROOT, capture_output=True, text=True,
    )
    manifest = json.loads((out / "manifest.json").read_text())
    steps = json.loads((out / "steps.json").read_text())
    return manifest, steps


def assert_same_as_files(compiled, out, manifest, steps):
    files = manifest["segments"]
    assert len(compiled.slots) == len(files)
    for array, entry in zip(compiled.slots, files):
        on_disk = np.load(out / entry["file"])
        assert array.dtype == np.int16 and on_disk.dtype == np.int16
        assert array.shape == on_disk.shape == (entry["n_channels"], entry["n_samples"])
        assert array.tobytes(order="A") == on_disk.tobytes(order="A")
        assert array.flags.f_contiguous == on_disk.flags.f_contiguous
    assert compiled.steps == steps["steps"]
    assert compiled.start_step == steps["start_step"]
    program = manifest["program"]
    assert compiled.digest == program["program_digest"]
    assert compiled.sample_rate_hz == program["sample_rate_hz"]
    assert compiled.segment_names == [s["name"] for s in program["segments"]]
    assert compiled.slot_of_segment == [s["slot"] for s in program["segments"]]
    for i, slot in enumerate(compiled.slot_of_segment):
        assert compiled.segments[i] is compiled.slots[slot]


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_compile_to_the_bytes_awgsf_compile_writes(preset, tmp_path, awgsf_bin, exact_config, plugins_found):
    out = tmp_path / "out"
    manifest, steps = cli_compile(awgsf_bin, exact_config, out, "--preset", preset)
    compiled = awgsf.compile(awgsf.IntentIR.preset(preset), config=exact_config)
    assert len(compiled) == len(manifest["program"]["segments"])
    assert_same_as_files(compiled, out, manifest, steps)


def test_overrides_and_setup_match_the_command_line(tmp_path, awgsf_bin, exact_config, plugins_found):
    program = GOLDEN / "samples" / "calibrated.intent.json"
    setup = GOLDEN / "samples" / "calibrated.setup.json"
    out = tmp_path / "out"
    manifest, steps = cli_compile(
        awgsf_bin, exact_config, out, str(program), "--setup", str(setup), "--sample-rate", "500e6",
        "--full-scale-mv", "450", "--full-scale", "30000", "--quantum", "20e-6",
    )
    compiled = awgsf.compile(
        str(program), config=exact_config, setup=setup, sample_rate_hz=500e6,
        full_scale_mv=450.0, full_scale=30000, quantum_s=20e-6,
    )
    assert compiled.sample_rate_hz == 500e6
    assert_same_as_files(compiled, out, manifest, steps)


def test_compile_releases_the_gil(plugins_found):
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        before = len(ticks)
        awgsf.compile("recreate_mol_exp", config=DEFAULT_CONFIG)
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    # The other thread kept running while the compiler worked.
    assert during > 3


def test_compile_errors_are_typed(tmp_path, plugins_found):
    with pytest.raises(awgsf.UsageError) as e:
        awgsf.compile("simple_tweens", config=DEFAULT_CONFIG, full_scale=0)
    assert e.value.exit_code == 2
    with pytest.raises(awgsf.ConfigError) as e:
        awgsf.compile("simple_tweens", config=tmp_path / "missing.toml")
    assert e.value.exit_code == 4
    with pytest.raises(awgsf.CalibrationError) as e:
        awgsf.compile("simple_tweens", config=DEFAULT_CONFIG, setup=tmp_path / "missing.json")
    assert e.value.exit_code == 9
    with pytest.raises(TypeError):
        awgsf.compile(42)
