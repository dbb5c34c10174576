//! A whole project: several files of arbitrary bytes, some named `.sqlproj`, `.cs` or
//! `.csproj`, some reached by `:r`, loaded from a temporary folder and analysed as `check`
//! does.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct File {
    kind: u8,
    folder: bool,
    bytes: Vec<u8>,
}

fuzz_target!(|files: Vec<File>| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    for (i, file) in files.iter().take(8).enumerate() {
        let name = match file.kind % 6 {
            0 => format!("f{i}.sqlproj"),
            1 => format!("f{i}.cs"),
            2 => format!("f{i}.csproj"),
            3 => format!("inc{i}.sql"),
            4 => "sqlwarden.toml".to_owned(),
            _ => format!("f{i}.sql"),
        };
        let path = if file.folder {
            dir.path().join("sub").join(name)
        } else {
            dir.path().join(name)
        };
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(dir.path()));
        // Scripts may include the others: `:r` lines to every other file name.
        let mut bytes = file.bytes.clone();
        if file.kind % 6 == 5 {
            for j in 0..files.len().min(8) {
                bytes.extend_from_slice(format!("\n:r inc{j}.sql\n").as_bytes());
            }
        }
        let _ = std::fs::write(path, bytes);
    }
    let options = analysis::project::LoadOptions::default();
    if let Ok(workspace) = analysis::load::load(&[dir.path().to_path_buf()], &options) {
        let mut host = analysis::host::Host::new(workspace);
        host.analyze();
        let _ = host.all_diagnostics();
    }
});
