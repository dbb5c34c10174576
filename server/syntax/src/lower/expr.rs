//! Expressions, lowered to what the rules need: string literals (with `''` undoubled),
//! numbers, variables, `+` concatenation, calls, and everything else as `Other` with the
//! variables it uses (for IMP004's injection check).

use tree_sitter::Node;

use super::{Cx, NodeExt, named_children, range};
use crate::ast::Expr;

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
                    Expr::Identifier(text.to_owned(), r)
                } else {
                    other(cx, node)
                }
            }
            "identifier"
                if cx.slice(node).starts_with('@') && !cx.slice(node).starts_with("@@") =>
            {
                Expr::Variable(cx.slice(node).to_lowercase(), r)
            }
            "identifier" if bare_names => Expr::Identifier(cx.slice(node).to_owned(), r),
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
                let arguments = children
                    .filter(|child| node_is_argument(*child))
                    .map(|child| lower(cx, child, false))
                    .collect();
                Expr::Call {
                    name: name_text,
                    arguments,
                    range: r,
                }
            }
            _ => other(cx, node),
        }
    })
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
