//! The one place this crate steps below the standard library (`unsafe` is denied
//! everywhere else, see `lib.rs`): the anonymous huge-page mapping a password hash works
//! in, and the scheduling class of the hashing threads. Each unsafe block states what
//! makes it sound; callers get safe functions.
#![allow(unsafe_code)]

/// Zero-filled anonymous memory for `len` values of `T`, with transparent huge pages
/// requested, unmapped when dropped (Linux only).
#[cfg(target_os = "linux")]
pub struct ZeroedMapping<T> {
    map: memmap2::MmapMut,
    len: usize,
    _values: std::marker::PhantomData<T>,
}

#[cfg(target_os = "linux")]
impl<T: ZeroValid> ZeroedMapping<T> {
    /// The mapping, or `None` when the kernel refuses it (the caller falls back to the heap).
    pub fn new(len: usize) -> Option<Self> {
        let bytes = len.checked_mul(size_of::<T>()).filter(|&bytes| bytes > 0)?;
        let map = memmap2::MmapOptions::new().len(bytes).map_anon().ok()?;
        // A refusal (THP disabled) only leaves 4 KiB pages.
        let _ = map.advise(memmap2::Advice::HugePage);
        // Mappings start at a page boundary, which satisfies any `T` this is used with.
        (map.as_ptr().align_offset(align_of::<T>()) == 0).then_some(ZeroedMapping {
            map,
            len,
            _values: std::marker::PhantomData,
        })
    }

    /// The values, borrowed through `self` only.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        // SAFETY: the mapping holds `len * size_of::<T>()` readable and writable bytes,
        // zero-filled by the kernel or written through this slice only; all-zero bytes are
        // a valid `T` (`ZeroValid`); the start is aligned for `T` (checked in `new`); the
        // borrow is tied to `&mut self`, and the memory lives until `self` is dropped.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<T>(), self.len) }
    }
}

/// Types for which every all-zero bit pattern, and every pattern written through a
/// `&mut T`, is a valid value: plain integers and arrays of them.
///
/// # Safety
/// Implement only for such types.
pub unsafe trait ZeroValid {}

// SAFETY: an argon2 block is `[u64; 128]`.
unsafe impl ZeroValid for argon2::Block {}

/// Puts the calling thread in the idle scheduling class, or failing that at `nice`.
/// Best effort: a failure only costs latency, so it is reported and work goes on.
pub fn lower_thread_priority(nice: i32) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: plain system calls on the calling thread (pid 0 / its own thread id; on
        // Linux both act on one thread only), with a valid `sched_param`.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0 {
            return Ok(());
        }
        // SAFETY: as above.
        if unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nice) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
    Ok(())
}

/// Whether the calling thread is in the idle scheduling class.
#[cfg(target_os = "linux")]
pub fn in_idle_class() -> bool {
    // SAFETY: reads the calling thread's policy.
    unsafe { libc::sched_getscheduler(0) == libc::SCHED_IDLE }
}
