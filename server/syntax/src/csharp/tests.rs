//! The C# lowering: what each construct becomes, asserted field by field.

use super::*;

fn text_at(text: &str, range: TextRange) -> &str {
    &text[range.as_range()]
}

/// Every call's callee, joined with `.`, depth first.
fn callees(nodes: &[CsNode]) -> Vec<String> {
    let mut out = Vec::new();
    visit(nodes, &mut |n| {
        if let CsNode::Call { callee, .. } = n {
            out.push(callee.join("."));
        }
    });
    out
}

const IDS: &str = r#"using System.Reflection;
using IO = System.IO;
using Microsoft.SqlServer.Server;

namespace Counters
{
    using System.Threading;

    public static class Ids
    {
        private static readonly object Gate = new object();
        private static long last, other;
        const int K = 1;
        [ThreadStatic] static int t;
        public static int Count { get; set; }
        public static int Fixed { get; } = 1;
        public static event System.EventHandler Changed;
        ~Ids() { }

        [SqlFunction(DataAccess = DataAccessKind.Read, Name = "next")]
        public static long Next(int a, [SqlFacet(MaxSize = 1)] string b)
        {
            lock (Gate) { return ++last; }
        }

        public class Inner { public void M() { } }
    }
}
"#;

#[test]
fn types_fields_and_finalizers() {
    let file = parse_csharp(IDS);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let names: Vec<&str> = file.types.iter().map(|t| t.full_name.as_str()).collect();
    // A nested class is spelled with `+`, as the CLR names it and EXTERNAL NAME spells it.
    assert_eq!(names, ["Counters.Ids", "Counters.Ids+Inner"]);
    let ids = &file.types[0];
    assert_eq!(ids.namespace, "Counters");
    assert!(ids.modifiers.is_static);
    let usings: Vec<(Option<&str>, &str)> = ids
        .usings
        .iter()
        .map(|u| (u.alias.as_deref(), u.target.as_str()))
        .collect();
    assert_eq!(
        usings,
        [
            (None, "System.Reflection"),
            (Some("IO"), "System.IO"),
            (None, "Microsoft.SqlServer.Server"),
            (None, "System.Threading"),
        ]
    );
    let fields: Vec<(&str, bool, bool, bool, FieldKind)> = ids
        .fields
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                f.modifiers.is_static,
                f.modifiers.is_readonly,
                f.modifiers.is_const,
                f.kind,
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("Gate", true, true, false, FieldKind::Field),
            ("last", true, false, false, FieldKind::Field),
            ("other", true, false, false, FieldKind::Field),
            ("K", false, false, true, FieldKind::Field),
            ("t", true, false, false, FieldKind::Field),
            (
                "Count",
                true,
                false,
                false,
                FieldKind::AutoProperty { has_setter: true }
            ),
            (
                "Fixed",
                true,
                false,
                false,
                FieldKind::AutoProperty { has_setter: false }
            ),
            ("Changed", true, false, false, FieldKind::Event),
        ]
    );
    assert_eq!(ids.fields[4].attributes[0].short_name(), "ThreadStatic");
    assert_eq!(text_at(IDS, ids.fields[1].name_range), "last");
    assert_eq!(ids.finalizers.len(), 1);
    assert_eq!(text_at(IDS, ids.finalizers[0]), "Ids");
}

#[test]
fn methods_attributes_and_parameters() {
    let file = parse_csharp(IDS);
    let next = &file.types[0].methods[0];
    assert_eq!(next.name, "Next");
    assert_eq!(next.kind, MethodKind::Method);
    assert_eq!(next.return_type, "long");
    let params: Vec<(&str, &str)> = next
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.type_text.as_str()))
        .collect();
    assert_eq!(params, [("a", "int"), ("b", "string")]);
    let attribute = &next.attributes[0];
    assert_eq!(attribute.short_name(), "SqlFunction");
    assert_eq!(
        attribute.arguments,
        [
            (
                Some("DataAccess".to_owned()),
                "DataAccessKind.Read".to_owned()
            ),
            (Some("Name".to_owned()), "\"next\"".to_owned()),
        ]
    );
    // The body is one lock around no calls.
    assert!(matches!(&next.body[..], [CsNode::Lock { body, .. }] if body.is_empty()));
    // The field initialisers are one pseudo-method.
    let fields = file.types[0].methods.last().unwrap();
    assert_eq!(
        (fields.name.as_str(), fields.kind),
        (".fields", MethodKind::FieldInitializers)
    );
    assert!(
        matches!(&fields.body[..], [CsNode::New { type_name, .. }, ..] if type_name == "object")
    );
}

#[test]
fn attribute_short_names() {
    let attribute = |name: &str| CsAttribute {
        name: name.to_owned(),
        range: TextRange::new(0, 0),
        arguments: Vec::new(),
    };
    assert_eq!(
        attribute("Microsoft.SqlServer.Server.SqlProcedureAttribute").short_name(),
        "SqlProcedure"
    );
    assert_eq!(attribute("SqlTrigger").short_name(), "SqlTrigger");
    assert_eq!(
        attribute("global::System.STAThread").short_name(),
        "STAThread"
    );
    // A type named `Attribute` keeps its name.
    assert_eq!(attribute("Attribute").short_name(), "Attribute");
}

const BODY: &str = r#"
class C : Base, IFoo {
  public C(int a) : base(a) { Init(); }
  static C() { }
  int M() => Helper(1);
  static int Q => Compute();
  public static unsafe void U() { }
  void N() {
    using var x = Open();
    unsafe { int* p = null; }
    ThreadPool.QueueUserWorkItem(delegate(object o) { Work(); });
    Task.Run(Worker);
    var s = $"a{b}c";
    var v = @"context ""connection"" = true";
    foo?.Bar();
    Assembly.Load(bytes).GetTypes();
    System.IO.File.ReadAllText("x");
    this.Helper(2);
    new Thread(() => SqlContext.Pipe.Send("x")).Start();
    try { ctx = SqlContext.WindowsIdentity.Impersonate(); } finally { ctx.Undo(); }
    using (var c = new SqlConnection(cs)) { c.Open(); }
  }
}
"#;

#[test]
fn method_kinds_and_bases() {
    let file = parse_csharp(BODY);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let c = &file.types[0];
    assert_eq!(c.full_name, "C");
    assert_eq!(c.bases, ["Base", "IFoo"]);
    let kinds: Vec<(&str, MethodKind)> = c
        .methods
        .iter()
        .map(|m| (m.name.as_str(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (".ctor", MethodKind::Constructor),
            (".ctor", MethodKind::StaticConstructor),
            ("M", MethodKind::Method),
            ("Q", MethodKind::Accessor),
            ("U", MethodKind::Method),
            ("N", MethodKind::Method),
        ]
    );
    // The constructor's initialiser is not a call the rules read, but its body's are.
    assert_eq!(callees(&c.methods[0].body), ["Init"]);
    assert_eq!(callees(&c.methods[2].body), ["Helper"]);
    assert_eq!(callees(&c.methods[3].body), ["Compute"]);
    // An `unsafe` method's whole body is unsafe code.
    assert!(matches!(&c.methods[4].body[..], [CsNode::Unsafe { .. }]));
}

#[test]
fn body_events() {
    let file = parse_csharp(BODY);
    let n = &file.types[0].methods[5];
    // `using var` makes the rest of the block its body.
    let [CsNode::Using { resource, body, .. }] = &n.body[..] else {
        panic!("{:#?}", n.body);
    };
    assert_eq!(callees(resource), ["Open"]);
    // `var x = Open()` has no type to tell; `var s = $"…"` neither.
    assert!(!resource.iter().any(|n| matches!(n, CsNode::Local { .. })));
    assert!(matches!(body[0], CsNode::Unsafe { .. }));
    assert_eq!(
        callees(body),
        [
            "ThreadPool.QueueUserWorkItem",
            "Work",
            "Task.Run",
            "foo.Bar",
            "?.GetTypes",
            "Assembly.Load",
            "System.IO.File.ReadAllText",
            "this.Helper",
            "?.Start",
            "SqlContext.Pipe.Send",
            "SqlContext.WindowsIdentity.Impersonate",
            "ctx.Undo",
            "c.Open",
        ]
    );
    // A method group passed as an argument is an access to its name.
    let CsNode::Call { args, .. } = &body[2] else {
        panic!("{:#?}", body[2]);
    };
    assert!(matches!(&args[..], [CsNode::Access { path, .. }] if path == &["Worker"]));
    // Strings: an interpolated one keeps its literal parts; a verbatim one is unescaped.
    let mut texts = Vec::new();
    visit(body, &mut |node| {
        if let CsNode::Text { value, .. } = node {
            texts.push(value.clone());
        }
    });
    assert_eq!(texts, ["a{}c", "context \"connection\" = true", "x", "x"]);
    // The thread's lambda is inside the `new Thread` of the receiver of `Start`.
    let find_call = |name: &str| {
        body.iter()
            .find(|n| matches!(n, CsNode::Call { callee, .. } if callee.last().is_some_and(|c| c == name)))
            .unwrap_or_else(|| panic!("no call of {name}: {body:#?}"))
    };
    let CsNode::Call { receiver, .. } = find_call("Start") else {
        unreachable!()
    };
    let [
        CsNode::New {
            type_name, args, ..
        },
    ] = &receiver[..]
    else {
        panic!("{receiver:#?}");
    };
    assert_eq!(type_name, "Thread");
    assert!(matches!(&args[..], [CsNode::Lambda { .. }]));
    // try/finally keeps its parts apart.
    let Some(CsNode::Try {
        body: tried,
        finally,
        ..
    }) = body.iter().find(|n| matches!(n, CsNode::Try { .. }))
    else {
        panic!("{body:#?}");
    };
    assert_eq!(callees(tried), ["SqlContext.WindowsIdentity.Impersonate"]);
    assert_eq!(callees(finally.as_deref().unwrap()), ["ctx.Undo"]);
    let Some(CsNode::Using { resource, .. }) =
        body.iter().find(|n| matches!(n, CsNode::Using { .. }))
    else {
        panic!("{body:#?}");
    };
    assert!(matches!(
        &resource[..],
        [CsNode::Local { name, type_name: local, .. }, CsNode::New { type_name, .. }]
            if name == "c" && local == "SqlConnection" && type_name == "SqlConnection"
    ));
}

#[test]
fn locals_keep_their_declared_or_created_type() {
    let text = "class C { void M() { FileStream fs = Open(); var doc = new System.Xml.XmlDocument(); var n = 1; int a = 1, b = 2; } }";
    let file = parse_csharp(text);
    let locals: Vec<(&str, &str)> = file.types[0].methods[0]
        .body
        .iter()
        .filter_map(|n| match n {
            CsNode::Local {
                name, type_name, ..
            } => Some((name.as_str(), type_name.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        locals,
        [
            ("fs", "FileStream"),
            ("doc", "System.Xml.XmlDocument"),
            ("a", "int"),
            ("b", "int")
        ]
    );
}

#[test]
fn file_scoped_namespace_and_records() {
    let text = "[assembly: CompilationRelaxations(8)]\nnamespace A.B;\nusing X;\npublic record R(int A);\npublic partial struct S { [DllImport(\"k.dll\")] static extern int F(); }\n";
    let file = parse_csharp(text);
    let names: Vec<(&str, TypeKind)> = file
        .types
        .iter()
        .map(|t| (t.full_name.as_str(), t.kind))
        .collect();
    assert_eq!(
        names,
        [("A.B.R", TypeKind::Record), ("A.B.S", TypeKind::Struct)]
    );
    let f = &file.types[1].methods[0];
    assert!(f.modifiers.is_extern && f.modifiers.is_static);
    assert_eq!(f.attributes[0].short_name(), "DllImport");
    assert_eq!(f.attributes[0].arguments, [(None, "\"k.dll\"".to_owned())]);
}

#[test]
fn broken_text_still_lowers_the_rest() {
    // A half-typed statement in one method: the other methods and the fields are kept.
    let text = "class C {\n  static int n;\n  void A() { File.Open( }\n  void B() { Directory.Delete(\"x\"); }\n}\n";
    let file = parse_csharp(text);
    assert!(!file.errors.is_empty());
    let c = &file.types[0];
    assert_eq!(c.fields[0].name, "n");
    let b = c
        .methods
        .iter()
        .find(|m| m.name == "B")
        .expect("B is lowered");
    assert_eq!(callees(&b.body), ["Directory.Delete"]);
}

#[test]
fn comments_are_kept_without_their_markers() {
    let text = "// one\nclass C { /* two */ void M() { /// three\n } }\n";
    let file = parse_csharp(text);
    let comments: Vec<&str> = file.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(comments, [" one", " two ", " three"]);
    assert_eq!(text_at(text, file.comments[1].range), "/* two */");
}

#[test]
fn never_panics_on_garbage() {
    for text in [
        "",
        "}}}}",
        "class",
        "class C { void M( { ",
        "\u{feff}using ;;",
        "namespace ;",
    ] {
        let _ = parse_csharp(text);
    }
    let deep = format!(
        "class C {{ void M() {{ {}1{} }} }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let _ = parse_csharp(&deep);
}

// Generated code nests deeply: long member chains, nested calls and lambdas, long `+`
// chains must lower without exhausting the stack.
fn deep(case: &str) -> String {
    let n = 20_000;
    match case {
        "chain" => format!("class C {{ void M() {{ a{}.Z(); }} }}", ".b".repeat(n)),
        "calls" => format!(
            "class C {{ void M() {{ {}1{}; }} }}",
            "F(".repeat(n),
            ")".repeat(n)
        ),
        "lambdas" => format!(
            "class C {{ void M() {{ var f = {}0; }} }}",
            "x => ".repeat(n)
        ),
        "sums" => format!("class C {{ string s = \"a\"{}; }}", " + \"b\"".repeat(n)),
        "blocks" => format!(
            "class C {{ void M() {{ {}{} }} }}",
            "{ ".repeat(n),
            "} ".repeat(n)
        ),
        _ => format!("{}{}", "class C { ".repeat(2_000), "} ".repeat(2_000)),
    }
}

#[test]
fn deep_member_chains() {
    assert_eq!(parse_csharp(&deep("chain")).types.len(), 1);
}

#[test]
fn deep_calls() {
    assert_eq!(parse_csharp(&deep("calls")).types.len(), 1);
}

#[test]
fn deep_lambdas() {
    assert_eq!(parse_csharp(&deep("lambdas")).types.len(), 1);
}

#[test]
fn deep_sums() {
    assert_eq!(parse_csharp(&deep("sums")).types.len(), 1);
}

#[test]
fn deep_blocks() {
    assert_eq!(parse_csharp(&deep("blocks")).types.len(), 1);
}

#[test]
fn deep_types() {
    assert_eq!(parse_csharp(&deep("types")).types.len(), 2_000);
}
