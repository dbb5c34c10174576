//! The `sqlwarden` program, built inside this package so that its integration tests can
//! find it through `CARGO_BIN_EXE_sqlwarden-under-test` (see `Cargo.toml`).

fn main() -> std::process::ExitCode {
    sqlwarden::main()
}
