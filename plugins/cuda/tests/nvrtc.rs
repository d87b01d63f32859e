//! The kernel source compiles with NVRTC, wherever NVRTC is installed (no GPU or
//! driver needed): for the H100 (`sm_90`) and as PTX, without register spills.

use awgsf_cuda::cuda::driver::nvrtc_present;
use awgsf_cuda::cuda::nvrtc::{compile, supported_archs, version, Image};
use awgsf_cuda::kernel::SOURCE;

fn nvrtc_or_skip() -> bool {
    if nvrtc_present() {
        return true;
    }
    awgsf_test_kit::skip(
        "nvrtc",
        "NVRTC not found (set LD_LIBRARY_PATH to a CUDA toolkit's lib directory)",
    );
    false
}

/// `ptxas -v` reports spill stores and loads as "N bytes spill stores".
fn spill_bytes(log: &str) -> Vec<u64> {
    log.lines()
        .filter(|l| l.contains("spill stores") || l.contains("spill loads"))
        .flat_map(|l| {
            l.split(',')
                .filter(|part| part.contains("spill"))
                .filter_map(|part| part.split_whitespace().next()?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn compiles_for_the_h100_without_spills() {
    if !nvrtc_or_skip() {
        return;
    }
    let (major, minor) = version().expect("NVRTC version");
    let archs = supported_archs().expect("NVRTC architectures");
    if !archs.contains(&90) {
        awgsf_test_kit::skip(
            "nvrtc",
            &format!("NVRTC {major}.{minor} cannot compile for sm_90 ({archs:?})"),
        );
        return;
    }
    let c = compile(SOURCE, "sm_90").unwrap_or_else(|e| panic!("{e}"));
    eprintln!("NVRTC {major}.{minor}, sm_90:\n{}", c.log);
    match &c.image {
        Image::Cubin(bytes) => assert!(bytes.starts_with(b"\x7fELF"), "not an ELF binary"),
        Image::Ptx(_) => panic!("a real architecture must give a binary"),
    }
    let spills = spill_bytes(&c.log);
    assert!(
        !spills.is_empty(),
        "ptxas reported no resource usage:\n{}",
        c.log
    );
    assert!(
        spills.iter().all(|&b| b == 0),
        "register spills:\n{}",
        c.log
    );
}

#[test]
fn compiles_to_ptx_for_a_virtual_architecture() {
    if !nvrtc_or_skip() {
        return;
    }
    let c = compile(SOURCE, "compute_80").unwrap_or_else(|e| panic!("{e}"));
    match &c.image {
        Image::Ptx(text) => {
            assert!(text.contains(".target sm_80"));
            // The launch in cuda/device.rs passes ten 8-byte values: one table
            // pointer, six u64 and three output pointers.
            let entry = text
                .split(".entry awgsf_render(")
                .nth(1)
                .expect("no kernel entry in the PTX");
            let params = &entry[..entry.find(')').expect("end of the parameter list")];
            let kinds: Vec<&str> = params
                .split(',')
                .map(|p| p.split_whitespace().nth(1).unwrap_or(""))
                .collect();
            assert_eq!(kinds, vec![".u64"; 10], "kernel parameters: {params}");
        }
        Image::Cubin(_) => panic!("a virtual architecture must give PTX"),
    }
}

#[test]
fn reports_compile_errors_with_the_log() {
    if !nvrtc_or_skip() {
        return;
    }
    let broken = format!("{SOURCE}\nthis is not C++;\n");
    let e = compile(&broken, "compute_80").unwrap_err();
    assert!(e.contains("could not compile"), "{e}");
    assert!(
        e.contains("error"),
        "the log should be part of the message: {e}"
    );
}
