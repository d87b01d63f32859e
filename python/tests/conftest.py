"""Shared paths for the awgsf Python tests.

The tests need the plugin files (cpu-simd, simulator, file-sink) and, for the
comparisons with the command line, the `awgsf` binary: `scripts/python-tests.sh`
builds them and points `AWGSF_PLUGIN_PATH` and `AWGSF_BIN` at them. A missing
binary or plugin fails the tests that need it; nothing is skipped.
"""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
DEFAULT_CONFIG = ROOT / "configs" / "default.toml"

# (file under tests/golden, program digest, first fingerprint prefix) as the
# reference library computes them; the same table as crates/core/tests/core/common.rs.
DIGESTS = [
    ("ramp_down_chirp_2ch.intent.json", "5f5ae47432c6505b1e8daa56e541fda03560c5ca505fdfd760f1a5d28cf0ce21", "66dc271dc34b889a"),
    ("recreate_mol_exp.intent.json", "30c7b17f9db86cc06c21c398083454015d9dcd5f673b18f5a029690eb0d257a8", "93fd295d1961ead7"),
    ("rt_spec_analyser_rearr_hotswap.intent.json", "6bdc1b2d4b7b82d1c4087b3f98d642ce7a22f1281828def9bc1a4d034a119ef3", "93fd295d1961ead7"),
    ("samples/calibrated.intent.json", "566a9115bbe51141d197a81b6f20035dc3240e0db159e3b52060cfcf37a5cf0a", "b14a514213791ba5"),
    ("samples/chirps.intent.json", "54757fbf3739f7791653457e9727f80beb7d3eb6fa1c1a37f8642eea7706fa93", "a4864488244d2115"),
    ("samples/ramps.intent.json", "9de23c43c577920105e558b6cb0afc54b7f73bacaf659f8baff0d0e220695497", "d48e2def898236b5"),
    ("samples/remap_addremove.intent.json", "448491bad9862e18ecc36574f78df43a7e3c722dc665c5b728e02d06a655b386", "a03c2081a5df20b4"),
    ("samples/wrap_snap.intent.json", "d6b5f8dd450897eef9dec885246e5def91bd43d75793f98a6f6f1b4b8ba9e506", "e359f82785f7e337"),
    ("simple_tweens.intent.json", "5d1ac92b4835a12f7772976da8b5b562114600c0083d60d8e0d1333680827f2e", "7571dd18e081590c"),
    ("spec_analyser_test.intent.json", "9bdaa516d6c6183d35e6e7dea689b39e60901711bf51207b67bf418874d51934", "6a12fe9fab0fc208"),
]


@pytest.fixture(scope="session")
def exact_config(tmp_path_factory) -> pathlib.Path:
    """configs/default.toml without the crest optimiser's time budget.

    With a budget (200 ms by default) the optimiser stops where the clock says,
    so on a loaded machine two compilations of one program may pick different
    start phases; with `time_budget_ms = 0` it runs its passes only, and every
    compilation of a program gives the same bytes.
    """
    text = DEFAULT_CONFIG.read_text()
    assert "time_budget_ms = 200" in text
    path = tmp_path_factory.mktemp("config") / "exact.toml"
    path.write_text(text.replace("time_budget_ms = 200", "time_budget_ms = 0"))
    return path


@pytest.fixture(scope="session")
def awgsf_bin() -> pathlib.Path:
    """The `awgsf` binary the Python results are compared with."""
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = pathlib.Path(os.environ.get("AWGSF_BIN", target / "debug" / "awgsf"))
    assert path.is_file(), f"no awgsf binary at {path}: build it (cargo build -p awgsf) or set AWGSF_BIN"
    return path


@pytest.fixture(scope="session")
def plugins_found() -> None:
    """Fails with a clear message when the plugin files cannot be found."""
    dirs = [d for d in os.environ.get("AWGSF_PLUGIN_PATH", "").split(os.pathsep) if d]
    names = ["libawgsf_cpu_simd.so", "libawgsf_simulator.so", "libawgsf_file_sink.so"]
    for name in names:
        assert any((pathlib.Path(d) / name).is_file() for d in dirs), (
            f"{name} is not in AWGSF_PLUGIN_PATH={dirs}: run scripts/python-tests.sh"
        )
