//! A compact, line-per-fact rendering of a lowered script for tests: each statement's
//! kind and fields, its references and its module body, with ranges shown as the text
//! they cover (`«dbo.t»`) so a wrong offset is visible at a glance.

use std::fmt::Write;

use crate::ast::*;

pub(crate) fn render(text: &str, script: &Script) -> String {
    let mut out = String::new();
    for statement in &script.statements {
        statement_lines(text, statement, 0, &mut out);
    }
    if script.batches.len() > 1 {
        let batches: Vec<String> = script.batches.iter().map(|b| slice(text, *b)).collect();
        let _ = writeln!(out, "batches {}", batches.join(" "));
    }
    for comment in &script.comments {
        let _ = writeln!(
            out,
            "comment {:?} {}",
            comment.text,
            slice(text, comment.range)
        );
    }
    out
}

fn slice(text: &str, range: TextRange) -> String {
    let s = text.get(range.as_range()).unwrap_or("<out of range>");
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        let head: String = flat.chars().take(57).collect();
        format!("«{head}...»")
    } else {
        format!("«{flat}»")
    }
}

fn id(text: &str, ident: &Ident) -> String {
    let written = text.get(ident.range.as_range()).unwrap_or("");
    if written == ident.value {
        ident.value.to_string()
    } else {
        format!("{}{}", ident.value, slice(text, ident.range))
    }
}

fn qn(text: &str, name: &QualifiedName) -> String {
    let parts: Vec<&str> = name.parts.iter().map(|p| p.value.as_str()).collect();
    let joined = parts.join(".");
    let written = text.get(name.range.as_range()).unwrap_or("");
    if written == joined {
        joined
    } else {
        format!("{joined}{}", slice(text, name.range))
    }
}

fn ex(text: &str, expr: &Expr) -> String {
    match expr {
        Expr::String(s, _) => format!("{s:?}"),
        Expr::Number(n, _) => n.clone(),
        Expr::Variable(v, _) => v.clone(),
        Expr::Concat(parts, _) => {
            let parts: Vec<String> = parts.iter().map(|p| ex(text, p)).collect();
            format!("({})", parts.join(" + "))
        }
        Expr::Call {
            name, arguments, ..
        } => {
            let arguments: Vec<String> = arguments.iter().map(|a| ex(text, a)).collect();
            format!("{name}({})", arguments.join(", "))
        }
        Expr::Identifier(i, _) => format!("ident:{i}"),
        Expr::Other { variables, range } => {
            format!("other{}[{}]", slice(text, *range), variables.join(","))
        }
        Expr::Column(name, _) => format!("column:{name}"),
        Expr::Subquery {
            columns,
            variables,
            compared,
            ..
        } => {
            let compared = if compared.is_empty() {
                String::new()
            } else {
                format!(" compared[{}]", compared.join(","))
            };
            format!(
                "subquery[{}][{}]{compared}",
                exs(text, columns),
                variables.join(",")
            )
        }
        Expr::Convert {
            data_type, value, ..
        } => format!("convert({}, {data_type})", ex(text, value)),
        Expr::Case { results, .. } => format!("case[{}]", exs(text, results)),
        Expr::Method {
            target,
            name,
            arguments,
            ..
        } => format!("{}.{name}({})", ex(text, target), exs(text, arguments)),
    }
}

fn exs(text: &str, exprs: &[Expr]) -> String {
    exprs
        .iter()
        .map(|e| ex(text, e))
        .collect::<Vec<_>>()
        .join(", ")
}

fn condition(text: &str, condition: &Condition) -> String {
    let list = |parts: &[Condition], joiner: &str| {
        let parts: Vec<String> = parts.iter().map(|p| self::condition(text, p)).collect();
        format!("({})", parts.join(joiner))
    };
    match condition {
        Condition::And(parts) => list(parts, " and "),
        Condition::Or(parts) => list(parts, " or "),
        Condition::Not(inner) => format!("not {}", self::condition(text, inner)),
        Condition::InList {
            value,
            negated,
            query,
        } => format!(
            "{}{} in {}",
            ex(text, value),
            if *negated { " not" } else { "" },
            if *query { "query" } else { "literals" }
        ),
        Condition::Compare { left, right, equal } => format!(
            "{} {} {}",
            ex(text, left),
            if *equal { "=" } else { "<>" },
            ex(text, right)
        ),
        Condition::IsNull { value, negated } => format!(
            "{} is{} null",
            ex(text, value),
            if *negated { " not" } else { "" }
        ),
        Condition::Exists {
            negated,
            compared,
            tables,
        } => format!(
            "{}exists[{}]{}",
            if *negated { "not " } else { "" },
            compared.join(","),
            if tables.is_empty() {
                String::new()
            } else {
                format!(" from[{}]", tables.join(","))
            }
        ),
        Condition::Other => "other".to_owned(),
    }
}

fn opt_id(text: &str, ident: Option<&Ident>) -> String {
    ident.map_or("-".to_owned(), |i| id(text, i))
}

fn statement_lines(text: &str, statement: &Statement, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let summary = kind(text, &statement.kind);
    let _ = writeln!(out, "{pad}{summary} {}", slice(text, statement.range));
    for reference in &statement.references {
        let columns = reference
            .columns
            .as_ref()
            .map_or("?".to_owned(), |c| format!("[{}]", c.join(",")));
        let _ = writeln!(
            out,
            "{pad}  -> {:?} {} {}",
            reference.access,
            qn(text, &reference.name),
            columns
        );
        debug_assert_eq!(reference.range, reference.name.range);
    }
    if let StatementKind::CreateObject(object) = &statement.kind
        && let Some(module) = &object.module
    {
        let mut facts = vec![format!("header{}", slice(text, module.header_range))];
        if let Some(clause) = &module.execute_as {
            facts.push(format!(
                "execute_as={:?}{}",
                clause.context,
                slice(text, clause.range)
            ));
        }
        if let Some(external) = &module.external_name {
            facts.push(format!(
                "external={}/{}/{}{}",
                id(text, &external.assembly),
                opt_id(text, external.class.as_ref()),
                opt_id(text, external.method.as_ref()),
                slice(text, external.range)
            ));
        }
        if !module.parameters.is_empty() {
            facts.push(format!("params={}", module.parameters.join(",")));
        }
        if !module.parameter_declarations.is_empty() {
            let typed: Vec<String> = module
                .parameter_declarations
                .iter()
                .map(|d| format!("{}:{}", d.name, d.data_type))
                .collect();
            facts.push(format!("types={}", typed.join(",")));
        }
        if let Some(target) = &module.trigger_target {
            facts.push(format!("on={}", qn(text, target)));
        }
        if let Some(scope) = &module.trigger_scope {
            facts.push(format!("scope={scope:?}"));
        }
        if !module.trigger_events.is_empty() {
            facts.push(format!("events={:?}", module.trigger_events));
        }
        let _ = writeln!(out, "{pad}  module {}", facts.join(" "));
        for inner in &module.body {
            statement_lines(text, inner, depth + 2, out);
        }
    }
}

fn kind(text: &str, kind: &StatementKind) -> String {
    match kind {
        StatementKind::CreateUser(user) => format!(
            "{} {} source={} schema={}",
            if user.alter {
                "AlterUser"
            } else {
                "CreateUser"
            },
            id(text, &user.name),
            match &user.source {
                UserSource::Login(l) => format!("login:{}", id(text, l)),
                UserSource::Certificate(c) => format!("certificate:{}", id(text, c)),
                UserSource::AsymmetricKey(k) => format!("asymmetric_key:{}", id(text, k)),
                other => format!("{other:?}"),
            },
            opt_id(text, user.default_schema.as_ref())
        ),
        StatementKind::CreateRole {
            name,
            owner,
            application,
        } => format!(
            "CreateRole {} owner={} application={application}",
            id(text, name),
            opt_id(text, owner.as_deref())
        ),
        StatementKind::CreateLogin(login) => format!(
            "CreateLogin {} source={}",
            id(text, &login.name),
            match &login.source {
                LoginSource::Certificate(c) => format!("certificate:{}", id(text, c)),
                LoginSource::AsymmetricKey(k) => format!("asymmetric_key:{}", id(text, k)),
                other => format!("{other:?}"),
            }
        ),
        StatementKind::RoleMembership(m) => format!(
            "RoleMembership {} {} {}{}",
            id(text, &m.role),
            if m.add { "add" } else { "drop" },
            id(text, &m.member),
            if m.server { " server" } else { "" }
        ),
        StatementKind::CreateSchema { name, owner } => {
            format!(
                "CreateSchema {} owner={}",
                id(text, name),
                opt_id(text, owner.as_deref())
            )
        }
        StatementKind::CreateObject(object) => {
            let mut s = format!(
                "{} {:?} {}",
                if object.alter { "Alter" } else { "Create" },
                object.kind,
                qn(text, &object.name)
            );
            if let Some(target) = &object.synonym_for {
                let _ = write!(s, " for={}", qn(text, target));
            }
            s
        }
        StatementKind::AlterAuthorization(a) => format!(
            "AlterAuthorization {}::{} owner={}",
            a.class.as_deref().unwrap_or("-"),
            qn(text, &a.securable),
            opt_id(text, a.owner.as_ref())
        ),
        StatementKind::CreateAssembly(a) => {
            let from: Vec<String> = a
                .from
                .iter()
                .map(|source| match source {
                    AssemblySource::Path(p, _) => format!("path:{p}"),
                    AssemblySource::Bits(b, _) => format!("bits:{b}"),
                    AssemblySource::Other(r) => format!("other{}", slice(text, *r)),
                })
                .collect();
            format!(
                "{} {} owner={} from=[{}] permission_set={}",
                if a.alter {
                    "AlterAssembly"
                } else {
                    "CreateAssembly"
                },
                id(text, &a.name),
                opt_id(text, a.owner.as_ref()),
                from.join(","),
                a.permission_set
                    .as_ref()
                    .map_or("-".to_owned(), |(set, range)| format!(
                        "{set:?}{}",
                        slice(text, *range)
                    ))
            )
        }
        StatementKind::CreateKey(k) => format!(
            "{} {} owner={} source={}",
            if k.certificate {
                "CreateCertificate"
            } else {
                "CreateAsymmetricKey"
            },
            id(text, &k.name),
            opt_id(text, k.owner.as_ref()),
            match &k.source {
                KeySource::Assembly(a) => format!("assembly:{}", id(text, a)),
                other => format!("{other:?}"),
            }
        ),
        StatementKind::Permission(p) => {
            let permissions: Vec<String> = p
                .permissions
                .iter()
                .map(|permission| {
                    if permission.columns.is_empty() {
                        permission.name.to_string()
                    } else {
                        let columns: Vec<String> =
                            permission.columns.iter().map(|c| id(text, c)).collect();
                        format!("{}({})", permission.name, columns.join(","))
                    }
                })
                .collect();
            let securable = p.securable.as_ref().map_or("-".to_owned(), |s| {
                let columns: Vec<String> = s.columns.iter().map(|c| id(text, c)).collect();
                format!(
                    "{}::{}{}",
                    s.class.as_deref().unwrap_or("-"),
                    qn(text, &s.name),
                    if columns.is_empty() {
                        String::new()
                    } else {
                        format!("({})", columns.join(","))
                    }
                )
            });
            let principals: Vec<String> = p.principals.iter().map(|c| id(text, c)).collect();
            let mut s = format!(
                "{:?} [{}] on={} to=[{}]",
                p.action,
                permissions.join(", "),
                securable,
                principals.join(",")
            );
            if p.with_grant_option {
                s.push_str(" with_grant_option");
            }
            if p.grant_option_for {
                s.push_str(" grant_option_for");
            }
            if p.cascade {
                s.push_str(" cascade");
            }
            if let Some(principal) = &p.as_principal {
                let _ = write!(s, " as={}", id(text, principal));
            }
            s
        }
        StatementKind::AlterDatabaseSet(d) => {
            let options: Vec<String> = d
                .options
                .iter()
                .map(|o| format!("{}={}{}", o.name, o.value, slice(text, o.range)))
                .collect();
            format!(
                "AlterDatabaseSet {} [{}]",
                opt_id(text, d.database.as_ref()),
                options.join(", ")
            )
        }
        StatementKind::ExecuteAs(e) => format!(
            "ExecuteAs {:?} {}{}{}",
            e.kind,
            e.name.as_ref().map_or("-".to_owned(), |n| ex(text, n)),
            if e.no_revert { " no_revert" } else { "" },
            if e.cookie { " cookie" } else { "" }
        ),
        StatementKind::Revert => "Revert".to_owned(),
        StatementKind::SetUser { user } => format!("SetUser {user:?}"),
        StatementKind::Exec(exec) => {
            let arguments = |arguments: &[Argument]| {
                let list: Vec<String> = arguments
                    .iter()
                    .map(|a| {
                        format!(
                            "{}{}{}",
                            a.name.as_ref().map_or(String::new(), |n| format!("{n}=")),
                            ex(text, &a.value),
                            if a.output { " OUTPUT" } else { "" }
                        )
                    })
                    .collect();
                list.join(", ")
            };
            let target = match &exec.target {
                ExecTarget::Procedure { name, arguments: a } => {
                    format!("{} ({})", qn(text, name), arguments(a))
                }
                ExecTarget::ProcedureVariable {
                    variable,
                    arguments: a,
                } => format!("var:{variable} ({})", arguments(a)),
                ExecTarget::Dynamic { text: t } => format!("dynamic {}", ex(text, t)),
            };
            let mut s = format!("Exec{} {target}", slice(text, exec.keyword_range));
            if let Some(status) = &exec.return_status {
                let _ = write!(s, " status={status}");
            }
            if let Some(server) = &exec.at_server {
                let _ = write!(s, " at={}", id(text, server));
            }
            s
        }
        StatementKind::Assign {
            variable,
            value,
            append,
        } => format!(
            "Assign {variable} {} {}",
            if *append { "+=" } else { "=" },
            ex(text, value)
        ),
        StatementKind::Dml => "Dml".to_owned(),
        StatementKind::FillTableVariable {
            table,
            compared,
            sources,
        } => format!(
            "FillTableVariable {table} compared[{}] from[{}]",
            compared.join(","),
            sources.join(",")
        ),
        StatementKind::Declare(declaration) => {
            format!("Declare {} {}", declaration.name, declaration.data_type)
        }
        StatementKind::DeclareCursor { name, columns } => {
            format!("DeclareCursor {name} [{}]", exs(text, columns))
        }
        StatementKind::Fetch { cursor, into } => {
            format!("Fetch {cursor} into [{}]", into.join(","))
        }
        StatementKind::If {
            condition: c,
            consequence,
            alternative,
        } => format!(
            "If {} then{}{}",
            condition(text, c),
            slice(text, *consequence),
            alternative.map_or_else(String::new, |a| format!(" else{}", slice(text, a)))
        ),
        StatementKind::While { condition: c, body } => {
            format!("While {} do{}", condition(text, c), slice(text, *body))
        }
        StatementKind::TryCatch {
            try_block,
            catch_block,
        } => format!(
            "TryCatch{} catch{}",
            slice(text, *try_block),
            slice(text, *catch_block)
        ),
        StatementKind::Jump(jump) => format!("Jump {jump:?}"),
        StatementKind::Include { path } => format!("Include {path:?}"),
        StatementKind::SetVar { name, value } => format!("SetVar {name} {value:?}"),
        StatementKind::Use { database } => format!("Use {}", id(text, database)),
        StatementKind::Signature(sig) => {
            let keys: Vec<String> = sig
                .keys
                .iter()
                .map(|k| {
                    let class = if k.certificate { "certificate" } else { "key" };
                    format!("{class}:{}", id(text, &k.name))
                })
                .collect();
            format!(
                "{}{}Signature {} by={}",
                if sig.add { "Add" } else { "Drop" },
                if sig.counter { "Counter" } else { "" },
                qn(text, &sig.module),
                keys.join(",")
            )
        }
        StatementKind::TransferObject {
            schema,
            class,
            object,
        } => format!(
            "TransferObject {} {}::{}",
            id(text, schema),
            class.as_deref().unwrap_or("-"),
            qn(text, object)
        ),
        StatementKind::DropObject { names } => {
            let names: Vec<String> = names.iter().map(|n| qn(text, n)).collect();
            format!("DropObject {}", names.join(","))
        }
        StatementKind::Other => "Other".to_owned(),
    }
}
