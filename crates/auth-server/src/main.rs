//! The `auth-server` binary: parses the command line and runs the command (see `cli`).
#![deny(unsafe_code)]

use std::process::ExitCode;

use auth_server::cli::Cli;

/// jemalloc instead of glibc's malloc: allocation was the largest cost of a `/secret`
/// request after the signature, and glibc keeps freed memory in per-thread arenas (the
/// 19 MiB argon2 blocks of the first logins stayed resident for good; those are now
/// mapped per hash instead, see `infra/password/memory.rs`). Measurements in docs/performance.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's start-up options, read before the first allocation: freed pages go back to
/// the kernel after 200 ms instead of 10 s, purged by one background thread of
/// jemalloc's instead of by whichever request thread frees the last object of a page run.
///
/// With the 10 s default, memory freed by one wave of connections stayed resident while
/// the next wave allocated more; purging at once on the request threads
/// (`dirty_decay_ms:0`) puts the purge on the hot path instead (figures in
/// docs/performance.md). `_RJEM_MALLOC_CONF` in the environment still overrides any of them.
#[cfg(target_os = "linux")]
#[allow(non_upper_case_globals, unsafe_code)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: Option<&'static std::ffi::c_char> = Some({
    const OPTIONS: &std::ffi::CStr = c"background_thread:true,max_background_threads:1,dirty_decay_ms:200,muzzy_decay_ms:0";
    // SAFETY: a pointer to a NUL-terminated static string, which jemalloc only reads.
    unsafe { &*OPTIONS.as_ptr() }
});

#[tokio::main]
async fn main() -> ExitCode {
    Cli::from_env().run().await
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    #[allow(unsafe_code)]
    fn jemalloc_runs_with_the_exported_options() {
        // Skipped when someone overrides them for an experiment.
        if std::env::var_os("_RJEM_MALLOC_CONF").is_some() {
            return;
        }
        // SAFETY: the names are jemalloc options of the types read.
        let (background, dirty, muzzy) = unsafe {
            (
                tikv_jemalloc_ctl::raw::read::<bool>(b"opt.background_thread\0").unwrap(),
                tikv_jemalloc_ctl::raw::read::<isize>(b"opt.dirty_decay_ms\0").unwrap(),
                tikv_jemalloc_ctl::raw::read::<isize>(b"opt.muzzy_decay_ms\0").unwrap(),
            )
        };
        assert_eq!(
            (background, dirty, muzzy),
            (true, 200, 0),
            "jemalloc did not read _rjem_malloc_conf"
        );
    }
}
