//! The `sqlwarden` binary; everything lives in the library so that tests can build the
//! same program.

fn main() -> std::process::ExitCode {
    sqlwarden::main()
}
