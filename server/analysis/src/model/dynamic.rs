//! Dynamic SQL in a module body whose text can be known: a string literal, literals
//! joined with `+` (also around `DB_NAME()`, the project's own database), or a variable
//! assigned only from such expressions before the `EXEC`.

use std::collections::HashMap;

use syntax::TextRange;
use syntax::ast::{ExecTarget, Expr, Statement, StatementKind};

use super::names::fold;

/// One `EXEC (…)` or `sp_executesql` in a module body.
#[derive(Clone, Debug)]
pub struct DynamicSql {
    /// The whole `EXEC` statement.
    pub statement: TextRange,
    /// The `EXEC` keyword.
    pub keyword: TextRange,
    /// The text that runs, when it is known.
    pub text: Option<String>,
    /// The string literals the text is made of, in order, with their ranges: where a
    /// finding about a name inside the text can point.
    pub literals: Vec<(String, TextRange)>,
    /// The expression that gives the text (the `EXEC (…)` operand or `@stmt`).
    pub expression: Option<Expr>,
    /// The `sp_executesql` name as written (`None` for `EXEC (…)`): a database part
    /// (`otherdb.sys.sp_executesql`) runs the batch in that database.
    pub procedure: Option<syntax::ast::QualifiedName>,
}

type Known = Option<(String, Vec<(String, TextRange)>)>;

fn evaluate(expr: &Expr, variables: &HashMap<String, Known>) -> Known {
    match expr {
        Expr::String(text, range) => Some((text.clone(), vec![(text.clone(), *range)])),
        Expr::Concat(parts, _) => {
            let mut text = String::new();
            let mut literals = Vec::new();
            for part in parts {
                let (t, l) = evaluate(part, variables)?;
                text.push_str(&t);
                literals.extend(l);
            }
            Some((text, literals))
        }
        Expr::Variable(name, _) => variables.get(name).cloned().flatten(),
        // `DB_NAME()` is the database the batch runs in: the project's own, which the
        // model knows as `$(DatabaseName)` wherever a name spells it.
        Expr::Call {
            name, arguments, ..
        } if name == "db_name" && arguments.is_empty() => {
            Some(("$(DatabaseName)".to_owned(), Vec::new()))
        }
        _ => None,
    }
}

/// True for `sp_executesql`, `sys.sp_executesql` and `master.sys.sp_executesql`.
fn is_sp_executesql(name: &syntax::ast::QualifiedName) -> bool {
    name.parts
        .last()
        .is_some_and(|part| fold(&part.value) == "sp_executesql")
}

/// The statements of a dynamic SQL text placed at byte `at` of its file: the
/// statements' ranges are file offsets ([`syntax::parse_script_at`]), and the placement
/// costs nothing, whatever `at` is. Parsed once per process: a model is rebuilt after
/// every edit in a language server, and the same texts come back each time (the chains
/// read the model's parse; they do not parse again). Parsing is a pure function of the
/// text, so the memo cannot change a result; it is bounded by the total length of the
/// texts it keeps, and cleared when full.
pub(crate) fn parse_text_at(text: &str, at: usize) -> std::sync::Arc<syntax::ast::Script> {
    use std::sync::{Arc, Mutex, OnceLock};
    /// About 64 MB of SQL text (the lowered scripts are a few times that).
    const LIMIT: usize = 64 << 20;
    type Memo = (HashMap<String, Arc<syntax::ast::Script>>, usize);
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    let memo = MEMO.get_or_init(Mutex::default);
    let key = if at == 0 {
        text.to_owned()
    } else {
        format!("{at}\u{0}{text}")
    };
    if let Some(found) = memo.lock().ok().and_then(|m| m.0.get(&key).cloned()) {
        return found;
    }
    let script = if at == 0 {
        syntax::parse_script(text).0
    } else {
        syntax::parse_script_at(text, at)
    };
    let script = Arc::new(script);
    if let Ok(mut m) = memo.lock() {
        if m.1 + key.len() > LIMIT {
            m.0.clear();
            m.1 = 0;
        }
        m.1 += key.len();
        m.0.insert(key, script.clone());
    }
    script
}

/// Every dynamic SQL statement in a module body (flattened, in text order), with its
/// text when the text is known. A variable is known while every assignment to it so far
/// came from literals and known variables; one assignment from anything else (a
/// parameter, a column, a function call such as `QUOTENAME`) makes it unknown from then on.
pub fn known_dynamic_sql<'a>(body: impl IntoIterator<Item = &'a Statement>) -> Vec<DynamicSql> {
    let mut variables: HashMap<String, Known> = HashMap::new();
    let mut out = Vec::new();
    for statement in body {
        match &statement.kind {
            StatementKind::Assign {
                variable,
                value,
                append,
            } => {
                let previous = variables.get(variable).cloned();
                let poisoned = matches!(previous, Some(None));
                let new = if poisoned {
                    None
                } else if *append {
                    match (previous.flatten(), evaluate(value, &variables)) {
                        (Some((mut text, mut literals)), Some((t, l))) => {
                            text.push_str(&t);
                            literals.extend(l);
                            Some((text, literals))
                        }
                        _ => None,
                    }
                } else {
                    evaluate(value, &variables)
                };
                variables.insert(variable.clone(), new);
            }
            // `EXEC (…) AT server` runs on a linked server: outside the model.
            StatementKind::Exec(exec) if exec.at_server.is_none() => {
                let (expression, procedure) = match &exec.target {
                    ExecTarget::Dynamic { text } => (Some(text.clone()), None),
                    ExecTarget::Procedure { name, arguments } if is_sp_executesql(name) => (
                        arguments
                            .iter()
                            .find(|a| a.name.as_deref() == Some("@stmt"))
                            .or_else(|| arguments.first().filter(|a| a.name.is_none()))
                            .map(|a| a.value.clone()),
                        Some(name.clone()),
                    ),
                    _ => continue,
                };
                let known = expression
                    .as_ref()
                    .and_then(|expr| evaluate(expr, &variables));
                let (text, literals) = match known {
                    Some((text, literals)) => (Some(text), literals),
                    None => (None, Vec::new()),
                };
                out.push(DynamicSql {
                    statement: statement.range,
                    keyword: exec.keyword_range,
                    text,
                    literals,
                    expression,
                    procedure,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntax::ast::Exec;

    fn r(start: usize) -> TextRange {
        TextRange::new(start, start + 1)
    }

    fn assign(variable: &str, value: Expr, append: bool) -> Statement {
        Statement {
            range: r(0),
            kind: StatementKind::Assign {
                variable: variable.to_owned(),
                value: Box::new(value),
                append,
            },
            references: Vec::new(),
        }
    }

    fn exec_dynamic(text: Expr) -> Statement {
        Statement {
            range: r(50),
            kind: StatementKind::Exec(Box::new(Exec {
                target: ExecTarget::Dynamic { text },
                at_server: None,
                keyword_range: r(50),
                return_status: None,
            })),
            references: Vec::new(),
        }
    }

    #[test]
    fn literals_joined_through_variables_are_known() {
        let body = vec![
            assign("@q", Expr::String("SELECT * FROM ".into(), r(1)), false),
            assign("@q", Expr::String("dbo.t".into(), r(2)), true),
            exec_dynamic(Expr::Variable("@q".into(), r(3))),
        ];
        let found = known_dynamic_sql(&body);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text.as_deref(), Some("SELECT * FROM dbo.t"));
        assert_eq!(found[0].literals.len(), 2);
    }

    #[test]
    fn db_name_is_the_projects_database() {
        let body = vec![exec_dynamic(Expr::Concat(
            vec![
                Expr::String("ALTER DATABASE [".into(), r(1)),
                Expr::Call {
                    name: "db_name".into(),
                    arguments: Vec::new(),
                    range: r(2),
                },
                Expr::String("] SET TRUSTWORTHY ON".into(), r(3)),
            ],
            r(1),
        ))];
        assert_eq!(
            known_dynamic_sql(&body)[0].text.as_deref(),
            Some("ALTER DATABASE [$(DatabaseName)] SET TRUSTWORTHY ON")
        );
        // Another function, or DB_NAME(@id) of some other database, is not known.
        let body = vec![exec_dynamic(Expr::Concat(
            vec![
                Expr::String("USE ".into(), r(1)),
                Expr::Call {
                    name: "db_name".into(),
                    arguments: vec![Expr::Variable("@id".into(), r(2))],
                    range: r(2),
                },
            ],
            r(1),
        ))];
        assert_eq!(known_dynamic_sql(&body)[0].text, None);
    }

    #[test]
    fn a_parameter_makes_the_text_unknown_for_good() {
        let body = vec![
            assign(
                "@q",
                Expr::Concat(
                    vec![
                        Expr::String("SELECT * FROM t WHERE ".into(), r(1)),
                        Expr::Variable("@filter".into(), r(2)),
                    ],
                    r(1),
                ),
                false,
            ),
            assign("@q", Expr::String("SELECT 1".into(), r(4)), false),
            exec_dynamic(Expr::Variable("@q".into(), r(3))),
        ];
        assert_eq!(known_dynamic_sql(&body)[0].text, None);
    }
}
