// Emulated launch: every thread of the grid, last to first (results must not
// depend on the order threads run in).
extern "C" void awgsf_emulate(const u64* tables, u64 n_spans, u64 spans_at, u64 parts_at,
                              u64 steady_at, u64 ramps_at, u64 total_cells, short* out16,
                              float* out32, u64* stats, u64 threads) {
    for (u64 g = threads; g-- > 0;) {
        awgsf_emu_gid = g;
        awgsf_render(tables, n_spans, spans_at, parts_at, steady_at, ramps_at, total_cells,
                     out16, out32, stats);
    }
}
