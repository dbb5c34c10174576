//! The C# of SQLCLR assemblies in the editor: CLS findings published for `.cs` files and
//! kept current while the C# is edited, hover on `EXTERNAL NAME` showing the method it
//! binds to, and go to definition jumping there.

use serde_json::{Value, json};

use super::change;
use super::client::{Client, url};
use super::navigation::{answered, at, fixture};
use super::{capabilities, insert};

const SQL: &str = "CREATE ASSEMBLY Counters FROM 0x4D5A WITH PERMISSION_SET = SAFE;\n\
GO\n\
CREATE FUNCTION dbo.NextId () RETURNS bigint\n\
AS EXTERNAL NAME [Counters].[Counters.Ids].[Next];\n";

// Line continuations drop the leading spaces: every line starts in column 0.
const CS: &str = "namespace Counters\n\
{\n\
    public static class Ids\n\
    {\n\
        private static long last;\n\
        [Microsoft.SqlServer.Server.SqlFunction]\n\
        public static long Next() { return 1; }\n\
    }\n\
}\n";

fn project() -> tempfile::TempDir {
    fixture(&[("sql/clr.sql", SQL), ("src/Ids.cs", CS)])
}

#[test]
fn a_cs_file_gets_its_findings_and_an_edit_of_the_cs_updates_them() {
    let dir = project();
    let root = dir.path();
    let cs = url(&root.join("src/Ids.cs"));
    let mut client = Client::start(root, capabilities(), json!({}));
    client.wait_until("the CLS002 of the static field", |c| {
        c.codes(&cs) == [("CLS002".to_owned(), 4)]
    });
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": cs, "languageId": "csharp", "version": 1, "text": CS } }),
    );
    // `private static long last;` becomes `private static readonly long last;`.
    change(&mut client, &cs, 2, insert(4, 15, "readonly "));
    client.wait_until("the finding to clear", |c| c.codes(&cs).is_empty());
    // A finalizer typed into the class is reported at once.
    change(&mut client, &cs, 3, insert(3, 1, " ~Ids() { }"));
    client.wait_until("the CLS003 of the finalizer", |c| {
        c.codes(&cs) == [("CLS003".to_owned(), 3)]
    });
    client.shutdown();
}

#[test]
fn hover_on_external_name_shows_the_csharp_method_and_definition_goes_there() {
    let dir = project();
    let root = dir.path();
    let sql = url(&root.join("sql/clr.sql"));
    let mut client = Client::start(root, capabilities(), json!({}));
    // On the method part of `[Counters].[Counters.Ids].[Next]`.
    let found = answered(&mut client, "textDocument/hover", at(&sql, 3, 45));
    let text = found["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains(
            "**Implemented by** `[SqlFunction] static long Counters.Ids.Next()` (src/Ids.cs:7)"
        ),
        "{text}"
    );
    let target = answered(&mut client, "textDocument/definition", at(&sql, 3, 45));
    assert_eq!(target["uri"], Value::String(url(&root.join("src/Ids.cs"))));
    assert_eq!(
        target["range"],
        json!({ "start": { "line": 6, "character": 19 }, "end": { "line": 6, "character": 23 } })
    );
    client.shutdown();
}
