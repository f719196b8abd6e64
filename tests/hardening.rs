//! The binary keeps Rust's default hardening: it is position independent (loaded at a
//! random address) and its relocation table is read-only after start-up (full RELRO:
//! every symbol bound at once, then the table made read-only). dossier reads documents
//! that strangers wrote; giving these up to save a fraction of a millisecond is not a trade
//! it makes.

use std::process::Command;

fn readelf(flag: &str) -> String {
    let binary = env!("CARGO_BIN_EXE_dossier");
    let output = Command::new("readelf")
        .args(["--wide", flag])
        .arg(binary)
        .output()
        .expect("readelf runs (binutils, which linking needs too)");
    assert!(output.status.success(), "readelf {flag} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[cfg(target_os = "linux")]
fn the_binary_is_position_independent_with_full_relro() {
    let header = readelf("--file-header");
    assert!(
        header
            .lines()
            .any(|line| line.trim_start().starts_with("Type:") && line.contains("DYN")),
        "not position independent:\n{header}"
    );
    let program = readelf("--program-headers");
    assert!(
        program.contains("GNU_RELRO"),
        "no RELRO segment:\n{program}"
    );
    let dynamic = readelf("--dynamic");
    let binds_now = dynamic.lines().any(|line| {
        (line.contains("(FLAGS)") && line.contains("BIND_NOW"))
            || (line.contains("(FLAGS_1)") && line.contains("NOW"))
            || line.contains("(BIND_NOW)")
    });
    assert!(
        binds_now,
        "symbols are bound lazily (no full RELRO):\n{dynamic}"
    );
    assert!(
        dynamic.contains("PIE"),
        "the dynamic section does not mark a PIE:\n{dynamic}"
    );
}
