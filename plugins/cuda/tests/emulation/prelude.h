// Emulation prelude: lets kernel.cu compile as plain C++ and run on the CPU, one
// thread after another. Only the few device facilities the kernel uses are
// provided; sincospi / sinpi are the textbook formulas, accurate to about 1e-16 for
// the reduced arguments the kernel passes.
#include <cmath>
#include <cstring>

#define AWGSF_EMULATION 1
typedef unsigned long long u64;
typedef long long i64;
#define AWGSF_DEV static inline
#define AWGSF_KERNEL static void
#define AWGSF_RESTRICT

// One per OS thread: the tests of one binary run launches on several threads at
// once, and a shared grid index would hand one launch's thread ids to another.
static thread_local u64 awgsf_emu_gid;
static inline u64 awgsf_global_id() { return awgsf_emu_gid; }
static inline u64 awgsf_bits(double x) {
    u64 b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}
static inline void awgsf_atomic_add(u64* p, u64 v) { *p += v; }
static inline void awgsf_atomic_max(u64* p, u64 v) {
    if (v > *p) *p = v;
}
static inline double sinpi(double x) { return std::sin(M_PI * x); }
static inline void sincospi(double x, double* s, double* c) {
    *s = std::sin(M_PI * x);
    *c = std::cos(M_PI * x);
}
