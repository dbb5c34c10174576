//! The rules: one file per rule, named for the bad pattern, grouped by code prefix.
//!
//! Each rule declares a [`Rule`]: its metadata and a pure function from the model to
//! diagnostics. Rules never do IO and never call each other. The groups' `RULES` lists
//! are the registry; a tidy test checks that every catalogue code outside CLS has
//! exactly one rule and that every rule's documented example triggers it.

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::project::{Project, Workspace};
use crate::rule::RuleMeta;

pub mod clr;
pub mod cls;
pub mod imp;
pub mod prm;
pub mod sql;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod walk;

/// What a rule reads.
pub struct Context<'a> {
    pub workspace: &'a Workspace,
    pub project: &'a Project,
    pub model: &'a Model,
    /// The project's assemblies with their C# source, tied and analysed on first use and
    /// shared by the CLS rules (see [`cls`]).
    pub(crate) clr_sources: std::sync::OnceLock<Vec<cls::Source<'a>>>,
    /// Every statement in the order state changes apply, listed on first use and shared
    /// by the rules that walk them (see [`walk::statements`]).
    pub(crate) statements: std::sync::OnceLock<Vec<walk::Stmt<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(workspace: &'a Workspace, project: &'a Project, model: &'a Model) -> Self {
        Context {
            workspace,
            project,
            model,
            clr_sources: std::sync::OnceLock::new(),
            statements: std::sync::OnceLock::new(),
        }
    }

    /// See [`cls::sources`].
    pub(crate) fn sources(&self) -> &[cls::Source<'a>] {
        self.clr_sources.get_or_init(|| cls::sources(self))
    }
}

/// A rule: its declaration and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

/// Every registered rule, in code order.
pub fn all() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = clr::RULES
        .iter()
        .chain(cls::RULES)
        .chain(imp::RULES)
        .chain(prm::RULES)
        .chain(sql::RULES)
        .copied()
        .collect();
    rules.sort_by_key(|rule| rule.meta.code);
    rules
}

/// The rule with this code, when one is registered.
pub fn find(code: crate::Code) -> Option<&'static Rule> {
    all().into_iter().find(|rule| rule.meta.code == code)
}

/// Runs every rule on one project's model. Rules are independent pure functions, so
/// they run in parallel (a language server reruns them after every edit); their findings
/// are concatenated in code order, as if they had run one after another.
pub fn run(context: &Context<'_>) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    all()
        .par_iter()
        .map(|rule| {
            let mut out = Vec::new();
            (rule.check)(context, &mut out);
            out
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}
