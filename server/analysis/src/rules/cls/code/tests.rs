//! The shared C# analysis: which sites it finds, and how calls carry them.

use super::*;
use crate::rules::testing;

/// Loads a fixture of one `.cs` file (plus an assembly) and analyses it as one source.
fn analyse(cs: &str, check: impl FnOnce(&Code<'_>, &Workspace)) {
    let fixture = format!(
        "=== file: a.sql\nCREATE ASSEMBLY A FROM 0x4D5A WITH PERMISSION_SET = SAFE;\nGO\n\
         CREATE PROCEDURE dbo.P AS EXTERNAL NAME A.C.M;\nGO\n\
         CREATE PROCEDURE dbo.Q AS EXTERNAL NAME A.Entry.Run;\nGO\n=== file: src/A.cs\n{cs}"
    );
    let (workspace, _) = testing::load(&fixture);
    let files: Vec<FileId> = workspace.csharp.keys().copied().collect();
    assert_eq!(files.len(), 1);
    let code = Code::build(&workspace, &files);
    check(&code, &workspace);
}

fn needs(sites: &[Site]) -> Vec<(Need, &str)> {
    sites.iter().map(|s| (s.need, s.what.as_str())).collect()
}

#[test]
fn framework_members_are_matched_by_namespace_and_alias() {
    analyse(
        "using System.IO;\nusing Sys = System.Diagnostics;\nusing Reg = Microsoft.Win32;\n\
         class C { void M() {\n\
           File.Exists(\"a\");\n\
           System.IO.Directory.GetFiles(\"a\");\n\
           Sys.Process.Start(\"a\");\n\
           Reg.Registry.CurrentUser.OpenSubKey(\"a\");\n\
           Path.Combine(\"a\", \"b\");\n\
           Other.File.Exists(\"a\");\n\
         } }\n",
        |code, _| {
            assert_eq!(
                needs(&code.sites[0]),
                [
                    (Need::Files, "File.Exists"),
                    (Need::Files, "System.IO.Directory.GetFiles"),
                    (Need::Process, "Sys.Process.Start"),
                    (Need::ProcessManagement, "Sys.Process.Start"),
                    (Need::Registry, "Reg.Registry.CurrentUser.OpenSubKey"),
                ]
            );
        },
    );
}

#[test]
fn calls_carry_sites_to_their_callers_and_threads_mark_them() {
    analyse(
        "using System.IO; using System.Threading;\n\
         class Entry { public static void Run() { Helper.Save(); new Thread(Worker).Start(); }\n\
           static void Worker() { Microsoft.SqlServer.Server.SqlContext.Pipe.Send(\"x\"); } }\n\
         static class Helper { public static void Save() { Deeper(); } static void Deeper() { File.Delete(\"x\"); } }\n",
        |code, _| {
            let run = (0..code.methods.len())
                .find(|&m| code.methods[m].method.name == "Run")
                .unwrap();
            let reached: Vec<(Need, String, bool, Vec<String>)> = code
                .reach(run)
                .into_iter()
                .map(|(site, path)| {
                    (
                        site.need,
                        site.what,
                        site.in_other_thread,
                        path.iter().map(|&m| code.method_name(m)).collect(),
                    )
                })
                .collect();
            assert_eq!(
                reached,
                [
                    (
                        Need::Threads,
                        "new Thread".to_owned(),
                        false,
                        vec!["Entry.Run".to_owned()]
                    ),
                    (
                        Need::DataAccess,
                        "Microsoft.SqlServer.Server.SqlContext.Pipe.Send".to_owned(),
                        true,
                        vec!["Entry.Run".to_owned(), "Entry.Worker".to_owned()]
                    ),
                    (
                        Need::Files,
                        "File.Delete".to_owned(),
                        false,
                        vec![
                            "Entry.Run".to_owned(),
                            "Helper.Save".to_owned(),
                            "Helper.Deeper".to_owned()
                        ]
                    ),
                ]
            );
        },
    );
}

// A reader or writer on a stream stays in memory; on a path it opens a file.
#[test]
fn readers_and_writers_reach_files_only_on_a_path() {
    analyse(
        "using System.IO; using System.Xml;\n\
         class C { void M(string path, Stream s) {\n\
           new StreamWriter(new MemoryStream());\n\
           new StreamWriter(s);\n\
           new StreamWriter(path);\n\
           XmlWriter.Create(\"out.xml\");\n\
           XmlWriter.Create(s);\n\
           System.Runtime.Remoting.Messaging.CallContext.SetData(\"k\", 1);\n\
           var doc = new XmlDocument();\n\
           doc.Save(path);\n\
           doc.Save(s);\n\
         } }\n",
        |code, _| {
            assert_eq!(
                needs(&code.sites[0]),
                [
                    (Need::Files, "new StreamWriter"),
                    (Need::Files, "XmlWriter.Create"),
                    (
                        Need::FullTrust,
                        "System.Runtime.Remoting.Messaging.CallContext.SetData"
                    ),
                    (Need::Files, "doc.Save"),
                ]
            );
        },
    );
}

#[test]
fn a_recursive_call_graph_terminates() {
    analyse(
        "class C { static void A() { B(); } static void B() { A(); System.IO.File.Delete(\"x\"); } }\n",
        |code, _| {
            let reached = code.reach(0);
            assert_eq!(reached.len(), 1);
            assert_eq!(reached[0].0.need, Need::Files);
        },
    );
}

#[test]
fn connection_strings_decide_between_context_and_network() {
    assert!(is_context_connection("Context Connection = True"));
    assert!(is_context_connection("context connection=true;"));
    assert!(!is_context_connection(
        "Data Source=.;Integrated Security=SSPI"
    ));
    analyse(
        "using System.Data.SqlClient;\n\
         class C { const string Loopback = \"Data Source=(local);Integrated Security=true\";\n\
           void M(string cs) {\n\
             new SqlConnection(\"context connection=true\");\n\
             new SqlConnection(Loopback);\n\
             new SqlConnection(cs);\n\
           } }\n",
        |code, _| {
            assert_eq!(
                needs(&code.sites[0]),
                [
                    (Need::DataAccess, "context connection=true"),
                    (Need::Network, "new SqlConnection"),
                ]
            );
        },
    );
}
