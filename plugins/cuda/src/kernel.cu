// Render kernel of the awgsf `cuda` synthesis backend.
//
// Compiled at run time by NVRTC. Every constant and record size comes from the
// host as a -D definition (see `kernel.rs`), so the two sides cannot drift: a
// mismatch fails the static_asserts below. The same source also compiles as
// plain C++ against an emulation prelude (AWGSF_EMULATION) so that the host's
// tests run it on a CPU.
//
// One thread renders one *cell*: AWGSF_CELL consecutive samples of one part of one
// channel, starting at a multiple of AWGSF_CELL from the part's first sample. Every
// tone is re-anchored at the cell's first sample with its exact phase (double-double
// closed form), so a sample's value depends only on the plan and its index, never on
// how the host split the range into jobs or batches.
//
//   steady tones (constant frequency and amplitude): y(i+1) = 2 cos(d) y(i) - y(i-1),
//       seeded with the exact phase; one FMA and one add per sample, in registers;
//   ramp tones: per-sample phase from the anchor plus a local polynomial (chirps) or
//       the same recurrence at unit amplitude (amplitude-only ramps), times the
//       interpolated amplitude, calibrated per sample on calibrated channels.
//
// All arithmetic is IEEE double; the host compiles with --fmad=false so that every
// fused multiply-add is an explicit fma().

#ifndef AWGSF_EMULATION
typedef unsigned long long u64;
typedef long long i64;
#define AWGSF_DEV static __device__ __forceinline__
#define AWGSF_KERNEL extern "C" __global__ void __launch_bounds__(AWGSF_BLOCK, AWGSF_MIN_BLOCKS)
#define AWGSF_RESTRICT __restrict__

AWGSF_DEV u64 awgsf_global_id() {
    return (u64)blockIdx.x * (u64)blockDim.x + (u64)threadIdx.x;
}
AWGSF_DEV u64 awgsf_bits(double x) { return (u64)__double_as_longlong(x); }
AWGSF_DEV void awgsf_atomic_add(u64* p, u64 v) { atomicAdd(p, v); }
// Non-negative doubles order like their bit patterns, so a max over u64 is exact
// and independent of the order in which threads arrive.
AWGSF_DEV void awgsf_atomic_max(u64* p, u64 v) {
    if (v > *(volatile u64*)p) atomicMax(p, v);
}
#endif

#define AWGSF_FRAC_2_PI 0.63661977236758134307553505349005744813783858296183

#if !defined(AWGSF_CELL) || !defined(AWGSF_SPAN_WORDS) || !defined(AWGSF_RAMP_WORDS)
#error "compile with the definitions from kernel.rs"
#endif

// ---------------------------------------------------------------- tables

struct Span {                 // one (part, requested range) pair
    u64 cell_begin;           // global index of its first cell
    u64 part;                 // index into the parts
    u64 first_cell;           // part-local index of its first cell
    u64 lo, hi;               // requested part-local samples [lo, hi)
    i64 out_origin;           // output element of part-local sample 0 (may be < 0)
    u64 stride;               // output elements per sample (channels)
    u64 slot;                 // statistics slot
    u64 out_kind;             // AWGSF_OUT_I16 or AWGSF_OUT_F32
    double full_scale_mv, full_scale, clip;
};

struct Part {
    u64 n;                    // samples
    u64 steady_begin, n_steady;
    u64 ramp_begin, n_ramp;
    u64 calib;                // word offset of the calibration, or AWGSF_NO_CALIB
    double inv_n_hi, inv_n_lo;   // 1 / n, double-double
    double inv_fs_hi, inv_fs_lo; // 1 / fs, double-double
};

struct Steady {
    double cps_hi, cps_lo;    // f / fs, double-double: cycles per sample
    double p0_turns;          // start phase / 2 pi
    double amp;               // mV
    double cos_d, sin_d;      // rotation of one sample
};

struct Ramp {
    u64 phase_mode;           // phase codes of layout.rs
    u64 amp_model;            // amplitude codes of layout.rs
    double amp_a, amp_b, amp_c;  // model parameters (see kernel.rs)
    double f0;                // start frequency, Hz
    double delta_hi, delta_lo;   // f1 - f0, double-double
    double p0_turns;
    double cps_hi, cps_lo;    // fixed frequency: f0 / fs
    double cos_d, sin_d;      // fixed frequency: rotation of one sample
    double cal_g, cal_v0;     // fixed frequency on a calibrated channel
    double amp_q;             // exp and geo models: ratio of the exponential per sample
};

struct CalibHead {
    double mid, inv_half, min_g, min_v0_sq, cap;
    u64 g_len, v0_len;        // coefficients follow: g then v0, highest power first
};

static_assert(sizeof(Span) == 8 * AWGSF_SPAN_WORDS, "Span layout differs from the host's");
static_assert(sizeof(Part) == 8 * AWGSF_PART_WORDS, "Part layout differs from the host's");
static_assert(sizeof(Steady) == 8 * AWGSF_STEADY_WORDS, "Steady layout differs from the host's");
static_assert(sizeof(Ramp) == 8 * AWGSF_RAMP_WORDS, "Ramp layout differs from the host's");
static_assert(sizeof(CalibHead) == 8 * AWGSF_CALIB_HEAD_WORDS, "CalibHead layout differs");

// ---------------------------------------------------------------- double-double

struct dd { double hi, lo; };

AWGSF_DEV dd two_sum(double a, double b) {
    double s = a + b;
    double bb = s - a;
    double e = (a - (s - bb)) + (b - bb);
    return dd{s, e};
}

AWGSF_DEV dd quick_two_sum(double a, double b) {
    double s = a + b;
    double e = b - (s - a);
    return dd{s, e};
}

AWGSF_DEV dd two_prod(double a, double b) {
    double p = a * b;
    return dd{p, fma(a, b, -p)};
}

AWGSF_DEV dd dd_add(dd a, dd b) {
    dd s = two_sum(a.hi, b.hi);
    dd t = two_sum(a.lo, b.lo);
    dd u = quick_two_sum(s.hi, s.lo + t.hi);
    return quick_two_sum(u.hi, u.lo + t.lo);
}

AWGSF_DEV dd dd_neg(dd a) { return dd{-a.hi, -a.lo}; }

AWGSF_DEV dd dd_mul(dd a, dd b) {
    dd p = two_prod(a.hi, b.hi);
    double e = p.lo + fma(a.hi, b.lo, a.lo * b.hi);
    return quick_two_sum(p.hi, e);
}

AWGSF_DEV dd dd_mul_d(dd a, double b) {
    dd p = two_prod(a.hi, b);
    double e = fma(a.lo, b, p.lo);
    return quick_two_sum(p.hi, e);
}

AWGSF_DEV dd dd_d(double x) { return dd{x, 0.0}; }

// a - floor(a) as a double in [0, 1).
AWGSF_DEV double dd_frac(dd a) {
    double r = (a.hi - floor(a.hi)) + a.lo;
    r = r - floor(r);
    return r >= 1.0 ? 0.0 : r;
}

// ---------------------------------------------------------------- phase

// Turns (phase / 2 pi mod 1) at part-local sample k of a tone of constant
// frequency: frac(p0 + k f / fs). k < 2^53, so (double)k is exact.
AWGSF_DEV double steady_turns(double cps_hi, double cps_lo, double p0_turns, u64 k) {
    dd c = dd_mul_d(dd{cps_hi, cps_lo}, (double)k);
    return dd_frac(dd_add(c, dd_d(p0_turns)));
}

// sum_{j<k} j / n, exactly enough: k (k - 1) / 2 is exact as a double-double.
AWGSF_DEV dd linear_shape_sum(u64 k, dd inv_n) {
    double kd = (double)k;
    double km1 = k > 0 ? (double)(k - 1) : 0.0;
    dd pairs = two_prod(kd, km1);
    pairs.hi *= 0.5;
    pairs.lo *= 0.5;
    return dd_mul(pairs, inv_n);
}

// sum_{j<k} s(j / n) for the minimum-jerk shape s(u) = 10u^3 - 15u^4 + 6u^5 (the
// Faulhaber sums collapsed in a = k / n; see awgsf-math's phase module).
AWGSF_DEV dd min_jerk_shape_sum(u64 k, u64 n, dd inv_n) {
    dd a = dd_mul_d(inv_n, (double)k);
    dd a2 = dd_mul(a, a);
    dd a3 = dd_mul(a2, a);
    dd a4 = dd_mul(a2, a2);
    dd oma = dd_add(dd_d(1.0), dd_neg(a));
    // a^4 (a^2 - 3a + 5/2) n
    dd t1 = dd_mul_d(dd_mul(a4, dd_add(dd_add(a2, dd_neg(dd_mul_d(a, 3.0))), dd_d(2.5))),
                     (double)n);
    // -a^3 (5 - 7.5 a + 3 a^2)
    dd t2 = dd_neg(dd_mul(a3, dd_add(dd_add(dd_d(5.0), dd_neg(dd_mul_d(a, 7.5))),
                                      dd_mul_d(a2, 3.0))));
    // 2.5 a^2 (1 - a)^2 / n
    dd t3 = dd_mul(dd_mul_d(dd_mul(a2, dd_mul(oma, oma)), 2.5), inv_n);
    // 0.5 a (1 - a) / n^3
    dd inv_n3 = dd_mul(dd_mul(inv_n, inv_n), inv_n);
    dd t4 = dd_mul(dd_mul_d(dd_mul(a, oma), 0.5), inv_n3);
    return dd_add(dd_add(t1, t2), dd_add(t3, t4));
}

// Turns at part-local sample k of a chirp (linear or minimum-jerk frequency).
AWGSF_DEV double chirp_turns(const Ramp& r, const Part& p, u64 k) {
    dd inv_n = dd{p.inv_n_hi, p.inv_n_lo};
    dd shape = r.phase_mode == AWGSF_PHASE_LINEAR ? linear_shape_sum(k, inv_n)
                                                  : min_jerk_shape_sum(k, p.n, inv_n);
    dd base = two_prod((double)k, r.f0);
    dd total = dd_add(base, dd_mul(shape, dd{r.delta_hi, r.delta_lo}));
    dd cycles = dd_mul(total, dd{p.inv_fs_hi, p.inv_fs_lo});
    return dd_frac(dd_add(cycles, dd_d(r.p0_turns)));
}

// Cycles advanced i samples after the anchor: c1 i + c2 i^2 + ... + c6 i^6.
struct LocalPoly { double c1, c2, c3, c4, c5, c6; };

AWGSF_DEV double min_jerk_shape(double u) {
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u));
}

// Taylor expansion of the frequency shape around the anchor, summed with the
// Faulhaber polynomials sum_{m<i} m^p (p = 0..5).
AWGSF_DEV LocalPoly local_poly(const Ramp& r, const Part& p, u64 anchor) {
    double inv_n = p.inv_n_hi;
    double u = (double)anchor * inv_n;
    double delta = r.delta_hi;
    double b0, b1, b2, b3, b4, b5;
    if (r.phase_mode == AWGSF_PHASE_LINEAR) {
        b0 = u; b1 = 1.0; b2 = 0.0; b3 = 0.0; b4 = 0.0; b5 = 0.0;
    } else {
        b0 = min_jerk_shape(u);
        b1 = 30.0 * u * u * (1.0 - u) * (1.0 - u);
        b2 = u * (30.0 + u * (-90.0 + 60.0 * u));
        b3 = 10.0 + u * (-60.0 + 60.0 * u);
        b4 = -15.0 + 30.0 * u;
        b5 = 6.0;
    }
    // Frequency (Hz) and its scaled derivatives at the anchor.
    double s1 = inv_n, s2 = s1 * inv_n, s3 = s2 * inv_n, s4 = s3 * inv_n, s5 = s4 * inv_n;
    double q0 = r.f0 + delta * b0;
    double q1 = delta * b1 * s1;
    double q2 = delta * b2 * s2;
    double q3 = delta * b3 * s3;
    double q4 = delta * b4 * s4;
    double q5 = delta * b5 * s5;
    // Faulhaber rows, accumulated in increasing power of m as in awgsf-math.
    double c1 = q0 + q1 * -0.5 + q2 * (1.0 / 6.0) + q4 * (-1.0 / 30.0);
    double c2 = q1 * 0.5 + q2 * -0.5 + q3 * 0.25 + q5 * (-1.0 / 12.0);
    double c3 = q2 * (1.0 / 3.0) + q3 * -0.5 + q4 * (1.0 / 3.0);
    double c4 = q3 * 0.25 + q4 * -0.5 + q5 * (5.0 / 12.0);
    double c5 = q4 * 0.2 + q5 * -0.5;
    double c6 = q5 * (1.0 / 6.0);
    double inv_fs = p.inv_fs_hi;
    return LocalPoly{c1 * inv_fs, c2 * inv_fs, c3 * inv_fs, c4 * inv_fs, c5 * inv_fs, c6 * inv_fs};
}

AWGSF_DEV double local_poly_eval(const LocalPoly& q, double i) {
    double acc = q.c6 * i;
    acc = (acc + q.c5) * i;
    acc = (acc + q.c4) * i;
    acc = (acc + q.c3) * i;
    acc = (acc + q.c2) * i;
    return (acc + q.c1) * i;
}

// sin(2 pi x) for x in turns of any size up to about 2^40.
AWGSF_DEV double sin_turns(double x) {
    double r = x - rint(x);
    return sinpi(2.0 * r);
}

// ---------------------------------------------------------------- amplitude

// The exponential of the exp and geo amplitude models at the cell's first sample k0
// (exact), stepped by amp_q per sample after it: at most 31 products, ~1e-14
// relative, and the same steps whichever samples of the cell are requested.
AWGSF_DEV double amp_exp_at(const Ramp& r, u64 k0, double inv_n) {
    switch (r.amp_model) {
    case AWGSF_AMP_EXP:
        return exp(-((double)k0 * r.amp_c));
    case AWGSF_AMP_GEO:
        return exp(r.amp_b * ((double)k0 * inv_n));
    default:
        return 1.0;
    }
}

// Requested amplitude of a ramp tone (mV, or optical power when calibrated) at
// part-local sample k, u = k / n; `ex` is the model's exponential at k.
AWGSF_DEV double ramp_amplitude(const Ramp& r, u64 k, double u, double ex) {
    switch (r.amp_model) {
    case AWGSF_AMP_LINEAR:
        return r.amp_a + r.amp_b * u;
    case AWGSF_AMP_MIN_JERK:
        return r.amp_a + r.amp_b * min_jerk_shape(u);
    case AWGSF_AMP_EXP:
        return r.amp_a + r.amp_b * ex;
    case AWGSF_AMP_STEP:
        return k == 0 ? r.amp_a : r.amp_b;
    case AWGSF_AMP_GEO:
        return r.amp_a * ex;
    case AWGSF_AMP_ADIABATIC: {
        double w = u * u * (3.0 - 2.0 * u);
        return 1.0 / ((1.0 - w) * r.amp_a + w * r.amp_b);
    }
    default:
        return r.amp_a;
    }
}

AWGSF_DEV double horner(const double* c, u64 len, double x) {
    double acc = 0.0;
    for (u64 j = 0; j < len; ++j) acc = acc * x + c[j];
    return acc;
}

// Calibration figures of the valid samples of one thread.
struct CalibFig {
    u64 clamped;
    double max_ratio;
};

// RF amplitude (mV) for optical power `power` at a sample whose reachable power and
// RF scale are g and v0 (sin^2 model); records the request in `fig`.
AWGSF_DEV double calibrated(const CalibHead& c, double g, double v0, double power,
                            bool valid, CalibFig& fig) {
    double ratio = (power > 0.0 ? power : 0.0) / g;
    double y = ratio < c.cap ? ratio : c.cap;
    if (valid) {
        fig.clamped += ratio > c.cap ? 1u : 0u;
        fig.max_ratio = ratio > fig.max_ratio ? ratio : fig.max_ratio;
    }
    return v0 * AWGSF_FRAC_2_PI * asin(sqrt(y));
}

// g and v0 of a calibration at frequency f.
AWGSF_DEV void calib_g_v0(const CalibHead& c, const double* coeffs, double f, double& g,
                          double& v0) {
    double x = (f - c.mid) * c.inv_half;
    x = x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
    double gp = horner(coeffs, c.g_len, x);
    g = gp > c.min_g ? gp : c.min_g;
    double a = horner(coeffs + c.g_len, c.v0_len, x);
    v0 = sqrt(a * a + c.min_v0_sq);
}

// ---------------------------------------------------------------- the kernel

// Adds one steady tone to the register accumulators.
#define AWGSF_STEADY_SEED(T, Y0, Y1, C2)                                         \
    {                                                                            \
        double tn = steady_turns((T).cps_hi, (T).cps_lo, (T).p0_turns, k0);      \
        double sn, cs;                                                           \
        sincospi(2.0 * tn, &sn, &cs);                                            \
        Y0 = (T).amp * sn;                                                       \
        double x0 = (T).amp * cs;                                                \
        Y1 = fma(Y0, (T).cos_d, x0 * (T).sin_d);                                 \
        C2 = 2.0 * (T).cos_d;                                                    \
    }

AWGSF_KERNEL awgsf_render(const u64* AWGSF_RESTRICT tables, u64 n_spans, u64 spans_at,
                          u64 parts_at, u64 steady_at, u64 ramps_at, u64 total_cells,
                          short* AWGSF_RESTRICT out16, float* AWGSF_RESTRICT out32,
                          u64* AWGSF_RESTRICT stats) {
    const u64 gid = awgsf_global_id();
    if (gid >= total_cells) return;

    const Span* spans = (const Span*)(tables + spans_at);
    u64 lo = 0, hi = n_spans;
    while (hi - lo > 1) {
        u64 mid = lo + (hi - lo) / 2;
        if (spans[mid].cell_begin <= gid) lo = mid; else hi = mid;
    }
    const Span& sp = spans[lo];
    const Part& pt = ((const Part*)(tables + parts_at))[sp.part];
    const u64 k0 = (sp.first_cell + (gid - sp.cell_begin)) * (u64)AWGSF_CELL;
    // Requested samples of this cell, cell-relative: [i_lo, i_hi).
    const u64 i_lo = sp.lo > k0 ? sp.lo - k0 : 0;
    const u64 i_hi = sp.hi - k0 < (u64)AWGSF_CELL ? sp.hi - k0 : (u64)AWGSF_CELL;

    // Ramp tones first, into thread-local memory indexed per sample, so that their
    // working set never competes with the steady accumulators for registers.
    double racc[AWGSF_CELL];
    CalibFig fig;
    fig.clamped = 0;
    fig.max_ratio = 0.0;
    if (pt.n_ramp > 0) {
        for (u64 i = i_lo; i < i_hi; ++i) racc[i] = 0.0;
        const Ramp* ramps = (const Ramp*)(tables + ramps_at) + pt.ramp_begin;
        const bool has_cal = pt.calib != AWGSF_NO_CALIB;
        const CalibHead* cal = (const CalibHead*)(tables + (has_cal ? pt.calib : 0));
        const double* coeffs = (const double*)(tables + (has_cal ? pt.calib : 0)) +
                               AWGSF_CALIB_HEAD_WORDS;
        for (u64 rt = 0; rt < pt.n_ramp; ++rt) {
            const Ramp r = ramps[rt];
            if (r.phase_mode == AWGSF_PHASE_FIXED) {
                double tn = steady_turns(r.cps_hi, r.cps_lo, r.p0_turns, k0);
                double sn, cs;
                sincospi(2.0 * tn, &sn, &cs);
                double y0 = sn;
                double y1 = fma(sn, r.cos_d, cs * r.sin_d);
                double c2 = 2.0 * r.cos_d;
                double ex = amp_exp_at(r, k0, pt.inv_n_hi);
                for (u64 i = 0; i < i_hi; ++i) {
                    if (i >= i_lo) {
                        u64 k = k0 + i;
                        double u = (double)k * pt.inv_n_hi;
                        double a = ramp_amplitude(r, k, u, ex);
                        if (has_cal) a = calibrated(*cal, r.cal_g, r.cal_v0, a, true, fig);
                        racc[i] = fma(a, y0, racc[i]);
                    }
                    double y2 = fma(c2, y1, -y0);
                    y0 = y1;
                    y1 = y2;
                    ex *= r.amp_q;
                }
            } else {
                double turns0 = chirp_turns(r, pt, k0);
                LocalPoly q = local_poly(r, pt, k0);
                double ex = amp_exp_at(r, k0, pt.inv_n_hi);
                for (u64 i = 0; i < i_lo; ++i) ex *= r.amp_q;
                for (u64 i = i_lo; i < i_hi; ++i) {
                    u64 k = k0 + i;
                    double u = (double)k * pt.inv_n_hi;
                    double sn = sin_turns(turns0 + local_poly_eval(q, (double)i));
                    double a = ramp_amplitude(r, k, u, ex);
                    ex *= r.amp_q;
                    if (has_cal) {
                        double shape = r.phase_mode == AWGSF_PHASE_LINEAR ? u : min_jerk_shape(u);
                        double f = r.f0 + r.delta_hi * shape;
                        double g, v0;
                        calib_g_v0(*cal, coeffs, f, g, v0);
                        a = calibrated(*cal, g, v0, a, true, fig);
                    }
                    racc[i] = fma(a, sn, racc[i]);
                }
            }
        }
    }

    // Steady tones, in registers.
    double acc[AWGSF_CELL];
#pragma unroll
    for (int i = 0; i < AWGSF_CELL; ++i) acc[i] = 0.0;

    // Steady tones, two at a time so that two recurrences overlap; the sum is still
    // formed tone by tone in plan order.
    const Steady* steady = (const Steady*)(tables + steady_at) + pt.steady_begin;
    u64 t = 0;
    for (; t + 1 < pt.n_steady; t += 2) {
        const Steady ta = steady[t];
        const Steady tb = steady[t + 1];
        double ya0, ya1, ca, yb0, yb1, cb;
        AWGSF_STEADY_SEED(ta, ya0, ya1, ca);
        AWGSF_STEADY_SEED(tb, yb0, yb1, cb);
        acc[0] += ya0;
        acc[0] += yb0;
        acc[1] += ya1;
        acc[1] += yb1;
#pragma unroll
        for (int i = 2; i < AWGSF_CELL; ++i) {
            double ya2 = fma(ca, ya1, -ya0);
            double yb2 = fma(cb, yb1, -yb0);
            acc[i] += ya2;
            acc[i] += yb2;
            ya0 = ya1; ya1 = ya2;
            yb0 = yb1; yb1 = yb2;
        }
    }
    if (t < pt.n_steady) {
        const Steady ta = steady[t];
        double ya0, ya1, ca;
        AWGSF_STEADY_SEED(ta, ya0, ya1, ca);
        acc[0] += ya0;
        acc[1] += ya1;
#pragma unroll
        for (int i = 2; i < AWGSF_CELL; ++i) {
            double ya2 = fma(ca, ya1, -ya0);
            acc[i] += ya2;
            ya0 = ya1; ya1 = ya2;
        }
    }

    // Card codes or millivolts, and this thread's share of the statistics.
    u64 clipped = 0;
    double peak = 0.0;
    const double clip = sp.clip;
#pragma unroll
    for (int i = 0; i < AWGSF_CELL; ++i) {
        if ((u64)i >= i_lo && (u64)i < i_hi) {
            double v = pt.n_ramp > 0 ? acc[i] + racc[i] : acc[i];
            double x = v / sp.full_scale_mv;
            double ax = fabs(x);
            clipped += ax > clip ? 1u : 0u;
            double av = fabs(v);
            peak = av > peak ? av : peak;
            i64 idx = sp.out_origin + (i64)((k0 + (u64)i) * sp.stride);
            if (sp.out_kind == AWGSF_OUT_I16) {
                double c = x > clip ? clip : (x < -clip ? -clip : x);
                out16[idx] = (short)rint(c * sp.full_scale);
            } else {
                out32[idx] = (float)v;
            }
        }
    }
    u64* slot = stats + sp.slot * AWGSF_STATS_WORDS;
    if (clipped > 0) awgsf_atomic_add(slot + 0, clipped);
    if (peak > 0.0) awgsf_atomic_max(slot + 1, awgsf_bits(peak));
    if (fig.clamped > 0) awgsf_atomic_add(slot + 2, fig.clamped);
    if (fig.max_ratio > 0.0) awgsf_atomic_max(slot + 3, awgsf_bits(fig.max_ratio));
}
