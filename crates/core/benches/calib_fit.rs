//! Time of fitting the sin² calibration to the two measured AOD data sets
//! (`tests/data/calibrations/814_{H,V}_*.de.json`, 160 frequencies x 120 amplitudes),
//! reading included, with the default options (degree 6/6). The reference library
//! takes 4.6 s (H) and 3.4 s (V) for the same fits.

use std::path::PathBuf;

use awgsf_core::calib::{fit_files, FitInput, FitOptions};
use criterion::{criterion_group, criterion_main, Criterion};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/calibrations")
        .join(name)
}

fn bench_fits(c: &mut Criterion) {
    let mut group = c.benchmark_group("calib_fit");
    group.sample_size(20);
    for (label, file) in [
        ("814_H", "814_H_calFile_17.02.2022.de.json"),
        ("814_V", "814_V_calFile_17.02.2022.de.json"),
    ] {
        let inputs = [FitInput::new(data(file))];
        let opts = FitOptions::default();
        let report = fit_files(&inputs, &opts).expect("fit succeeds");
        let s = &report.channels[0].stats;
        eprintln!(
            "{label}: rmse {:.6} max|res| {:.6} evaluations {}",
            s.rmse, s.max_abs_residual, s.evaluations
        );
        group.bench_function(label, |b| {
            b.iter(|| fit_files(&inputs, &opts).expect("fit succeeds"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_fits);
criterion_main!(benches);
