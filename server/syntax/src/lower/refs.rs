//! Static object references and the access each needs.
//!
//! FROM/JOIN/APPLY relations (also in subqueries and CTE bodies) need SELECT; INSERT,
//! UPDATE, DELETE and MERGE targets need their action, and SELECT too when the statement
//! reads the target's columns; `EXEC p` and calls of schema-qualified functions need
//! EXECUTE; `NEXT VALUE FOR s` needs UPDATE on the sequence. CTE names, `@table`
//! variables, `#temp` tables, the trigger pseudo-tables `inserted`/`deleted`, aliases and
//! built-in functions (one-part calls such as `COUNT`) are not objects.
//!
//! Columns are told per query scope (a `SELECT`, `UPDATE`, `DELETE` or `MERGE`): a
//! reference lists the columns its scope names through its alias or name, plus the
//! unqualified ones when it is the scope's only table. A `*`, or unqualified columns in a
//! scope with several tables, leave the columns unknown (`None`).

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::{Node, TreeCursor};

use super::{Cx, Named, NodeExt, child_of_kind, named_children};
use crate::ast::{Access, Name, QualifiedName, Reference};
use crate::names;

/// Every static reference under `node`, in text order, without repeats.
pub(crate) fn references(cx: &Cx<'_>, node: Node<'_>) -> Vec<Reference> {
    let mut refs = Refs {
        cx,
        ctes: Vec::new(),
        cte_nodes: Vec::new(),
        scopes: HashMap::new(),
        scope: None,
        out: Vec::new(),
        cursors: RefCell::new(Vec::new()),
    };
    refs.collect_ctes(node);
    refs.visit(node);
    let mut out: Vec<Reference> = Vec::with_capacity(refs.out.len());
    for reference in refs.out {
        let repeat = out
            .iter()
            .any(|seen| seen.range == reference.range && seen.access == reference.access);
        if !repeat {
            out.push(reference);
        }
    }
    out.sort_by_key(|reference| (reference.range.start(), reference.access));
    out.shrink_to_fit();
    out
}

/// Functions whose first argument is a date part keyword written like a column.
const DATE_PART_FUNCTIONS: &[&str] = &[
    "dateadd",
    "datediff",
    "datediff_big",
    "datename",
    "datepart",
    "datetrunc",
    "date_bucket",
];

/// One-part table-valued functions that SQL Server provides.
const BUILT_IN_ROWSET_FUNCTIONS: &[&str] = &[
    "openjson",
    "openxml",
    "openrowset",
    "openquery",
    "opendatasource",
    "string_split",
    "generate_series",
    "changetable",
    "containstable",
    "freetexttable",
    "predict",
    "semantickeyphrasetable",
    "semanticsimilaritytable",
    "semanticsimilaritydetailstable",
];

/// The methods of the `xml` data type.
const XML_METHODS: &[&str] = &["value", "query", "exist", "nodes", "modify"];

/// Methods of the CLR system types `hierarchyid`, `geometry` and `geography` that do not
/// start with `ST` (those are recognised by their prefix).
const CLR_TYPE_METHODS: &[&str] = &[
    "ToString",
    "GetAncestor",
    "GetDescendant",
    "GetLevel",
    "GetReparentedValue",
    "IsDescendantOf",
    "Read",
    "Write",
    "Lat",
    "Long",
    "HasZ",
    "HasM",
    "MakeValid",
    "Reduce",
    "BufferWithTolerance",
    "BufferWithCurves",
    "EnvelopeCenter",
    "EnvelopeAngle",
    "Filter",
    "InstanceOf",
    "IsValidDetailed",
    "NumRings",
    "RingN",
    "AsGml",
    "AsTextZM",
    "ReorientObject",
    "CurveToLineWithTolerance",
    "MinDbCompatibilityLevel",
];

/// `STDistance`, `STAsText`, `STIntersects`: the OGC methods of the spatial types.
fn is_spatial_method(method: &str) -> bool {
    method
        .strip_prefix("ST")
        .and_then(|rest| rest.chars().next())
        .is_some_and(char::is_uppercase)
}

/// The node kinds that open a query scope for column attribution.
const SCOPES: &[&str] = &["query_specification", "update", "delete", "merge"];

/// Nodes whose columns belong to an inner scope.
const NESTED: &[&str] = &[
    "subquery",
    "cte",
    "query_specification",
    "execute_statement",
];

#[derive(Default)]
struct ScopeInfo {
    /// Table sources named in the scope itself (not in subqueries).
    relations: usize,
    fields: Vec<FieldUse>,
    /// An unqualified `*` in the scope.
    star: bool,
    /// `t.*`: the qualifiers' keys.
    qualified_stars: Vec<String>,
    /// Select-list aliases, which ORDER BY may name like columns.
    aliases: Vec<String>,
}

struct FieldUse {
    /// The key of the last qualifier part (`t` in `dbo.t.c`).
    qualifier: Option<String>,
    name: Name,
    /// Inside a subquery of the scope: only qualified uses count for the outer tables.
    nested: bool,
}

struct Refs<'c, 't, 'n> {
    cx: &'c Cx<'t>,
    /// Keys of the CTE names defined in the statement.
    ctes: Vec<String>,
    /// The CTE nodes, beside their keys in `ctes`.
    cte_nodes: Vec<Node<'n>>,
    scopes: HashMap<usize, ScopeInfo>,
    scope: Option<Node<'n>>,
    out: Vec<Reference>,
    /// Cursors done with, for the next walk over a node's children: the walks visit
    /// every node of a statement, and a fresh cursor allocates.
    cursors: RefCell<Vec<TreeCursor<'n>>>,
}

impl<'n> Refs<'_, '_, 'n> {
    /// The CTEs a statement defines: `WITH` stands at the head of a statement, a view's
    /// or inline function's query or a cursor's query, never inside a subquery.
    fn collect_ctes(&mut self, node: Node<'n>) {
        let mut stack = vec![(node, 0)];
        while let Some((current, depth)) = stack.pop() {
            if current.k() == "cte" {
                // WITH CHANGE_TRACKING_CONTEXT (...) stands in the CTE list but names nothing.
                if let Some(name) = named_children(current)
                    .first()
                    .filter(|name| name.k() == "identifier")
                {
                    let key = names::key(&names::unquote(self.cx.slice(*name)));
                    self.ctes.push(key);
                    self.cte_nodes.push(current);
                }
                continue;
            }
            let container = depth == 0
                || matches!(
                    current.k(),
                    "statement"
                        | "function_body"
                        | "create_view"
                        | "alter_view"
                        | "declare_cursor_statement"
                        | "ERROR"
                );
            if container && depth < 4 {
                for child in named_children(current) {
                    stack.push((child, depth + 1));
                }
            }
        }
    }

    fn visit(&mut self, node: Node<'n>) {
        crate::deep(|| {
            let saved = self.scope;
            let kind = node.k();
            if SCOPES.contains(&kind) {
                self.scope = Some(node);
            }
            match kind {
                "relation" => self.relation(node),
                "apply_join" => self.apply(node),
                "invocation" => self.call(node),
                "next_value_for" => {
                    if let Some(name) = child_of_kind(node, "object_reference") {
                        self.add(name, Access::Update, None);
                    }
                }
                "insert" => self.insert(node),
                "update" => self.update(node),
                "delete" => self.delete(node),
                "merge" => self.merge(node),
                "execute_statement" => self.exec(node),
                "output_clause" => self.output(node),
                "bulk_insert_statement" => {
                    if let Some(name) = child_of_kind(node, "object_reference") {
                        self.add(name, Access::Insert, None);
                    }
                }
                _ => self.visit_children(node),
            }
            self.scope = saved;
        })
    }

    fn visit_children(&mut self, node: Node<'n>) {
        // Most visited nodes are tokens: leave them before taking a cursor.
        if node.child_count() == 0 {
            return;
        }
        let mut children = self.named(node);
        for child in children.by_ref() {
            self.visit(child);
        }
        self.recycle(children);
    }

    /// The named children of `node`, walked with a recycled cursor.
    fn named(&self, node: Node<'n>) -> Named<'n> {
        match self.cursors.borrow_mut().pop() {
            Some(cursor) => Named::reusing(cursor, node),
            None => Named::new(node),
        }
    }

    fn recycle(&self, children: Named<'n>) {
        self.cursors.borrow_mut().push(children.into_cursor());
    }

    fn qname(&self, node: Node<'_>) -> QualifiedName {
        self.cx.qname(node)
    }

    /// Whether a name is not an object: a CTE, a variable, a temp table, a pseudo-table.
    fn excluded(&self, name: &QualifiedName) -> bool {
        let object = &name.object().value;
        if object.is_empty() || object.starts_with('#') || object.starts_with('@') {
            return true;
        }
        if name.parts.len() == 1 {
            let key = names::key(object);
            return self.ctes.contains(&key) || key == "inserted" || key == "deleted";
        }
        false
    }

    fn add(&mut self, name_node: Node<'_>, access: Access, columns: Option<Vec<Name>>) {
        let name = self.qname(name_node);
        if self.excluded(&name) {
            return;
        }
        // Exactly sized and shared: the model's chains point at this list from every
        // reach through the reference instead of copying it.
        let columns = columns.map(std::sync::Arc::from);
        self.out.push(Reference {
            range: name.range,
            name,
            access,
            columns,
        });
    }

    /// A table source: a table or view (SELECT), a table-valued function (SELECT), or a
    /// derived table whose own relations are visited.
    fn relation(&mut self, node: Node<'n>) {
        let alias = node
            .field("alias")
            .map(|alias| names::key(&names::unquote(self.cx.slice(alias))));
        for child in named_children(node) {
            match child.k() {
                "object_reference" => {
                    let columns = self.columns_for(child, alias.as_deref(), &[]);
                    self.add(child, Access::Select, columns);
                }
                "invocation" => self.table_function(child, alias.as_deref()),
                "identifier" => {}
                _ => self.visit(child),
            }
        }
    }

    /// `CROSS APPLY f(x) a` names its function directly, without a relation node.
    fn apply(&mut self, node: Node<'n>) {
        let alias = node
            .field("alias")
            .map(|alias| names::key(&names::unquote(self.cx.slice(alias))));
        for child in named_children(node) {
            match child.k() {
                "invocation" => self.table_function(child, alias.as_deref()),
                "object_reference" => {
                    let columns = self.columns_for(child, alias.as_deref(), &[]);
                    self.add(child, Access::Select, columns);
                }
                "identifier" => {}
                _ => self.visit(child),
            }
        }
    }

    fn table_function(&mut self, node: Node<'n>, alias: Option<&str>) {
        let children = named_children(node);
        let Some(name_node) = children.first().copied() else {
            return;
        };
        if name_node.k() == "object_reference" {
            let name = self.qname(name_node);
            let built_in = name.parts.len() == 1
                && BUILT_IN_ROWSET_FUNCTIONS.contains(&names::key(&name.object().value).as_str());
            if !built_in && !self.is_method_call(node, &name) {
                let columns = self.columns_for(name_node, alias, &[]);
                self.add(name_node, Access::Select, columns);
            }
        }
        for child in children.into_iter().skip(1) {
            self.visit(child);
        }
    }

    /// A call in an expression: a schema-qualified name is a user function (EXECUTE);
    /// a one-part name is a built-in.
    fn call(&mut self, node: Node<'n>) {
        let mut children = self.named(node);
        if let Some(name_node) = children.next()
            && name_node.k() == "object_reference"
        {
            let name = self.qname(name_node);
            if name.parts.len() >= 2 && !self.is_method_call(node, &name) {
                self.add(name_node, Access::Execute, None);
            }
        }
        for child in children.by_ref() {
            self.visit(child);
        }
        self.recycle(children);
    }

    /// Whether a dotted call is a method of a column or variable rather than a function:
    /// `@x.nodes(…)`, `c.value(…)` (the `xml` methods), `@g.STDistance(…)` (CLR type
    /// methods, whose names are case-sensitive), `t.c.exist(…)` (a column of a table
    /// the statement names).
    fn is_method_call(&self, call: Node<'_>, name: &QualifiedName) -> bool {
        let first = &name.parts[0].value;
        if first.starts_with('@') {
            return true;
        }
        let method = name.object().value.as_str();
        if name.parts.len() == 2
            && (XML_METHODS.contains(&names::key(method).as_str())
                || CLR_TYPE_METHODS.contains(&method)
                || is_spatial_method(method))
        {
            return true;
        }
        if name.parts.len() >= 3 {
            // `alias.column.method()`: the first part names a table source of the statement.
            let key = names::key(first);
            let mut statement = call;
            while let Some(parent) = statement.parent() {
                statement = parent;
                if matches!(parent.k(), "statement" | "batch") {
                    break;
                }
            }
            let mut named = false;
            walk_relations_deep(statement, &mut |relation_name| {
                if let Some(relation) = relation_name.parent() {
                    let alias = relation
                        .field("alias")
                        .map(|a| names::key(&names::unquote(self.cx.slice(a))));
                    let object = names::key(&self.qname(relation_name).object().value);
                    named |= alias.as_deref() == Some(key.as_str()) || object == key;
                }
            });
            return named;
        }
        false
    }

    fn exec(&mut self, node: Node<'n>) {
        if let Some(procedure) = node.field("procedure")
            && procedure.k() == "object_reference"
        {
            self.add(procedure, Access::Execute, None);
        }
        for child in named_children(node) {
            if node.field("procedure") != Some(child) {
                self.visit(child);
            }
        }
    }

    /// `OUTPUT … INTO t`: the INTO target receives rows.
    fn output(&mut self, node: Node<'n>) {
        let children = named_children(node);
        let mut index = 0;
        while let Some(&child) = children.get(index) {
            index += 1;
            if child.k() == "keyword_into"
                && let Some(&target) = children.get(index)
                && target.k() == "object_reference"
            {
                index += 1;
                // `OUTPUT … INTO t (a, b)`: the column list follows the target.
                let mut columns = None;
                if let Some(list) = children.get(index).filter(|list| list.k() == "list") {
                    index += 1;
                    columns = Some(self.column_list(*list));
                } else {
                    // The grammar gives the list's names as bare identifiers.
                    while let Some(column) = children.get(index).filter(|c| c.k() == "identifier") {
                        index += 1;
                        let names = columns.get_or_insert_with(Vec::new);
                        push_unique(names, names::unquote(self.cx.slice(*column).trim()));
                    }
                }
                self.add(target, Access::Insert, columns);
                continue;
            }
            self.visit(child);
        }
    }

    /// The names in a column list `(a, [b])`.
    fn column_list(&self, list: Node<'n>) -> Vec<Name> {
        let mut names = Vec::new();
        let mut columns = self.named(list);
        for column in columns.by_ref() {
            // `t.a` in an INSERT's list names the column `a`.
            let name = Named::new(column)
                .filter(|part| part.k() == "identifier")
                .last()
                .unwrap_or(column);
            push_unique(&mut names, names::unquote(self.cx.slice(name).trim()));
        }
        self.recycle(columns);
        names
    }

    fn insert(&mut self, node: Node<'n>) {
        let children = named_children(node);
        let target = children
            .iter()
            .copied()
            .find(|child| child.k() == "object_reference");
        let mut columns_list = None;
        if let Some(target) = target {
            // The column list follows the target directly.
            columns_list = children
                .iter()
                .copied()
                .skip_while(|child| *child != target)
                .nth(1)
                .filter(|child| child.k() == "list");
            let columns = columns_list.map(|list| self.column_list(list));
            self.add(target, Access::Insert, columns);
        }
        for child in children {
            if Some(child) != target && Some(child) != columns_list {
                self.visit(child);
            }
        }
    }

    /// The relation in `from` (not in subqueries) that a one-part target names, by
    /// alias or by name: `UPDATE a … FROM dbo.t a` updates `dbo.t`.
    fn resolve_target(&self, target: Node<'n>, from: Option<Node<'n>>) -> Option<Node<'n>> {
        let name = self.qname(target);
        let from = from?;
        let key = if name.parts.len() == 1 {
            names::key(&name.object().value)
        } else {
            return None;
        };
        let mut found = None;
        walk_relations(from, &mut |relation_name, alias| {
            if found.is_some() {
                return;
            }
            let matches = match alias {
                Some(alias) => names::key(&names::unquote(self.cx.slice(alias))) == key,
                None => {
                    relation_name.k() == "object_reference"
                        && names::key(&self.qname(relation_name).object().value) == key
                }
            };
            if matches && relation_name.k() == "object_reference" {
                found = Some(relation_name);
            }
        });
        found
    }

    /// `WITH c AS (SELECT … FROM t) UPDATE c …` writes to `t` when the CTE reads from
    /// exactly one table.
    fn resolve_cte(&self, target: Node<'n>) -> Option<Node<'n>> {
        let name = self.qname(target);
        if name.parts.len() != 1 {
            return None;
        }
        let key = names::key(&name.object().value);
        let index = self.ctes.iter().position(|cte| *cte == key)?;
        let cte = *self.cte_nodes.get(index)?;
        let mut tables = Vec::new();
        walk_relations_deep(cte, &mut |relation_name| tables.push(relation_name));
        match tables.as_slice() {
            [only] if only.k() == "object_reference" && !self.excluded(&self.qname(*only)) => {
                Some(*only)
            }
            _ => None,
        }
    }

    fn update(&mut self, node: Node<'n>) {
        let children = named_children(node);
        let target = children
            .iter()
            .copied()
            .find(|child| child.k() == "object_reference");
        let from = child_of_kind(node, "from");
        if let Some(target) = target {
            let resolved = self
                .resolve_target(target, from)
                .or_else(|| self.resolve_cte(target));
            let name_node = resolved.unwrap_or(target);
            let mut set_columns = Vec::new();
            let mut reads = child_of_kind(node, "output_clause").is_some();
            for assignment in children.iter().filter(|c| c.k() == "assignment") {
                if let Some(column) = assignment
                    .field("left")
                    .and_then(|left| self.field_name(left))
                {
                    push_unique(&mut set_columns, column);
                }
                if let Some(right) = assignment.field("right") {
                    reads |= self.mentions_column(right);
                }
            }
            if let Some(where_clause) = child_of_kind(node, "where") {
                reads |= self.mentions_column(where_clause);
            }
            self.add(name_node, Access::Update, Some(set_columns));
            if resolved.is_none() && reads {
                let columns = self.columns_for(name_node, None, &["inserted", "deleted"]);
                self.add(name_node, Access::Select, columns);
            }
            for child in children {
                if child == target {
                    continue;
                }
                if child.k() == "assignment" {
                    if let Some(right) = child.field("right") {
                        self.visit(right);
                    }
                    continue;
                }
                self.visit(child);
            }
        } else {
            self.visit_children(node);
        }
    }

    fn delete(&mut self, node: Node<'n>) {
        let children = named_children(node);
        let target = children
            .iter()
            .copied()
            .find(|child| child.k() == "object_reference");
        let from = child_of_kind(node, "from");
        if let Some(target) = target {
            let resolved = self
                .resolve_target(target, from)
                .or_else(|| self.resolve_cte(target));
            let name_node = resolved.unwrap_or(target);
            let mut reads = child_of_kind(node, "output_clause").is_some();
            if let Some(where_clause) = child_of_kind(node, "where") {
                reads |= self.mentions_column(where_clause);
            }
            self.add(name_node, Access::Delete, None);
            if resolved.is_none() && reads {
                let columns = self.columns_for(name_node, None, &["deleted"]);
                self.add(name_node, Access::Select, columns);
            }
            for child in children {
                if child != target {
                    self.visit(child);
                }
            }
        } else {
            self.visit_children(node);
        }
    }

    fn merge(&mut self, node: Node<'n>) {
        let mut target = None;
        let mut target_alias = None;
        let mut source = None;
        let mut source_alias = None;
        let mut after_using = false;
        let mut cursor = node.walk();
        let all: Vec<Node<'n>> = node.children(&mut cursor).collect();
        for (index, child) in all.iter().enumerate() {
            let is_alias = u32::try_from(index)
                .ok()
                .and_then(|index| node.field_name_for_child(index))
                == Some("alias");
            match child.k() {
                "keyword_using" => after_using = true,
                "object_reference" if !after_using && target.is_none() => target = Some(*child),
                "object_reference" if after_using && source.is_none() => source = Some(*child),
                "identifier" if is_alias && !after_using => target_alias = Some(*child),
                "identifier" if is_alias && after_using => source_alias = Some(*child),
                _ => {}
            }
        }
        let key_of = |alias: Option<Node<'_>>| {
            alias.map(|alias| names::key(&names::unquote(self.cx.slice(alias))))
        };
        let target_alias = key_of(target_alias);
        let source_alias = key_of(source_alias);
        if let Some(source) = source {
            let columns = self.columns_for(source, source_alias.as_deref(), &[]);
            self.add(source, Access::Select, columns);
        }
        if let Some(target) = target {
            let columns =
                self.columns_for(target, target_alias.as_deref(), &["inserted", "deleted"]);
            self.add(target, Access::Select, columns);
            for clause in named_children(node)
                .into_iter()
                .filter(|c| c.k() == "merge_when_clause")
            {
                let parts = named_children(clause);
                if let Some(action) = parts.iter().find(|part| {
                    matches!(
                        part.k(),
                        "keyword_update" | "keyword_insert" | "keyword_delete"
                    )
                }) {
                    match action.k() {
                        "keyword_update" => {
                            let mut columns = Vec::new();
                            for assignment in parts.iter().filter(|p| p.k() == "assignment") {
                                if let Some(column) = assignment
                                    .field("left")
                                    .and_then(|left| self.field_name(left))
                                {
                                    push_unique(&mut columns, column);
                                }
                            }
                            self.add(target, Access::Update, Some(columns));
                        }
                        "keyword_insert" => {
                            let columns = parts.iter().find(|p| p.k() == "list").map(|list| {
                                let mut names = Vec::new();
                                for column in named_children(*list) {
                                    if column.k() == "column" {
                                        push_unique(
                                            &mut names,
                                            names::unquote(self.cx.slice(column).trim()),
                                        );
                                    }
                                }
                                names
                            });
                            self.add(target, Access::Insert, columns);
                        }
                        _ => self.add(target, Access::Delete, None),
                    }
                }
            }
        }
        for child in named_children(node) {
            if Some(child) == target || Some(child) == source {
                continue;
            }
            if child.k() == "merge_when_clause" {
                for part in named_children(child) {
                    if part.k() == "assignment" {
                        if let Some(right) = part.field("right") {
                            self.visit(right);
                        }
                    } else {
                        self.visit(part);
                    }
                }
                continue;
            }
            self.visit(child);
        }
    }

    /// The column a `SET` target names (`c`, `t.c`); `None` for `@v`.
    fn field_name(&self, node: Node<'_>) -> Option<Name> {
        let name = node.field("name").unwrap_or(node);
        let text = self.cx.slice(name).trim();
        (!text.starts_with('@') && !text.is_empty()).then(|| names::unquote(text))
    }

    /// Whether an expression mentions a column (not only variables and literals).
    fn mentions_column(&self, node: Node<'_>) -> bool {
        let mut cursor = node.walk();
        let mut stack = vec![node];
        while let Some(current) = stack.pop() {
            if matches!(current.k(), "field" | "all_fields") {
                let text = self.cx.slice(current).trim();
                if !text.starts_with('@') {
                    return true;
                }
            }
            stack.extend(current.named_children(&mut cursor));
        }
        false
    }

    /// The columns a reference uses in its scope; `None` when they cannot be told.
    /// `extra_qualifiers` are pseudo-tables that stand for the same table (`inserted`).
    fn columns_for(
        &mut self,
        name_node: Node<'_>,
        alias: Option<&str>,
        extra_qualifiers: &[&str],
    ) -> Option<Vec<Name>> {
        let scope = self.scope?;
        let name = self.qname(name_node);
        let object_key = names::key(&name.object().value);
        if !self.scopes.contains_key(&scope.id()) {
            let info = self.scope_info(scope);
            self.scopes.insert(scope.id(), info);
        }
        let info = self.scopes.get(&scope.id())?;
        let matches = |qualifier: &str| {
            extra_qualifiers.contains(&qualifier)
                || match alias {
                    Some(alias) => qualifier == alias,
                    None => qualifier == object_key,
                }
        };
        if info.star || info.qualified_stars.iter().any(|q| matches(q)) {
            return None;
        }
        let single = info.relations <= 1;
        let mut columns = Vec::new();
        for field in &info.fields {
            match &field.qualifier {
                Some(qualifier) if matches(qualifier) => {
                    push_unique(&mut columns, field.name.clone())
                }
                Some(_) => {}
                None if field.nested => {}
                None if info.aliases.contains(&names::key(&field.name)) => {}
                None if single => push_unique(&mut columns, field.name.clone()),
                None => return None,
            }
        }
        Some(columns)
    }

    fn scope_info(&self, scope: Node<'n>) -> ScopeInfo {
        let mut info = ScopeInfo::default();
        self.scan_scope(scope, scope, false, &mut info);
        if scope.k() == "query_specification" {
            // ORDER BY and the like stand beside the query in its statement.
            if let Some(parent) = scope.parent()
                && !SCOPES.contains(&parent.k())
            {
                for sibling in named_children(parent) {
                    if sibling.k() == "order_by" {
                        self.scan_scope(scope, sibling, false, &mut info);
                    }
                }
            }
        }
        match scope.k() {
            "merge" => info.relations = info.relations.max(2),
            _ => info.relations = info.relations.max(1),
        }
        info
    }

    fn scan_scope(&self, scope: Node<'n>, node: Node<'n>, nested: bool, info: &mut ScopeInfo) {
        let kind = node.k();
        let mut children = self.named(node);
        for child in children.by_ref() {
            self.scan_child(scope, kind, child, nested, info);
        }
        self.recycle(children);
    }

    /// Records what one node contributes to its scope: table sources, columns, stars
    /// and select-list aliases.
    fn scan_child(
        &self,
        scope: Node<'n>,
        parent_kind: &str,
        child: Node<'n>,
        nested: bool,
        info: &mut ScopeInfo,
    ) {
        crate::deep(|| {
            let child_nested = nested || (child != scope && NESTED.contains(&child.k()));
            match child.k() {
                "relation" | "apply_join" if !nested => {
                    info.relations += 1;
                    self.scan_scope(scope, child, nested, info);
                }
                "field" => {
                    let Some(name) = child.field("name") else {
                        return;
                    };
                    let text = self.cx.slice(name).trim();
                    if text.is_empty() || text.starts_with(['@', '$']) {
                        return;
                    }
                    let qualifier = child_of_kind(child, "object_reference")
                        .map(|q| names::key(&self.qname(q).object().value));
                    info.fields.push(FieldUse {
                        qualifier,
                        name: names::unquote(text),
                        nested,
                    });
                }
                "all_fields" => {
                    if nested {
                        return;
                    }
                    match child_of_kind(child, "object_reference") {
                        Some(q) => info
                            .qualified_stars
                            .push(names::key(&self.qname(q).object().value)),
                        None => info.star = true,
                    }
                }
                "term" if !nested => {
                    if let Some(alias) = child.field("alias") {
                        info.aliases
                            .push(names::key(&names::unquote(self.cx.slice(alias))));
                    }
                    self.scan_scope(scope, child, nested, info);
                }
                "invocation" => {
                    // `COUNT(*)` uses no column; `DATEADD(day, …)` names a date part.
                    let parts = named_children(child);
                    let name = parts
                        .first()
                        .map(|n| names::key(self.cx.slice(*n).trim()))
                        .unwrap_or_default();
                    let skip = usize::from(DATE_PART_FUNCTIONS.contains(&name.as_str()));
                    // `c.value(…)`, `t.c.exist(…)`: a method of a column uses the column.
                    if let Some(callee) = parts.first().filter(|n| n.k() == "object_reference") {
                        let callee = self.qname(*callee);
                        if callee.parts.len() >= 2
                            && !callee.parts[0].value.starts_with('@')
                            && self.is_method_call(child, &callee)
                        {
                            let count = callee.parts.len();
                            info.fields.push(FieldUse {
                                qualifier: (count >= 3)
                                    .then(|| names::key(&callee.parts[count - 3].value)),
                                name: callee.parts[count - 2].value.clone(),
                                nested,
                            });
                        }
                    }
                    for part in parts.into_iter().skip(1 + skip) {
                        let star = part.k() == "term"
                            && part.field("value").is_some_and(|v| v.k() == "all_fields");
                        if !star {
                            self.scan_child(scope, "invocation", part, nested, info);
                        }
                    }
                }
                "assignment" => {
                    // A SET target is written, not read.
                    if let Some(right) = child.field("right") {
                        self.scan_child(scope, "assignment", right, nested, info);
                    }
                }
                "list"
                    if matches!(parent_kind, "merge_when_clause" | "insert")
                        && named_children(child).iter().all(|c| c.k() == "column") =>
                {
                    // The column list of an INSERT names written columns.
                }
                _ => self.scan_scope(scope, child, child_nested, info),
            }
        })
    }
}

/// Calls `f(name, alias)` for every table source directly in a FROM clause (joins
/// included, subqueries not).
fn walk_relations<'n>(node: Node<'n>, f: &mut dyn FnMut(Node<'n>, Option<Node<'n>>)) {
    crate::deep(|| {
        for child in Named::new(node) {
            match child.k() {
                "relation" => {
                    let alias = child.field("alias");
                    if let Some(name) = Named::new(child)
                        .find(|c| matches!(c.k(), "object_reference" | "invocation"))
                    {
                        f(name, alias);
                    }
                }
                "subquery" | "cte" | "query_specification" => {}
                _ => walk_relations(child, f),
            }
        }
    })
}

/// Every table source under `node`, subqueries included (for a CTE's body).
fn walk_relations_deep<'n>(node: Node<'n>, f: &mut dyn FnMut(Node<'n>)) {
    crate::deep(|| {
        for child in Named::new(node) {
            match child.k() {
                "relation" | "apply_join" => {
                    if let Some(name) = Named::new(child)
                        .find(|c| matches!(c.k(), "object_reference" | "invocation"))
                    {
                        f(name);
                    }
                    walk_relations_deep(child, f);
                }
                _ => walk_relations_deep(child, f),
            }
        }
    })
}

fn push_unique(list: &mut Vec<Name>, value: Name) {
    if !list.iter().any(|seen| names::same(seen, &value)) {
        list.push(value);
    }
}
