"""awgsf.Session on the default config (cpu-simd + the simulated card)."""

import os
import subprocess
import sys

import pytest

import awgsf
from conftest import DEFAULT_CONFIG, ROOT


def variant(amp):
    """recreate_mol_exp with one definition's amplitudes changed."""
    d = awgsf.IntentIR.preset("recreate_mol_exp").encode()
    first = next(iter(d["definitions"].values()))
    first["amps"] = [amp] * len(first["amps"])
    return awgsf.IntentIR.decode(d)


def test_run_status_trigger_verify_swap_close(plugins_found):
    with awgsf.Session(DEFAULT_CONFIG) as s:
        assert not s.is_playing
        assert s.sample_rate_hz == 625e6
        assert "simulator" in s.card
        report = s.run("recreate_mol_exp")
        assert report["digest"] == awgsf.IntentIR.preset("recreate_mol_exp").digest()
        assert report["segments"] > 0 and report["continuity"] is not None
        assert s.is_playing
        st = s.status()
        assert st["running"] is True and st["playing"] is True
        s.force_trigger()
        v = s.verify()
        assert v["unrequested"] == 0
        assert "transitions checked" in v["summary"]

        base = awgsf.IntentIR.preset("recreate_mol_exp")
        changed = variant(123.0)
        assert changed.digest() != base.digest()
        swap = s.swap(changed)
        assert swap["full_upload"] is False, swap["reason"]
        assert swap["uploaded"], "a changed definition rewrites some segment"
        assert set(swap["uploaded"]) <= set(changed.segment_names)
        assert swap["elapsed_s"] > 0
        again = s.swap(changed)
        assert again["uploaded"] == []
    assert s.closed
    s.close()  # twice is harmless
    with pytest.raises(awgsf.UsageError, match="closed"):
        s.status()


def test_swap_on_an_empty_session_is_a_full_upload(plugins_found):
    s = awgsf.Session(DEFAULT_CONFIG)
    try:
        r = s.swap("simple_tweens")
        assert r["full_upload"] is True
        assert r["reason"] == "nothing was on the card"
    finally:
        s.close()


def test_verify_needs_a_program(plugins_found):
    with awgsf.Session(DEFAULT_CONFIG) as s:
        with pytest.raises(awgsf.UsageError, match="run a program first"):
            s.verify()


def cli_error(awgsf_bin, *args):
    p = subprocess.run([str(awgsf_bin), *args], cwd=ROOT, capture_output=True, text=True)
    lines = p.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), p.stderr
    return p.returncode, p.stderr.strip()[len("error: "):]


def test_errors_have_the_command_lines_class_and_message(tmp_path, awgsf_bin, plugins_found):
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("version = 1\n[card]\nsample_rate_hz = -5\n")
    code, message = cli_error(awgsf_bin, "run", "--config", str(bad_config), "--preset", "simple_tweens")
    with pytest.raises(awgsf.ConfigError) as e:
        awgsf.Session(bad_config)
    assert (e.value.exit_code, str(e.value)) == (code, message)

    bad_program = tmp_path / "bad.json"
    bad_program.write_text(awgsf.IntentIR.preset("simple_tweens").to_json().replace('"wait_trig"', '"sometimes"', 1))
    code, message = cli_error(awgsf_bin, "run", "--config", str(DEFAULT_CONFIG), str(bad_program))
    with awgsf.Session(DEFAULT_CONFIG) as s:
        with pytest.raises(awgsf.ProgramError) as e:
            s.run(str(bad_program))
    assert (e.value.exit_code, str(e.value)) == (code, message)

    no_plugin = tmp_path / "noplugin.toml"
    no_plugin.write_text('version = 1\n[synthesis]\nbackend = "no-such-backend"\n')
    code, message = cli_error(awgsf_bin, "run", "--config", str(no_plugin), "--preset", "simple_tweens")
    with pytest.raises(awgsf.PluginError) as e:
        awgsf.Session(no_plugin)
    # The places looked in differ only where they depend on the executable (the
    # binary's directory, the interpreter's here).
    head, _, cli_places = message.partition("; looked in: ")
    py_head, _, py_places = str(e.value).partition("; looked in: ")
    assert (e.value.exit_code, py_head) == (code, head)
    plugin_path_dir = os.environ["AWGSF_PLUGIN_PATH"].split(os.pathsep)[0]
    assert py_places.split(", ")[0] == cli_places.split(", ")[0]
    assert py_places.split(", ")[0].startswith(plugin_path_dir)


def test_every_error_class_shares_the_base():
    classes = [
        awgsf.ProgramError, awgsf.ConfigError, awgsf.PluginError, awgsf.HardwareError,
        awgsf.SynthesisError, awgsf.IoError, awgsf.CalibrationError, awgsf.PlotError,
        awgsf.VerificationError, awgsf.UsageError, awgsf.InternalError,
        awgsf.ConformanceError, awgsf.Interrupted,
    ]
    codes = {c.exit_code for c in classes}
    assert {2, 3, 4, 5, 6, 7, 8, 9, 10, 130} <= codes
    for c in classes:
        assert issubclass(c, awgsf.AwgsfError) and issubclass(c, Exception)


def test_plugins_are_found_through_the_configs_plugin_dirs(tmp_path, plugins_found):
    plugin_dir = os.environ["AWGSF_PLUGIN_PATH"].split(os.pathsep)[0]
    text = DEFAULT_CONFIG.read_text().replace("version = 1\n", f"version = 1\nplugin_dirs = [{plugin_dir!r}]\n", 1)
    config = tmp_path / "with_dirs.toml"
    config.write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "AWGSF_PLUGIN_PATH"}
    code = (
        "import awgsf, sys\n"
        "with awgsf.Session(sys.argv[1]) as s:\n"
        "    print(s.run('simple_tweens')['segments'])\n"
    )
    p = subprocess.run([sys.executable, "-c", code, str(config)], env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == str(len(awgsf.IntentIR.preset("simple_tweens").segment_names))
    # Without either, the plugins are not found.
    p = subprocess.run([sys.executable, "-c", code, str(DEFAULT_CONFIG)], env=env, capture_output=True, text=True)
    assert p.returncode != 0 and "PluginError" in p.stderr


def test_rearrange_rewrites_only_the_move(plugins_found):
    occupancy = [c == "1" for c in "1011001011"]
    with awgsf.Session(DEFAULT_CONFIG) as s:
        s.run("rt_spec_analyser_rearr_hotswap", verify=False)
        r = s.rearrange(occupancy)
        assert r["segment"] == "hotswap_rearrange_to_exp_array"
        assert (r["atoms"], r["sites"]) == (6, 4)
        assert [m["from_tone"] for m in r["moves"]] == [0, 2, 3, 6]
        assert r["max_phase_error_rad"] < 1e-9
        assert r["timings"]["total_s"] > 0
        s.force_trigger()
        assert s.verify()["unrequested"] == 0
        with pytest.raises(awgsf.RearrangeError, match="2 atoms but the target needs 4") as e:
            s.rearrange([True] + [False] * 8 + [True])
        assert e.value.exit_code == 11
