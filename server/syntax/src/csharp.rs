//! The C# of SQLCLR assemblies, lowered to plain data.
//!
//! `tree-sitter-c-sharp` parses the file; this module is the only code that reads its
//! tree, as the rest of the syntax layer is for T-SQL. What it keeps is what the CLS rules
//! judge: each type's fields, finalizers, attributes and methods, and inside each method
//! body a small tree of the events that matter ([`CsNode`]): calls and `new` with the
//! names as written, member accesses, string literals, `lock`, `unsafe`, `try`/`finally`,
//! `using` and lambdas. Names are not resolved here (that needs the project's other
//! files); [`CsType::usings`] carries the `using` directives in scope so the analysis can.
//!
//! Parsing never fails: a region tree-sitter cannot read is skipped and recorded in
//! [`CsFile::errors`], and everything around it is still lowered.

use tree_sitter::{Node, Parser};

use crate::TextRange;

/// One C# file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsFile {
    /// Every class, struct, interface or record, nested ones included, in text order.
    pub types: Vec<CsType>,
    /// Assembly- and module-level attributes (`[assembly: …]`).
    pub attributes: Vec<CsAttribute>,
    /// Every comment, its text without `//` or `/* */`: where suppressions are written.
    pub comments: Vec<crate::ast::Comment>,
    /// Regions the C# grammar could not parse.
    pub errors: Vec<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Class,
    Struct,
    Interface,
    Record,
}

/// A `using` directive: `using System.IO;` (a namespace), `using IO = System.IO;` (an
/// alias), or `using static System.IO.File;`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Using {
    pub alias: Option<String>,
    pub target: String,
    pub is_static: bool,
}

/// The modifiers the rules read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    pub is_static: bool,
    pub is_readonly: bool,
    pub is_const: bool,
    pub is_unsafe: bool,
    pub is_extern: bool,
    pub is_public: bool,
}

/// A custom attribute, such as `[SqlFunction(DataAccess = DataAccessKind.Read)]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsAttribute {
    /// The name as written, qualified or not, with or without the `Attribute` suffix.
    pub name: String,
    pub range: TextRange,
    /// Named arguments (`DataAccess = …`) and positional ones (name `None`), as text.
    pub arguments: Vec<(Option<String>, String)>,
}

impl CsAttribute {
    /// The attribute's simple name without namespace or `Attribute` suffix:
    /// `Microsoft.SqlServer.Server.SqlProcedureAttribute` is `SqlProcedure`.
    pub fn short_name(&self) -> &str {
        let last = self.name.rsplit(['.', ':']).next().unwrap_or(&self.name);
        last.strip_suffix("Attribute")
            .filter(|s| !s.is_empty())
            .unwrap_or(last)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Field,
    /// An auto-implemented property (`{ get; set; }`), whose compiler-made backing field
    /// is a field like any other.
    AutoProperty {
        has_setter: bool,
    },
    /// A field-like `event`, which also has a backing field.
    Event,
}

/// A field (one declarator of a field declaration), an auto-property or a field-like
/// event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsField {
    pub name: String,
    pub name_range: TextRange,
    /// The whole declaration, attributes included.
    pub range: TextRange,
    pub kind: FieldKind,
    pub modifiers: Modifiers,
    pub attributes: Vec<CsAttribute>,
    pub type_text: String,
    /// What the initialiser does, like a method body's events (string literals, `new`).
    pub initializer: Vec<CsNode>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Method,
    Constructor,
    StaticConstructor,
    /// A property, indexer or event accessor, or an expression-bodied property.
    Accessor,
    Operator,
    /// The field and auto-property initialisers of a type, which run when it is
    /// constructed (static ones when it is first used): named `.fields`.
    FieldInitializers,
}

impl CsField {
    /// A static field that code can write: neither `readonly` nor `const`, an
    /// auto-property with a setter, or a field-like event (whose backing field is written
    /// by `+=`).
    pub fn is_mutable_static(&self) -> bool {
        self.modifiers.is_static
            && match self.kind {
                FieldKind::Field => !self.modifiers.is_readonly && !self.modifiers.is_const,
                FieldKind::AutoProperty { has_setter } => has_setter,
                FieldKind::Event => true,
            }
    }
}

/// A method parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsParam {
    pub name: String,
    pub type_text: String,
    pub range: TextRange,
}

/// A method, constructor, accessor or operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsMethod {
    pub name: String,
    pub name_range: TextRange,
    pub range: TextRange,
    pub kind: MethodKind,
    pub modifiers: Modifiers,
    pub attributes: Vec<CsAttribute>,
    pub params: Vec<CsParam>,
    pub return_type: String,
    pub body: Vec<CsNode>,
}

/// A class, struct, interface or record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsType {
    /// The enclosing namespace (`""` for the global one).
    pub namespace: String,
    /// The simple name.
    pub name: String,
    /// The CLR name that `EXTERNAL NAME` spells: `Namespace.Outer+Inner`.
    pub full_name: String,
    pub name_range: TextRange,
    pub kind: TypeKind,
    pub modifiers: Modifiers,
    pub attributes: Vec<CsAttribute>,
    /// The base class and interfaces, as written.
    pub bases: Vec<String>,
    pub fields: Vec<CsField>,
    /// The finalizers (`~Name()`), at their name.
    pub finalizers: Vec<TextRange>,
    pub methods: Vec<CsMethod>,
    /// The `using` directives in scope: the file's, then the enclosing namespaces'.
    pub usings: Vec<Using>,
}

/// What happens inside a method body, in text order, nested where the rules need the
/// structure (a `finally`, a `using`, a lambda, a `lock`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsNode {
    /// An invocation. `callee` is the member path as written: `File.ReadAllText` is
    /// `["File", "ReadAllText"]`, `this.Helper()` is `["this", "Helper"]`; a receiver that
    /// is not a plain name (`Assembly.Load(b).GetTypes()`) is `"?"` followed by the method,
    /// and its own events are in `receiver`.
    Call {
        callee: Vec<String>,
        /// The method's name in the text.
        name_range: TextRange,
        range: TextRange,
        receiver: Vec<CsNode>,
        /// The events of the arguments, in order.
        args: Vec<CsNode>,
        arg_count: usize,
        /// Whether the first argument is a `byte[]`-looking expression is not knowable
        /// here; what is known is whether it is a string literal.
        first_arg_is_string: bool,
    },
    /// `new T(…)`, with the type as written.
    New {
        type_name: String,
        range: TextRange,
        args: Vec<CsNode>,
        arg_count: usize,
    },
    /// A member access that is not called (`SqlContext.Pipe`, `Registry.LocalMachine`),
    /// or a bare name passed as an argument (a method group such as `Worker` in
    /// `new Thread(Worker)`).
    Access { path: Vec<String>, range: TextRange },
    /// A local variable declared with its type (`FileStream fs = …`, or `var x = new T(…)`
    /// with `T`), before the events of its initialiser.
    Local {
        name: String,
        type_name: String,
        range: TextRange,
    },
    /// A string literal (regular, verbatim, raw, or the literal parts of an interpolated
    /// string, joined).
    Text { value: String, range: TextRange },
    /// `lock (x) { … }`.
    Lock { range: TextRange, body: Vec<CsNode> },
    /// An `unsafe` block, a `fixed` statement, a pointer type, `stackalloc` or `&`/`*` on
    /// pointers: code that only an UNSAFE assembly may hold.
    Unsafe { range: TextRange, body: Vec<CsNode> },
    /// `try { body } catch { handlers } finally { finally }`.
    Try {
        range: TextRange,
        body: Vec<CsNode>,
        handlers: Vec<CsNode>,
        finally: Option<Vec<CsNode>>,
    },
    /// `using (resource) body`, or `using var x = resource;` with the rest of its block as
    /// the body.
    Using {
        range: TextRange,
        resource: Vec<CsNode>,
        body: Vec<CsNode>,
    },
    /// A lambda or anonymous method: its body runs whenever its receiver calls it.
    Lambda { range: TextRange, body: Vec<CsNode> },
}

impl CsNode {
    pub fn range(&self) -> TextRange {
        match self {
            CsNode::Call { range, .. }
            | CsNode::New { range, .. }
            | CsNode::Access { range, .. }
            | CsNode::Local { range, .. }
            | CsNode::Text { range, .. }
            | CsNode::Lock { range, .. }
            | CsNode::Unsafe { range, .. }
            | CsNode::Try { range, .. }
            | CsNode::Using { range, .. }
            | CsNode::Lambda { range, .. } => *range,
        }
    }

    /// Every node below this one, depth first (this one excluded).
    pub fn children(&self) -> Vec<&CsNode> {
        match self {
            CsNode::Call { receiver, args, .. } => receiver.iter().chain(args).collect(),
            CsNode::New { args, .. } => args.iter().collect(),
            CsNode::Access { .. } | CsNode::Local { .. } | CsNode::Text { .. } => Vec::new(),
            CsNode::Lock { body, .. }
            | CsNode::Unsafe { body, .. }
            | CsNode::Lambda { body, .. } => body.iter().collect(),
            CsNode::Try {
                body,
                handlers,
                finally,
                ..
            } => body
                .iter()
                .chain(handlers)
                .chain(finally.iter().flatten())
                .collect(),
            CsNode::Using { resource, body, .. } => resource.iter().chain(body).collect(),
        }
    }
}

/// Visits every node of `nodes` and below, depth first, in text order.
pub fn visit<'a>(nodes: &'a [CsNode], f: &mut impl FnMut(&'a CsNode)) {
    for node in nodes {
        f(node);
        crate::deep(|| {
            for child in node.children() {
                visit(std::slice::from_ref(child), f);
            }
        });
    }
}

/// Parses and lowers a C# file. Never fails.
pub fn parse_csharp(text: &str) -> CsFile {
    let mut parser = Parser::new();
    let mut file = CsFile::default();
    if parser
        .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
        .is_err()
    {
        return file;
    }
    let Some(tree) = parser.parse(text, None) else {
        return file;
    };
    let mut lower = Lower {
        text,
        file: &mut file,
        depth: 0,
    };
    let root = tree.root_node();
    lower.errors(root);
    lower.comments(root);
    lower.declarations(root, &Scope::default());
    file
}

/// Where a declaration stands: its namespace, the types around it and the `using`s in
/// force.
#[derive(Clone, Default)]
struct Scope {
    namespace: String,
    outer: Vec<String>,
    usings: Vec<Using>,
}

struct Lower<'a> {
    text: &'a str,
    file: &'a mut CsFile,
    /// How many statements and expressions the walk is inside.
    depth: usize,
}

/// How deep statements and expressions are lowered: below this, a body's events are left
/// out. Hand-written code never comes near it; generated code can nest thousands deep, and
/// a lowered tree that deep would make every later walk of it (and its drop) recurse as
/// deep.
const MAX_DEPTH: usize = 400;

fn range_of(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

impl<'a> Lower<'a> {
    fn text_of(&self, node: Node) -> &'a str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn comments(&mut self, root: Node) {
        // Comments are extras, anywhere in the tree: a cursor walks it without recursion.
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            if node.kind() == "comment" {
                let raw = self.text_of(node);
                let text = raw
                    .strip_prefix("//")
                    .or_else(|| {
                        raw.strip_prefix("/*")
                            .map(|r| r.strip_suffix("*/").unwrap_or(r))
                    })
                    .unwrap_or(raw);
                self.file.comments.push(crate::ast::Comment {
                    range: range_of(node),
                    text: text.trim_start_matches('/').to_owned(),
                });
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn errors(&mut self, node: Node) {
        if !node.has_error() {
            return;
        }
        if node.is_error() || node.is_missing() {
            self.file.errors.push(range_of(node));
            return;
        }
        for child in named_children(node) {
            crate::deep(|| self.errors(child));
        }
    }

    /// Lowers the declarations directly under a compilation unit, namespace or type
    /// body. A file-scoped namespace (`namespace A.B;`) covers the declarations after it
    /// in the same list.
    fn declarations(&mut self, parent: Node, scope: &Scope) {
        let mut scope = scope.clone();
        for child in named_children(parent) {
            match child.kind() {
                "using_directive" => {
                    if let Some(using) = self.using(child) {
                        scope.usings.push(using);
                    }
                }
                "namespace_declaration" => {
                    let inner = self.namespace_scope(child, &scope);
                    if let Some(body) = child.child_by_field_name("body") {
                        crate::deep(|| self.declarations(body, &inner));
                    }
                }
                "file_scoped_namespace_declaration" => {
                    scope = self.namespace_scope(child, &scope);
                    // Older grammar versions put the declarations inside the node.
                    crate::deep(|| self.declarations(child, &scope));
                }
                "class_declaration"
                | "struct_declaration"
                | "interface_declaration"
                | "record_declaration"
                | "record_struct_declaration" => {
                    crate::deep(|| self.type_declaration(child, &scope))
                }
                "declaration_list" => crate::deep(|| self.declarations(child, &scope)),
                "global_attribute" => {
                    let found = self.attribute_nodes(child);
                    self.file.attributes.extend(found);
                }
                _ => {}
            }
        }
    }

    fn namespace_scope(&self, node: Node, scope: &Scope) -> Scope {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.name_text(n))
            .unwrap_or_default();
        let namespace = match (scope.namespace.is_empty(), name.is_empty()) {
            (true, _) => name,
            (false, true) => scope.namespace.clone(),
            (false, false) => format!("{}.{}", scope.namespace, name),
        };
        Scope {
            namespace,
            outer: Vec::new(),
            usings: scope.usings.clone(),
        }
    }

    fn using(&self, node: Node) -> Option<Using> {
        let mut alias = None;
        let mut target = None;
        let mut is_static = false;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "static" => is_static = true,
                _ if node
                    .child_by_field_name("name")
                    .is_some_and(|n| n.id() == child.id()) =>
                {
                    alias = Some(self.text_of(child).to_owned());
                }
                "identifier" | "qualified_name" | "alias_qualified_name" | "generic_name" => {
                    target = Some(self.name_text(child));
                }
                _ => {}
            }
        }
        Some(Using {
            alias,
            target: target?,
            is_static,
        })
    }

    /// A name's text without whitespace or comments inside (`System . IO` is
    /// `System.IO`), `global::` dropped.
    fn name_text(&self, node: Node) -> String {
        let raw: String = self
            .text_of(node)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        raw.strip_prefix("global::")
            .map(str::to_owned)
            .unwrap_or(raw)
    }

    fn modifiers(&self, node: Node) -> Modifiers {
        let mut m = Modifiers::default();
        for child in named_children(node) {
            if child.kind() != "modifier" {
                continue;
            }
            match self.text_of(child) {
                "static" => m.is_static = true,
                "readonly" => m.is_readonly = true,
                "const" => m.is_const = true,
                "unsafe" => m.is_unsafe = true,
                "extern" => m.is_extern = true,
                "public" => m.is_public = true,
                _ => {}
            }
        }
        m
    }

    fn attributes(&self, node: Node) -> Vec<CsAttribute> {
        let mut out = Vec::new();
        for list in named_children(node) {
            if list.kind() == "attribute_list" {
                // `[return: Foo]` targets the return value: still an attribute of the
                // method for `CREATE ASSEMBLY`'s purposes, so it is kept.
                out.extend(self.attribute_nodes(list));
            }
        }
        out
    }

    /// The attributes of one `[…]` list.
    fn attribute_nodes(&self, list: Node) -> Vec<CsAttribute> {
        let mut out = Vec::new();
        {
            for attribute in named_children(list) {
                if attribute.kind() != "attribute" {
                    continue;
                }
                let Some(name) = attribute.child_by_field_name("name") else {
                    continue;
                };
                let mut arguments = Vec::new();
                for args in named_children(attribute) {
                    if args.kind() != "attribute_argument_list" {
                        continue;
                    }
                    for arg in named_children(args) {
                        let arg_name = arg
                            .child_by_field_name("name")
                            .map(|n| self.text_of(n).to_owned());
                        let value = named_children(arg)
                            .into_iter()
                            .rfind(|c| {
                                arg.child_by_field_name("name")
                                    .is_none_or(|n| n.id() != c.id())
                            })
                            .map(|v| self.text_of(v).to_owned())
                            .unwrap_or_default();
                        arguments.push((arg_name, value));
                    }
                }
                out.push(CsAttribute {
                    name: self.name_text(name),
                    range: range_of(attribute),
                    arguments,
                });
            }
        }
        out
    }

    fn type_declaration(&mut self, node: Node, scope: &Scope) {
        let kind = match node.kind() {
            "struct_declaration" | "record_struct_declaration" => TypeKind::Struct,
            "interface_declaration" => TypeKind::Interface,
            "record_declaration" => TypeKind::Record,
            _ => TypeKind::Class,
        };
        let Some(name_node) = node.child_by_field_name("name") else {
            return;
        };
        let name = self.text_of(name_node).to_owned();
        let mut nested_name = scope.outer.clone();
        nested_name.push(name.clone());
        let joined = nested_name.join("+");
        let full_name = if scope.namespace.is_empty() {
            joined
        } else {
            format!("{}.{}", scope.namespace, joined)
        };
        let bases = named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "base_list")
            .flat_map(named_children)
            .map(|b| self.name_text(b))
            .collect();
        let mut ty = CsType {
            namespace: scope.namespace.clone(),
            name,
            full_name,
            name_range: range_of(name_node),
            kind,
            modifiers: self.modifiers(node),
            attributes: self.attributes(node),
            bases,
            fields: Vec::new(),
            finalizers: Vec::new(),
            methods: Vec::new(),
            usings: scope.usings.clone(),
        };
        let index = self.file.types.len();
        let inner_scope = Scope {
            namespace: scope.namespace.clone(),
            outer: nested_name,
            usings: scope.usings.clone(),
        };
        let mut nested = Vec::new();
        if let Some(body) = node.child_by_field_name("body") {
            for member in named_children(body) {
                match member.kind() {
                    "field_declaration" | "event_field_declaration" => self.field(member, &mut ty),
                    "property_declaration" => self.property(member, &mut ty),
                    "indexer_declaration" | "event_declaration" => self.accessors(member, &mut ty),
                    "destructor_declaration" => {
                        let at = member.child_by_field_name("name").unwrap_or(member);
                        ty.finalizers.push(range_of(at));
                    }
                    "method_declaration"
                    | "constructor_declaration"
                    | "operator_declaration"
                    | "conversion_operator_declaration"
                    | "local_function_statement" => {
                        if let Some(method) = self.method(member) {
                            ty.methods.push(method);
                        }
                    }
                    "class_declaration"
                    | "struct_declaration"
                    | "interface_declaration"
                    | "record_declaration"
                    | "record_struct_declaration" => nested.push(member),
                    _ => {}
                }
            }
        }
        // What field initialisers do runs too: one pseudo-method holds it.
        let initializers: Vec<CsNode> = ty
            .fields
            .iter()
            .flat_map(|f| f.initializer.clone())
            .collect();
        if !initializers.is_empty() {
            ty.methods.push(CsMethod {
                name: ".fields".to_owned(),
                name_range: ty.name_range,
                range: range_of(node),
                kind: MethodKind::FieldInitializers,
                modifiers: Modifiers::default(),
                attributes: Vec::new(),
                params: Vec::new(),
                return_type: String::new(),
                body: initializers,
            });
        }
        self.file.types.insert(index, ty);
        for member in nested {
            crate::deep(|| self.type_declaration(member, &inner_scope));
        }
    }

    fn field(&mut self, node: Node, ty: &mut CsType) {
        let modifiers = self.modifiers(node);
        let attributes = self.attributes(node);
        let kind = if node.kind() == "event_field_declaration" {
            FieldKind::Event
        } else {
            FieldKind::Field
        };
        let Some(declaration) = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "variable_declaration")
        else {
            return;
        };
        let type_text = declaration
            .child_by_field_name("type")
            .map(|t| self.text_of(t).to_owned())
            .unwrap_or_default();
        for declarator in named_children(declaration) {
            if declarator.kind() != "variable_declarator" {
                continue;
            }
            let Some(name) = declarator.child_by_field_name("name") else {
                continue;
            };
            let mut initializer = Vec::new();
            for value in named_children(declarator) {
                if value.id() != name.id() {
                    self.expression(value, &mut initializer);
                }
            }
            ty.fields.push(CsField {
                name: self.text_of(name).to_owned(),
                name_range: range_of(name),
                range: range_of(node),
                kind,
                modifiers,
                attributes: attributes.clone(),
                type_text: type_text.clone(),
                initializer,
            });
        }
    }

    /// A property: auto-implemented ones are fields (their backing field is one), and
    /// accessors with bodies are methods.
    fn property(&mut self, node: Node, ty: &mut CsType) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let accessors: Vec<Node> = node
            .child_by_field_name("accessors")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| a.kind() == "accessor_declaration")
            .collect();
        let auto = !accessors.is_empty()
            && accessors
                .iter()
                .all(|a| a.child_by_field_name("body").is_none());
        if auto {
            let has_setter = accessors.iter().any(|a| {
                let mut cursor = a.walk();
                a.children(&mut cursor)
                    .any(|c| matches!(c.kind(), "set" | "init"))
            });
            let mut initializer = Vec::new();
            if let Some(value) = node.child_by_field_name("value") {
                self.expression(value, &mut initializer);
            }
            ty.fields.push(CsField {
                name: self.text_of(name).to_owned(),
                name_range: range_of(name),
                range: range_of(node),
                kind: FieldKind::AutoProperty { has_setter },
                modifiers: self.modifiers(node),
                attributes: self.attributes(node),
                type_text: node
                    .child_by_field_name("type")
                    .map(|t| self.text_of(t).to_owned())
                    .unwrap_or_default(),
                initializer,
            });
            return;
        }
        self.accessors(node, ty);
    }

    /// The accessors of a property, indexer or event as methods named after it; an
    /// expression-bodied property (`=> …`) is one accessor.
    fn accessors(&mut self, node: Node, ty: &mut CsType) {
        let name_node = node.child_by_field_name("name").unwrap_or(node);
        let name = if node.kind() == "indexer_declaration" {
            "this[]".to_owned()
        } else {
            self.text_of(name_node).to_owned()
        };
        let modifiers = self.modifiers(node);
        let attributes = self.attributes(node);
        let mut bodies = Vec::new();
        if let Some(value) = node.child_by_field_name("value") {
            bodies.push(value);
        }
        for accessor in node
            .child_by_field_name("accessors")
            .map(named_children)
            .unwrap_or_default()
        {
            if let Some(body) = accessor.child_by_field_name("body") {
                bodies.push(body);
            }
        }
        for body in bodies {
            let mut nodes = Vec::new();
            self.body(body, &mut nodes);
            ty.methods.push(CsMethod {
                name: name.clone(),
                name_range: range_of(name_node),
                range: range_of(node),
                kind: MethodKind::Accessor,
                modifiers,
                attributes: attributes.clone(),
                params: Vec::new(),
                return_type: String::new(),
                body: nodes,
            });
        }
    }

    fn method(&mut self, node: Node) -> Option<CsMethod> {
        let modifiers = self.modifiers(node);
        let kind = match node.kind() {
            "constructor_declaration" if modifiers.is_static => MethodKind::StaticConstructor,
            "constructor_declaration" => MethodKind::Constructor,
            "operator_declaration" | "conversion_operator_declaration" => MethodKind::Operator,
            _ => MethodKind::Method,
        };
        let name_node = node.child_by_field_name("name").unwrap_or(node);
        let name = match kind {
            MethodKind::Constructor | MethodKind::StaticConstructor => ".ctor".to_owned(),
            MethodKind::Operator => "operator".to_owned(),
            _ => self.text_of(name_node).to_owned(),
        };
        let params = node
            .child_by_field_name("parameters")
            .map(named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.kind() == "parameter")
            .map(|p| CsParam {
                name: p
                    .child_by_field_name("name")
                    .map(|n| self.text_of(n).to_owned())
                    .unwrap_or_default(),
                type_text: p
                    .child_by_field_name("type")
                    .map(|t| self.text_of(t).to_owned())
                    .unwrap_or_default(),
                range: range_of(p),
            })
            .collect();
        let return_type = node
            .child_by_field_name("returns")
            .or_else(|| node.child_by_field_name("type"))
            .map(|t| self.text_of(t).to_owned())
            .unwrap_or_default();
        let mut body = Vec::new();
        // A constructor's `: base(…)` initialiser runs as part of it.
        for child in named_children(node) {
            if child.kind() == "constructor_initializer" {
                self.expression(child, &mut body);
            }
        }
        if let Some(b) = node.child_by_field_name("body") {
            self.body(b, &mut body);
        }
        if modifiers.is_unsafe {
            body = vec![CsNode::Unsafe {
                range: range_of(node),
                body,
            }];
        }
        Some(CsMethod {
            name,
            name_range: range_of(name_node),
            range: range_of(node),
            kind,
            modifiers,
            attributes: self.attributes(node),
            params,
            return_type,
            body,
        })
    }

    fn body(&mut self, node: Node, out: &mut Vec<CsNode>) {
        if node.kind() == "block" {
            self.block(node, out);
        } else {
            self.expression(node, out);
        }
    }

    /// A block's statements; `using var x = …;` turns the rest of the block into the
    /// body of a [`CsNode::Using`].
    fn block(&mut self, node: Node, out: &mut Vec<CsNode>) {
        let statements = named_children(node);
        self.statements(&statements, out);
    }

    fn statements(&mut self, statements: &[Node], out: &mut Vec<CsNode>) {
        for (i, statement) in statements.iter().enumerate() {
            if statement.kind() == "local_declaration_statement" && has_token(*statement, "using") {
                let mut resource = Vec::new();
                self.expression(*statement, &mut resource);
                let mut body = Vec::new();
                self.statements(&statements[i + 1..], &mut body);
                let end = statements
                    .last()
                    .map_or(statement.end_byte(), |s| s.end_byte());
                out.push(CsNode::Using {
                    range: TextRange::new(statement.start_byte(), end),
                    resource,
                    body,
                });
                return;
            }
            crate::deep(|| self.statement(*statement, out));
        }
    }

    fn statement(&mut self, node: Node, out: &mut Vec<CsNode>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        crate::deep(|| self.statement_at_depth(node, out));
        self.depth -= 1;
    }

    fn statement_at_depth(&mut self, node: Node, out: &mut Vec<CsNode>) {
        match node.kind() {
            "block" => self.block(node, out),
            "lock_statement" => {
                let mut body = Vec::new();
                for child in named_children(node) {
                    self.statement(child, &mut body);
                }
                out.push(CsNode::Lock {
                    range: range_of(node),
                    body,
                });
            }
            "unsafe_statement" | "fixed_statement" => {
                let mut body = Vec::new();
                for child in named_children(node) {
                    self.statement(child, &mut body);
                }
                out.push(CsNode::Unsafe {
                    range: range_of(node),
                    body,
                });
            }
            "try_statement" => {
                let mut body = Vec::new();
                let mut handlers = Vec::new();
                let mut finally = None;
                for child in named_children(node) {
                    match child.kind() {
                        "catch_clause" => {
                            for part in named_children(child) {
                                self.statement(part, &mut handlers);
                            }
                        }
                        "finally_clause" => {
                            let mut nodes = Vec::new();
                            for part in named_children(child) {
                                self.statement(part, &mut nodes);
                            }
                            finally = Some(nodes);
                        }
                        _ => self.statement(child, &mut body),
                    }
                }
                out.push(CsNode::Try {
                    range: range_of(node),
                    body,
                    handlers,
                    finally,
                });
            }
            "using_statement" => {
                let mut resource = Vec::new();
                let mut body = Vec::new();
                let body_node = node.child_by_field_name("body");
                for child in named_children(node) {
                    if body_node.is_some_and(|b| b.id() == child.id()) {
                        self.statement(child, &mut body);
                    } else {
                        self.expression(child, &mut resource);
                    }
                }
                out.push(CsNode::Using {
                    range: range_of(node),
                    resource,
                    body,
                });
            }
            "local_function_statement" => {
                // A local function is a lambda with a name: its body runs when called.
                let mut body = Vec::new();
                if let Some(b) = node.child_by_field_name("body") {
                    self.body(b, &mut body);
                }
                out.push(CsNode::Lambda {
                    range: range_of(node),
                    body,
                });
            }
            _ => self.expression(node, out),
        }
    }

    /// The events of an expression (or of a statement that is not one of the structured
    /// kinds above: its sub-expressions and nested statements, in order).
    fn expression(&mut self, node: Node, out: &mut Vec<CsNode>) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        self.depth += 1;
        crate::deep(|| self.expression_at_depth(node, out));
        self.depth -= 1;
    }

    fn expression_at_depth(&mut self, node: Node, out: &mut Vec<CsNode>) {
        match node.kind() {
            "invocation_expression" => self.invocation(node, out),
            "object_creation_expression" | "implicit_object_creation_expression" => {
                let type_name = node
                    .child_by_field_name("type")
                    .map(|t| self.name_text(t))
                    .unwrap_or_default();
                let (args, arg_count) = self.arguments(node.child_by_field_name("arguments"));
                let mut args = args;
                // An object initialiser (`new T { … }`) runs with the creation.
                for child in named_children(node) {
                    if child.kind() == "initializer_expression" {
                        self.expression(child, &mut args);
                    }
                }
                out.push(CsNode::New {
                    type_name,
                    range: range_of(node),
                    args,
                    arg_count,
                });
            }
            "member_access_expression" => {
                if let Some(path) = self.path(node) {
                    out.push(CsNode::Access {
                        path,
                        range: range_of(node),
                    });
                } else {
                    self.children_of(node, out);
                }
            }
            "string_literal" | "verbatim_string_literal" | "raw_string_literal" => {
                out.push(CsNode::Text {
                    value: self.string_value(node),
                    range: range_of(node),
                });
            }
            "interpolated_string_expression" => {
                let mut value = String::new();
                for child in named_children(node) {
                    match child.kind() {
                        "string_content" | "interpolated_verbatim_string_text" => {
                            value.push_str(self.text_of(child))
                        }
                        "interpolation" => {
                            value.push('{');
                            self.children_of(child, out);
                            value.push('}');
                        }
                        _ => {}
                    }
                }
                out.push(CsNode::Text {
                    value,
                    range: range_of(node),
                });
            }
            "variable_declaration" => {
                let declared = node
                    .child_by_field_name("type")
                    .map(|t| self.name_text(t))
                    .unwrap_or_default();
                for declarator in named_children(node) {
                    if declarator.kind() != "variable_declarator" {
                        continue;
                    }
                    let name = declarator.child_by_field_name("name");
                    let values: Vec<Node> = named_children(declarator)
                        .into_iter()
                        .filter(|c| name.is_none_or(|n| n.id() != c.id()))
                        .collect();
                    let type_name = if declared == "var" {
                        values
                            .iter()
                            .find(|v| v.kind() == "object_creation_expression")
                            .and_then(|v| v.child_by_field_name("type"))
                            .map(|t| self.name_text(t))
                            .unwrap_or_default()
                    } else {
                        declared.clone()
                    };
                    if let Some(name) = name
                        && !type_name.is_empty()
                    {
                        out.push(CsNode::Local {
                            name: self.text_of(name).to_owned(),
                            type_name,
                            range: range_of(declarator),
                        });
                    }
                    for value in values {
                        self.expression(value, out);
                    }
                }
            }
            "lambda_expression" | "anonymous_method_expression" => {
                let mut body = Vec::new();
                let params = node.child_by_field_name("parameters");
                for child in named_children(node) {
                    if params.is_some_and(|p| p.id() == child.id()) {
                        continue;
                    }
                    if child.kind() == "block" {
                        self.block(child, &mut body);
                    } else if child.kind() != "parameter_list" && child.kind() != "modifier" {
                        self.expression(child, &mut body);
                    }
                }
                out.push(CsNode::Lambda {
                    range: range_of(node),
                    body,
                });
            }
            "pointer_type" | "stack_alloc_array_creation_expression" | "function_pointer_type" => {
                let mut body = Vec::new();
                self.children_of(node, &mut body);
                out.push(CsNode::Unsafe {
                    range: range_of(node),
                    body,
                });
            }
            "lock_statement"
            | "unsafe_statement"
            | "fixed_statement"
            | "try_statement"
            | "using_statement"
            | "block"
            | "local_function_statement" => self.statement(node, out),
            // Declarations nested in a body (a local class) are not events.
            "class_declaration" | "struct_declaration" | "interface_declaration" => {}
            _ => self.children_of(node, out),
        }
    }

    fn children_of(&mut self, node: Node, out: &mut Vec<CsNode>) {
        for child in named_children(node) {
            crate::deep(|| self.expression(child, out));
        }
    }

    fn invocation(&mut self, node: Node, out: &mut Vec<CsNode>) {
        let Some(function) = node.child_by_field_name("function") else {
            self.children_of(node, out);
            return;
        };
        let (args, arg_count) = self.arguments(node.child_by_field_name("arguments"));
        let first_arg_is_string = node
            .child_by_field_name("arguments")
            .and_then(|a| named_children(a).into_iter().next())
            .and_then(|arg| named_children(arg).into_iter().last())
            .is_some_and(|e| {
                matches!(
                    e.kind(),
                    "string_literal"
                        | "verbatim_string_literal"
                        | "raw_string_literal"
                        | "interpolated_string_expression"
                )
            });
        let mut receiver = Vec::new();
        let (callee, name_range) = match function.kind() {
            "identifier" | "generic_name" => (vec![self.simple_name(function)], range_of(function)),
            "member_access_expression" => {
                let name = function.child_by_field_name("name");
                let name_range = name.map_or(range_of(function), range_of);
                let method = name.map(|n| self.simple_name(n)).unwrap_or_default();
                match function
                    .child_by_field_name("expression")
                    .and_then(|e| self.path(e))
                {
                    Some(mut path) => {
                        path.push(method);
                        (path, name_range)
                    }
                    None => {
                        if let Some(e) = function.child_by_field_name("expression") {
                            self.expression(e, &mut receiver);
                        }
                        (vec!["?".to_owned(), method], name_range)
                    }
                }
            }
            "conditional_access_expression" => {
                // `x?.M()`: the receiver is the condition, the method the binding.
                let binding = named_children(function)
                    .into_iter()
                    .find(|c| c.kind() == "member_binding_expression");
                let name = binding.and_then(|b| b.child_by_field_name("name"));
                let method = name.map(|n| self.simple_name(n)).unwrap_or_default();
                let name_range = name.map_or(range_of(function), range_of);
                match function
                    .child_by_field_name("condition")
                    .and_then(|c| self.path(c))
                {
                    Some(mut path) => {
                        path.push(method);
                        (path, name_range)
                    }
                    None => {
                        if let Some(c) = function.child_by_field_name("condition") {
                            self.expression(c, &mut receiver);
                        }
                        (vec!["?".to_owned(), method], name_range)
                    }
                }
            }
            _ => {
                self.expression(function, &mut receiver);
                (vec!["?".to_owned()], range_of(function))
            }
        };
        out.push(CsNode::Call {
            callee,
            name_range,
            range: range_of(node),
            receiver,
            args,
            arg_count,
            first_arg_is_string,
        });
    }

    /// The events of an argument list, and how many arguments it has. A bare name passed
    /// as an argument is kept as an [`CsNode::Access`]: it may be a method group.
    fn arguments(&mut self, list: Option<Node>) -> (Vec<CsNode>, usize) {
        let mut out = Vec::new();
        let Some(list) = list else {
            return (out, 0);
        };
        let mut count = 0;
        for arg in named_children(list) {
            if arg.kind() != "argument" {
                continue;
            }
            count += 1;
            for part in named_children(arg) {
                if part.kind() == "identifier" {
                    out.push(CsNode::Access {
                        path: vec![self.text_of(part).to_owned()],
                        range: range_of(part),
                    });
                } else {
                    self.expression(part, &mut out);
                }
            }
        }
        (out, count)
    }

    /// A dotted path of plain names (`System.IO.File`, `this.helper`), or `None` when any
    /// part is not a name (a call, an index, a cast).
    fn path(&self, node: Node) -> Option<Vec<String>> {
        match node.kind() {
            "identifier" | "generic_name" | "predefined_type" => Some(vec![self.simple_name(node)]),
            "this_expression" | "this" => Some(vec!["this".to_owned()]),
            "base_expression" | "base" => Some(vec!["base".to_owned()]),
            "qualified_name" | "alias_qualified_name" => Some(
                self.name_text(node)
                    .split(['.', ':'])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            "member_access_expression" => {
                // Walked down the chain in a loop: generated code writes chains thousands
                // of members long.
                let mut names = Vec::new();
                let mut at = node;
                loop {
                    if names.len() > MAX_DEPTH {
                        return None;
                    }
                    match at.kind() {
                        "member_access_expression" => {
                            names.push(self.simple_name(at.child_by_field_name("name")?));
                            match at.child_by_field_name("expression") {
                                Some(e) => at = e,
                                // `this.` parses without an expression field in some
                                // versions.
                                None => {
                                    names.push("this".to_owned());
                                    break;
                                }
                            }
                        }
                        "parenthesized_expression" => at = *named_children(at).first()?,
                        _ => {
                            let mut head = self.path(at)?;
                            head.extend(names.into_iter().rev());
                            return Some(head);
                        }
                    }
                }
                names.reverse();
                Some(names)
            }
            "parenthesized_expression" => named_children(node).first().and_then(|c| self.path(*c)),
            _ => None,
        }
    }

    /// A name without its type arguments: `List<int>` is `List`.
    fn simple_name(&self, node: Node) -> String {
        if node.kind() == "generic_name"
            && let Some(first) = named_children(node).first()
        {
            return self.text_of(*first).to_owned();
        }
        self.text_of(node).to_owned()
    }

    fn string_value(&self, node: Node) -> String {
        let raw = self.text_of(node);
        match node.kind() {
            "verbatim_string_literal" => raw
                .strip_prefix("@\"")
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(raw)
                .replace("\"\"", "\""),
            "raw_string_literal" => raw.trim_matches('"').to_owned(),
            _ => {
                let inner: String = named_children(node)
                    .into_iter()
                    .map(|c| self.text_of(c))
                    .collect();
                if inner.is_empty() {
                    raw.trim_matches('"').to_owned()
                } else {
                    inner
                }
            }
        }
    }
}

fn has_token(node: Node, token: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == token)
}

#[cfg(test)]
mod tests;
