"""A parameter scan through hot swaps: the card keeps playing while one segment's
tweezer move distance changes from point to point.

    python examples/python/parameter_scan.py [--config configs/default.toml] [--points 5]

Each point builds the program with the reference library's builder, swaps it in
(`Session.swap` rewrites only the segments whose samples changed, while the card
plays), triggers the sequence and reads the card's status. On a real rig, take
the measurement where the comment says so.
"""

import argparse

import numpy as np

import awgsf


def program(move_hz: float) -> awgsf.IntentIR:
    """Two tweezer columns; `move` shifts the first H tone by `move_hz` and back."""
    return (
        awgsf.AWGProgramBuilder()
        .logical_channel("H")
        .logical_channel("V")
        .define("init_H", logical_channel="H", freqs=[90e6, 100e6], amps=[250.0, 250.0])
        .define("init_V", logical_channel="V", freqs=[100e6], amps=[300.0])
        .segment("wait", mode="wait_trig")
        .tones("H").use_def("init_H")
        .tones("V").use_def("init_V")
        .hold(time=200e-6)
        .segment("move")
        .tones("H").move(df=move_hz, time=100e-6, idxs=[0], kind="min_jerk")
        .segment("hold", mode="loop_n", loop=10)
        .hold(time=40e-6)
        .segment("back")
        .tones("H").move(df=-move_hz, time=100e-6, idxs=[0], kind="min_jerk")
        .build_intent_ir()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.toml")
    parser.add_argument("--points", type=int, default=5)
    args = parser.parse_args()

    scan = np.linspace(0.5e6, 2.5e6, args.points)
    with awgsf.Session(args.config) as session:
        report = session.run(program(scan[0]))
        print(f"running {report['segments']} segments on {report['card']}")
        for move_hz in scan[1:]:
            swap = session.swap(program(move_hz))
            how = "full upload: " + swap["reason"] if swap["full_upload"] else "hot swap"
            print(
                f"move {move_hz / 1e6:4.2f} MHz: {how}, rewrote {swap['uploaded']} "
                f"in {swap['elapsed_s'] * 1e3:.1f} ms"
            )
            session.force_trigger()
            status = session.status()
            # ... take the measurement for this point here ...
            assert status["running"], status
        check = session.verify()
        print("continuity:", check["summary"])


if __name__ == "__main__":
    main()
