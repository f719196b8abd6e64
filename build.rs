//! Links the `dossier` binary at a fixed address (not position-independent), with its
//! library functions bound when first called, on Linux.
//!
//! A search is a whole process that lives a few milliseconds, so start-up counts. A
//! position-independent executable makes the dynamic loader apply some 26,000
//! relocations at every start, writing to about 125 pages of tables (vtables, string
//! tables) that each take a copy-on-write fault: about 0.4 to 1 ms of a 4 to 6 ms
//! search on a 2-core machine. Linked at a fixed address, those tables are final in
//! the file and are paged in only where read. Shared libraries, the stack and the heap
//! are still placed at random addresses; only the binary's own image is not.
//!
//! Rust asks the linker to bind every library function at start-up (`-z now`); a search
//! calls few of them, and binding them as they are first called (`-z lazy`, the linker's
//! own default) took 0.15 to 0.2 ms off every search here (2.43 to 2.29 ms for a rare
//! word). What that gives up is the read-only table of bound functions (full RELRO), a
//! hardening against memory-corruption exploits; dossier's own code has no `unsafe`.
//!
//! Only the binary is affected (`rustc-link-arg-bins`): proc-macro crates and the
//! library keep their position-independent code, which links into either kind.
//!
//! The unwinder (which carries a panic up to the `catch_unwind` that reports it) is
//! linked in from the C compiler's static `libgcc_eh.a`, as `gcc -static-libgcc` would,
//! instead of loaded from `libgcc_s.so.1` at every start: that library's constructor
//! probes the CPU with `cpuid`, which a virtual machine traps, and loading it costs an
//! `mmap` and relocations. Rust names the library `gcc_s` and offers no switch for this
//! short of a fully static binary, so a `libgcc_s.a` copy of `libgcc_eh.a` is put on the
//! search path ahead of the system's, where the linker takes it for the shared one. It
//! took 0.13 ms off a 2.5 ms search for a rare word. Without a C compiler that knows the
//! file, or when cross-compiling, the shared library is used as before.

use std::path::PathBuf;

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
        if std::env::var("TARGET").ok() == std::env::var("HOST").ok() {
            link_unwinder_statically();
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
}

/// Puts a copy of the C compiler's `libgcc_eh.a`, named `libgcc_s.a`, on the library search
/// path; does nothing if the compiler does not know that file.
fn link_unwinder_statically() {
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let Ok(asked) = std::process::Command::new(compiler)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
    else {
        return;
    };
    // A compiler that does not know the file prints its bare name back.
    let archive = PathBuf::from(String::from_utf8_lossy(&asked.stdout).trim());
    if !asked.status.success() || !archive.is_absolute() || !archive.is_file() {
        return;
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        return;
    };
    let dir = PathBuf::from(out_dir).join("static-unwinder");
    if std::fs::create_dir_all(&dir).is_ok()
        && std::fs::copy(&archive, dir.join("libgcc_s.a")).is_ok()
    {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}
