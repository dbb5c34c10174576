//! Statements: one function per statement kind, dispatched on the tree's node kind.
//!
//! Control flow (`IF`, `WHILE`, `BEGIN…END`, `TRY…CATCH`) is flattened: the `IF` head
//! becomes a statement of its own (carrying the condition's references) and the
//! statements it guards follow it in text order, at the top level as in module bodies.

use tree_sitter::Node;

use super::expr;
use super::refs::references;
use super::{Cx, NodeExt, child_of_kind, children, named_children, range, tokens};
use crate::ast::*;
use crate::names;

/// Lowers the statements directly inside `container` (a batch, a block, a module body,
/// an error region) into `out`.
pub(crate) fn lower_items(cx: &Cx<'_>, container: Node<'_>, out: &mut Vec<Statement>) {
    // `CREATE SCHEMA s CREATE TABLE t (…) GRANT SELECT ON t TO r`: the tables, views and
    // permissions that follow a CREATE SCHEMA without a `;` between are its elements, and
    // their one-part names are in the new schema.
    let mut schema: Option<Ident> = None;
    for child in children(container) {
        if !child.is_named() {
            if cx.slice(child) == ";" {
                schema = None;
            }
            continue;
        }
        let before = out.len();
        lower_item(cx, child, out);
        let lowered = &mut out[before..];
        if let Some(schema_name) = &schema {
            match lowered {
                [statement] if is_schema_element(&statement.kind) => {
                    qualify_schema_element(&mut statement.kind, schema_name);
                }
                _ => schema = None,
            }
        }
        if let [
            Statement {
                kind: StatementKind::CreateSchema { name, .. },
                ..
            },
        ] = lowered
        {
            schema = Some(name.clone());
        }
    }
}

fn is_schema_element(kind: &StatementKind) -> bool {
    match kind {
        StatementKind::CreateObject(object) => {
            !object.alter && matches!(object.kind, ObjectKind::Table | ObjectKind::View)
        }
        StatementKind::Permission(_) => true,
        _ => false,
    }
}

/// Puts a one-part name of a schema element in the schema being created.
fn qualify_schema_element(kind: &mut StatementKind, schema: &Ident) {
    let name = match kind {
        StatementKind::CreateObject(object) => Some(&mut object.name),
        StatementKind::Permission(permission) => permission
            .securable
            .as_mut()
            .filter(|securable| {
                securable.class.is_none() || securable.class.as_deref() == Some("OBJECT")
            })
            .map(|securable| &mut securable.name),
        _ => None,
    };
    if let Some(name) = name.filter(|name| name.parts.len() == 1) {
        name.parts.insert(0, schema.clone());
    }
}

fn lower_item(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Statement>) {
    crate::deep(|| match node.k() {
        "statement" => lower_statement(cx, node, out),
        // A procedure called without EXEC, allowed as the first statement of a batch.
        "execute_statement" => lower_main(cx, node, node, out),
        "try_catch_statement" => try_catch(cx, node, out),
        "block" | "try_block" | "catch_block" | "else_clause" => lower_items(cx, node, out),
        "sqlcmd_setvar" => out.push(Statement {
            range: range(node),
            kind: setvar(cx, node),
            references: Vec::new(),
        }),
        "sqlcmd_include" => out.push(Statement {
            range: range(node),
            kind: StatementKind::Include {
                path: include_path(cx, node),
            },
            references: Vec::new(),
        }),
        "sqlcmd_command" => out.push(Statement {
            range: range(node),
            kind: StatementKind::Other,
            references: Vec::new(),
        }),
        "ERROR" => lower_error(cx, node, out),
        _ => {}
    })
}

/// The kind of the statement's main node, past a leading `WITH` CTE list.
fn main_node(statement: Node<'_>) -> Option<Node<'_>> {
    named_children(statement)
        .into_iter()
        .find(|child| !matches!(child.k(), "keyword_with" | "cte"))
}

fn lower_statement(cx: &Cx<'_>, statement: Node<'_>, out: &mut Vec<Statement>) {
    let Some(main) = main_node(statement) else {
        out.push(simple(statement, StatementKind::Other, Vec::new()));
        return;
    };
    lower_main(cx, statement, main, out);
}

/// Lowers a statement whose node is `statement` and whose main node (past any CTEs) is
/// `main`; they are the same node for a bare procedure call.
fn lower_main(cx: &Cx<'_>, statement: Node<'_>, main: Node<'_>, out: &mut Vec<Statement>) {
    match main.k() {
        "if_statement" | "while_statement" => {
            let condition = main.field("condition");
            // The head runs to the end of the condition, its parenthesis included.
            let guarded = main.field("consequence").or_else(|| main.field("body"));
            let head_end = children(main)
                .into_iter()
                .take_while(|child| Some(*child) != guarded)
                .last()
                .map_or(main.end_byte(), |last| last.end_byte());
            let condition_fact = condition.map_or(Condition::Other, |c| expr::condition(cx, c));
            let kind = if main.k() == "if_statement" {
                StatementKind::If {
                    condition: Box::new(condition_fact),
                    consequence: guarded.map_or_else(TextRange::default, range),
                    alternative: main.field("alternative").map(range),
                }
            } else {
                StatementKind::While {
                    condition: Box::new(condition_fact),
                    body: guarded.map_or_else(TextRange::default, range),
                }
            };
            out.push(Statement {
                range: TextRange::new(statement.start_byte(), head_end.max(main.start_byte())),
                kind,
                references: condition.map_or_else(Vec::new, |c| references(cx, c)),
            });
            for field in ["consequence", "body", "alternative"] {
                if let Some(child) = main.field(field) {
                    lower_item(cx, child, out);
                }
            }
        }
        "try_catch_statement" => try_catch(cx, main, out),
        "block" => lower_items(cx, main, out),
        _ => {
            let (kind, refs) = lower_kind(cx, statement, main);
            match kind {
                Lowered::One(kind) => out.push(Statement {
                    range: range(statement),
                    kind: *kind,
                    references: refs,
                }),
                Lowered::Many(kinds) => {
                    let mut refs = Some(refs);
                    for kind in kinds {
                        out.push(Statement {
                            range: range(statement),
                            kind,
                            references: refs.take().unwrap_or_default(),
                        });
                    }
                }
            }
        }
    }
}

/// `BEGIN TRY … END TRY BEGIN CATCH … END CATCH`: a head that says which statements
/// each block holds (its range is `BEGIN TRY`), then the blocks' statements.
fn try_catch(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Statement>) {
    let try_block = child_of_kind(node, "try_block");
    let catch_block = child_of_kind(node, "catch_block");
    if let (Some(try_block), Some(catch_block)) = (try_block, catch_block) {
        let keywords = children(try_block);
        let head_end = keywords
            .get(1)
            .map_or(try_block.start_byte(), |k| k.end_byte());
        out.push(Statement {
            range: TextRange::new(try_block.start_byte(), head_end),
            kind: StatementKind::TryCatch {
                try_block: range(try_block),
                catch_block: range(catch_block),
            },
            references: Vec::new(),
        });
    }
    lower_items(cx, node, out);
}

fn simple(node: Node<'_>, kind: StatementKind, references: Vec<Reference>) -> Statement {
    Statement {
        range: range(node),
        kind,
        references,
    }
}

enum Lowered {
    One(Box<StatementKind>),
    /// Several statements with the same range (one per assigned variable); the
    /// references go with the first.
    Many(Vec<StatementKind>),
}

fn lower_kind(cx: &Cx<'_>, statement: Node<'_>, main: Node<'_>) -> (Lowered, Vec<Reference>) {
    let one = |kind| (Lowered::One(Box::new(kind)), Vec::new());
    match main.k() {
        "create_user" | "alter_user" => one(create_user(cx, main)),
        "create_role" | "create_application_role" => one(create_role(cx, main)),
        "alter_role" | "alter_server_role" => one(role_membership(cx, main)),
        "create_login" => one(create_login(cx, main)),
        "create_schema" => one(create_schema(cx, main)),
        "create_table" | "alter_table" => one(object(cx, main, ObjectKind::Table)),
        "create_type" => one(object(cx, main, ObjectKind::Type)),
        "create_aggregate" => one(object(cx, main, ObjectKind::Aggregate)),
        "create_sequence" | "alter_sequence" => one(object(cx, main, ObjectKind::Sequence)),
        "create_synonym" => one(object(cx, main, ObjectKind::Synonym)),
        "create_queue" => one(object(cx, main, ObjectKind::Queue)),
        "create_view" | "alter_view" => one(object(cx, main, ObjectKind::View)),
        "create_procedure" | "alter_procedure" => one(object(cx, main, ObjectKind::Procedure)),
        "create_function" | "alter_function" => {
            let kind = function_kind(main);
            one(object(cx, main, kind))
        }
        "create_trigger" | "alter_trigger" => one(object(cx, main, ObjectKind::Trigger)),
        "alter_authorization" => one(alter_authorization(cx, main)),
        "create_assembly" | "alter_assembly" => one(create_assembly(cx, main)),
        "create_certificate" | "create_asymmetric_key" => one(create_key(cx, main)),
        "grant_statement" | "deny_statement" | "revoke_statement" => {
            one(permission_statement(cx, main))
        }
        "alter_database" => one(alter_database(cx, main)),
        "add_signature_statement" | "drop_signature_statement" => one(signature(cx, main)),
        "alter_schema" => one(transfer_object(cx, main)),
        "drop_table" | "drop_view" | "drop_procedure" | "drop_function" | "drop_trigger"
        | "drop_type" | "drop_synonym" | "drop_sequence" | "drop_aggregate" => {
            one(drop_object(cx, main))
        }
        "execute_as_statement" => one(execute_as_statement(cx, main)),
        "revert_statement" => one(StatementKind::Revert),
        "setuser_statement" => one(StatementKind::SetUser {
            user: child_of_kind(main, "literal").map(|literal| {
                expr::string_value(cx.slice(literal))
                    .unwrap_or_else(|| cx.slice(literal).to_owned())
            }),
        }),
        "execute_statement" => (
            Lowered::One(Box::new(StatementKind::Exec(Box::new(exec(cx, main))))),
            references(cx, statement),
        ),
        "var_declarations" => declare(cx, main),
        "set_statement" if child_of_kind(main, "keyword_cursor").is_some() => (
            Lowered::One(Box::new(cursor_assignment(cx, main))),
            references(cx, statement),
        ),
        "set_statement" => match set_variable(cx, main) {
            Some((kind, value)) => (Lowered::One(Box::new(kind)), references(cx, value)),
            None => (
                Lowered::One(Box::new(StatementKind::Other)),
                references(cx, statement),
            ),
        },
        "use_statement" => match named_children(main)
            .into_iter()
            .find(|c| c.k() != "keyword_use")
        {
            Some(name) => one(StatementKind::Use {
                database: cx.qname(name).object().clone(),
            }),
            None => one(StatementKind::Other),
        },
        "query_specification" => {
            let refs = references(cx, statement);
            match (select_assignments(cx, main), select_into(cx, main)) {
                (Some(kinds), _) => (Lowered::Many(kinds), refs),
                (None, Some(created)) => (Lowered::Many(vec![StatementKind::Dml, created]), refs),
                (None, None) => (Lowered::One(Box::new(StatementKind::Dml)), refs),
            }
        }
        "return_statement" => jump(Jump::Return, references(cx, statement)),
        "throw_statement" => jump(Jump::Throw, references(cx, statement)),
        "break_statement" => jump(Jump::Break, Vec::new()),
        "raiserror_statement" => {
            // RAISERROR (message, severity, state …): the second argument.
            let severity = named_children(main)
                .into_iter()
                .filter(|c| !c.k().starts_with("keyword_"))
                .nth(1)
                .and_then(|s| cx.slice(s).trim().parse::<u32>().ok());
            jump(Jump::Raiserror { severity }, references(cx, statement))
        }
        "continue_statement" => jump(Jump::Continue, Vec::new()),
        "declare_cursor_statement" => (
            Lowered::One(Box::new(declare_cursor(cx, main))),
            references(cx, statement),
        ),
        "fetch_cursor_statement" => one(fetch(cx, main)),
        "insert" => {
            let refs = references(cx, statement);
            match super::expr::fill_table_variable(cx, main) {
                Some(fill) => (Lowered::Many(vec![StatementKind::Dml, fill]), refs),
                None => (Lowered::One(Box::new(StatementKind::Dml)), refs),
            }
        }
        "set_operation"
        | "update"
        | "delete"
        | "merge"
        | "subquery"
        | "bulk_insert_statement"
        | "truncate_statement" => (
            Lowered::One(Box::new(StatementKind::Dml)),
            references(cx, statement),
        ),
        _ => (
            Lowered::One(Box::new(StatementKind::Other)),
            references(cx, statement),
        ),
    }
}

// ---- token matching -------------------------------------------------------------------

/// The tokens of a statement with their spelling, for matching the statement's shape.
struct Toks<'c, 't, 'n> {
    cx: &'c Cx<'t>,
    nodes: Vec<Node<'n>>,
    spelled: Vec<Option<String>>,
}

impl<'c, 't, 'n> Toks<'c, 't, 'n> {
    fn new(cx: &'c Cx<'t>, node: Node<'n>) -> Self {
        let nodes = tokens(node);
        let spelled = nodes
            .iter()
            .map(|token| {
                cx.word(*token)
                    .or_else(|| (!token.is_named()).then(|| cx.slice(*token).to_uppercase()))
            })
            .collect();
        Self { cx, nodes, spelled }
    }

    fn is(&self, index: usize, word: &str) -> bool {
        self.spelled.get(index).and_then(|w| w.as_deref()) == Some(word)
    }

    /// The index just past the first place where `words` appear in a row.
    fn after(&self, words: &[&str]) -> Option<usize> {
        (0..self.nodes.len()).find_map(|start| {
            words
                .iter()
                .enumerate()
                .all(|(offset, word)| self.is(start + offset, word))
                .then_some(start + words.len())
        })
    }

    fn has(&self, words: &[&str]) -> bool {
        self.after(words).is_some()
    }

    fn node(&self, index: usize) -> Option<Node<'n>> {
        self.nodes.get(index).copied()
    }

    /// The name that follows `words`.
    fn name_after(&self, words: &[&str]) -> Option<Ident> {
        let node = self.node(self.after(words)?)?;
        self.name(node)
    }

    /// A token read as a one-part name (an object reference gives its last part).
    fn name(&self, node: Node<'_>) -> Option<Ident> {
        match node.k() {
            "object_reference" => Some(self.cx.qname(node).object().clone()),
            "identifier" | "sqlcmd_variable" | "template_parameter" => Some(self.cx.ident(node)),
            "literal" => {
                let text = self.cx.slice(node);
                Some(Ident {
                    value: expr::string_value(text).map_or_else(|| text.into(), Name::from),
                    range: range(node),
                })
            }
            kind if kind.starts_with("keyword_") => Some(self.cx.ident(node)),
            _ => None,
        }
    }
}

/// The statement's `name` field, else the name after `words`.
fn name_of(cx: &Cx<'_>, main: Node<'_>, toks: &Toks<'_, '_, '_>, words: &[&str]) -> Ident {
    main.field("name")
        .map(|name| cx.qname(name).object().clone())
        .or_else(|| toks.name_after(words))
        .unwrap_or_else(|| Ident {
            value: Name::default(),
            range: TextRange::new(main.end_byte(), main.end_byte()),
        })
}

// ---- principals -----------------------------------------------------------------------

fn create_user(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let alter = main.k() == "alter_user" || toks.is(0, "ALTER");
    let name = name_of(cx, main, &toks, &["USER"]);
    let field = |name: &str| main.field(name).map(|node| cx.ident(node));
    let source = if let Some(login) = field("login").or_else(|| toks.name_after(&["LOGIN", "="])) {
        UserSource::Login(login)
    } else if toks.has(&["WITHOUT", "LOGIN"]) {
        UserSource::WithoutLogin
    } else if let Some(certificate) = field("certificate") {
        UserSource::Certificate(certificate)
    } else if let Some(key) = field("asymmetric_key") {
        UserSource::AsymmetricKey(key)
    } else if toks.has(&["PASSWORD", "="]) && !alter {
        UserSource::Password
    } else if toks.has(&["EXTERNAL", "PROVIDER"]) || toks.has(&["PASSWORD", "="]) {
        UserSource::Other
    } else if alter {
        UserSource::Unchanged
    } else {
        UserSource::Login(name.clone())
    };
    // `DEFAULT_SCHEMA = NULL` takes the default schema away, and SQL Server then resolves
    // the user's one-part names in dbo, so that is the schema the model gets.
    let schema_at = toks.after(&["DEFAULT_SCHEMA", "="]);
    let default_schema = match schema_at.and_then(|at| toks.node(at)) {
        Some(null) if null.k() == "literal" && cx.slice(null).eq_ignore_ascii_case("NULL") => {
            Some(Ident {
                value: Name::const_new("dbo"),
                range: range(null),
            })
        }
        _ => toks.name_after(&["DEFAULT_SCHEMA", "="]),
    };
    StatementKind::CreateUser(Box::new(CreateUser {
        default_schema,
        name,
        source,
        alter,
    }))
}

fn create_role(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    if toks.has(&["CREATE", "SERVER", "ROLE"]) {
        // A server role is not a database principal; the model never needs it.
        return StatementKind::Other;
    }
    StatementKind::CreateRole {
        name: name_of(cx, main, &toks, &["ROLE"]),
        owner: toks.name_after(&["AUTHORIZATION"]).map(Box::new),
        application: toks.has(&["APPLICATION", "ROLE"]) || main.k().contains("application"),
    }
}

fn role_membership(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let add = toks.has(&["ADD", "MEMBER"]);
    let member = toks
        .name_after(&["ADD", "MEMBER"])
        .or_else(|| toks.name_after(&["DROP", "MEMBER"]));
    let (Some(role), Some(member)) = (toks.name_after(&["ROLE"]), member) else {
        return StatementKind::Other;
    };
    StatementKind::RoleMembership(Box::new(RoleMembership {
        role,
        member,
        add,
        server: toks.has(&["SERVER", "ROLE"]),
    }))
}

fn create_login(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let name = name_of(cx, main, &toks, &["LOGIN"]);
    let source = if toks.has(&["FROM", "WINDOWS"]) {
        LoginSource::Windows
    } else if let Some(certificate) = toks.name_after(&["FROM", "CERTIFICATE"]) {
        LoginSource::Certificate(certificate)
    } else if let Some(key) = toks.name_after(&["FROM", "ASYMMETRIC", "KEY"]) {
        LoginSource::AsymmetricKey(key)
    } else if toks.has(&["PASSWORD", "="]) {
        LoginSource::Password
    } else {
        LoginSource::Other
    };
    StatementKind::CreateLogin(Box::new(CreateLogin { name, source }))
}

fn create_schema(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let owner = toks.name_after(&["AUTHORIZATION"]);
    let name = match (main.field("name"), &owner) {
        (Some(name), _) => cx.ident(name),
        // `CREATE SCHEMA AUTHORIZATION u` names the schema after its owner.
        (None, Some(owner)) => owner.clone(),
        (None, None) => name_of(cx, main, &toks, &["SCHEMA"]),
    };
    StatementKind::CreateSchema {
        name,
        owner: owner.map(Box::new),
    }
}

// ---- objects and modules --------------------------------------------------------------

fn function_kind(main: Node<'_>) -> ObjectKind {
    let kids = named_children(main);
    let returns = kids.iter().position(|child| child.k() == "keyword_returns");
    let after = |offset: usize| {
        returns
            .and_then(|index| kids.get(index + offset))
            .map(|n| n.k())
    };
    match after(1) {
        // A CLR table-valued function declares its columns: `RETURNS TABLE (v int)`.
        Some("keyword_table") if after(2) == Some("column_definitions") => {
            ObjectKind::MultiStatementTableFunction
        }
        Some("keyword_table") => ObjectKind::InlineTableFunction,
        Some("table_var_declaration") => ObjectKind::MultiStatementTableFunction,
        _ => ObjectKind::ScalarFunction,
    }
}

/// The node that holds a module's body, or the keyword `AS` that starts a view's query.
fn body_start(main: Node<'_>) -> Option<Node<'_>> {
    let kids = named_children(main);
    if let Some(body) = kids
        .iter()
        .find(|child| matches!(child.k(), "procedure_body" | "function_body"))
    {
        return Some(*body);
    }
    if main.k().ends_with("_view") {
        return kids.into_iter().find(|child| child.k() == "keyword_as");
    }
    None
}

fn object(cx: &Cx<'_>, main: Node<'_>, kind: ObjectKind) -> StatementKind {
    let kids = named_children(main);
    // ALTER TABLE's `name` field, where there is one, is the column it alters; the table
    // is its object reference.
    let first_reference = || kids.iter().copied().find(|c| c.k() == "object_reference");
    let name_node = if main.k() == "alter_table" {
        first_reference()
    } else {
        main.field("name").or_else(first_reference)
    };
    let name = name_node.map_or_else(
        || QualifiedName {
            parts: vec![Ident {
                value: Name::default(),
                range: TextRange::new(main.end_byte(), main.end_byte()),
            }],
            range: TextRange::new(main.end_byte(), main.end_byte()),
        },
        |node| cx.qname(node),
    );
    let alter = main.k().starts_with("alter_")
        || (kids.first().is_some_and(|k| k.k() == "keyword_create")
            && kids.get(1).is_some_and(|k| k.k() == "keyword_or"));
    let synonym_for = (kind == ObjectKind::Synonym)
        .then(|| {
            kids.iter()
                .copied()
                .filter(|c| c.k() == "object_reference")
                .nth(1)
                .map(|target| cx.qname(target))
        })
        .flatten();
    let module = match kind {
        ObjectKind::View
        | ObjectKind::Procedure
        | ObjectKind::ScalarFunction
        | ObjectKind::InlineTableFunction
        | ObjectKind::MultiStatementTableFunction
        | ObjectKind::Trigger => Some(module(cx, main, kind, name_node)),
        ObjectKind::Type | ObjectKind::Aggregate => {
            external_name(cx, main).map(|external_name| Module {
                external_name: Some(Box::new(external_name)),
                header_range: range(main),
                ..Module::default()
            })
        }
        _ => None,
    };
    StatementKind::CreateObject(Box::new(CreateObject {
        kind,
        name,
        alter,
        module,
        synonym_for,
    }))
}

fn module(cx: &Cx<'_>, main: Node<'_>, kind: ObjectKind, name_node: Option<Node<'_>>) -> Module {
    let body = body_start(main);
    let header_end = body.map_or(main.end_byte(), |b| b.start_byte());
    let header_text = cx.get(main.start_byte()..header_end).unwrap_or("");
    let mut module = Module {
        header_range: TextRange::new(
            main.start_byte(),
            main.start_byte() + header_text.trim_end().len(),
        ),
        ..Module::default()
    };
    // The header: everything before the body.
    for child in named_children(main) {
        if Some(child) == body {
            break;
        }
        match child.k() {
            "function_arguments" => {
                for argument in named_children(child) {
                    if let Some(name) = named_children(argument).first() {
                        module.parameters.push(cx.slice(*name).to_lowercase());
                    }
                    module
                        .parameter_declarations
                        .extend(declaration_of(cx, argument));
                }
            }
            "procedure_options" | "function_options" | "trigger_options" => {
                if let Some(clause) = find_outside_statements(child, "execute_as_clause") {
                    module.execute_as = Some(execute_as_clause(cx, clause));
                }
            }
            "execute_as_clause" => module.execute_as = Some(execute_as_clause(cx, child)),
            "trigger_event" => {
                let event = named_children(child).first().map(|e| e.k());
                let access = match event {
                    Some("keyword_insert") => Some(Access::Insert),
                    Some("keyword_update") => Some(Access::Update),
                    Some("keyword_delete") => Some(Access::Delete),
                    _ => None,
                };
                module.trigger_events.extend(access);
            }
            _ => {}
        }
    }
    if kind == ObjectKind::Trigger {
        trigger_target(cx, main, name_node, &mut module);
    }
    module.external_name = external_name(cx, main).map(Box::new);
    match (kind, body) {
        (ObjectKind::View, Some(as_keyword)) => {
            // The query runs from after AS to the end (before `WITH CHECK OPTION`).
            let mut query: Vec<Node<'_>> = named_children(main)
                .into_iter()
                .skip_while(|c| *c != as_keyword)
                .skip(1)
                .collect();
            // `WITH CHECK OPTION` ends the view; a leading `WITH` opens its CTEs.
            if let Some(check) = query
                .windows(2)
                .position(|pair| pair[0].k() == "keyword_with" && pair[1].k() == "keyword_check")
            {
                query.truncate(check);
            }
            if let (Some(first), Some(last)) = (query.first(), query.last()) {
                module.body.push(Statement {
                    range: TextRange::new(first.start_byte(), last.end_byte()),
                    kind: StatementKind::Dml,
                    references: references(cx, main),
                });
            }
        }
        (_, Some(body))
            if body.k() == "function_body" && child_of_kind(body, "keyword_begin").is_none() =>
        {
            // An inline function: `RETURN [WITH …] SELECT …`.
            let query: Vec<Node<'_>> = named_children(body)
                .into_iter()
                .skip_while(|c| c.k() != "keyword_return")
                .skip(1)
                .collect();
            if let (Some(first), Some(last)) = (query.first(), query.last()) {
                module.body.push(Statement {
                    range: TextRange::new(first.start_byte(), last.end_byte()),
                    kind: StatementKind::Dml,
                    references: references(cx, body),
                });
            }
        }
        (_, Some(body)) => lower_items(cx, body, &mut module.body),
        (_, None) => {}
    }
    // Bodies live for the whole run, one per module, so the slack a growing vector leaves
    // is kept too (20 MB of 640 at 100,000 objects).
    module.body.shrink_to_fit();
    module
}

fn trigger_target(cx: &Cx<'_>, main: Node<'_>, name_node: Option<Node<'_>>, module: &mut Module) {
    let kids = named_children(main);
    let Some(on) = kids.iter().position(|c| c.k() == "keyword_on") else {
        return;
    };
    match kids.get(on + 1) {
        Some(next) if next.k() == "keyword_database" => {
            module.trigger_scope = Some(TriggerScope::Database)
        }
        Some(next) if next.k() == "keyword_all" => {
            module.trigger_scope = Some(TriggerScope::AllServer)
        }
        Some(next) if next.k() == "object_reference" && Some(*next) != name_node => {
            module.trigger_target = Some(cx.qname(*next))
        }
        _ => {}
    }
}

/// The first node of `kind` under `node`, not looking into statements.
fn find_outside_statements<'a>(node: Node<'a>, kind: &str) -> Option<Node<'a>> {
    crate::deep(|| {
        for child in named_children(node) {
            if child.k() == kind {
                return Some(child);
            }
            if matches!(child.k(), "statement" | "block") {
                continue;
            }
            if let Some(found) = find_outside_statements(child, kind) {
                return Some(found);
            }
        }
        None
    })
}

fn execute_as_clause(cx: &Cx<'_>, clause: Node<'_>) -> ExecuteAsClause {
    let kids = named_children(clause);
    let context = match kids.last() {
        Some(last) if last.k() == "keyword_caller" => ExecutionContext::Caller,
        Some(last) if last.k() == "keyword_self" => ExecutionContext::SelfUser,
        Some(last) if last.k() == "keyword_owner" => ExecutionContext::Owner,
        Some(last) => {
            let text = cx.slice(*last);
            ExecutionContext::User(
                expr::string_value(text).unwrap_or_else(|| names::unquote(text).into()),
            )
        }
        None => ExecutionContext::Caller,
    };
    ExecuteAsClause {
        context,
        range: range(clause),
    }
}

/// `AS EXTERNAL NAME a.[b.c].d`, from the grammar's `external_name` node, or read from
/// the text when the grammar left it in an error region.
fn external_name(cx: &Cx<'_>, main: Node<'_>) -> Option<ExternalName> {
    if let Some(node) = find_outside_statements(main, "external_name") {
        let field = |name| node.field(name).map(|part| cx.ident(part));
        let assembly =
            field("assembly").or_else(|| named_children(node).first().map(|p| cx.ident(*p)))?;
        return Some(ExternalName {
            assembly,
            class: field("class"),
            method: field("method"),
            range: range(node),
        });
    }
    // Tokenising a whole module body to look for `EXTERNAL NAME` is costly; a body whose
    // text never spells `external` (no other spelling upper-cases to it) has no such clause.
    if !contains_ignore_ascii_case(cx.slice(main), "external") {
        return None;
    }
    let toks = Toks::new(cx, main);
    let start = toks.after(&["EXTERNAL", "NAME"])?;
    let external = toks.node(start - 2)?;
    // Read `a.[b.c].d` from the text: name parts joined by dots.
    let from = toks.node(start)?.start_byte();
    let rest = cx.rest(from)?;
    let mut end = 0;
    let mut in_quote = None;
    for (index, c) in rest.char_indices() {
        match in_quote {
            Some(close) if c == close => in_quote = None,
            Some(_) => {}
            None if c == '[' => in_quote = Some(']'),
            None if c == '"' => in_quote = Some('"'),
            None if c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '(' | ')' | '@' | '#') => {
            }
            None => break,
        }
        end = index + c.len_utf8();
    }
    let text = &rest[..end];
    let mut parts = split_keep_ranges(text)
        .into_iter()
        .map(|(offset, part)| Ident {
            value: names::unquote(part.trim()),
            range: TextRange::new(from + offset, from + offset + part.len()),
        });
    let assembly = parts.next()?;
    Some(ExternalName {
        assembly,
        class: parts.next(),
        method: parts.next(),
        range: TextRange::new(external.start_byte(), from + end),
    })
}

/// Whether `text` holds `needle` (ASCII) in any mix of ASCII upper and lower case.
fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Splits `a.[b.c].d` at the dots outside quotes, keeping each part's offset.
fn split_keep_ranges(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quote = None;
    for (index, c) in text.char_indices() {
        match in_quote {
            Some(close) if c == close => in_quote = None,
            Some(_) => {}
            None if c == '[' => in_quote = Some(']'),
            None if c == '"' => in_quote = Some('"'),
            None if c == '.' => {
                parts.push((start, &text[start..index]));
                start = index + 1;
            }
            None => {}
        }
    }
    parts.push((start, &text[start..]));
    parts
}

fn alter_authorization(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let Some(securable) = main.field("securable") else {
        return StatementKind::Other;
    };
    StatementKind::AlterAuthorization(Box::new(AlterAuthorization {
        class: main.field("class").map(|class| class_name(cx, class)),
        securable: cx.qname(securable),
        owner: main.field("principal").map(|principal| cx.ident(principal)),
    }))
}

// ---- CLR and keys ---------------------------------------------------------------------

fn create_assembly(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let alter = main.k() == "alter_assembly";
    let name = name_of(cx, main, &toks, &["ASSEMBLY"]);
    let mut from = Vec::new();
    let mut index = 0;
    while index < toks.nodes.len() {
        // `FROM` sources, but not `ADD FILE FROM` (extra files such as symbols).
        if toks.is(index, "FROM") && !(index > 0 && toks.is(index - 1, "FILE")) {
            index += 1;
            while let Some(node) = toks.node(index) {
                if toks.is(index, ",") {
                    index += 1;
                    continue;
                }
                if node.k() == "literal" {
                    let text = cx.slice(node);
                    from.push(match expr::string_value(text) {
                        Some(path) => AssemblySource::Path(path, range(node)),
                        None if text.starts_with("0x") || text.starts_with("0X") => {
                            AssemblySource::Bits(text[2..].to_owned(), range(node))
                        }
                        None => AssemblySource::Other(range(node)),
                    });
                    index += 1;
                } else if node.k() == "identifier" && cx.slice(node).starts_with('@') {
                    from.push(AssemblySource::Other(range(node)));
                    index += 1;
                } else {
                    break;
                }
            }
            continue;
        }
        index += 1;
    }
    let permission_set = toks.after(&["PERMISSION_SET", "="]).and_then(|at| {
        let value = toks.node(at)?;
        let set = match toks.spelled.get(at)?.as_deref()? {
            "SAFE" => PermissionSet::Safe,
            "EXTERNAL_ACCESS" => PermissionSet::ExternalAccess,
            "UNSAFE" => PermissionSet::Unsafe,
            _ => return None,
        };
        let keyword = toks.node(at - 2)?;
        Some((set, TextRange::new(keyword.start_byte(), value.end_byte())))
    });
    StatementKind::CreateAssembly(Box::new(CreateAssembly {
        name,
        owner: toks.name_after(&["AUTHORIZATION"]),
        permission_set,
        from,
        alter,
    }))
}

fn create_key(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let certificate = main.k() == "create_certificate";
    let name = name_of(
        cx,
        main,
        &toks,
        if certificate {
            &["CERTIFICATE"]
        } else {
            &["KEY"]
        },
    );
    let path_after = |words: &[&str]| {
        let start = toks.after(words)?;
        (start..toks.nodes.len())
            .filter_map(|i| toks.node(i))
            .find(|n| n.k() == "literal")
            .and_then(|n| expr::string_value(cx.slice(n)))
    };
    let source = if let Some(assembly) = toks.name_after(&["FROM", "ASSEMBLY"]) {
        KeySource::Assembly(assembly)
    } else if let Some(path) = path_after(&["FROM", "EXECUTABLE", "FILE"]) {
        KeySource::ExecutableFile(path)
    } else if let Some(path) = path_after(&["FROM", "FILE"]) {
        KeySource::File(path)
    } else {
        KeySource::Other
    };
    StatementKind::CreateKey(Box::new(CreateKey {
        name,
        certificate,
        source,
        owner: toks.name_after(&["AUTHORIZATION"]),
    }))
}

// ---- permissions ----------------------------------------------------------------------

/// The class before `::`, upper case, one space between words (`ASYMMETRIC KEY`).
fn class_name(cx: &Cx<'_>, node: Node<'_>) -> Name {
    let mut name = Name::default();
    push_upper_words(&mut name, cx.slice(node));
    name
}

/// Appends the words of `text` in upper case, one space apart (and one after what
/// `name` holds already), without a temporary string per word.
fn push_upper_words(name: &mut Name, text: &str) {
    for word in text.split_whitespace() {
        if !name.is_empty() {
            name.push(' ');
        }
        name.extend(word.chars().flat_map(char::to_uppercase));
    }
}

fn permission_statement(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let mut cursor = main.walk();
    let field = |name: &str| main.field(name);
    let action = match field("verb").map(|verb| verb.k()) {
        Some("keyword_deny") => PermissionAction::Deny,
        Some("keyword_revoke") => PermissionAction::Revoke,
        _ => PermissionAction::Grant,
    };
    let permissions = main
        .fields("permission", &mut cursor)
        .into_iter()
        .map(|node| permission(cx, node))
        .collect();
    let securable = field("securable").map(|name| Securable {
        class: field("class").map(|class| class_name(cx, class)),
        name: cx.qname(name),
        columns: field("columns").map_or_else(Vec::new, |list| {
            named_children(list).iter().map(|c| cx.ident(*c)).collect()
        }),
    });
    let principals = main
        .fields("principal", &mut cursor)
        .into_iter()
        .map(|node| cx.ident(node))
        .collect();
    StatementKind::Permission(Box::new(PermissionStatement {
        action,
        permissions,
        securable,
        principals,
        with_grant_option: field("with_grant_option").is_some(),
        grant_option_for: field("grant_option_for").is_some(),
        cascade: child_of_kind(main, "keyword_cascade").is_some(),
        as_principal: field("grantor").map(|grantor| cx.ident(grantor)),
    }))
}

fn permission(cx: &Cx<'_>, node: Node<'_>) -> Permission {
    let mut name = Name::default();
    let mut columns = Vec::new();
    for child in named_children(node) {
        if child.k() == "list" {
            columns.extend(named_children(child).iter().map(|c| cx.ident(*c)));
        } else {
            push_upper_words(&mut name, cx.slice(child));
        }
    }
    Permission {
        name,
        columns,
        range: range(node),
    }
}

// ---- signatures, transfers and drops --------------------------------------------------

fn signature(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let Some(module) = main.field("module") else {
        return StatementKind::Other;
    };
    let mut cursor = main.walk();
    let keys = main
        .fields("by", &mut cursor)
        .into_iter()
        .filter_map(|key| {
            let (certificate, name) = match key.field("certificate") {
                Some(name) => (true, name),
                None => (false, key.field("asymmetric_key")?),
            };
            Some(SigningKey {
                certificate,
                name: cx.ident(name),
            })
        })
        .collect();
    StatementKind::Signature(Box::new(SignatureStatement {
        add: main.k() == "add_signature_statement",
        counter: main.field("counter").is_some(),
        module: cx.qname(module),
        keys,
    }))
}

/// `ALTER SCHEMA s TRANSFER [class::]name`: the base grammar gives the schema, the
/// optional class and the object as unnamed-field children in that order.
fn transfer_object(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let kids = named_children(main);
    let Some(transfer) = kids.iter().position(|c| c.k() == "keyword_transfer") else {
        return StatementKind::Other;
    };
    let Some(schema) = kids[..transfer]
        .iter()
        .rev()
        .find(|c| !c.k().starts_with("keyword_"))
    else {
        return StatementKind::Other;
    };
    let after = &kids[transfer + 1..];
    let Some(object) = after.iter().rev().find(|c| c.k() == "object_reference") else {
        return StatementKind::Other;
    };
    let class = after
        .iter()
        .find(|c| c.k() == "identifier")
        .filter(|c| c.start_byte() < object.start_byte())
        .map(|c| class_name(cx, *c));
    StatementKind::TransferObject {
        schema: Box::new(cx.ident(*schema)),
        class,
        object: Box::new(cx.qname(*object)),
    }
}

fn drop_object(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let mut cursor = main.walk();
    let names = main
        .fields("name", &mut cursor)
        .into_iter()
        .map(|name| cx.qname(name))
        .collect();
    StatementKind::DropObject { names }
}

// ---- options and execution context ----------------------------------------------------

fn alter_database(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let kids = named_children(main);
    if !kids.iter().any(|c| c.k() == "keyword_set") {
        return StatementKind::Other;
    }
    let database = main
        .field("name")
        .map(|name| cx.qname(name).object().clone())
        .filter(|name| !name.value.eq_ignore_ascii_case("CURRENT"));
    let options = kids
        .iter()
        .filter(|c| c.k() == "option")
        .map(|option| {
            let name = option
                .field("name")
                .map_or_else(String::new, |n| cx.slice(n).to_uppercase());
            let value = option.field("value").map_or_else(String::new, |v| {
                cx.slice(v)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_uppercase()
            });
            DatabaseOption {
                name,
                value,
                range: range(*option),
            }
        })
        .collect();
    StatementKind::AlterDatabaseSet(Box::new(AlterDatabaseSet { database, options }))
}

fn execute_as_statement(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let toks = Toks::new(cx, main);
    let kind = if toks.is(2, "LOGIN") {
        ExecuteAsKind::Login
    } else if toks.is(2, "USER") {
        ExecuteAsKind::User
    } else {
        ExecuteAsKind::Caller
    };
    let kids = children(main);
    let name = kids
        .iter()
        .position(|c| cx.slice(*c) == "=")
        .and_then(|at| kids.get(at + 1))
        .map(|value| expr::lower(cx, *value, false));
    StatementKind::ExecuteAs(Box::new(ExecuteAsStatement {
        kind,
        name,
        no_revert: toks.has(&["NO", "REVERT"]),
        cookie: toks.has(&["COOKIE"]),
    }))
}

fn exec(cx: &Cx<'_>, main: Node<'_>) -> Exec {
    let kids = named_children(main);
    let keyword = kids.first().copied().unwrap_or(main);
    let mut keyword_range = range(keyword);
    let return_status = main
        .field("return_status")
        .map(|status| cx.slice(status).to_lowercase());
    let target = if let Some(procedure) = main.field("procedure") {
        let arguments = kids
            .iter()
            .filter(|c| c.k() == "exec_argument")
            .map(|argument| Argument {
                name: argument.field("name").map(|n| cx.slice(n).to_lowercase()),
                value: argument.field("value").map_or_else(
                    || expr::other(cx, *argument),
                    |value| expr::lower(cx, value, true),
                ),
                output: named_children(*argument)
                    .iter()
                    .any(|c| matches!(c.k(), "keyword_out" | "keyword_output")),
                range: range(*argument),
            })
            .collect();
        let name = cx.qname(procedure);
        if name.parts.len() == 1 && name.object().value.starts_with('@') {
            ExecTarget::ProcedureVariable {
                variable: name.object().value.to_lowercase().into(),
                arguments,
            }
        } else {
            if names::key(&name.object().value) == "sp_executesql" {
                keyword_range = keyword_range.cover(name.range);
            }
            ExecTarget::Procedure { name, arguments }
        }
    } else {
        let text = kids
            .iter()
            .copied()
            .find(|c| !c.k().starts_with("keyword_"))
            .map_or_else(
                || Expr::Other {
                    variables: Vec::new(),
                    range: range(main),
                },
                |e| expr::lower(cx, e, false),
            );
        ExecTarget::Dynamic { text }
    };
    let at_server = kids
        .iter()
        .position(|c| c.k() == "keyword_at")
        .and_then(|at| kids.get(at + 1))
        .map(|server| cx.ident(*server));
    Exec {
        target,
        at_server,
        keyword_range,
        return_status,
    }
}

// ---- assignments ----------------------------------------------------------------------

fn declare(cx: &Cx<'_>, main: Node<'_>) -> (Lowered, Vec<Reference>) {
    let mut kinds = Vec::new();
    let mut refs = Vec::new();
    for declaration in named_children(main)
        .into_iter()
        .filter(|c| matches!(c.k(), "var_declaration" | "table_var_declaration"))
    {
        kinds.extend(declaration_of(cx, declaration).map(|d| StatementKind::Declare(Box::new(d))));
        let all = children(declaration);
        let Some(equals) = all.iter().position(|c| cx.slice(*c) == "=") else {
            continue;
        };
        let (Some(variable), Some(value)) = (
            named_children(declaration).first().copied(),
            all.get(equals + 1),
        ) else {
            continue;
        };
        refs.extend(references(cx, *value));
        kinds.push(StatementKind::Assign {
            variable: cx.slice(variable).to_lowercase(),
            value: Box::new(expr::lower(cx, *value, false)),
            append: false,
        });
    }
    if kinds.is_empty() {
        (Lowered::One(Box::new(StatementKind::Other)), refs)
    } else {
        (Lowered::Many(kinds), refs)
    }
}

/// A variable's or parameter's name and declared type (`@a [AS] nvarchar(10) [= …]`,
/// `@t TABLE (…)`, `@c CURSOR`).
pub(crate) fn declaration_of(cx: &Cx<'_>, node: Node<'_>) -> Option<Declaration> {
    let all = children(node);
    let name = *all.first().filter(|c| c.is_named())?;
    let name_text = cx.slice(name).trim().to_lowercase();
    if !name_text.starts_with('@') {
        return None;
    }
    let type_parts: Vec<Node<'_>> = all[1..]
        .iter()
        .copied()
        .skip_while(|c| c.k() == "keyword_as")
        .take_while(|c| {
            cx.slice(*c) != "="
                && !matches!(
                    c.k(),
                    "keyword_out"
                        | "keyword_output"
                        | "keyword_readonly"
                        | "column_definitions"
                        | "keyword_varying"
                        // `@p int NOT NULL` / `@p int NULL`: nullability is not the type
                        | "keyword_not"
                        | "keyword_null"
                )
        })
        .collect();
    let data_type = match (type_parts.first(), type_parts.last()) {
        (Some(first), Some(last)) => cx
            .get(first.start_byte()..last.end_byte())
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        _ => String::new(),
    };
    Some(Declaration {
        name: name_text,
        data_type,
        range: range(node),
    })
}

fn jump(jump: Jump, references: Vec<Reference>) -> (Lowered, Vec<Reference>) {
    (
        Lowered::One(Box::new(StatementKind::Jump(jump))),
        references,
    )
}

/// `DECLARE c CURSOR … FOR query`: the cursor and its query's select list.
fn declare_cursor(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let name = main.field("name").map_or_else(String::new, |n| {
        names::key(&names::unquote(cx.slice(n).trim()))
    });
    let columns = named_children(main)
        .into_iter()
        .rev()
        .find_map(|query| expr::select_list(cx, query))
        .unwrap_or_default();
    StatementKind::DeclareCursor { name, columns }
}

/// `SET @c = CURSOR … FOR query`: a cursor variable's declaration.
fn cursor_assignment(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let name = main
        .field("variable")
        .map_or_else(String::new, |v| cx.slice(v).trim().to_lowercase());
    let columns = named_children(main)
        .into_iter()
        .rev()
        .find_map(|query| expr::select_list(cx, query))
        .unwrap_or_default();
    StatementKind::DeclareCursor { name, columns }
}

/// `FETCH … [FROM] [GLOBAL] c [INTO @a, …]`.
fn fetch(cx: &Cx<'_>, main: Node<'_>) -> StatementKind {
    let kids = named_children(main);
    let into_at = kids
        .iter()
        .position(|c| c.k() == "keyword_into")
        .unwrap_or(kids.len());
    let cursor = kids[..into_at]
        .iter()
        .rev()
        .find(|c| c.k() == "identifier")
        .map_or_else(String::new, |c| {
            names::key(&names::unquote(cx.slice(*c).trim()))
        });
    let into = kids
        .get(into_at + 1..)
        .unwrap_or(&[])
        .iter()
        .filter(|c| c.k() == "identifier")
        .map(|c| cx.slice(*c).trim().to_lowercase())
        .collect();
    StatementKind::Fetch { cursor, into }
}

/// `SET @v = e` / `SET @v += e`; returns the kind and the value's node.
fn set_variable<'a>(cx: &Cx<'_>, main: Node<'a>) -> Option<(StatementKind, Node<'a>)> {
    let kids = named_children(main);
    let operator_at = kids.iter().position(|c| c.k() == "assignment_operator")?;
    let target = kids.get(operator_at.checked_sub(1)?)?;
    let variable = cx.slice(*target).trim().to_lowercase();
    if !variable.starts_with('@') {
        return None;
    }
    let value = *kids.get(operator_at + 1)?;
    let kind = assign_with(cx, variable, cx.slice(kids[operator_at]), value);
    Some((kind, value))
}

/// `@v op value` for `=` and the compound operators, in `SET` and in a select list.
fn assign_with(cx: &Cx<'_>, variable: String, operator: &str, value: Node<'_>) -> StatementKind {
    match operator {
        "=" | "+=" => assignment(cx, variable, value, operator == "+="),
        // `-=`, `*=` and the like compute from the old value: not a string to follow.
        _ => {
            let mut variables = vec![variable.clone()];
            for used in expr::variables(cx, value) {
                if !variables.contains(&used) {
                    variables.push(used);
                }
            }
            StatementKind::Assign {
                variable,
                value: Box::new(Expr::Other {
                    variables,
                    range: range(value),
                }),
                append: false,
            }
        }
    }
}

/// An assignment; `@v = @v + x` appends `x`, as `@v += x` does.
fn assignment(cx: &Cx<'_>, variable: String, value: Node<'_>, append: bool) -> StatementKind {
    let lowered = expr::lower(cx, value, false);
    if !append
        && let Expr::Concat(operands, _) = &lowered
        && let [Expr::Variable(first, _), rest @ ..] = operands.as_slice()
        && *first == variable
        && !rest.is_empty()
    {
        let value = match rest {
            [single] => single.clone(),
            _ => {
                let start = rest.first().map_or(0, |e| e.range().start());
                let end = rest.last().map_or(0, |e| e.range().end());
                Expr::Concat(rest.to_vec(), TextRange::new(start, end))
            }
        };
        return StatementKind::Assign {
            variable,
            value: Box::new(value),
            append: true,
        };
    }
    StatementKind::Assign {
        variable,
        value: Box::new(lowered),
        append,
    }
}

/// `SELECT @a = x, @b += y FROM …`: one assignment per variable, when every item of the
/// select list assigns one.
fn select_assignments(cx: &Cx<'_>, query: Node<'_>) -> Option<Vec<StatementKind>> {
    let select = child_of_kind(query, "select")?;
    let list = child_of_kind(select, "select_expression")?;
    let mut kinds = Vec::new();
    for term in named_children(list) {
        let value = term.field("value").unwrap_or(term);
        if value.k() != "binary_expression" {
            return None;
        }
        let operator = value.field("operator")?;
        let (left, right) = (value.field("left")?, value.field("right")?);
        let variable = cx.slice(left).trim().to_lowercase();
        let operator = cx.slice(operator);
        let assigns = matches!(
            operator,
            "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^="
        );
        if !assigns || !variable.starts_with('@') || variable.contains('.') {
            return None;
        }
        kinds.push(assign_with(cx, variable, operator, right));
    }
    (!kinds.is_empty()).then_some(kinds)
}

/// The table that `SELECT … INTO t` creates, unless it is a `#temp` table.
fn select_into(cx: &Cx<'_>, query: Node<'_>) -> Option<StatementKind> {
    let kids = named_children(query);
    let into = kids.iter().position(|c| c.k() == "keyword_into")?;
    let target = kids.get(into + 1).filter(|c| c.k() == "object_reference")?;
    let name = cx.qname(*target);
    if name.parts.last().is_none_or(|p| p.value.starts_with('#')) {
        return None;
    }
    Some(StatementKind::CreateObject(Box::new(CreateObject {
        kind: ObjectKind::Table,
        name,
        alter: false,
        module: None,
        synonym_for: None,
    })))
}

// ---- SQLCMD ---------------------------------------------------------------------------

fn setvar(cx: &Cx<'_>, node: Node<'_>) -> StatementKind {
    let unquote_value = |text: &str| {
        let text = text.trim();
        text.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .map_or_else(|| text.to_owned(), str::to_owned)
    };
    StatementKind::SetVar {
        name: node
            .field("name")
            .map_or_else(String::new, |n| cx.slice(n).to_owned()),
        value: node.field("value").map(|v| unquote_value(cx.slice(v))),
    }
}

fn include_path(cx: &Cx<'_>, node: Node<'_>) -> String {
    let path = named_children(node)
        .last()
        .map_or("", |p| cx.slice(*p))
        .trim();
    path.strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .unwrap_or(path)
        .to_owned()
}

// ---- error regions --------------------------------------------------------------------

/// Keeps what parsed inside an error region: its statements, and a module header
/// (`CREATE PROCEDURE name …`) whose body the grammar could not finish.
pub(crate) fn lower_error(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Statement>) {
    let kids = named_children(node);
    let module_kind = kids.windows(2).find_map(|pair| {
        let starts = matches!(
            pair[0].k(),
            "keyword_create" | "keyword_alter" | "keyword_or"
        );
        let kind = match pair[1].k() {
            "keyword_procedure" | "keyword_proc" => Some(ObjectKind::Procedure),
            "keyword_function" => Some(ObjectKind::ScalarFunction),
            "keyword_trigger" => Some(ObjectKind::Trigger),
            "keyword_view" => Some(ObjectKind::View),
            _ => None,
        };
        kind.filter(|_| starts)
    });
    let name = kids.iter().find(|c| c.k() == "object_reference");
    if let (Some(kind), Some(name)) = (module_kind, name) {
        let mut module = Module {
            header_range: range(node),
            ..Module::default()
        };
        if let Some(arguments) = find_outside_statements(node, "function_arguments") {
            for argument in named_children(arguments) {
                if let Some(parameter) = named_children(argument).first() {
                    module.parameters.push(cx.slice(*parameter).to_lowercase());
                }
            }
        }
        if let Some(clause) = find_outside_statements(node, "execute_as_clause") {
            module.execute_as = Some(execute_as_clause(cx, clause));
        }
        collect_error_body(cx, node, &mut module.body);
        out.push(Statement {
            range: range(node),
            kind: StatementKind::CreateObject(Box::new(CreateObject {
                kind,
                name: cx.qname(*name),
                alter: kids.iter().any(|c| c.k() == "keyword_alter"),
                module: Some(module),
                synonym_for: None,
            })),
            references: Vec::new(),
        });
        return;
    }
    lower_items(cx, node, out);
}

fn collect_error_body(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Statement>) {
    crate::deep(|| {
        for child in named_children(node) {
            match child.k() {
                "statement" | "block" | "try_catch_statement" => lower_item(cx, child, out),
                "procedure_body" | "function_body" | "ERROR" => collect_error_body(cx, child, out),
                _ => {}
            }
        }
    })
}
