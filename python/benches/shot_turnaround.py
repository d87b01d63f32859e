"""Per-shot turnaround of a scan step from Python: change one amplitude, and the
changed segments are on the (simulated) card.

    python python/benches/shot_turnaround.py [--config configs/default.toml]
        [--preset recreate_mol_exp] [--shots 50] [--json]

The program is played once (`Session.run`); then every shot edits one amplitude
(the first tone of the first definition, alternating between two values, so each
shot really changes samples) and calls `Session.swap` with continuity verification off, as
a scan loop between shots would. A shot's time is measured in Python around the
whole call: decoding the edited program, diffing it against what the card
plays, rendering the changed segments and writing them to the card. Prints the
median, p90 and maximum over the shots (after one warm-up shot), and what each
swap rewrote.
"""

import argparse
import json
import statistics
import time

import awgsf


def edited(base: dict, amp: float) -> awgsf.IntentIR:
    """`base` (an encoded program) with its first definition's first amplitude set to `amp`."""
    d = json.loads(json.dumps(base))
    first = next(iter(d["definitions"].values()))
    first["amps"][0] = amp
    return awgsf.IntentIR.decode(d)


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.toml")
    parser.add_argument("--preset", default="recreate_mol_exp")
    parser.add_argument("--shots", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.shots < 1:
        parser.error("--shots must be at least 1")

    base = awgsf.IntentIR.preset(args.preset).encode()
    amps = (111.0, 123.0)
    times = []
    in_swap = []
    uploaded = set()
    with awgsf.Session(args.config) as session:
        session.run(args.preset)
        for shot in range(args.shots + 1):
            program = edited(base, amps[shot % 2])
            start = time.perf_counter()
            swap = session.swap(program, verify=False)
            elapsed = time.perf_counter() - start
            if swap["full_upload"]:
                raise SystemExit(f"shot {shot} was a full upload: {swap['reason']}")
            if not swap["uploaded"]:
                raise SystemExit(f"shot {shot} rewrote nothing")
            uploaded.update(swap["uploaded"])
            if shot > 0:  # the first shot warms caches and is left out
                times.append(elapsed)
                in_swap.append(swap["elapsed_s"])
        card = session.card

    result = {
        "preset": args.preset,
        "card": card,
        "shots": len(times),
        "segments_rewritten": sorted(uploaded),
        "turnaround_p50_s": statistics.median(times),
        "turnaround_p90_s": percentile(times, 0.9),
        "turnaround_max_s": max(times),
        "swap_p50_s": statistics.median(in_swap),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.preset} on {card}: {len(times)} shots, each rewrote {', '.join(sorted(uploaded))}")
    for key in ("p50", "p90", "max"):
        print(f"  turnaround {key}: {result[f'turnaround_{key}_s'] * 1e3:.2f} ms")
    print(f"  of which inside the swap (median): {result['swap_p50_s'] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
