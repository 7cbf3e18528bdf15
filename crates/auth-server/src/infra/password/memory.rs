//! The 19 MiB an argon2id hash works in, mapped for that one hash and backed by huge
//! pages where the kernel allows them.
//!
//! Why not the `argon2` crate's own `Vec`: argon2 reads blocks at data-dependent places
//! all over its memory, so with 4 KiB pages most of those reads also miss the TLB; asked
//! for transparent huge pages (`MADV_HUGEPAGE`), a hash takes about a fifth less time
//! (docs/performance.md). And the memory goes back to the kernel as soon as the hash is
//! done, where the allocator kept freed hashing memory resident for seconds.
//!
//! The kernel may compact memory to find a huge page (`defrag=madvise`); that can only
//! delay the one login hashing on its low-priority thread, never the request path.
//! Elsewhere than Linux, or if the mapping fails, it is a plain `Vec`. The mapping itself
//! is made in `infra/os.rs`, the crate's one module allowed `unsafe`.

use argon2::Block;

/// Zeroed memory for `blocks` argon2 blocks, released when dropped.
pub enum HashMemory {
    /// A mapping of its own (Linux).
    #[cfg(target_os = "linux")]
    Mapped(crate::infra::os::ZeroedMapping<Block>),
    /// The allocator's, where no mapping could be made.
    Heap(Vec<Block>),
}

impl HashMemory {
    /// Memory for `blocks` blocks (`Params::block_count`).
    pub fn new(blocks: usize) -> Self {
        #[cfg(target_os = "linux")]
        if let Some(mapped) = crate::infra::os::ZeroedMapping::new(blocks) {
            return HashMemory::Mapped(mapped);
        }
        HashMemory::Heap(vec![Block::default(); blocks])
    }
}

impl AsMut<[Block]> for HashMemory {
    fn as_mut(&mut self) -> &mut [Block] {
        match self {
            #[cfg(target_os = "linux")]
            HashMemory::Mapped(mapped) => mapped.as_mut_slice(),
            HashMemory::Heap(heap) => heap,
        }
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
