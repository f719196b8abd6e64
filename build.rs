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

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        println!("cargo:rustc-link-arg-bins=-Wl,-z,lazy");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
