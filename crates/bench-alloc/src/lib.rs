//! The benchmarks' global allocator.
//!
//! [`Counting`] forwards every call to an inner allocator (mimalloc, as in the `aqua` binary, or
//! the system's) and counts live and peak heap bytes only inside [`heap_of`]. Counting costs two
//! atomic read-modify-writes per allocation, which made the VM benchmark's times 5 to 10% slower
//! than the VM they stand for; outside a measurement the allocator only reads one flag.
//!
//! ```
//! #[global_allocator]
//! static ALLOCATOR: bench_alloc::Counting<std::alloc::System> =
//!     bench_alloc::Counting::new(std::alloc::System);
//!
//! let (kept, heap) = bench_alloc::heap_of(|| {
//!     drop(vec![0u8; 4096]);
//!     let mut kept = Vec::with_capacity(1000);
//!     kept.extend([1u8; 1000]);
//!     kept.reserve(3000); // a realloc: 4000 bytes live
//!     kept
//! });
//! assert_eq!(heap.peak, 4096);
//! assert_eq!((heap.kept, kept.capacity()), (4000, 4000));
//! ```

#![allow(unsafe_code)] // A global allocator is an unsafe trait.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// Whether allocations are being counted (inside [`heap_of`]).
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Bytes allocated minus bytes freed while counting. Signed: a block allocated before a
/// measurement and freed during it takes its size off, as it leaves the heap.
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// The most `LIVE` has been since the measurement began.
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// A global allocator that forwards to `A` and counts heap bytes during [`heap_of`].
pub struct Counting<A> {
    inner: A,
}

impl<A> Counting<A> {
    /// Wraps `inner`.
    pub const fn new(inner: A) -> Counting<A> {
        Counting { inner }
    }
}

/// Adds `grown` bytes (negative when freed) to the live count, if counting.
#[inline]
fn count(grown: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
        if grown > 0 {
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }
}

/// A size as a signed count (no allocation exceeds `isize::MAX` bytes).
#[inline]
fn signed(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

// SAFETY: every call is forwarded unchanged to `A`; only counters are updated.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            count(signed(layout.size()));
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(signed(layout.size()));
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { self.inner.dealloc(ptr, layout) };
        count(-signed(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Forwarded as a realloc (the default would allocate, copy and free, which the inner
        // allocator may avoid by growing in place).
        // SAFETY: same contract as the caller's.
        let moved = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            count(signed(new_size) - signed(layout.size()));
        }
        moved
    }
}

/// The heap use of one measured run, in bytes beyond those live when it began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heap {
    /// The most that was live at once during the run.
    pub peak: usize,
    /// What was still live when it ended.
    pub kept: usize,
}

/// Runs `f` with allocations counted; returns its result and its [`Heap`] use (blocks
/// allocated before and freed during it count against both, as they leave the heap).
/// Measurements must not overlap (the counters are global); benchmarks run one at a time.
pub fn heap_of<T>(f: impl FnOnce() -> T) -> (T, Heap) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let result = f();
    COUNTING.store(false, Ordering::Relaxed);
    let above = |bytes: isize| usize::try_from(bytes.saturating_sub(base)).unwrap_or_default();
    let heap = Heap {
        peak: above(PEAK.load(Ordering::Relaxed)),
        kept: above(LIVE.load(Ordering::Relaxed)),
    };
    (result, heap)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tests of this crate run under the default allocator; the counters are driven directly.
    // Counts outside a measurement cannot show in its figures (they are relative to its start),
    // so what is checked of them is that counting is off again after it.

    #[test]
    fn a_measurement_counts_from_its_start_and_stops_counting_after() {
        count(1_000);
        let ((), heap) = heap_of(|| {
            count(300);
            count(-200);
            count(500);
            count(-400);
        });
        assert_eq!(heap, Heap { peak: 600, kept: 200 }, "300 - 200 + 500 at most, 200 left");
        assert!(!COUNTING.load(Ordering::Relaxed), "counting stops with the measurement");
        count(10_000);
        let ((), freed) = heap_of(|| count(-50));
        assert_eq!(freed, Heap { peak: 0, kept: 0 }, "freeing only makes no peak");
    }
}
