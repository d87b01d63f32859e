"""An ARTIQ-controller-style driver: a plain class whose methods take and return
plain data (strings, numbers, dicts), so an RPC server can expose it unchanged.

    python examples/python/artiq_controller.py [--config configs/default.toml]

runs a short self-test. To serve it to ARTIQ experiments with sipyco (not needed
here):

    from sipyco.pc_rpc import simple_server_loop
    simple_server_loop({"awgsf": AWGSFController("rig.toml")}, "::1", 3280)

and in an experiment: `self.setattr_device("awgsf")`, then
`self.awgsf.load_preset("recreate_mol_exp")`, `self.awgsf.swap_json(text)`, ...
"""

import argparse
import json
import threading

import awgsf


class AWGSFController:
    """One card session behind a lock (RPC servers may call from several threads)."""

    def __init__(self, config: str):
        self._lock = threading.Lock()
        self._session = awgsf.Session(config)
        self._program = None

    def ping(self) -> bool:
        """Liveness check used by controller managers."""
        return not self._session.closed

    def load_preset(self, name: str) -> dict:
        """Compiles, uploads and starts a built-in program; returns a summary."""
        return self._run(awgsf.IntentIR.preset(name))

    def load_json(self, text: str) -> dict:
        """Runs a program given as reference-layout JSON text (IntentIR.to_json)."""
        return self._run(awgsf.IntentIR.from_json(text))

    def swap_json(self, text: str) -> dict:
        """Hot-swaps a changed program; returns what was rewritten and how long it took."""
        program = awgsf.IntentIR.from_json(text)
        with self._lock:
            report = self._session.swap(program)
            self._program = program
        return {
            "full_upload": report["full_upload"],
            "reason": report["reason"],
            "uploaded": report["uploaded"],
            "elapsed_s": report["elapsed_s"],
        }

    def set_amplitude(self, definition: str, amp: float) -> dict:
        """Sets every tone of one definition to `amp` in the playing program."""
        with self._lock:
            if self._program is None:
                raise RuntimeError("no program loaded")
            data = self._program.encode()
        data["definitions"][definition]["amps"] = [amp] * len(data["definitions"][definition]["amps"])
        return self.swap_json(json.dumps(data))

    def trigger(self) -> None:
        """Software trigger: a waiting step moves on."""
        with self._lock:
            self._session.force_trigger()

    def status(self) -> dict:
        """The card's state and the digest of the program it plays."""
        with self._lock:
            status = self._session.status()
            status["digest"] = self._program.digest() if self._program else None
        return status

    def close(self) -> None:
        """Stops and releases the card."""
        with self._lock:
            self._session.close()

    def _run(self, program: awgsf.IntentIR) -> dict:
        with self._lock:
            report = self._session.run(program)
            self._program = program
        return {
            "digest": report["digest"],
            "segments": report["segments"],
            "duration_s": report["duration_s"],
            "continuity": report["continuity"]["discontinuities"] if report["continuity"] else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/default.toml")
    args = parser.parse_args()
    ctl = AWGSFController(args.config)
    try:
        assert ctl.ping()
        loaded = ctl.load_preset("recreate_mol_exp")
        print("loaded", loaded["digest"][:16], f"{loaded['segments']} segments")
        first_def = next(iter(awgsf.IntentIR.preset("recreate_mol_exp").definitions))
        swapped = ctl.set_amplitude(first_def, 200.0)
        print("swapped", swapped["uploaded"], f"in {swapped['elapsed_s'] * 1e3:.1f} ms")
        ctl.trigger()
        print("status", ctl.status())
    finally:
        ctl.close()
    assert not ctl.ping()


if __name__ == "__main__":
    main()
