//! A minimal vector type per instruction set, for the one loop the compiler does
//! not vectorise well by itself: the steady-tone rotation, whose lane state is
//! carried from chunk to chunk.
//!
//! `F64s` is implemented for AVX-512 (8 lanes), AVX2 (4 lanes) and a scalar
//! fallback; the kernels are written once, generic over it, and instantiated inside
//! functions compiled with the matching target features. Every implementation
//! performs the same IEEE operations (fused multiply-add included), so all give the
//! same bits.

/// A vector of `f64` lanes.
pub trait F64s: Copy {
    /// Lanes per vector.
    const W: usize;
    /// Loads `W` values from `p`.
    /// # Safety
    /// The CPU must support the instruction set; `p` must point to `W` readable values.
    unsafe fn load(p: *const f64) -> Self;
    /// Stores the `W` lanes at `p`.
    /// # Safety
    /// As [`F64s::load`], for `W` writable values.
    unsafe fn store(self, p: *mut f64);
    /// `x` in every lane.
    /// # Safety
    /// The CPU must support the instruction set.
    unsafe fn splat(x: f64) -> Self;
    /// `self + o`.
    /// # Safety
    /// As above.
    unsafe fn add(self, o: Self) -> Self;
    /// `self * b + c`, rounded once.
    /// # Safety
    /// As above.
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    /// `self * b`.
    /// # Safety
    /// As above.
    unsafe fn mul(self, b: Self) -> Self;
    /// `-self`.
    /// # Safety
    /// As above.
    unsafe fn neg(self) -> Self;
}

/// The scalar fallback.
#[derive(Clone, Copy)]
pub struct Scalar(f64);

impl F64s for Scalar {
    const W: usize = 1;
    #[inline(always)]
    unsafe fn load(p: *const f64) -> Self {
        Scalar(*p)
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64) {
        *p = self.0
    }
    #[inline(always)]
    unsafe fn splat(x: f64) -> Self {
        Scalar(x)
    }
    #[inline(always)]
    unsafe fn add(self, o: Self) -> Self {
        Scalar(self.0 + o.0)
    }
    #[inline(always)]
    unsafe fn mul_add(self, b: Self, c: Self) -> Self {
        Scalar(self.0.mul_add(b.0, c.0))
    }
    #[inline(always)]
    unsafe fn mul(self, b: Self) -> Self {
        Scalar(self.0 * b.0)
    }
    #[inline(always)]
    unsafe fn neg(self) -> Self {
        Scalar(-self.0)
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::F64s;
    use std::arch::x86_64::*;

    /// A vector type over one x86 register type and its [`F64s`] impl, one
    /// intrinsic per operation: the AVX-512 and AVX2 types differ only in these
    /// names. The expansion is the code a hand-written impl would be, so the
    /// kernels compile to the same instructions.
    macro_rules! f64s_impl {
        (
            $(#[$doc:meta])*
            $name:ident($reg:ty), lanes: $w:literal,
            load: $load:ident, store: $store:ident, splat: $splat:ident, add: $add:ident,
            mul_add: $fmadd:ident, mul: $mul:ident, xor: $xor:ident $(,)?
        ) => {
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $name($reg);

            impl F64s for $name {
                const W: usize = $w;
                #[inline(always)]
                unsafe fn load(p: *const f64) -> Self {
                    $name($load(p))
                }
                #[inline(always)]
                unsafe fn store(self, p: *mut f64) {
                    $store(p, self.0)
                }
                #[inline(always)]
                unsafe fn splat(x: f64) -> Self {
                    $name($splat(x))
                }
                #[inline(always)]
                unsafe fn add(self, o: Self) -> Self {
                    $name($add(self.0, o.0))
                }
                #[inline(always)]
                unsafe fn mul_add(self, b: Self, c: Self) -> Self {
                    $name($fmadd(self.0, b.0, c.0))
                }
                #[inline(always)]
                unsafe fn mul(self, b: Self) -> Self {
                    $name($mul(self.0, b.0))
                }
                #[inline(always)]
                unsafe fn neg(self) -> Self {
                    $name($xor(self.0, $splat(-0.0)))
                }
            }
        };
    }

    f64s_impl! {
        /// Eight lanes in a 512-bit register.
        Avx512(__m512d), lanes: 8,
        load: _mm512_loadu_pd, store: _mm512_storeu_pd, splat: _mm512_set1_pd,
        add: _mm512_add_pd, mul_add: _mm512_fmadd_pd, mul: _mm512_mul_pd, xor: _mm512_xor_pd,
    }

    f64s_impl! {
        /// Four lanes in a 256-bit register.
        Avx2(__m256d), lanes: 4,
        load: _mm256_loadu_pd, store: _mm256_storeu_pd, splat: _mm256_set1_pd,
        add: _mm256_add_pd, mul_add: _mm256_fmadd_pd, mul: _mm256_mul_pd, xor: _mm256_xor_pd,
    }
}

#[cfg(target_arch = "x86_64")]
pub use x86::{Avx2, Avx512};
