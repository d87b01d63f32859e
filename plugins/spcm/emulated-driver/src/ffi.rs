//! The exported C functions: the vendor driver's entry points, and `spcm_emu_*`
//! functions through which tests set the card up, inject failures and read the log.
//!
//! Every function catches panics (a panic must not unwind into C) and reports
//! `ERR_INTERNAL_ERROR` instead.

use std::ffi::{c_char, c_void, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::card::RegisterFault;
use crate::config::CardConfig;
use crate::emulator::global;
use crate::regs::*;

fn guard<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Reads a C string argument.
///
/// # Safety
/// `s` is null or points to a NUL-terminated string.
unsafe fn text<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        None
    } else {
        // SAFETY: non-null and NUL-terminated per the caller's contract.
        unsafe { CStr::from_ptr(s) }.to_str().ok()
    }
}

fn on_handle(h: *mut c_void, f: impl FnOnce(&mut crate::card::EmuCard) -> u32) -> u32 {
    guard(ERR_INTERNAL_ERROR, || {
        global()
            .with_handle(h as usize, f)
            .unwrap_or(ERR_INVALIDHANDLE)
    })
}

/// Writes `s` (cut to `cap - 1` bytes) and a NUL into `buf`; returns the full length.
///
/// # Safety
/// `buf` is null or valid for `cap` bytes.
unsafe fn copy_out(s: &str, buf: *mut c_char, cap: u64) -> i64 {
    if !buf.is_null() && cap > 0 {
        let n = s.len().min(cap as usize - 1);
        // SAFETY: `buf` holds `cap > n` bytes per the caller's contract.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
    }
    s.len() as i64
}

/// `drv_handle spcm_hOpen(const char* device)`.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn spcm_hOpen(device: *const c_char) -> *mut c_void {
    // SAFETY: forwarded caller contract.
    let device = unsafe { text(device) }.unwrap_or("");
    guard(std::ptr::null_mut(), || {
        global()
            .open(device)
            .map_or(std::ptr::null_mut(), |h| h as *mut c_void)
    })
}

/// `void spcm_vClose(drv_handle)`.
#[no_mangle]
pub extern "system" fn spcm_vClose(h: *mut c_void) {
    guard((), || global().close(h as usize));
}

/// `uint32 spcm_dwSetParam_i32(drv_handle, int32 reg, int32 value)`.
#[no_mangle]
pub extern "system" fn spcm_dwSetParam_i32(h: *mut c_void, reg: i32, value: i32) -> u32 {
    on_handle(h, |c| c.set("spcm_dwSetParam_i32", reg, i64::from(value)))
}

/// `uint32 spcm_dwSetParam_i64(drv_handle, int32 reg, int64 value)`.
#[no_mangle]
pub extern "system" fn spcm_dwSetParam_i64(h: *mut c_void, reg: i32, value: i64) -> u32 {
    on_handle(h, |c| c.set("spcm_dwSetParam_i64", reg, value))
}

/// `uint32 spcm_dwGetParam_i32(drv_handle, int32 reg, int32* value)`.
///
/// # Safety
/// `value` is null or valid for one write.
#[no_mangle]
pub unsafe extern "system" fn spcm_dwGetParam_i32(
    h: *mut c_void,
    reg: i32,
    value: *mut i32,
) -> u32 {
    on_handle(h, |c| {
        let (rc, v) = c.get("spcm_dwGetParam_i32", reg, true);
        if rc == ERR_OK && !value.is_null() {
            // SAFETY: non-null and writable per the caller's contract; `v` fits (checked).
            unsafe { *value = v as i32 };
        }
        rc
    })
}

/// `uint32 spcm_dwGetParam_i64(drv_handle, int32 reg, int64* value)`.
///
/// # Safety
/// `value` is null or valid for one write.
#[no_mangle]
pub unsafe extern "system" fn spcm_dwGetParam_i64(
    h: *mut c_void,
    reg: i32,
    value: *mut i64,
) -> u32 {
    on_handle(h, |c| {
        let (rc, v) = c.get("spcm_dwGetParam_i64", reg, false);
        if rc == ERR_OK && !value.is_null() {
            // SAFETY: non-null and writable per the caller's contract.
            unsafe { *value = v };
        }
        rc
    })
}

/// `uint32 spcm_dwDefTransfer_i64(drv_handle, uint32 buffer_type, uint32 direction,
/// uint32 notify, void* buffer, uint64 offset, uint64 length)`.
///
/// # Safety
/// `buffer` stays valid for `length` bytes until the transfer has run or the
/// definition is replaced or invalidated, as with the vendor driver.
#[no_mangle]
pub unsafe extern "system" fn spcm_dwDefTransfer_i64(
    h: *mut c_void,
    buffer_type: u32,
    direction: u32,
    notify: u32,
    buffer: *mut c_void,
    offset: u64,
    length: u64,
) -> u32 {
    on_handle(h, |c| {
        c.def_transfer(
            buffer_type,
            direction,
            notify,
            buffer as usize,
            offset,
            length,
        )
    })
}

/// `uint32 spcm_dwInvalidateBuf(drv_handle, uint32 buffer_type)`.
#[no_mangle]
pub extern "system" fn spcm_dwInvalidateBuf(h: *mut c_void, buffer_type: u32) -> u32 {
    on_handle(h, |c| c.invalidate(buffer_type))
}

/// `uint32 spcm_dwGetErrorInfo_i32(drv_handle, uint32* reg, int32* value, char text[ERRORTEXTLEN])`.
/// With a null handle: the last failure of `spcm_hOpen`.
///
/// # Safety
/// Each pointer is null or valid for its write (`text`: `ERRORTEXTLEN` bytes).
#[no_mangle]
pub unsafe extern "system" fn spcm_dwGetErrorInfo_i32(
    h: *mut c_void,
    reg: *mut u32,
    value: *mut i32,
    text_out: *mut c_char,
) -> u32 {
    guard(ERR_INTERNAL_ERROR, || {
        let mut emu = global();
        let fail = if h.is_null() {
            emu.take_open_error()
        } else {
            match emu.with_handle(h as usize, |c| c.take_error()) {
                Some(f) => f,
                None => return ERR_INVALIDHANDLE,
            }
        };
        let (code, r, v, t) = fail.map_or((ERR_OK, 0, 0, String::new()), |f| {
            (f.code, f.reg, f.value, f.text)
        });
        // SAFETY: each pointer is null or valid per the caller's contract.
        unsafe {
            if !reg.is_null() {
                *reg = r as u32;
            }
            if !value.is_null() {
                *value = v as i32;
            }
            copy_out(&t, text_out, ERRORTEXTLEN as u64);
        }
        code
    })
}

/// Puts a fresh card at `device`: `config_json` (null or empty for the default
/// M4i.6622-x8) sets what it is. Clears log, memory, registers and faults.
/// Returns 0, or -1 (reason on stderr) for a bad argument.
///
/// # Safety
/// Both arguments are null or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_reset(device: *const c_char, config_json: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    let (device, config) = unsafe { (text(device), text(config_json).unwrap_or("")) };
    guard(-1, || {
        let Some(device) = device else {
            eprintln!("spcm_emu_reset: device string missing or not UTF-8");
            return -1;
        };
        match CardConfig::from_json(config) {
            Ok(config) => {
                global().reset_card(device, config);
                0
            }
            Err(e) => {
                eprintln!("spcm_emu_reset({device}): {e}");
                -1
            }
        }
    })
}

/// Runs `f` on the card at `device`; -1 when there is none.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
unsafe fn on_device(
    device: *const c_char,
    f: impl FnOnce(&mut crate::card::EmuCard) -> i32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    let device = unsafe { text(device) };
    guard(-1, || {
        let mut emu = global();
        match device.and_then(|d| emu.card_mut(d)) {
            Some(card) => f(card),
            None => -1,
        }
    })
}

/// Removes the card at `device` (opens then fail with `ERR_BOARDNOTFOUND`). 0 or -1.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_remove(device: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    let device = unsafe { text(device) };
    guard(-1, || match device {
        Some(d) if global().remove_card(d) => 0,
        _ => -1,
    })
}

/// Makes every `spcm_hOpen(device)` fail with `error_code` (0 lifts it). 0 or -1.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_fail_open(device: *const c_char, error_code: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        on_device(device, |c| {
            c.faults.open = error_code;
            0
        })
    }
}

/// Makes the write of `reg` fail with `error_code` after `skip` successful writes of
/// it (counted from now). One-shot. 0 or -1.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_fail_register(
    device: *const c_char,
    reg: i32,
    skip: u32,
    error_code: u32,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        on_device(device, |c| {
            let seen = c.write_counts.get(&reg).copied().unwrap_or(0);
            c.faults.registers.push(RegisterFault {
                reg,
                skip: seen + skip,
                code: error_code,
            });
            0
        })
    }
}

/// Makes the DMA transfer after `skip` more transfers time out (`ERR_TIMEOUT`, half
/// the data written). One-shot. 0 or -1.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_dma_timeout(device: *const c_char, skip: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        on_device(device, |c| {
            c.faults.dma_timeout = Some(c.dma_count + skip);
            0
        })
    }
}

/// 1 when the card at `device` replays, 0 when not, -1 when there is no card.
///
/// # Safety
/// `device` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_is_running(device: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { on_device(device, |c| i32::from(c.running())) }
}

/// Copies a JSON text of the card into `buf` (NUL-terminated, cut to `cap`).
///
/// # Safety
/// `device` is null or a NUL-terminated string; `buf` is null or valid for `cap` bytes.
unsafe fn json_out(
    device: *const c_char,
    buf: *mut c_char,
    cap: u64,
    view: fn(&crate::card::EmuCard) -> String,
) -> i64 {
    // SAFETY: forwarded caller contract.
    let device = unsafe { text(device) };
    guard(-1, || {
        let emu = global();
        match device.and_then(|d| emu.card(d)) {
            // SAFETY: forwarded caller contract.
            Some(card) => unsafe { copy_out(&view(card), buf, cap) },
            None => -1,
        }
    })
}

/// The call log of `device` as a JSON array: `[{"fn", "reg"?, "value"?, "device"?,
/// "transfer"?, "rc"}, ...]`. Returns its length in bytes (call again with a larger
/// buffer when it is not below `cap`), or -1 when there is no card.
///
/// # Safety
/// `device` is null or a NUL-terminated string; `buf` is null or valid for `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_call_log_json(
    device: *const c_char,
    buf: *mut c_char,
    cap: u64,
) -> i64 {
    // SAFETY: forwarded caller contract.
    unsafe { json_out(device, buf, cap, |c| c.log_json()) }
}

/// The state of `device` as a JSON object (see `EmuCard::state_json`); same return
/// convention as [`spcm_emu_call_log_json`].
///
/// # Safety
/// `device` is null or a NUL-terminated string; `buf` is null or valid for `cap` bytes.
#[no_mangle]
pub unsafe extern "C" fn spcm_emu_state_json(
    device: *const c_char,
    buf: *mut c_char,
    cap: u64,
) -> i64 {
    // SAFETY: forwarded caller contract.
    unsafe { json_out(device, buf, cap, |c| c.state_json().to_string()) }
}
