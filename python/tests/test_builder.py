"""The builder: the reference library's names and arguments, its digests."""

import pytest

import awgsf
from conftest import DIGESTS, GOLDEN


def golden_digest(name):
    return next(d for f, d, _ in DIGESTS if f == name)


def remap_addremove():
    """tests/golden/samples/remap_addremove.intent.json, written with the builder."""
    return (
        awgsf.AWGProgramBuilder()
        .logical_channel("H")
        .logical_channel("V")
        .define("load", logical_channel="H", freqs=[40e3, 70e3, 100e3, 130e3, 160e3, 190e3, 220e3], amps=[60.0] * 7)
        .define("exp", logical_channel="H", freqs=[70e3, 110e3, 150e3, 190e3], amps=[80.0, 70.0, 60.0, 50.0], phases="auto")
        .define("v", logical_channel="V", freqs=[100e3], amps=[150.0])
        .segment("load", mode="wait_trig", phase_mode="manual", snap_len_to_quantum=False)
        .tones("H").use_def("load")
        .tones("V").use_def("v")
        .hold(time=300e-6)
        .segment("rearrange")
        .tones("H").remap_from_def(target_def="exp", src=[1, 2, 4, 6], time=2.2e-3)
        .segment("add", phase_mode="manual")
        .tones("V").add_tone(f=140e3, phase=0.25)
        .ramp_amp_to(amps=90.0, time=600e-6, idxs=[1])
        .segment("parallel")
        .parallel(lambda p: (
            p.tones("H").move(df=5e3, time=900e-6),
            p.tones("V").ramp_amp_to(amps=30.0, time=900e-6, kind="min_jerk"),
        ))
        .segment("remove", phase_mode="manual")
        .tones("V").remove_tones(idxs=[0])
        .hold(time=350e-6)
        .segment("rest", "wait_trig")
        .hold(time=200e-6)
        .build_intent_ir()
    )


def simple_tweens():
    """tests/golden/simple_tweens.intent.json, written with the builder."""
    b = (
        awgsf.AWGProgramBuilder()
        .logical_channel("H")
        .logical_channel("V")
        .define("start_H", logical_channel="H", freqs=[90e6, 110e6], amps=[0.7, 0.7])
        .define("start_V", logical_channel="V", freqs=[100e6, 100e6], amps=[0.7, 0.7])
        .segment("sync", mode="wait_trig")
        .tones("H").use_def("start_H")
        .tones("V").use_def("start_V")
        .hold(time=200e-6)
    )
    for side, i in (("left", 0), ("right", 1)):
        b = (
            b.segment(f"{side}_up").tones("V").move(df=2e6, time=200e-6, idxs=[i])
            .segment(f"{side}_right").tones("H").move(df=1e6, time=200e-6, idxs=[i])
            .segment(f"{side}_ramp_down")
            .tones("H").ramp_amp_to(amps=[0.1], time=1e-3, kind="exp", tau=200e-6, idxs=[i])
            .tones("V").ramp_amp_to(amps=[0.1], time=1e-3, kind="exp", tau=200e-6, idxs=[i])
            .segment(f"{side}_undo")
            .tones("H").ramp_amp_to(amps=[0.7], time=1e-3, kind="exp", tau=200e-6, idxs=[i])
            .tones("V").ramp_amp_to(amps=[0.7], time=1e-3, kind="exp", tau=200e-6, idxs=[i])
            .tones("H").move(df=-1e6, time=200e-6, idxs=[i])
            .tones("V").move(df=-2e6, time=200e-6, idxs=[i])
        )
        if side == "left":
            b = b.segment("wait_A", "wait_trig").hold(time=200e-6)
    return b.segment("done", mode="wait_trig").hold(time=200e-6).build_intent_ir()


def test_builder_reproduces_the_reference_digests():
    ir = remap_addremove()
    assert isinstance(ir, awgsf.IntentIR)
    assert ir.digest() == golden_digest("samples/remap_addremove.intent.json")
    assert ir == awgsf.IntentIR.load(GOLDEN / "samples" / "remap_addremove.intent.json")
    st = simple_tweens()
    assert st.digest() == golden_digest("simple_tweens.intent.json")
    assert st.segment_fingerprints()[0].startswith("7571dd18e081590c")
    assert st.segment_names[:3] == ["sync", "left_up", "left_right"]


def test_readme_quick_start_builds():
    ir = (
        awgsf.AWGProgramBuilder()
        .logical_channel("H")
        .logical_channel("V")
        .define("init_H", logical_channel="H", freqs=[90e6], amps=[300.0], phases="auto")
        .define("init_V", logical_channel="V", freqs=[100e6], amps=[300.0], phases="auto")
        .segment("wait", mode="wait_trig")
        .tones("H").use_def("init_H")
        .tones("V").use_def("init_V")
        .hold(time=200e-6)
        .segment("chirp_H", mode="once")
        .tones("H").move(df=+2e6, time=50e-6, idxs=[0])
        .build_intent_ir()
    )
    assert ir.logical_channels == ["H", "V"]
    assert ir.definitions == ["init_H", "init_V"]
    d = ir.encode()
    assert d["segments"][1]["ops"][0]["op"] == "MoveOp"
    assert d["segments"][1]["ops"][0]["df_hz"] == 2e6


def test_a_changed_value_changes_the_digest():
    def prog(amp):
        return (
            awgsf.AWGProgramBuilder().logical_channel("H")
            .define("d", logical_channel="H", freqs=[90e6], amps=[amp])
            .segment("s", "loop_n", 3).tones("H").use_def("d").hold(time=100e-6)
            .build_intent_ir()
        )
    assert prog(300.0).digest() == prog(300.0).digest()
    assert prog(300.0).digest() != prog(301.0).digest()
    assert prog(300.0).encode()["segments"][0]["loop"] == 3


def test_misuse_is_reported_as_the_reference_does():
    b = awgsf.AWGProgramBuilder().logical_channel("H")
    with pytest.raises(RuntimeError, match="segment"):
        b.tones("H")
    with pytest.raises(RuntimeError, match="segment"):
        b.hold(time=1e-6)
    with pytest.raises(ValueError, match="unknown logical_channel"):
        b.define("x", logical_channel="Z", freqs=[1e6], amps=[1.0])
    with pytest.raises(ValueError, match="same length"):
        b.define("x", logical_channel="H", freqs=[1e6, 2e6], amps=[1.0])
    with pytest.raises(ValueError, match="loop=N"):
        b.segment("s", "loop_n")
    with pytest.raises(ValueError, match="phase_mode"):
        b.segment("s", phase_mode="sometimes")
    b.segment("s")
    with pytest.raises(KeyError):
        b.tones("Z")
    with pytest.raises(ValueError, match="kind"):
        b.tones("H").move(df=1e6, time=1e-6, kind="cubic")
    with pytest.raises(ValueError, match="requires tau"):
        b.tones("H").ramp_amp_to(amps=1.0, time=1e-6, kind="exp")
    with pytest.raises(ValueError, match="only valid"):
        b.tones("H").ramp_amp_to(amps=1.0, time=1e-6, tau=1e-6)
    with pytest.raises(ValueError, match="non-empty"):
        b.tones("H").remove_tones(idxs=[])
    with pytest.raises(ValueError, match="no ops"):
        b.parallel(lambda p: None)
    with pytest.raises(RuntimeError, match="No segments"):
        awgsf.AWGProgramBuilder().build_intent_ir()


def test_parallel_checks_and_failing_blocks_record_nothing():
    b = (
        awgsf.AWGProgramBuilder().logical_channel("H").logical_channel("V")
        .define("h", logical_channel="H", freqs=[90e6], amps=[100.0])
        .define("v", logical_channel="V", freqs=[90e6], amps=[100.0])
        .segment("s").tones("H").use_def("h").tones("V").use_def("v")
    )
    with pytest.raises(ValueError, match="same time"):
        b.parallel(lambda p: (p.tones("H").move(df=1, time=1e-6), p.tones("V").move(df=1, time=2e-6)))
    with pytest.raises(ValueError, match="multiple timed ops"):
        b.parallel(lambda p: (p.tones("H").move(df=1, time=1e-6), p.tones("H").move(df=2, time=1e-6)))

    def boom(p):
        p.tones("H").move(df=1, time=1e-6)
        raise ZeroDivisionError("inside the block")

    with pytest.raises(ZeroDivisionError):
        b.parallel(boom)
    kept = []
    with pytest.raises(RuntimeError, match="parallel"):
        b.parallel(lambda p: kept.append(p) or p.tones("H").segment("x"))
    with pytest.raises(RuntimeError, match="after its parallel"):
        kept[0].tones("H").move(df=1, time=1e-6)
    ir = b.hold(time=10e-6).build_intent_ir()
    ops = ir.encode()["segments"][0]["ops"]
    assert [o["op"] for o in ops] == ["UseDefOp", "UseDefOp", "HoldOp"]


def test_invalid_programs_raise_program_error_naming_the_place():
    b = (
        awgsf.AWGProgramBuilder().logical_channel("H")
        .define("d", logical_channel="H", freqs=[90e6], amps=[100.0])
        .segment("first").tones("H").use_def("d").hold(time=10e-6)
        .segment("second").tones("H").use_def("nope").hold(time=10e-6)
    )
    with pytest.raises(awgsf.ProgramError) as e:
        b.build_intent_ir()
    assert isinstance(e.value, awgsf.AwgsfError)
    assert e.value.exit_code == 3
    msg = str(e.value)
    assert msg.startswith("program error: ")
    assert "second" in msg and "nope" in msg
