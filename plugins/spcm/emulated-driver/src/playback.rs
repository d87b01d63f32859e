//! `SPC_M2CMD` commands and the replay model: start, triggers, step changes, stop.
//!
//! Time is not modelled. A trigger starts replay at the start step; replay then runs
//! through steps that end by themselves until it reaches a step that waits for a
//! trigger (which the next trigger ends) or a step marked end-of-sequence (after
//! which the card is ready again).

use std::collections::BTreeSet;

use crate::card::{EmuCard, Fail};
use crate::regs::*;

/// Every command bit the emulated card understands.
const KNOWN_COMMANDS: i64 = M2CMD_CARD_RESET
    | M2CMD_CARD_WRITESETUP
    | M2CMD_CARD_START
    | M2CMD_CARD_ENABLETRIGGER
    | M2CMD_CARD_FORCETRIGGER
    | M2CMD_CARD_DISABLETRIGGER
    | M2CMD_CARD_STOP
    | M2CMD_CARD_WAITTRIGGER
    | M2CMD_CARD_WAITREADY
    | M2CMD_DATA_STARTDMA
    | M2CMD_DATA_WAITDMA
    | M2CMD_DATA_STOPDMA;

impl EmuCard {
    /// Executes an `SPC_M2CMD` write.
    pub(crate) fn command(&mut self, cmd: i64) -> Result<(), Fail> {
        let fail = |code: u32, text: &str| Err(Fail::new(code, SPC_M2CMD, cmd, text));
        if cmd & !KNOWN_COMMANDS != 0 {
            return Err(Fail::new(
                ERR_VALUE,
                SPC_M2CMD,
                cmd,
                format!("unknown command bits 0x{:x}", cmd & !KNOWN_COMMANDS),
            ));
        }
        if cmd & M2CMD_CARD_RESET != 0 {
            self.reset_state();
        }
        if cmd & M2CMD_CARD_STOP != 0 {
            self.play = Default::default();
            self.play.step = self.reg(SPC_SEQMODE_STARTSTEP) as u32;
        }
        if cmd & M2CMD_DATA_STARTDMA != 0 {
            self.dma(cmd)?;
        }
        if cmd & M2CMD_CARD_START != 0 {
            self.start(cmd)?;
        }
        if cmd & M2CMD_CARD_ENABLETRIGGER != 0 {
            if !self.play.running {
                return fail(ERR_SEQUENCE, "trigger enabled before the card was started");
            }
            self.play.armed = true;
        }
        if cmd & M2CMD_CARD_DISABLETRIGGER != 0 {
            self.play.armed = false;
        }
        if cmd & M2CMD_CARD_FORCETRIGGER != 0 {
            if !self.play.running || !self.play.armed {
                return fail(
                    ERR_SEQUENCE,
                    "force trigger needs a started card with the trigger enabled",
                );
            }
            self.trigger();
        }
        if cmd & M2CMD_CARD_WAITTRIGGER != 0 && self.play.running && !self.play.triggered {
            return fail(ERR_TIMEOUT, "timeout waiting for a trigger");
        }
        if cmd & M2CMD_CARD_WAITREADY != 0 && self.play.running {
            return fail(ERR_TIMEOUT, "timeout waiting for the card to finish replay");
        }
        Ok(())
    }

    fn start(&mut self, cmd: i64) -> Result<(), Fail> {
        let fail = |code: u32, text: String| Err(Fail::new(code, SPC_M2CMD, cmd, text));
        if self.play.running {
            return fail(ERR_RUNNING, "card already running".to_string());
        }
        if self.reg(SPC_CARDMODE) != SPC_REP_STD_SEQUENCE {
            return fail(
                ERR_SEQUENCE,
                "the emulated card replays only in sequence mode (SPC_REP_STD_SEQUENCE)"
                    .to_string(),
            );
        }
        if self.reg(SPC_SEQMODE_MAXSEGMENTS) == 0 {
            return fail(
                ERR_SEQUENCE,
                "SPC_SEQMODE_MAXSEGMENTS never written".to_string(),
            );
        }
        let start = self.reg(SPC_SEQMODE_STARTSTEP) as u32;
        let mut seen = BTreeSet::new();
        let mut step = start;
        while seen.insert(step) {
            let Some(word) = self.steps.get(&step).copied() else {
                return fail(
                    ERR_SEQUENCE,
                    format!("step {step} (reached from start step {start}) was never written"),
                );
            };
            let segment = (word & SPCSEQ_SEGMENTMASK) as u32;
            if !self.sizes.contains_key(&segment) {
                return fail(
                    ERR_SEQUENCE,
                    format!("step {step} plays segment {segment}, which holds no data"),
                );
            }
            if (word >> 32) & SPCSEQ_END != 0 {
                break;
            }
            step = ((word & SPCSEQ_NEXTSTEPMASK) >> 16) as u32;
        }
        self.play = Default::default();
        self.play.running = true;
        self.play.step = start;
        Ok(())
    }

    /// One trigger event.
    fn trigger(&mut self) {
        if !self.play.triggered {
            self.play.triggered = true;
            self.settle();
            return;
        }
        let word = self.step_word(self.play.step);
        if (word >> 32) & SPCSEQ_ENDLOOPONTRIG != 0 {
            self.advance(word);
            self.settle();
        }
    }

    /// Runs through self-ending steps until a waiting step or the end.
    fn settle(&mut self) {
        for _ in 0..=self.steps.len() {
            let word = self.step_word(self.play.step);
            if (word >> 32) & SPCSEQ_END != 0 {
                self.play.running = false;
                return;
            }
            if (word >> 32) & SPCSEQ_ENDLOOPONTRIG != 0 {
                return;
            }
            self.advance(word);
        }
    }

    fn advance(&mut self, word: u64) {
        self.play.step = ((word & SPCSEQ_NEXTSTEPMASK) >> 16) as u32;
        self.play.step_changed = true;
    }

    fn step_word(&self, step: u32) -> u64 {
        self.steps.get(&step).copied().unwrap_or(0)
    }
}
