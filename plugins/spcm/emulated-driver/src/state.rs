//! JSON views of a card for tests: its state and its call log.

use serde_json::{json, Map, Value};

use crate::card::EmuCard;

/// FNV-1a 64-bit hash, to compare segment contents without dumping them.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl EmuCard {
    /// `{open, running, triggered, current_step, registers, segments, steps, pending_error}`.
    pub fn state_json(&self) -> Value {
        let registers: Map<String, Value> = self
            .regs
            .iter()
            .map(|(r, v)| (r.to_string(), json!(v)))
            .collect();
        let segments: Map<String, Value> = self
            .sizes
            .iter()
            .map(|(s, n)| {
                let hash = self.memory.get(s).map_or(0, |m| fnv1a64(m));
                (
                    s.to_string(),
                    json!({ "samples": n, "fnv1a64": format!("{hash:016x}") }),
                )
            })
            .collect();
        let steps: Map<String, Value> = self
            .steps
            .iter()
            .map(|(i, w)| (i.to_string(), json!(format!("0x{w:016x}"))))
            .collect();
        json!({
            "open": self.open,
            "running": self.play.running,
            "armed": self.play.armed,
            "triggered": self.play.triggered,
            "current_step": self.play.step,
            "registers": registers,
            "segments": segments,
            "steps": steps,
            "pending_error": self.pending.as_ref().map(|f| json!({
                "code": f.code, "reg": f.reg, "value": f.value, "text": f.text
            })),
        })
    }

    /// The call log as a JSON array.
    pub fn log_json(&self) -> String {
        serde_json::to_string(&self.log).unwrap_or_else(|e| format!("\"{e}\""))
    }
}
