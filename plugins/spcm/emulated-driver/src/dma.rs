//! Data transfers between host buffers and segment memory (`M2CMD_DATA_STARTDMA`).

use crate::card::{EmuCard, Fail};
use crate::regs::*;

impl EmuCard {
    /// Runs the defined transfer into or out of the addressed segment.
    pub(crate) fn dma(&mut self, cmd: i64) -> Result<(), Fail> {
        let fail = |code: u32, text: String| Err(Fail::new(code, SPC_M2CMD, cmd, text));
        let Some(t) = self.transfer else {
            return fail(
                ERR_SEQUENCE,
                "DMA started without a buffer defined by spcm_dwDefTransfer_i64".to_string(),
            );
        };
        if self.reg(SPC_CARDMODE) != SPC_REP_STD_SEQUENCE {
            return fail(
                ERR_SEQUENCE,
                "the emulated card transfers data only in sequence replay mode".to_string(),
            );
        }
        let segment = self.reg(SPC_SEQMODE_WRITESEGMENT) as u32;
        let Some(size) = self.sizes.get(&segment).copied() else {
            return fail(
                ERR_SEQUENCE,
                format!("segment {segment} has no size; write SPC_SEQMODE_SEGMENTSIZE first"),
            );
        };
        let frame = self.frame_bytes() as u64;
        let segment_bytes = size as u64 * frame;
        if t.offset % frame != 0 || t.bytes % frame != 0 {
            return fail(
                ERR_VALUE,
                format!(
                    "transfer of {} bytes at offset {} is not whole samples of {frame} bytes",
                    t.bytes, t.offset
                ),
            );
        }
        if t.offset + t.bytes > segment_bytes {
            return fail(
                ERR_VALUE,
                format!(
                    "transfer of {} bytes at offset {} exceeds segment {segment} ({segment_bytes} bytes)",
                    t.bytes, t.offset
                ),
            );
        }
        if t.direction == SPCM_DIR_CARDTOPC && self.reg(SPC_MEMTEST) != 1 {
            return fail(
                ERR_DIRMISMATCH,
                "card-to-PC transfers on a generator need SPC_MEMTEST = 1".to_string(),
            );
        }
        let timeout = self.faults.dma_timeout == Some(self.dma_count);
        self.dma_count += 1;
        let len = if timeout { t.bytes / 2 } else { t.bytes } as usize;
        let start = t.offset as usize;
        let Some(memory) = self.memory.get_mut(&segment) else {
            return fail(
                ERR_INTERNAL_ERROR,
                format!("segment {segment} has a size but no memory"),
            );
        };
        let host = t.ptr as *mut u8;
        // SAFETY: the caller of spcm_dwDefTransfer_i64 promised `bytes` valid bytes at
        // `ptr` until the transfer ends, as with the vendor driver; `start + len` lies
        // inside the segment (checked above).
        unsafe {
            if t.direction == SPCM_DIR_PCTOCARD {
                std::ptr::copy_nonoverlapping(host, memory.as_mut_ptr().add(start), len);
            } else {
                std::ptr::copy_nonoverlapping(memory.as_ptr().add(start), host, len);
            }
        }
        if timeout {
            self.faults.dma_timeout = None;
            return fail(
                ERR_TIMEOUT,
                format!(
                    "timeout: DMA transfer of segment {segment} stopped after {len} of {} bytes",
                    t.bytes
                ),
            );
        }
        Ok(())
    }
}
