//! The 19 MiB an argon2id hash works in, mapped for that one hash and backed by huge
//! pages where the kernel allows them.
//!
//! Why not the `argon2` crate's own `Vec`: argon2 reads blocks at data-dependent places
//! all over its memory, so with 4 KiB pages most of those reads also miss the TLB; asked
//! for transparent huge pages (`MADV_HUGEPAGE`), a hash takes a fifth less time (on
//! this project's 2-core machine, argon2 alone: 18.1-18.7 ms → 13.9-15.0 ms per hash,
//! one or two at once; the server's logins: 107 → 122-127 per second). And the memory
//! goes back to the kernel as soon as the hash is done (`munmap`), where the allocator
//! kept freed hashing memory resident for seconds (the server's resident size was still
//! 48 MB, up from 13, right after a burst of logins).
//!
//! The kernel may compact memory to find a huge page (`defrag=madvise`); that can only
//! delay the one login hashing on its low-priority thread, never the request path.
//! Elsewhere than Linux, or if the mapping fails, it is a plain `Vec`.

use argon2::Block;

/// Zeroed memory for `blocks` argon2 blocks, released when dropped.
pub enum HashMemory {
    /// A mapping of its own (Linux).
    #[cfg(target_os = "linux")]
    Mapped(Mapping),
    /// The allocator's, where no mapping could be made.
    Heap(Vec<Block>),
}

impl HashMemory {
    /// Memory for `blocks` blocks (`Params::block_count`).
    pub fn new(blocks: usize) -> Self {
        #[cfg(target_os = "linux")]
        if let Some(mapped) = Mapping::new(blocks) {
            return HashMemory::Mapped(mapped);
        }
        HashMemory::Heap(vec![Block::default(); blocks])
    }
}

impl AsMut<[Block]> for HashMemory {
    fn as_mut(&mut self) -> &mut [Block] {
        match self {
            #[cfg(target_os = "linux")]
            HashMemory::Mapped(mapped) => mapped.blocks(),
            HashMemory::Heap(heap) => heap,
        }
    }
}

/// An anonymous private mapping holding `blocks` blocks.
#[cfg(target_os = "linux")]
pub struct Mapping {
    start: std::ptr::NonNull<Block>,
    blocks: usize,
}

#[cfg(target_os = "linux")]
impl Mapping {
    fn new(blocks: usize) -> Option<Self> {
        let len = blocks.checked_mul(size_of::<Block>()).filter(|&len| len > 0)?;
        // SAFETY: a fresh anonymous mapping; no existing memory is touched.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if start == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: advice on the mapping just made. A refusal (THP disabled) only
        // leaves 4 KiB pages, so its result is ignored.
        unsafe { libc::madvise(start, len, libc::MADV_HUGEPAGE) };
        // The kernel maps at page boundaries, which satisfy `Block`'s 64-byte alignment.
        std::ptr::NonNull::new(start.cast::<Block>()).map(|start| Mapping { start, blocks })
    }

    fn blocks(&mut self) -> &mut [Block] {
        // SAFETY: `start` points to `blocks * size_of::<Block>()` readable and writable
        // bytes, zero-filled by the kernel (all-zero bytes are a valid `Block`, which is
        // plain integers), aligned for `Block`, and borrowed mutably through `self` only.
        unsafe { std::slice::from_raw_parts_mut(self.start.as_ptr(), self.blocks) }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `new`; no borrow of it outlives `self`.
        unsafe { libc::munmap(self.start.as_ptr().cast(), self.blocks * size_of::<Block>()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_the_blocks_asked_for_zeroed_and_writable() {
        let mut memory = HashMemory::new(19 * 1024);
        #[cfg(target_os = "linux")]
        assert!(matches!(memory, HashMemory::Mapped(_)), "the mapping should succeed on Linux");
        let blocks = memory.as_mut();
        assert_eq!(blocks.len(), 19 * 1024);
        let zero = Block::default();
        assert!(blocks.iter().all(|b| b.as_ref() == zero.as_ref()));
        blocks[19 * 1024 - 1].as_mut()[127] = 7;
        assert_eq!(memory.as_mut()[19 * 1024 - 1].as_ref()[127], 7);
    }
}
