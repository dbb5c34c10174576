//! `textDocument/hover`: what the model knows about the name under the cursor, in
//! markdown. On an object: its kind, its owner and where that ownership comes from, its
//! execution context, and who may execute or read it, with the grants, roles and denies
//! that decide it and the call paths that reach it. On a principal: its kind, its roles and
//! its permissions. On a schema or an assembly (an `EXTERNAL NAME` too): owner, permission
//! set and permissions. Inside a finding: the rule's documentation.

use std::collections::BTreeSet;
use std::fmt::Write;

use analysis::model::{
    AssemblyId, Chain, Evidence, Model, ObjectId, PrincipalId, PrincipalKind, RunsAs, SchemaId,
    Scope,
};
use analysis::{FileId, Location};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use syntax::TextRange;
use syntax::ast::{ExecutionContext, LoginSource, ObjectKind, PermissionSet, UserSource};

use super::symbols::{self, Symbol};
use super::{Snapshot, position};

pub fn hover(snapshot: &Snapshot, params: HoverParams) -> Result<Option<Hover>, String> {
    let at = params.text_document_position_params;
    let uri = &at.text_document.uri;
    let file = snapshot
        .file(uri)
        .ok_or_else(|| format!("{uri} is not a file of the workspace"))?;
    let offset = snapshot.offset(file, at.position);
    let mut sections: Vec<String> = Vec::new();
    let mut range: Option<TextRange> = None;

    // The name under the cursor, read in the first project that knows it (the one that
    // lists the file comes first).
    for (project, model) in snapshot.models_of(file) {
        let text = Text { snapshot, model };
        if let Some((mut section, at)) = text.entry_point_at(file, offset) {
            if let Some(target) = text.entry_point_source(project, file, offset) {
                section.push_str(&target);
            }
            sections.push(section);
            range = Some(at);
            break;
        }
        let all = symbols::occurrences(model, &snapshot.workspace.files);
        if let Some(found) = symbols::at(&all, file, offset) {
            sections.push(text.symbol(found.symbol));
            range = Some(found.range);
            break;
        }
    }

    // The findings under the cursor, each with its rule's documentation.
    let findings = snapshot
        .diagnostics
        .get(&file)
        .map_or(&[][..], Vec::as_slice);
    for found in findings {
        let r = found.location.range;
        if !(r.start() <= offset && offset <= r.end()) {
            continue;
        }
        range.get_or_insert(r);
        sections.push(finding(found));
    }

    if sections.is_empty() {
        return Ok(None);
    }
    let source = snapshot.source(file);
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: range.map(|r| position::range(source, r, snapshot.encoding)),
    }))
}

/// A finding's rule documentation, as `sqlwarden rule CODE` prints it. The finding's own
/// message is not repeated: the editor shows it above the hover. The documentation's
/// `##` headings become bold lines, so that a hover does not fill the editor.
fn finding(found: &analysis::Diagnostic) -> String {
    let mut out = String::new();
    match analysis::rules::find(found.code) {
        Some(rule) => {
            let meta = &rule.meta;
            let _ = writeln!(out, "**{}** {} ({})", meta.code, meta.name, meta.severity);
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", meta.summary);
            let _ = writeln!(out);
            for line in meta.doc.trim_end().lines() {
                match line.strip_prefix("## ") {
                    Some(heading) => {
                        let _ = writeln!(out, "**{heading}**");
                    }
                    None => {
                        let _ = writeln!(out, "{line}");
                    }
                }
            }
        }
        None => {
            let _ = write!(out, "**{}**\n\n{}", found.code, found.message);
        }
    }
    out
}

/// Writes what one model knows, with places as `path:line` (lines counted from 1, as
/// people read them).
struct Text<'a> {
    snapshot: &'a Snapshot,
    model: &'a Model,
}

impl Text<'_> {
    fn place(&self, location: Location) -> String {
        let source = self.snapshot.source(location.file);
        let line = source.line_index.utf8(location.range.start()).line + 1;
        let path = source.path.to_string_lossy().replace('\\', "/");
        format!("{path}:{line}")
    }

    fn written(&self, location: Location) -> &str {
        let text = &self.snapshot.source(location.file).text;
        text.get(location.range.as_range()).unwrap_or("")
    }

    fn principal(&self, id: PrincipalId) -> String {
        format!("`{}`", self.model.principal_name(id))
    }

    fn object(&self, id: ObjectId) -> String {
        format!("`{}`", self.model.object_name(id))
    }

    fn scope(&self, scope: &Scope) -> String {
        let m = self.model;
        match scope {
            Scope::Server => "server-wide".to_owned(),
            Scope::Database => "database-wide".to_owned(),
            Scope::Schema(id) => format!("on schema `{}`", m.schema(*id).name),
            Scope::Object(id) => format!("on {}", self.object(*id)),
            Scope::Assembly(id) => format!("on assembly `{}`", m.assembly(*id).name),
            Scope::Principal(id) => format!(
                "on {} {}",
                principal_kind(&m.principal(*id).kind),
                self.principal(*id)
            ),
            Scope::Other(other) => format!("on {}::{}", other.class, other.name),
            Scope::OtherDatabase => "in another database".to_owned(),
            Scope::Unresolved(unresolved) => {
                format!("on {}::{} (undefined)", unresolved.class, unresolved.name)
            }
        }
    }

    fn symbol(&self, symbol: Symbol) -> String {
        match symbol {
            Symbol::Object(id) => self.object_hover(id),
            Symbol::Schema(id) => self.schema_hover(id),
            Symbol::Principal(id) => self.principal_hover(id),
            Symbol::Assembly(id) => self.assembly_hover(id),
        }
    }

    /// Where an object's owner comes from.
    fn ownership(&self, id: ObjectId) -> String {
        let m = self.model;
        let object = m.object(id);
        let owner = self.principal(m.owner_of(id));
        if let Some(table) = object.trigger_on
            && table != id
        {
            return format!("{owner}, the owner of its table {}", self.object(table));
        }
        if let Some((_, location)) = object.explicit_owner {
            return format!(
                "{owner}, set by ALTER AUTHORIZATION ({})",
                self.place(location)
            );
        }
        format!("{owner}, {}", self.schema_ownership(object.schema))
    }

    /// Where a schema's owner comes from, as a phrase after the owner's name.
    fn schema_ownership(&self, id: SchemaId) -> String {
        let schema = self.model.schema(id);
        match schema.owner_location {
            Some(location) if is_alter(self.written(location)) => format!(
                "through schema `{}`, moved by ALTER AUTHORIZATION ({})",
                schema.name,
                self.place(location)
            ),
            Some(location) => format!(
                "through schema `{}`'s AUTHORIZATION ({})",
                schema.name,
                self.place(location)
            ),
            None => format!(
                "by default: schema `{}` has no AUTHORIZATION, so `dbo` owns it",
                schema.name
            ),
        }
    }

    fn object_hover(&self, id: ObjectId) -> String {
        let m = self.model;
        let object = m.object(id);
        let (_, kind) = super::navigation::object_kind(object.kind);
        let mut out = String::new();
        let _ = writeln!(out, "**{kind}** {}", self.object(id));
        let _ = writeln!(out);
        let _ = writeln!(out, "Defined at {}.", self.place(object.location));
        let _ = writeln!(out);
        let _ = writeln!(out, "**Owner**: {}.", self.ownership(id));
        if let Some(target) = &object.synonym_for {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Synonym for** `{target}`.");
        }
        if let Some(module) = m.module(id)
            && !matches!(object.kind, ObjectKind::Table)
        {
            let _ = writeln!(out);
            let clause = module.execute_as.as_ref();
            let written = match clause.map(|c| &c.context) {
                None => "no EXECUTE AS".to_owned(),
                Some(ExecutionContext::Caller) => "EXECUTE AS CALLER".to_owned(),
                Some(ExecutionContext::Owner) => "EXECUTE AS OWNER".to_owned(),
                Some(ExecutionContext::SelfUser) => "EXECUTE AS SELF".to_owned(),
                Some(ExecutionContext::User(name)) => format!("EXECUTE AS '{name}'"),
            };
            let runs = match m.runs_as(id) {
                RunsAs::Caller => "the caller".to_owned(),
                RunsAs::Principal(p) => self.principal(p),
                RunsAs::Unresolved(name) => format!("`{name}`, a user the project does not define"),
            };
            let _ = writeln!(out, "**Runs as** {runs} ({written}).");
        }
        for permission in permissions_of(object.kind) {
            let _ = writeln!(out);
            out.push_str(&self.who_holds(id, permission));
        }
        let reached = self.reached(id);
        if !reached.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Reached through modules**:");
            for line in reached {
                let _ = writeln!(out, "- {line}");
            }
        }
        out.trim_end().to_owned()
    }

    /// Who is granted a permission on an object, through which role or scope, and which
    /// DENY takes it away.
    fn who_holds(&self, id: ObjectId, permission: &str) -> String {
        let m = self.model;
        let mut out = String::new();
        let _ = writeln!(out, "**{permission}**:");
        let executors = m.executors(id, permission);
        if executors.is_empty() {
            let _ = writeln!(
                out,
                "- nobody is granted it; only the owner {}, `dbo` and `db_owner` members hold it.",
                self.principal(m.owner_of(id))
            );
        }
        for executor in &executors {
            let mut line = format!(
                "- {} ({})",
                self.principal(executor.principal),
                principal_kind(&m.principal(executor.principal).kind)
            );
            match executor.grant {
                Some(grant) => {
                    let g = &m.grants()[grant];
                    let _ = write!(
                        line,
                        ": GRANT {} {} ({})",
                        g.permission,
                        self.scope(&g.scope),
                        self.place(g.location)
                    );
                }
                None => {
                    let _ = write!(
                        line,
                        ": a member is added to it ({})",
                        self.place(executor.location)
                    );
                }
            }
            if executor.denied {
                let decision = m.holds(executor.principal, permission, id, None);
                let _ = write!(line, "; {}", self.refusal(&decision.evidence));
            }
            let members = self.members(executor.principal);
            if !members.is_empty() {
                let _ = write!(line, "; members: {}", members.join(", "));
            }
            let _ = writeln!(out, "{line}");
        }
        let schema = m.object(id).schema;
        let scopes = [Scope::Object(id), Scope::Schema(schema), Scope::Database];
        for g in m.grants() {
            if g.deny
                && scopes.contains(&g.scope)
                && (g.permission == permission || g.permission == "CONTROL")
            {
                let _ = writeln!(
                    out,
                    "- DENY {} {} to {} ({})",
                    g.permission,
                    self.scope(&g.scope),
                    self.principal(g.principal),
                    self.place(g.location)
                );
            }
        }
        out
    }

    /// Why a principal is refused: the DENY (or fixed deny role) that binds it.
    fn refusal(&self, evidence: &Evidence) -> String {
        let m = self.model;
        match evidence {
            Evidence::Denied(i) => {
                let g = &m.grants()[*i];
                format!(
                    "refused by DENY {} {} to {} ({})",
                    g.permission,
                    self.scope(&g.scope),
                    self.principal(g.principal),
                    self.place(g.location)
                )
            }
            Evidence::FixedDeny(role) => {
                format!("refused by membership of {}", self.principal(*role))
            }
            _ => "refused".to_owned(),
        }
    }

    /// The principals that belong to a role, transitively (none for `public`, which
    /// every database principal belongs to), with the memberships that make them.
    fn members(&self, role: PrincipalId) -> Vec<String> {
        let m = self.model;
        if !m.principal(role).kind.is_role() || role == m.public() {
            return Vec::new();
        }
        m.principals()
            .filter(|(p, _)| *p != role && m.roles_of(*p).contains(&role))
            .map(|(p, _)| {
                let path = m.membership_path(p, role).unwrap_or_default();
                let through = self.path(&path);
                if through.is_empty() {
                    self.principal(p)
                } else {
                    format!("{} ({through})", self.principal(p))
                }
            })
            .collect()
    }

    fn path(&self, path: &[Location]) -> String {
        path.iter()
            .map(|l| self.place(*l))
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// The checks made on an object from the call paths of granted entry points.
    fn reached(&self, id: ObjectId) -> Vec<String> {
        let m = self.model;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for reach in m.reaches() {
            if reach.target != id || matches!(reach.chain, Chain::Entry) {
                continue;
            }
            let key = (
                reach.executor.principal,
                reach.module,
                reach.access,
                reach.context,
                reach.location,
            );
            if !seen.insert(key) {
                continue;
            }
            let permission = reach.access.permission_name();
            let mut line = format!(
                "{} through {} ({permission}, {})",
                self.principal(reach.executor.principal),
                self.object(reach.module),
                self.place(reach.location)
            );
            match reach.chain {
                Chain::Unbroken => {
                    line.push_str(": the ownership chain holds, so no permission is checked");
                }
                Chain::Broken {
                    module_owner,
                    object_owner,
                } => {
                    let _ = write!(
                        line,
                        ": the ownership chain breaks ({} owns the module, {} the object)",
                        self.principal(module_owner),
                        self.principal(object_owner)
                    );
                }
                Chain::Dynamic => {
                    line.push_str(": inside dynamic SQL, where ownership chaining never applies");
                }
                Chain::Entry => {}
            }
            if !matches!(reach.chain, Chain::Unbroken) {
                match reach.context {
                    Some(context) => {
                        let decision = m.holds(context, permission, id, reach.columns.as_deref());
                        let verdict = if decision.allowed { "holds" } else { "lacks" };
                        let _ = write!(
                            line,
                            "; the context {} {verdict} {permission}",
                            self.principal(context)
                        );
                    }
                    None => line.push_str("; the context is a user the project does not define"),
                }
            }
            out.push(line);
        }
        out
    }

    fn schema_hover(&self, id: SchemaId) -> String {
        let m = self.model;
        let schema = m.schema(id);
        let mut out = String::new();
        let kind = if schema.builtin {
            "built-in schema"
        } else {
            "schema"
        };
        let _ = writeln!(out, "**{kind}** `{}`", schema.name);
        let _ = writeln!(out);
        match schema.location {
            Some(location) => {
                let _ = writeln!(out, "Defined at {}.", self.place(location));
            }
            None if !schema.builtin => {
                let _ = writeln!(out, "Not created by the project.");
            }
            None => {}
        }
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "**Owner**: {}, {}.",
            self.principal(schema.owner),
            self.schema_ownership(id).replacen(
                &format!("through schema `{}`'s ", schema.name),
                "",
                1
            )
        );
        let objects = m.objects().filter(|(_, o)| o.schema == id).count();
        let _ = writeln!(out);
        let _ = writeln!(out, "{objects} object(s).");
        self.grants_on(&mut out, &Scope::Schema(id));
        out.trim_end().to_owned()
    }

    /// The grants and denies at one scope, as a list.
    fn grants_on(&self, out: &mut String, scope: &Scope) {
        let grants: Vec<String> = self
            .model
            .grants()
            .iter()
            .filter(|g| &g.scope == scope)
            .map(|g| {
                format!(
                    "- {} {} to {} ({})",
                    if g.deny { "DENY" } else { "GRANT" },
                    g.permission,
                    self.principal(g.principal),
                    self.place(g.location)
                )
            })
            .collect();
        if !grants.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Permissions on it**:");
            for line in grants {
                let _ = writeln!(out, "{line}");
            }
        }
    }

    fn principal_hover(&self, id: PrincipalId) -> String {
        let m = self.model;
        let principal = m.principal(id);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**{}** {}",
            principal_kind(&principal.kind),
            self.principal(id)
        );
        let _ = writeln!(out);
        if let Some(source) = principal_source(&principal.kind) {
            let _ = writeln!(out, "{source}.");
            let _ = writeln!(out);
        }
        match (principal.location, &principal.kind) {
            (Some(location), PrincipalKind::Undeclared { .. }) => {
                let _ = writeln!(
                    out,
                    "Not defined by the project; first named at {}.",
                    self.place(location)
                );
            }
            (Some(location), _) => {
                let _ = writeln!(out, "Defined at {}.", self.place(location));
            }
            (None, _) => {
                let _ = writeln!(out, "Built in.");
            }
        }
        if let Some(login) = principal.login {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Login**: {}.", self.principal(login));
        }
        if let Some(schema) = &principal.default_schema {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Default schema**: `{schema}`.");
        }
        let mut roles = m.roles_of(id);
        roles.sort_by_key(|r| m.principal_name(*r).to_lowercase());
        if !roles.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Member of**:");
            for role in &roles {
                let path = m.membership_path(id, *role).unwrap_or_default();
                let through = self.path(&path);
                if through.is_empty() {
                    let _ = writeln!(out, "- {}", self.principal(*role));
                } else {
                    let _ = writeln!(out, "- {} ({through})", self.principal(*role));
                }
            }
        }
        let members = self.members(id);
        if !members.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Members**: {}.", members.join(", "));
        }
        let owns: Vec<String> = m
            .schemas()
            .filter(|(_, s)| s.owner == id && !s.builtin)
            .map(|(_, s)| format!("schema `{}`", s.name))
            .chain(
                m.objects()
                    .filter(|(_, o)| o.explicit_owner.is_some_and(|(p, _)| p == id))
                    .map(|(o, _)| self.object(o)),
            )
            .chain(
                m.assemblies()
                    .filter(|(_, a)| a.owner == id)
                    .map(|(_, a)| format!("assembly `{}`", a.name)),
            )
            .collect();
        if !owns.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Owns**: {}.", owns.join(", "));
        }
        let mut token = vec![id];
        token.extend(roles.iter().copied());
        let held: Vec<String> = m
            .grants()
            .iter()
            .filter(|g| token.contains(&g.principal))
            .map(|g| {
                let mut line = format!(
                    "- {} {} {}",
                    if g.deny { "DENY" } else { "GRANT" },
                    g.permission,
                    self.scope(&g.scope)
                );
                if g.with_grant_option {
                    line.push_str(" WITH GRANT OPTION");
                }
                if g.principal != id {
                    let _ = write!(line, ", through {}", self.principal(g.principal));
                }
                let _ = write!(line, " ({})", self.place(g.location));
                line
            })
            .collect();
        let _ = writeln!(out);
        if held.is_empty() {
            let _ = writeln!(out, "**Permissions**: none granted or denied.");
        } else {
            let _ = writeln!(out, "**Permissions**:");
            for line in held {
                let _ = writeln!(out, "{line}");
            }
        }
        self.grants_on(&mut out, &Scope::Principal(id));
        out.trim_end().to_owned()
    }

    fn assembly_hover(&self, id: AssemblyId) -> String {
        let m = self.model;
        let assembly = m.assembly(id);
        let mut out = String::new();
        let _ = writeln!(out, "**assembly** `{}`", assembly.name);
        let _ = writeln!(out);
        let _ = writeln!(out, "Defined at {}.", self.place(assembly.location));
        let _ = writeln!(out);
        let set = match assembly.permission_set {
            Some(PermissionSet::Safe) => "SAFE",
            Some(PermissionSet::ExternalAccess) => "EXTERNAL_ACCESS",
            Some(PermissionSet::Unsafe) => "UNSAFE",
            None => "unknown",
        };
        match assembly.permission_set_location {
            _ if assembly.permission_set.is_none() => {
                let _ = writeln!(
                    out,
                    "**Permission set**: unknown: the project does not name one."
                );
            }
            Some(location) => {
                let _ = writeln!(out, "**Permission set**: {set} ({}).", self.place(location));
            }
            None => {
                let _ = writeln!(out, "**Permission set**: {set} (by default).");
            }
        }
        let _ = writeln!(out);
        match assembly.owner_location {
            Some(location) => {
                let _ = writeln!(
                    out,
                    "**Owner**: {} ({}).",
                    self.principal(assembly.owner),
                    self.place(location)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "**Owner**: {}, by default (no AUTHORIZATION).",
                    self.principal(assembly.owner)
                );
            }
        }
        let entries: Vec<String> = m
            .entry_points()
            .into_iter()
            .filter(|e| e.assembly == Some(id))
            .map(|e| format!("{} ({})", self.object(e.object), self.place(e.location)))
            .collect();
        if !entries.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "**Entry points**: {}.", entries.join(", "));
        }
        self.grants_on(&mut out, &Scope::Assembly(id));
        out.trim_end().to_owned()
    }

    /// The C# an `EXTERNAL NAME` at `offset` binds to, as a hover section.
    fn entry_point_source(&self, project: usize, file: FileId, offset: usize) -> Option<String> {
        let entry = self.model.entry_points().into_iter().find(|e| {
            e.location.file == file
                && e.location.range.start() <= offset
                && offset <= e.location.range.end()
        })?;
        let target = analysis::rules::cls::entry_point_target(
            &self.snapshot.workspace,
            &self.snapshot.workspace.projects[project],
            self.model,
            entry.object,
        )?;
        Some(format!(
            "\n\n**Implemented by** `{}` ({})",
            target.signature,
            self.place(Location {
                file: target.file,
                range: target.range
            })
        ))
    }

    /// On an `EXTERNAL NAME` clause (outside its assembly part, which is a name of its
    /// own): the entry point and its assembly.
    fn entry_point_at(&self, file: FileId, offset: usize) -> Option<(String, TextRange)> {
        let m = self.model;
        let entry = m.entry_points().into_iter().find(|e| {
            let r = e.location.range;
            e.location.file == file
                && r.start() <= offset
                && offset <= r.end()
                && !(e.external.assembly.range.start() <= offset
                    && offset <= e.external.assembly.range.end())
        })?;
        let mut out = String::new();
        let _ = write!(out, "**CLR entry point** {}", self.object(entry.object));
        let class = entry.external.class.as_ref().map(|c| c.value.as_str());
        let method = entry.external.method.as_ref().map(|c| c.value.as_str());
        let _ = writeln!(
            out,
            ": assembly `{}`, class `{}`, method `{}`",
            entry.external.assembly.value,
            class.unwrap_or("-"),
            method.unwrap_or("-")
        );
        let _ = writeln!(out);
        match entry.assembly {
            Some(id) => out.push_str(&self.assembly_hover(id)),
            None => {
                let _ = writeln!(
                    out,
                    "The project does not create assembly `{}`.",
                    entry.external.assembly.value
                );
            }
        }
        Some((out.trim_end().to_owned(), entry.location.range))
    }
}

fn is_alter(written: &str) -> bool {
    written
        .trim_start()
        .get(..5)
        .is_some_and(|w| w.eq_ignore_ascii_case("ALTER"))
}

/// The permissions that let a principal use an object of this kind.
fn permissions_of(kind: ObjectKind) -> &'static [&'static str] {
    match kind {
        ObjectKind::Procedure | ObjectKind::ScalarFunction | ObjectKind::Aggregate => &["EXECUTE"],
        ObjectKind::Table | ObjectKind::View => &["SELECT", "INSERT", "UPDATE", "DELETE"],
        ObjectKind::InlineTableFunction | ObjectKind::MultiStatementTableFunction => &["SELECT"],
        ObjectKind::Synonym => &["SELECT", "EXECUTE"],
        _ => &[],
    }
}

fn principal_kind(kind: &PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User(_) => "user",
        PrincipalKind::BuiltinUser => "built-in user",
        PrincipalKind::Role => "role",
        PrincipalKind::ApplicationRole => "application role",
        PrincipalKind::FixedDatabaseRole => "fixed database role",
        PrincipalKind::Public => "role",
        PrincipalKind::Login(_) => "login",
        PrincipalKind::BuiltinLogin => "built-in login",
        PrincipalKind::FixedServerRole => "fixed server role",
        PrincipalKind::ServerRole => "server role",
        PrincipalKind::Undeclared { server: true } => "undeclared login",
        PrincipalKind::Undeclared { server: false } => "undeclared principal",
    }
}

/// How a user or login authenticates, when the kind says it.
fn principal_source(kind: &PrincipalKind) -> Option<String> {
    Some(match kind {
        PrincipalKind::User(source) => match source {
            UserSource::Login(login) => format!("For login `{}`", login.value),
            UserSource::WithoutLogin => "Without login".to_owned(),
            UserSource::Certificate(c) => format!("From certificate `{}`", c.value),
            UserSource::AsymmetricKey(k) => format!("From asymmetric key `{}`", k.value),
            UserSource::Password => "A contained user with a password".to_owned(),
            UserSource::Other => "A contained or external user".to_owned(),
            UserSource::Unchanged => return None,
        },
        PrincipalKind::Login(source) => match source {
            LoginSource::Password => "A SQL Server login (WITH PASSWORD)".to_owned(),
            LoginSource::Windows => "A Windows login".to_owned(),
            LoginSource::Certificate(c) => format!("From certificate `{}`", c.value),
            LoginSource::AsymmetricKey(k) => format!("From asymmetric key `{}`", k.value),
            LoginSource::Other => return None,
        },
        _ => return None,
    })
}
