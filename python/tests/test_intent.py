"""IntentIR: the reference JSON layout and TOML, digests equal to the reference's."""

import json

import pytest

import awgsf
from conftest import DIGESTS, GOLDEN


@pytest.mark.parametrize("name,digest,fingerprint", DIGESTS)
def test_golden_files_have_the_reference_digests(name, digest, fingerprint):
    ir = awgsf.IntentIR.load(GOLDEN / name)
    assert ir.digest() == digest
    assert ir.segment_fingerprints()[0].startswith(fingerprint)
    # decode(json.load(...)) as in the reference, and text in both formats.
    decoded = awgsf.IntentIR.decode(json.loads((GOLDEN / name).read_text()))
    assert decoded.digest() == digest
    assert awgsf.IntentIR.from_json(ir.to_json()).digest() == digest
    assert awgsf.IntentIR.from_toml(ir.to_toml()).digest() == digest
    assert awgsf.IntentIR.decode(ir.encode()) == ir


@pytest.mark.parametrize("preset", ["recreate_mol_exp", "simple_tweens", "spec_analyser_test"])
def test_presets_are_the_golden_programs(preset):
    expected = next(d for f, d, _ in DIGESTS if f == f"{preset}.intent.json")
    assert awgsf.IntentIR.preset(preset).digest() == expected
    assert awgsf.IntentIR.load(preset).digest() == expected
    assert preset in awgsf.presets()


def test_save_and_load_keep_the_program(tmp_path):
    ir = awgsf.IntentIR.load(GOLDEN / "recreate_mol_exp.intent.json")
    for name in ("p.json", "p.toml"):
        ir.save(tmp_path / name)
        back = awgsf.IntentIR.load(tmp_path / name)
        assert back == ir
        assert back.source.endswith(name)
    saved = json.loads((tmp_path / "p.json").read_text())
    assert saved["__schema__"] == "awgsegmentfactory.intent_ir.IntentIR"
    with pytest.raises(awgsf.ProgramError, match="extension"):
        ir.save(tmp_path / "p.txt")


def test_bad_files_raise_program_error_with_the_file_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    text = awgsf.IntentIR.preset("simple_tweens").to_toml().replace('kind = "exp"', 'kind = "cubic"', 1)
    bad.write_text(text)
    with pytest.raises(awgsf.ProgramError) as e:
        awgsf.IntentIR.load(bad)
    assert str(e.value).startswith(f"program error: {bad}:")
    assert "cubic" in str(e.value)
    with pytest.raises(awgsf.ProgramError, match="no program file"):
        awgsf.IntentIR.load("no_such_preset")
    with pytest.raises(awgsf.ProgramError):
        awgsf.IntentIR.decode({"__schema__": "x"})
    with pytest.raises(awgsf.ProgramError, match="IntentIR.decode: expected an object, got a list"):
        awgsf.IntentIR.decode([1, 2])
    with pytest.raises(awgsf.ProgramError, match="IntentIR.from_toml"):
        awgsf.IntentIR.from_toml("version = [")
