//! Expressions, lowered to what the rules need: string literals (with `''` undoubled),
//! numbers, variables, `+` concatenation, calls, and everything else as `Other` with the
//! variables it uses (for IMP004's injection check).

use tree_sitter::Node;

use super::{Cx, NodeExt, child_of_kind, named_children, range};
use crate::ast::{Condition, Expr, StatementKind, TextRange};

/// Lowers an expression node. `bare_names` reads a lone column-like name as an
/// identifier (`EXEC sp_configure show_advanced`), which only an EXEC argument means.
pub(crate) fn lower(cx: &Cx<'_>, node: Node<'_>, bare_names: bool) -> Expr {
    crate::deep(|| {
        let r = range(node);
        match node.k() {
            "literal" => literal(cx, node),
            "term" | "parameter" => match node.field("value") {
                Some(value) if node.field("alias").is_none() => lower(cx, value, bare_names),
                _ => other(cx, node),
            },
            "parenthesized_expression" => match named_children(node).as_slice() {
                [inner] => lower(cx, *inner, bare_names),
                _ => other(cx, node),
            },
            "subquery" => Expr::Subquery {
                columns: select_list(cx, node).unwrap_or_default(),
                variables: variables(cx, node),
                compared: compared_variables(cx, node),
                range: r,
            },
            "cast" => {
                let data_type = named_children(node)
                    .into_iter()
                    .skip_while(|c| c.k() != "keyword_as")
                    .nth(1)
                    .map_or_else(String::new, |t| type_text(cx, t));
                match node.field("parameter") {
                    Some(value) => Expr::Convert {
                        data_type,
                        value: Box::new(lower(cx, value, false)),
                        range: r,
                    },
                    None => other(cx, node),
                }
            }
            "case" => {
                let mut results: Vec<Expr> = named_children(node)
                    .into_iter()
                    .filter(|c| c.k() == "when_clause")
                    .filter_map(|when| when.field("result"))
                    .map(|result| lower(cx, result, false))
                    .collect();
                if let Some(otherwise) = node.field("else") {
                    results.push(lower(cx, otherwise, false));
                }
                Expr::Case { results, range: r }
            }
            "field" | "object_reference" => {
                let text = cx.slice(node).trim();
                let simple = node.k() == "object_reference"
                    || node.field("name").is_some_and(|name| {
                        named_children(node).len() == 1 && name.byte_range() == node.byte_range()
                    });
                if simple && text.starts_with("@@") {
                    Expr::Other {
                        variables: Vec::new(),
                        range: r,
                    }
                } else if simple && text.starts_with('@') {
                    Expr::Variable(text.to_lowercase(), r)
                } else if bare_names {
                    Expr::Identifier(bare_name(text), r)
                } else if is_niladic(text) {
                    // `SYSTEM_USER`, `CURRENT_TIMESTAMP`: functions called without
                    // parentheses, not columns.
                    Expr::Call {
                        name: text.to_lowercase(),
                        arguments: Vec::new(),
                        range: r,
                    }
                } else if text.starts_with('@') {
                    other(cx, node)
                } else {
                    Expr::Column(text.to_owned(), r)
                }
            }
            "identifier"
                if cx.slice(node).starts_with('@') && !cx.slice(node).starts_with("@@") =>
            {
                Expr::Variable(cx.slice(node).to_lowercase(), r)
            }
            "identifier" if bare_names => Expr::Identifier(bare_name(cx.slice(node)), r),
            "keyword_default" | "keyword_null" => {
                Expr::Identifier(cx.slice(node).to_uppercase(), r)
            }
            "unary_expression" => {
                let text: String = cx.slice(node).split_whitespace().collect();
                let operand = node.field("operand");
                if operand.is_some_and(|o| o.k() == "literal") && !text.starts_with(['~', 'N', 'n'])
                {
                    Expr::Number(text, r)
                } else {
                    other(cx, node)
                }
            }
            "binary_expression" if is_plus(cx, node) => {
                let mut operands = Vec::new();
                flatten_plus(cx, node, &mut operands);
                Expr::Concat(operands, r)
            }
            "invocation" => {
                let mut children = named_children(node).into_iter();
                let Some(name) = children.next() else {
                    return other(cx, node);
                };
                let name_text: String = cx
                    .slice(name)
                    .split_whitespace()
                    .collect::<String>()
                    .to_lowercase();
                let argument_nodes: Vec<Node<'_>> =
                    children.filter(|child| node_is_argument(*child)).collect();
                if matches!(name_text.as_str(), "convert" | "try_convert")
                    && let [data_type, value, ..] = argument_nodes.as_slice()
                {
                    return Expr::Convert {
                        data_type: type_text(cx, *data_type),
                        value: Box::new(lower(cx, *value, false)),
                        range: r,
                    };
                }
                let arguments: Vec<Expr> = argument_nodes
                    .iter()
                    .map(|child| lower(cx, *child, false))
                    .collect();
                // `@x.value('path', 'type')`: a method of an XML variable.
                // `t.c.value('.', 'int')`: a method of an XML column (a `nodes()` row);
                // `dbo.value(…)` stays a function of schema dbo.
                if let Some((target, method)) = name_text.rsplit_once('.')
                    && is_xml_method(method)
                {
                    let target_range =
                        TextRange::new(name.start_byte(), name.start_byte() + target.len());
                    let target = if target.starts_with('@') && !target.contains('.') {
                        Some(Expr::Variable(target.to_owned(), target_range))
                    } else if !target.starts_with('@') && target.contains('.') {
                        Some(Expr::Column(target.to_owned(), target_range))
                    } else {
                        None
                    };
                    if let Some(target) = target {
                        return Expr::Method {
                            target: Box::new(target),
                            name: method.to_owned(),
                            arguments,
                            range: r,
                        };
                    }
                }
                Expr::Call {
                    name: name_text,
                    arguments,
                    range: r,
                }
            }
            // `CAST(x AS xml).value(…)`, `(SELECT … FOR XML PATH, TYPE).value(…)`,
            // `n.query('.').value(…)`: an XML method of any expression.
            "method_call" => {
                let (Some(target), Some(method)) = (node.field("target"), node.field("method"))
                else {
                    return other(cx, node);
                };
                let name = cx.slice(method).to_lowercase();
                if !is_xml_method(&name) {
                    return other(cx, node);
                }
                let mut cursor = node.walk();
                let arguments = node
                    .children_by_field_name("parameter", &mut cursor)
                    .map(|argument| lower(cx, argument, false))
                    .collect();
                Expr::Method {
                    target: Box::new(lower(cx, target, false)),
                    name,
                    arguments,
                    range: r,
                }
            }
            _ => other(cx, node),
        }
    })
}

fn is_xml_method(name: &str) -> bool {
    matches!(name, "value" | "query" | "exist" | "nodes" | "modify")
}

/// Functions that SQL Server calls without parentheses.
fn is_niladic(text: &str) -> bool {
    [
        "CURRENT_TIMESTAMP",
        "CURRENT_USER",
        "SESSION_USER",
        "SYSTEM_USER",
        "USER",
    ]
    .iter()
    .any(|name| text.eq_ignore_ascii_case(name))
}

/// A type as written, lower-cased, with single spaces (`nvarchar(10)`, `sys.sysname`).
fn type_text(cx: &Cx<'_>, node: Node<'_>) -> String {
    cx.slice(node)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The values of a query's select list (`SELECT a, @b + c FROM …`), looking through a
/// subquery's parentheses; `None` for `*`, a set operation, or another shape.
pub(crate) fn select_list(cx: &Cx<'_>, query: Node<'_>) -> Option<Vec<Expr>> {
    crate::deep(|| {
        let query = if query.k() == "subquery" {
            named_children(query).into_iter().find(|c| c.is_named())?
        } else {
            query
        };
        let select = child_of_kind(query, "select")?;
        let list = child_of_kind(select, "select_expression")?;
        let mut values = Vec::new();
        for term in named_children(list) {
            if term.k() != "term" {
                return None;
            }
            let value = term.field("value")?;
            if value.k() == "all_fields" || cx.slice(value).trim_end().ends_with('*') {
                return None;
            }
            values.push(lower(cx, value, false));
        }
        (!values.is_empty()).then_some(values)
    })
}

/// An `IF`/`WHILE` condition.
pub(crate) fn condition(cx: &Cx<'_>, node: Node<'_>) -> Condition {
    crate::deep(|| match node.k() {
        "parenthesized_expression" => match named_children(node).as_slice() {
            [inner] => condition(cx, *inner),
            _ => Condition::Other,
        },
        "unary_expression"
            if node
                .field("operator")
                .is_some_and(|o| o.k() == "keyword_not") =>
        {
            match node.field("operand") {
                Some(operand) => Condition::Not(Box::new(condition(cx, operand))),
                None => Condition::Other,
            }
        }
        "exists" => Condition::Exists {
            negated: false,
            compared: compared_variables(cx, node),
            tables: table_variables(cx, node),
        },
        "binary_expression" => {
            let (Some(left), Some(operator), Some(right)) = (
                node.field("left"),
                node.field("operator"),
                node.field("right"),
            ) else {
                return Condition::Other;
            };
            match operator.k() {
                "keyword_and" | "keyword_or" => {
                    let and = operator.k() == "keyword_and";
                    let mut parts = Vec::new();
                    for side in [left, right] {
                        match condition(cx, side) {
                            Condition::And(inner) if and => parts.extend(inner),
                            Condition::Or(inner) if !and => parts.extend(inner),
                            part => parts.push(part),
                        }
                    }
                    if and {
                        Condition::And(parts)
                    } else {
                        Condition::Or(parts)
                    }
                }
                "keyword_in" | "not_in" => {
                    let query = right.k() == "subquery";
                    let literals = right.k() == "list"
                        && named_children(right).iter().all(|item| {
                            matches!(lower(cx, *item, false), Expr::String(..) | Expr::Number(..))
                        });
                    if query || literals {
                        Condition::InList {
                            value: lower(cx, left, false),
                            negated: operator.k() == "not_in",
                            query,
                        }
                    } else {
                        Condition::Other
                    }
                }
                "keyword_is" | "is_not" if cx.slice(right).trim().eq_ignore_ascii_case("null") => {
                    Condition::IsNull {
                        value: lower(cx, left, false),
                        negated: operator.k() == "is_not",
                    }
                }
                // `! =` with a space inside is the operator `!=`.
                _ => match cx
                    .slice(operator)
                    .split_whitespace()
                    .collect::<String>()
                    .as_str()
                {
                    "=" => Condition::Compare {
                        left: lower(cx, left, false),
                        right: lower(cx, right, false),
                        equal: true,
                    },
                    "<>" | "!=" => Condition::Compare {
                        left: lower(cx, left, false),
                        right: lower(cx, right, false),
                        equal: false,
                    },
                    _ => Condition::Other,
                },
            }
        }
        _ => Condition::Other,
    })
}

/// The variables that a subquery compares with `=` to something that is not a variable
/// or a literal (`WHERE name = @p`, `AND @s = s.name`).
fn compared_variables(cx: &Cx<'_>, node: Node<'_>) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        // `name LIKE @t + '[_]%'`: a row found has a name that starts with @t's text,
        // wildcards aside, so @t's text comes from an existing name too (the lookup of
        // names derived from another, as partition tables `T_1`, `T_2` of `T`).
        if current.k() == "binary_expression"
            && current
                .field("operator")
                .is_some_and(|o| o.k() == "keyword_like")
            && let (Some(left), Some(right)) = (current.field("left"), current.field("right"))
            && let Expr::Column(..) = lower(cx, left, false)
        {
            let pattern = lower(cx, right, false);
            // Only a prefix with a literal after it: a bare `LIKE @t` is a search
            // pattern the caller writes (`%` matches every name), not a lookup.
            let first = match &pattern {
                Expr::Concat(parts, _)
                    if parts.len() > 1
                        && parts[1..].iter().all(|p| matches!(p, Expr::String(..))) =>
                {
                    parts.first()
                }
                _ => None,
            };
            if let Some(Expr::Variable(variable, _)) = first
                && !found.contains(variable)
            {
                found.push(variable.clone());
            }
        }
        if current.k() == "binary_expression"
            && current
                .field("operator")
                .is_some_and(|o| cx.slice(o) == "=")
            && let (Some(left), Some(right)) = (current.field("left"), current.field("right"))
        {
            let (l, r) = (lower(cx, left, false), lower(cx, right, false));
            for (a, b) in [(&l, &r), (&r, &l)] {
                let variable = match (a, b) {
                    (Expr::Variable(variable, _), Expr::Column(..)) => Some(variable),
                    // `object_id = OBJECT_ID(@t)`: the row names the object @t names.
                    (
                        Expr::Call {
                            name, arguments, ..
                        },
                        Expr::Column(..),
                    ) if crate::names::is_existence_function(name) => match arguments.first() {
                        Some(Expr::Variable(variable, _)) => Some(variable),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(variable) = variable
                    && !found.contains(variable)
                {
                    found.push(variable.clone());
                }
            }
        }
        stack.extend(named_children(current));
    }
    found
}

fn node_is_argument(node: Node<'_>) -> bool {
    !node.k().starts_with("keyword_")
        && !matches!(node.k(), "window_specification" | "order_by" | "filter")
}

fn is_plus(cx: &Cx<'_>, node: Node<'_>) -> bool {
    node.field("operator")
        .is_some_and(|operator| cx.slice(operator) == "+")
}

fn flatten_plus(cx: &Cx<'_>, node: Node<'_>, out: &mut Vec<Expr>) {
    crate::deep(|| {
        let mut side = |field: &str| {
            if let Some(child) = node.field(field) {
                if child.k() == "binary_expression" && is_plus(cx, child) {
                    flatten_plus(cx, child, out);
                } else {
                    out.push(lower(cx, child, false));
                }
            }
        };
        side("left");
        side("right");
    })
}

fn literal(cx: &Cx<'_>, node: Node<'_>) -> Expr {
    let text = cx.slice(node);
    let r = range(node);
    match string_value(text) {
        Some(value) => Expr::String(value, r),
        None => Expr::Number(text.to_owned(), r),
    }
}

/// The value of a string literal (`N'a''b'` is `a'b`); `None` when `text` is not one.
pub(crate) fn string_value(text: &str) -> Option<String> {
    let body = text
        .strip_prefix(['N', 'n'])
        .filter(|rest| rest.starts_with('\''))
        .unwrap_or(text);
    let inner = body.strip_prefix('\'')?;
    let inner = inner.strip_suffix('\'').unwrap_or(inner);
    Some(inner.replace("''", "'"))
}

/// An expression the rules do not look into, with the variables it uses.
pub(crate) fn other(cx: &Cx<'_>, node: Node<'_>) -> Expr {
    Expr::Other {
        variables: variables(cx, node),
        range: range(node),
    }
}

/// The `@variables` used under `node`, lower-cased, in order, without repeats.
pub(crate) fn variables(cx: &Cx<'_>, node: Node<'_>) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor = node.walk();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if current.k() == "identifier" {
            let text = cx.slice(current);
            if text.starts_with('@') && !text.starts_with("@@") {
                let name = text.to_lowercase();
                if !found.contains(&name) {
                    found.push(name);
                }
            }
            continue;
        }
        let children: Vec<Node<'_>> = current.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    found
}

/// The value of an identifier passed where a value is expected (`EXEC sp_addrolemember
/// [db_owner], [Ann]`): SQL Server takes it as the string of its name, so a one-part name
/// loses its quoting (`[db_owner]` is `db_owner`). Anything longer stays as written.
/// https://learn.microsoft.com/sql/t-sql/language-elements/execute-transact-sql says a
/// parameter value may be "an identifier"; `EXEC sp_help [dbo.t]` passes `dbo.t`.
fn bare_name(text: &str) -> String {
    match crate::names::split(text).as_slice() {
        [one] => one.clone(),
        _ => text.to_owned(),
    }
}

/// The `@table` variables that a query reads in its `FROM` clauses, lower-cased.
pub(super) fn table_variables(cx: &Cx<'_>, node: Node<'_>) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if current.k() == "relation" {
            for child in named_children(current) {
                let text = cx.slice(child).trim();
                if child.k() == "object_reference" && text.starts_with('@') {
                    let name = text.to_lowercase();
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
        }
        stack.extend(named_children(current));
    }
    found
}

/// `INSERT [INTO] @t [(…)] SELECT …`: the facts of [`StatementKind::FillTableVariable`].
pub(super) fn fill_table_variable(cx: &Cx<'_>, insert: Node<'_>) -> Option<StatementKind> {
    let kids = named_children(insert);
    let target = kids.iter().find(|c| c.k() == "object_reference")?;
    let table = cx.slice(*target).trim();
    if !table.starts_with('@') {
        return None;
    }
    let query = kids.iter().find(|c| c.k() == "query_specification")?;
    Some(StatementKind::FillTableVariable {
        table: table.to_lowercase(),
        compared: compared_variables(cx, *query).into(),
        sources: table_variables(cx, *query).into(),
    })
}
