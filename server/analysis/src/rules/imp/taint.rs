//! The data flow behind IMP004 and IMP009: which values reach the dynamic SQL of a module
//! that runs with elevated rights, and where they came from.
//!
//! A small taint analysis over a module's body, in statement order. The lowering flattens
//! the body but marks its control flow (`IF`/`ELSE`, `WHILE`, `TRY…CATCH`, `RETURN`,
//! `BREAK`, `CONTINUE`, `THROW`) with the ranges of the statements each part holds, so the
//! walk follows it: branches are joined where they meet, a loop body is run to a fixed
//! point, a `CATCH` block starts from any state its `TRY` block passed through.
//!
//! A value is *caller input* (IMP004) when it comes from a parameter, `EVENTDATA()` or the
//! client's `APP_NAME()`/`HOST_NAME()`, and *stored data* (IMP009) when it is read from a
//! table or a catalog view (a column, a subquery, a cursor, a function that reads the
//! catalog such as `OBJECT_NAME`). Values of numeric, date, bit and `uniqueidentifier`
//! type are clean (declared so, or converted to such a type), as are `QUOTENAME()`, the
//! functions that return numbers, and literals. A check against a literal list cleans a
//! parameter in the branch where it holds; a check that it names an existing object
//! (`OBJECT_ID(@p) IS NOT NULL`, `EXISTS (… WHERE name = @p)`) turns it into stored data.
//!
//! Both rules read [`analyse`]; which of them reports a sink depends on its sources: any
//! caller input makes it IMP004's, stored data alone IMP009's.

use std::collections::{BTreeMap, BTreeSet};

use syntax::TextRange;
use syntax::ast::{
    Condition, CreateObject, ExecTarget, ExecutionContext, Expr, Jump, Module, Statement,
    StatementKind,
};

use crate::FileId;
use crate::diagnostic::Diagnostic;
use crate::rule::RuleMeta;
use crate::rules::{Context, walk};

/// Where a value comes from, in the order that decides the rule: caller input first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Source {
    Caller,
    Stored,
}

/// How a value came to be tainted, for the related location's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Why {
    Parameter,
    EventData,
    Client,
    Column,
    Query,
    Function,
    Fetch,
    Checked,
}

/// One place where tainted text enters the module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Origin {
    pub source: Source,
    /// The parameter, variable, column or function the text comes from.
    pub name: String,
    pub range: TextRange,
    why: Why,
}

impl Origin {
    fn message(&self, module: &str) -> String {
        let name = &self.name;
        match self.why {
            Why::Parameter => format!("{name} is a parameter of {module}: caller input"),
            Why::EventData => {
                "EVENTDATA() describes the caller's statement: caller input".to_owned()
            }
            Why::Client => format!("{name} is set by the client's connection: caller input"),
            Why::Column => format!("{name} is read from a table or catalog view here"),
            Why::Query => "a subquery reads stored data here".to_owned(),
            Why::Function => format!("{name} returns stored data here"),
            Why::Fetch => format!("{name} is fetched from a cursor over stored data here"),
            Why::Checked => format!(
                "{name} is checked against the catalog here: from here on it names an existing object (stored data)"
            ),
        }
    }
}

/// The taint of one value: where its text comes from, and the assignments it went
/// through on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Taint {
    pub origins: BTreeSet<Origin>,
    /// `(assignment, variable)`: where a variable took tainted text.
    pub steps: BTreeSet<(TextRange, String)>,
}

impl Taint {
    fn from(origin: Origin) -> Self {
        Taint {
            origins: BTreeSet::from([origin]),
            steps: BTreeSet::new(),
        }
    }

    fn is_clean(&self) -> bool {
        self.origins.is_empty()
    }

    fn join(&mut self, other: &Taint) {
        self.origins.extend(other.origins.iter().cloned());
        self.steps.extend(other.steps.iter().cloned());
    }
}

/// What every variable holds at one point of the body; `reachable` is false after a
/// `RETURN`, where nothing runs until the branches meet again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct State {
    reachable: bool,
    /// Variables with tainted values (absent: clean).
    variables: BTreeMap<String, Taint>,
    /// The taint of each column of a declared cursor's query, by position.
    cursors: BTreeMap<String, Vec<Taint>>,
    /// Witnesses of existence: a variable set from a catalog lookup filtered by some
    /// variables (`SET @d = (SELECT is_disabled FROM sys.indexes WHERE object_id =
    /// OBJECT_ID(@t))`), or a `@table` filled by such a query, maps to those variables.
    /// Once the variable is known not to be NULL, or the table not to be empty, they
    /// name something that exists, as if checked with `OBJECT_ID(@t) IS NOT NULL`.
    witnesses: BTreeMap<String, BTreeSet<String>>,
}

impl State {
    fn unreachable() -> Self {
        State {
            reachable: false,
            variables: BTreeMap::new(),
            cursors: BTreeMap::new(),
            witnesses: BTreeMap::new(),
        }
    }

    fn join(self, other: State) -> State {
        if !self.reachable {
            return other;
        }
        if !other.reachable {
            return self;
        }
        let mut out = self;
        // A witness holds after the branches meet only where it held on both.
        out.witnesses = std::mem::take(&mut out.witnesses)
            .into_iter()
            .filter_map(|(name, proves)| {
                let theirs = other.witnesses.get(&name)?;
                Some((name, proves.intersection(theirs).cloned().collect()))
            })
            .collect();
        for (name, taint) in other.variables {
            out.variables.entry(name).or_default().join(&taint);
        }
        for (name, columns) in other.cursors {
            let mine = out.cursors.entry(name).or_default();
            for (at, taint) in columns.into_iter().enumerate() {
                match mine.get_mut(at) {
                    Some(existing) => existing.join(&taint),
                    None => mine.push(taint),
                }
            }
        }
        out
    }

    fn set(&mut self, variable: &str, taint: Taint) {
        if taint.is_clean() {
            self.variables.remove(variable);
        } else {
            self.variables.insert(variable.to_owned(), taint);
        }
    }
}

/// One dynamic SQL statement that executes tainted text.
pub(super) struct Sink {
    /// The `EXEC` keyword (with `sp_executesql`'s name): where the finding points.
    pub keyword: TextRange,
    /// `EXEC @proc`: the variable that names the procedure.
    pub procedure_variable: Option<String>,
    pub taint: Taint,
}

impl Sink {
    /// The strongest source among the sink's origins.
    pub fn source(&self) -> Source {
        self.taint
            .origins
            .iter()
            .map(|origin| origin.source)
            .min()
            .unwrap_or(Source::Stored)
    }

    /// The names the text comes from, for one source, sorted and without repeats.
    pub fn names(&self, source: Source) -> Vec<String> {
        let names: BTreeSet<&str> = self
            .taint
            .origins
            .iter()
            .filter(|origin| origin.source == source)
            .map(|origin| origin.name.as_str())
            .collect();
        names.into_iter().map(str::to_owned).collect()
    }
}

/// A module whose context is elevated, with its tainted sinks.
pub(super) struct ModuleSinks<'a> {
    pub file: FileId,
    pub object: &'a CreateObject,
    pub elevation: Elevation,
    pub sinks: Vec<Sink>,
}

/// Why a module runs with more than its caller's rights: its `EXECUTE AS` clause, or a
/// signature whose certificate or key user's permissions join the context while it runs
/// (its dynamic SQL included:
/// https://learn.microsoft.com/sql/relational-databases/tutorial-signing-stored-procedures-with-a-certificate).
pub(super) struct Elevation {
    /// `EXECUTE AS OWNER`, `EXECUTE AS 'name'`, `with the signature of certificate c`.
    pub label: String,
    /// Where it is declared: the clause, or the `ADD SIGNATURE` statement.
    pub file: FileId,
    pub range: TextRange,
}

fn elevation(
    context: &Context<'_>,
    file: FileId,
    object: &CreateObject,
    module: &Module,
) -> Option<Elevation> {
    if let Some(elevation) = execute_as(module, file) {
        return Some(elevation);
    }
    let crate::model::Resolved::Object(object) = context.model.resolve(&object.name, None) else {
        return None;
    };
    let signature = context
        .model
        .signatures_of(object)
        .find(|signature| !signature.counter)?;
    Some(Elevation {
        label: format!(
            "with the signature of {} {}",
            if signature.certificate {
                "certificate"
            } else {
                "asymmetric key"
            },
            signature.key_name
        ),
        file: signature.location.file,
        range: signature.location.range,
    })
}

fn execute_as(module: &Module, file: FileId) -> Option<Elevation> {
    let clause = module.execute_as.as_ref()?;
    let label = match &clause.context {
        ExecutionContext::Caller => return None,
        ExecutionContext::Owner => "EXECUTE AS OWNER".to_owned(),
        ExecutionContext::SelfUser => "EXECUTE AS SELF".to_owned(),
        ExecutionContext::User(name) => format!("EXECUTE AS '{name}'"),
    };
    Some(Elevation {
        label,
        file,
        range: clause.range,
    })
}

/// Every elevated module of the project with the sinks its tainted text reaches.
pub(super) fn analyse<'a>(context: &Context<'a>) -> Vec<ModuleSinks<'a>> {
    let mut out = Vec::new();
    for stmt in walk::statements(context) {
        if stmt.module.is_some() {
            continue;
        }
        let StatementKind::CreateObject(object) = &stmt.statement.kind else {
            continue;
        };
        let Some(module) = &object.module else {
            continue;
        };
        let Some(elevation) = elevation(context, stmt.file, object, module) else {
            continue;
        };
        let sinks = sinks(module);
        if !sinks.is_empty() {
            out.push(ModuleSinks {
                file: stmt.file,
                object,
                elevation,
                sinks,
            });
        }
    }
    out
}

/// The finding for one sink, as `meta`'s rule reports it.
pub(super) fn finding(
    meta: &RuleMeta,
    module: &ModuleSinks<'_>,
    sink: &Sink,
    message: String,
) -> Diagnostic {
    let name = module.object.name.to_string();
    let mut diagnostic = walk::finding(meta, module.file, sink.keyword, message);
    diagnostic.related.push(walk::related(
        module.elevation.file,
        module.elevation.range,
        format!("{name} runs {} here", module.elevation.label),
    ));
    // In text order; at one statement, where the text comes from before what it goes into.
    let mut related: BTreeSet<(TextRange, u8, String)> = BTreeSet::new();
    for origin in &sink.taint.origins {
        related.insert((origin.range, 0, origin.message(&name)));
    }
    for (range, variable) in &sink.taint.steps {
        related.insert((
            *range,
            1,
            format!("{variable} is built from unquoted input here"),
        ));
    }
    for (range, _, message) in related {
        diagnostic
            .related
            .push(walk::related(module.file, range, message));
    }
    diagnostic
}

/// What the dynamic SQL of `sink` is, for a message: "dynamic SQL" or "the procedure
/// named by @p".
pub(super) fn what(sink: &Sink) -> String {
    match &sink.procedure_variable {
        Some(variable) => format!("the procedure named by {variable}"),
        None => "dynamic SQL".to_owned(),
    }
}

/// The tainted sinks of one module body.
fn sinks(module: &Module) -> Vec<Sink> {
    let mut walker = Walker::new(module);
    let mut state = State {
        reachable: true,
        variables: BTreeMap::new(),
        cursors: BTreeMap::new(),
        witnesses: BTreeMap::new(),
    };
    for parameter in &walker.parameters {
        if walker.typed_clean(&parameter.0) {
            continue;
        }
        state.set(
            &parameter.0,
            Taint::from(Origin {
                source: Source::Caller,
                name: parameter.0.clone(),
                range: parameter.1,
                why: Why::Parameter,
            }),
        );
    }
    let end = module.body.last().map_or(0, |s| s.range.end());
    walker.block(0, end, state);
    walker
        .sinks
        .into_iter()
        .filter(|(_, sink)| !sink.taint.is_clean())
        .map(|(_, sink)| sink)
        .collect()
}

struct Loop {
    breaks: State,
    continues: State,
}

struct Walker<'a> {
    body: &'a [Statement],
    /// Parameters with where they are declared.
    parameters: Vec<(String, TextRange)>,
    /// Declared types of parameters and variables, lower-cased.
    types: BTreeMap<String, String>,
    /// Sinks by the start of their keyword; a loop visits one several times.
    sinks: BTreeMap<usize, Sink>,
    loops: Vec<Loop>,
    /// For each enclosing `TRY` block, the states that its `CATCH` block may start from.
    tries: Vec<State>,
}

impl<'a> Walker<'a> {
    fn new(module: &'a Module) -> Self {
        let mut types = BTreeMap::new();
        let mut parameters = Vec::new();
        if module.parameter_declarations.is_empty() {
            for name in &module.parameters {
                parameters.push((name.clone(), module.header_range));
            }
        }
        for declaration in &module.parameter_declarations {
            parameters.push((declaration.name.clone(), declaration.range));
            types.insert(declaration.name.clone(), declaration.data_type.clone());
        }
        // A variable's scope is its whole batch, whatever the order: its declared type
        // holds wherever it is used.
        for statement in &module.body {
            if let StatementKind::Declare(declaration) = &statement.kind {
                types.insert(declaration.name.clone(), declaration.data_type.clone());
            }
        }
        Walker {
            body: &module.body,
            parameters,
            types,
            sinks: BTreeMap::new(),
            loops: Vec::new(),
            tries: Vec::new(),
        }
    }

    fn typed_clean(&self, variable: &str) -> bool {
        self.types.get(variable).is_some_and(|t| is_clean_type(t))
    }

    /// Runs the statements from index `at` that start before `end`; returns the index
    /// after them and the state they leave.
    fn block(&mut self, mut at: usize, end: usize, mut state: State) -> (usize, State) {
        while let Some(statement) = self.body.get(at) {
            if statement.range.start() >= end {
                break;
            }
            at += 1;
            match &statement.kind {
                StatementKind::If {
                    condition,
                    consequence,
                    alternative,
                } => {
                    let yes = self.refine(state.clone(), condition, true, statement.range);
                    let (next, yes) = self.block(at, consequence.end(), yes);
                    at = next;
                    let no = self.refine(state, condition, false, statement.range);
                    let (next, no) = match alternative {
                        Some(alternative) => self.block(at, alternative.end(), no),
                        None => (at, no),
                    };
                    at = next;
                    state = yes.join(no);
                }
                StatementKind::While { condition, body } => {
                    let start = at;
                    let mut entry = state;
                    let mut exits = State::unreachable();
                    // The state at the loop's head grows with each pass and is bounded by
                    // the body's variables and sources, so a few passes reach the fixed
                    // point; the bound only guards against a bug.
                    for _ in 0..16 {
                        let inside = self.refine(entry.clone(), condition, true, statement.range);
                        self.loops.push(Loop {
                            breaks: State::unreachable(),
                            continues: State::unreachable(),
                        });
                        let (next, after) = self.block(start, body.end(), inside);
                        let frame = self.loops.pop().expect("pushed above");
                        at = next;
                        exits = exits.join(frame.breaks);
                        let again = entry.clone().join(after).join(frame.continues);
                        if again == entry {
                            break;
                        }
                        entry = again;
                    }
                    state = self
                        .refine(entry, condition, false, statement.range)
                        .join(exits);
                }
                StatementKind::TryCatch {
                    try_block,
                    catch_block,
                } => {
                    self.tries.push(state.clone());
                    let (next, after_try) = self.block(at, try_block.end(), state);
                    let raised = self.tries.pop().expect("pushed above");
                    let (next, after_catch) =
                        self.block(next, catch_block.end(), raised.join(after_try.clone()));
                    at = next;
                    state = after_try.join(after_catch);
                }
                // RAISERROR: severity 11 to 19 goes to the CATCH block inside TRY and on
                // with the next statement outside one; 20 and more ends the connection
                // (https://learn.microsoft.com/sql/t-sql/language-elements/raiserror-transact-sql).
                StatementKind::Jump(Jump::Raiserror { severity })
                    if severity.is_none_or(|s| s < 20)
                        && (self.tries.is_empty() || severity.is_none_or(|s| s <= 10)) =>
                {
                    if let Some(raised) = self.tries.pop() {
                        self.tries.push(raised.join(state.clone()));
                    }
                }
                StatementKind::Jump(jump) => {
                    match jump {
                        Jump::Return => {}
                        Jump::Raiserror { .. } | Jump::Throw => {
                            if let Some(raised) = self.tries.pop() {
                                self.tries.push(raised.join(state.clone()));
                            }
                        }
                        Jump::Break => {
                            if let Some(frame) = self.loops.last_mut() {
                                frame.breaks =
                                    std::mem::replace(&mut frame.breaks, State::unreachable())
                                        .join(state.clone());
                            }
                        }
                        Jump::Continue => {
                            if let Some(frame) = self.loops.last_mut() {
                                frame.continues =
                                    std::mem::replace(&mut frame.continues, State::unreachable())
                                        .join(state.clone());
                            }
                        }
                    }
                    state = State::unreachable();
                }
                _ => {
                    self.statement(statement, &mut state);
                    // Any statement of a TRY block may raise the error its CATCH handles.
                    if let Some(raised) = self.tries.pop() {
                        self.tries.push(raised.join(state.clone()));
                    }
                }
            }
        }
        (at, state)
    }

    fn statement(&mut self, statement: &Statement, state: &mut State) {
        if !state.reachable {
            return;
        }
        match &statement.kind {
            StatementKind::Assign {
                variable,
                value,
                append,
            } => {
                match &**value {
                    Expr::Subquery { compared, .. } if !compared.is_empty() && !*append => {
                        state
                            .witnesses
                            .insert(variable.clone(), compared.iter().cloned().collect());
                    }
                    _ => {
                        state.witnesses.remove(variable);
                    }
                }
                if self.typed_clean(variable) {
                    state.set(variable, Taint::default());
                    return;
                }
                let mut taint = self.eval(value, state, statement.range);
                if *append && let Some(old) = state.variables.get(variable) {
                    taint.join(old);
                }
                if !taint.is_clean() {
                    taint.steps.insert((statement.range, variable.clone()));
                }
                state.set(variable, taint);
            }
            StatementKind::FillTableVariable {
                table,
                compared,
                sources,
            } => {
                let mut proves: BTreeSet<String> = compared.iter().cloned().collect();
                for source in sources {
                    if let Some(theirs) = state.witnesses.get(source) {
                        proves.extend(theirs.iter().cloned());
                    }
                }
                // Rows from several fills prove only what every fill proves.
                let proves = match state.witnesses.get(table) {
                    Some(before) => proves.intersection(before).cloned().collect(),
                    None => proves,
                };
                state.witnesses.insert(table.clone(), proves);
            }
            StatementKind::DeclareCursor { name, columns } => {
                let taints = columns
                    .iter()
                    .map(|column| self.eval(column, state, statement.range))
                    .collect();
                state.cursors.insert(name.clone(), taints);
            }
            StatementKind::Fetch { cursor, into } => {
                let columns = state.cursors.get(cursor).cloned();
                for (at, variable) in into.iter().enumerate() {
                    if self.typed_clean(variable) {
                        state.set(variable, Taint::default());
                        continue;
                    }
                    let stored = Taint::from(Origin {
                        source: Source::Stored,
                        name: variable.clone(),
                        range: statement.range,
                        why: Why::Fetch,
                    });
                    // A column of the cursor's query is stored data, fetched here;
                    // what the query took from variables keeps its own origins.
                    let mut taint = match columns.as_ref() {
                        Some(columns) => match columns.get(at) {
                            Some(column) => {
                                let mut taint = Taint::default();
                                for origin in &column.origins {
                                    if origin.source == Source::Stored {
                                        taint.join(&stored);
                                    } else {
                                        taint.origins.insert(origin.clone());
                                    }
                                }
                                taint.steps.extend(column.steps.iter().cloned());
                                taint
                            }
                            None => stored,
                        },
                        None => stored,
                    };
                    if !taint.is_clean() {
                        taint.steps.insert((statement.range, variable.clone()));
                    }
                    state.set(variable, taint);
                }
            }
            StatementKind::Exec(exec) => {
                let (expr, procedure_variable) = match &exec.target {
                    ExecTarget::Dynamic { text } => (text.clone(), None),
                    // `EXEC @proc …` runs the procedure the variable names. When that is
                    // sp_executesql in another database (`SET @exec = QUOTENAME(@db) +
                    // N'.sys.sp_executesql'; EXEC @exec @stmt = @command`), its
                    // statement is SQL text too.
                    ExecTarget::ProcedureVariable {
                        variable,
                        arguments,
                    } => {
                        let name = Expr::Variable(variable.clone(), exec.keyword_range);
                        let statement = arguments
                            .iter()
                            .find(|a| a.name.as_deref() == Some("@stmt"))
                            .or_else(|| {
                                variable
                                    .contains("executesql")
                                    .then(|| walk::argument(arguments, 0, "@stmt"))
                                    .flatten()
                            });
                        match statement {
                            Some(statement) => (
                                Expr::Concat(
                                    vec![name, statement.value.clone()],
                                    exec.keyword_range,
                                ),
                                None,
                            ),
                            None => (name, Some(variable.clone())),
                        }
                    }
                    ExecTarget::Procedure { arguments, .. } => {
                        // Values passed to sp_executesql as its parameters are data, never
                        // SQL text: only the statement is judged.
                        match walk::system_call(exec, "sp_executesql")
                            .and_then(|_| walk::argument(arguments, 0, "@stmt"))
                        {
                            Some(argument) => (argument.value.clone(), None),
                            None => {
                                self.outputs(exec, state, statement.range);
                                return;
                            }
                        }
                    }
                };
                let taint = self.eval(&expr, state, statement.range);
                let sink = self
                    .sinks
                    .entry(exec.keyword_range.start())
                    .or_insert_with(|| Sink {
                        keyword: exec.keyword_range,
                        procedure_variable,
                        taint: Taint::default(),
                    });
                sink.taint.join(&taint);
                self.outputs(exec, state, statement.range);
            }
            _ => {}
        }
    }

    /// `EXEC p @x OUTPUT`: what a procedure writes back is not known; it counts as
    /// stored data (it comes from the procedure, not from the caller).
    fn outputs(&self, exec: &syntax::ast::Exec, state: &mut State, range: TextRange) {
        let arguments = match &exec.target {
            ExecTarget::Procedure { arguments, .. }
            | ExecTarget::ProcedureVariable { arguments, .. } => arguments,
            ExecTarget::Dynamic { .. } => return,
        };
        for argument in arguments.iter().filter(|a| a.output) {
            if let Expr::Variable(variable, _) = &argument.value {
                if self.typed_clean(variable) {
                    continue;
                }
                let mut taint = Taint::from(Origin {
                    source: Source::Stored,
                    name: variable.clone(),
                    range,
                    why: Why::Function,
                });
                taint.steps.insert((range, variable.clone()));
                state.set(variable, taint);
            }
        }
    }

    /// The taint of an expression's value in `state`; `at` is the statement that reads
    /// it, where stored data is read.
    fn eval(&self, expr: &Expr, state: &State, at: TextRange) -> Taint {
        match expr {
            Expr::String(..) | Expr::Number(..) | Expr::Identifier(..) => Taint::default(),
            Expr::Variable(variable, _) => {
                if self.typed_clean(variable) {
                    return Taint::default();
                }
                state.variables.get(variable).cloned().unwrap_or_default()
            }
            Expr::Concat(parts, _) => self.union(parts, state, at),
            Expr::Column(name, _) if is_numeric_catalog_column(name) => Taint::default(),
            Expr::Column(name, _) => Taint::from(Origin {
                source: Source::Stored,
                name: name.clone(),
                range: at,
                why: Why::Column,
            }),
            // A subquery gives one of its rows: its select list read from its tables
            // (`SELECT QUOTENAME(name) FROM sys.tables` is clean). When the list
            // cannot be told, its value is stored data.
            Expr::Subquery { columns, .. } if !columns.is_empty() => self.union(columns, state, at),
            Expr::Subquery { .. } => Taint::from(Origin {
                source: Source::Stored,
                name: "(subquery)".to_owned(),
                range: at,
                why: Why::Query,
            }),
            Expr::Convert {
                data_type, value, ..
            } => {
                if is_clean_type(data_type) {
                    Taint::default()
                } else {
                    self.eval(value, state, at)
                }
            }
            Expr::Case { results, .. } => self.union(results, state, at),
            Expr::Method {
                target,
                name,
                arguments,
                ..
            } => {
                // `x.value(path, 'int')` converts to its second argument's type; `exist()`
                // returns a bit. The other methods return XML built from the target.
                let typed = name == "value"
                    && arguments
                        .get(1)
                        .and_then(Expr::literal_text)
                        .is_some_and(|t| is_clean_type(&type_name(t)));
                if typed || name == "exist" {
                    Taint::default()
                } else {
                    self.eval(target, state, at)
                }
            }
            Expr::Call {
                name,
                arguments,
                range,
            } => self.call(name, arguments, *range, state, at),
            Expr::Other { variables, .. } => {
                let mut taint = Taint::default();
                for variable in variables {
                    taint.join(&self.eval(&Expr::Variable(variable.clone(), at), state, at));
                }
                taint
            }
        }
    }

    fn union(&self, parts: &[Expr], state: &State, at: TextRange) -> Taint {
        let mut taint = Taint::default();
        for part in parts {
            taint.join(&self.eval(part, state, at));
        }
        taint
    }

    fn call(
        &self,
        name: &str,
        arguments: &[Expr],
        range: TextRange,
        state: &State,
        at: TextRange,
    ) -> Taint {
        let function = name
            .rsplit('.')
            .next()
            .unwrap_or(name)
            .trim_matches(|c| c == '[' || c == ']');
        if CLEAN_FUNCTIONS.contains(&function) || (function == "db_name" && arguments.is_empty()) {
            return Taint::default();
        }
        match function {
            "iif" | "choose" => self.union(arguments.get(1..).unwrap_or(&[]), state, at),
            "nullif" => self.union(arguments.get(..1).unwrap_or(&[]), state, at),
            "eventdata" => Taint::from(Origin {
                source: Source::Caller,
                name: "EVENTDATA()".to_owned(),
                range,
                why: Why::EventData,
            }),
            // Names read from the catalog by id: stored data, whatever the argument.
            _ if CATALOG_NAME_FUNCTIONS.contains(&function) => Taint::from(Origin {
                source: Source::Stored,
                name: format!("{}()", function.to_uppercase()),
                range: at,
                why: Why::Function,
            }),
            "app_name" | "host_name" => Taint::from(Origin {
                source: Source::Caller,
                name: format!("{}()", function.to_uppercase()),
                range,
                why: Why::Client,
            }),
            _ if STRING_FUNCTIONS.contains(&function) => self.union(arguments, state, at),
            _ => {
                // A catalog function (`OBJECT_NAME`, `SCHEMA_NAME`) or a user-defined
                // function returns what it reads: stored data, besides what its
                // arguments carry.
                let mut taint = self.union(arguments, state, at);
                taint.origins.insert(Origin {
                    source: Source::Stored,
                    name: format!("{}()", function.to_uppercase()),
                    range: at,
                    why: Why::Function,
                });
                taint
            }
        }
    }

    /// The state in the branch where `condition` is `truth`.
    fn refine(&self, state: State, condition: &Condition, truth: bool, at: TextRange) -> State {
        if !state.reachable {
            return state;
        }
        match condition {
            Condition::Not(inner) => self.refine(state, inner, !truth, at),
            Condition::And(parts) if truth => parts
                .iter()
                .fold(state, |state, part| self.refine(state, part, true, at)),
            Condition::Or(parts) if !truth => parts
                .iter()
                .fold(state, |state, part| self.refine(state, part, false, at)),
            // Not every part holds (or one does): any of them may be the one.
            Condition::And(parts) | Condition::Or(parts) => parts
                .iter()
                .map(|part| self.refine(state.clone(), part, truth, at))
                .reduce(State::join)
                .unwrap_or(state),
            Condition::InList {
                value: Expr::Variable(variable, _),
                negated,
                query,
            } if truth != *negated => {
                if *query {
                    self.checked(state, variable, at)
                } else {
                    self.narrow(state, variable, None)
                }
            }
            // `@d = 0` or `@d <> 0` holds: @d is not NULL, so what it witnesses exists
            // (a comparison with NULL is never true).
            Condition::Compare { left, right, .. }
                if truth
                    && [left, right].iter().any(|side| {
                        matches!(side, Expr::Variable(v, _) if state.witnesses.contains_key(v))
                    }) =>
            {
                let mut state = match (left, right) {
                    (Expr::Variable(variable, _), other) | (other, Expr::Variable(variable, _))
                        if other.literal_text().is_some()
                            && matches!(condition, Condition::Compare { equal: true, .. }) =>
                    {
                        self.narrow(state, variable, None)
                    }
                    _ => state,
                };
                for side in [left, right] {
                    if let Expr::Variable(variable, _) = side {
                        state = self.witnessed(state, variable, at);
                    }
                }
                state
            }
            // `@p = 'x'` holds, or `@p <> 'x'` does not: @p is that literal.
            Condition::Compare { left, right, equal } if truth == *equal => match (left, right) {
                (Expr::Variable(variable, _), other) | (other, Expr::Variable(variable, _))
                    if other.literal_text().is_some() =>
                {
                    self.narrow(state, variable, None)
                }
                _ => state,
            },
            Condition::IsNull { value, negated } if truth == *negated => match value {
                // `OBJECT_ID(@p) IS NOT NULL`: @p names an existing object.
                Expr::Call {
                    name, arguments, ..
                } if syntax::names::is_existence_function(name) => {
                    let mut state = state;
                    for argument in arguments.iter().take(1) {
                        for variable in direct_variables(argument) {
                            state = self.checked(state, &variable, at);
                        }
                    }
                    state
                }
                // `@d IS NOT NULL`: what @d witnesses exists.
                Expr::Variable(variable, _) => self.witnessed(state, variable, at),
                _ => state,
            },
            // `@p IS NULL`: it holds no text at all.
            Condition::IsNull {
                value: Expr::Variable(variable, _),
                negated,
            } if truth != *negated => self.narrow(state, variable, None),
            Condition::Exists {
                negated,
                compared,
                tables,
            } if truth != *negated => {
                let mut state = state;
                for variable in compared {
                    state = self.checked(state, variable, at);
                }
                // `WHILE EXISTS (SELECT * FROM @t)`: @t has a row, so what its fill
                // looked up exists.
                for table in tables {
                    state = self.witnessed(state, table, at);
                }
                state
            }
            _ => state,
        }
    }

    /// `witness` is known not to be NULL (or, for a `@table`, not to be empty): the
    /// variables its lookup compared name something that exists.
    fn witnessed(&self, mut state: State, witness: &str, at: TextRange) -> State {
        let proves = state.witnesses.get(witness).cloned().unwrap_or_default();
        for variable in proves {
            state = self.checked(state, &variable, at);
        }
        state
    }

    /// `variable` now names an existing object or row: stored data.
    fn checked(&self, state: State, variable: &str, at: TextRange) -> State {
        if !state.variables.contains_key(variable) {
            return state;
        }
        let stored = Origin {
            source: Source::Stored,
            name: variable.to_owned(),
            range: at,
            why: Why::Checked,
        };
        self.narrow(state, variable, Some(stored))
    }

    /// Replaces what `variable` holds by `replacement` (clean when `None`). A parameter
    /// that still holds the caller's value is narrowed everywhere that value went: text
    /// built from it before the check is built from the checked value.
    fn narrow(&self, mut state: State, variable: &str, replacement: Option<Origin>) -> State {
        let Some(old) = state.variables.get(variable).cloned() else {
            return state;
        };
        let original: Option<Origin> = match old.origins.iter().collect::<Vec<_>>().as_slice() {
            [origin] if origin.why == Why::Parameter && origin.name == variable => {
                Some((*origin).clone())
            }
            _ => None,
        };
        if let Some(original) = original {
            for taint in state.variables.values_mut() {
                if taint.origins.remove(&original) {
                    taint.origins.extend(replacement.iter().cloned());
                }
            }
            state.variables.retain(|_, taint| !taint.is_clean());
            for taint in state.variables.values_mut() {
                if taint.origins.is_empty() {
                    taint.steps.clear();
                }
            }
        }
        match replacement {
            Some(origin) => state.set(variable, Taint::from(origin)),
            None => state.set(variable, Taint::default()),
        }
        state
    }
}

/// Columns that the catalog views declare as numbers or bits (`object_id`, `index_id`,
/// `max_length`, `is_disabled`, …): their values cannot carry SQL text. The column's
/// table is not known here, so this reads the name only, as the catalog spells it
/// (https://learn.microsoft.com/sql/relational-databases/system-catalog-views/catalog-views-transact-sql);
/// a user table's text column named like one (`code_id nvarchar(20)`) is missed.
fn is_numeric_catalog_column(written: &str) -> bool {
    let column = written.rsplit('.').next().unwrap_or(written);
    let column = column
        .trim_matches(|c| c == '[' || c == ']' || c == '"')
        .to_ascii_lowercase();
    column.ends_with("_id")
        || column.starts_with("is_")
        || matches!(
            column.as_str(),
            "max_length"
                | "precision"
                | "scale"
                | "fill_factor"
                | "row_count"
                | "rows"
                | "partition_number"
                | "compatibility_level"
                | "index_id"
                | "type_desc_id"
        )
}

/// The variables an expression is made of directly: itself, or the operands of a `+`.
fn direct_variables(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Variable(variable, _) => vec![variable.clone()],
        Expr::Concat(parts, _) => parts.iter().flat_map(direct_variables).collect(),
        _ => Vec::new(),
    }
}

/// The base name of a type as written: `nvarchar(100)` is `nvarchar`, `sys.sysname` is
/// `sysname`.
fn type_name(written: &str) -> String {
    let base = written.split('(').next().unwrap_or(written).trim();
    let last = base.rsplit('.').next().unwrap_or(base);
    last.trim_matches(|c| c == '[' || c == ']')
        .to_ascii_lowercase()
}

/// Types whose values cannot hold SQL text: numbers, dates and times, bits and GUIDs.
fn is_clean_type(data_type: &str) -> bool {
    matches!(
        type_name(data_type).as_str(),
        "bit"
            | "integer"
            | "dec"
            | "double precision"
            | "tinyint"
            | "smallint"
            | "int"
            | "bigint"
            | "decimal"
            | "numeric"
            | "money"
            | "smallmoney"
            | "float"
            | "real"
            | "date"
            | "time"
            | "datetime"
            | "datetime2"
            | "smalldatetime"
            | "datetimeoffset"
            | "uniqueidentifier"
    )
}

/// Built-in functions whose result cannot carry SQL text: numbers, dates, bits, GUIDs,
/// and `QUOTENAME()`, whose result is a delimited identifier.
const CLEAN_FUNCTIONS: &[&str] = &[
    "quotename",
    "len",
    "datalength",
    "count",
    "count_big",
    "sum",
    "avg",
    "object_id",
    "db_id",
    "schema_id",
    "type_id",
    "user_id",
    "suser_id",
    "database_principal_id",
    "object_schema_name_id",
    "objectproperty",
    "objectpropertyex",
    "columnproperty",
    "databasepropertyex",
    "serverproperty_id",
    "has_perms_by_name",
    "is_member",
    "is_rolemember",
    "is_srvrolemember",
    "getdate",
    "getutcdate",
    "sysdatetime",
    "sysutcdatetime",
    "sysdatetimeoffset",
    "current_timestamp",
    "dateadd",
    "datediff",
    "datediff_big",
    "datepart",
    "datename",
    "datefromparts",
    "datetime2fromparts",
    "eomonth",
    "year",
    "month",
    "day",
    "isnumeric",
    "isdate",
    "charindex",
    "patindex",
    "newid",
    "newsequentialid",
    "rand",
    "abs",
    "round",
    "floor",
    "ceiling",
    "power",
    "sqrt",
    "sign",
    "checksum",
    "binary_checksum",
    "row_number",
    "rank",
    "dense_rank",
    "ntile",
    "error_number",
    "error_severity",
    "error_state",
    "error_line",
    "ascii",
    "unicode",
    "char",
    "nchar",
    "space",
    "str",
    "scope_identity",
    "ident_current",
    "col_length",
    "fulltextserviceproperty",
    // Properties of the server, the session and the catalog: set by the administrator,
    // not by a caller or a row's creator.
    "serverproperty",
    "sessionproperty",
    "databaseproperty",
    "indexproperty",
    "typeproperty",
    "collationproperty",
    "fileproperty",
];

/// Built-in functions whose result is made of their arguments' text. `REPLACE(@p, '''',
/// '''''')` is among them on purpose: doubling quotes escapes a value for a string
/// literal only, and dynamic SQL mostly splices names (`DROP TABLE ' + @t`), where no
/// quote is needed to break out (`t; DROP USER u`); only `QUOTENAME()` delimits a name.
const STRING_FUNCTIONS: &[&str] = &[
    "replace",
    "substring",
    "left",
    "right",
    "upper",
    "lower",
    "ltrim",
    "rtrim",
    "trim",
    "concat",
    "concat_ws",
    "formatmessage",
    "stuff",
    "reverse",
    "replicate",
    "isnull",
    "coalesce",
    "format",
    "string_agg",
    "translate",
    "string_escape",
    "max",
    "min",
];

/// Functions that return a name from the catalog for an id.
const CATALOG_NAME_FUNCTIONS: &[&str] = &[
    "object_name",
    "object_schema_name",
    "schema_name",
    "db_name",
    "col_name",
    "index_col",
    "type_name",
    "user_name",
    "suser_name",
    "suser_sname",
    "filegroup_name",
    "file_name",
];
