//! The figures a reliability test reports: printed, and appended as
//! `name=value` lines to `$RELIABILITY_REPORT` when set (the file `cargo
//! xtask test reliability` summarises).

use std::io::Write;

/// Records one figure.
pub fn figure(name: &str, value: impl std::fmt::Display) {
    println!("reliability: {name}={value}");
    if let Some(path) = std::env::var_os("RELIABILITY_REPORT") {
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(file, "{name}={value}");
        }
    }
}
