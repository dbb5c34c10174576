//! What an assembly's C# does: the analysis that the CLS rules share.
//!
//! [`Code::build`] reads the lowered C# of the files tied to one assembly and finds, in
//! every method, the *sites* where the code needs something of the server: a file, the
//! network, the registry, an environment variable, a process, unmanaged or unsafe code,
//! a member guarded by a host protection category, a dynamic assembly, in-process data
//! access, impersonation. Framework members are recognised by a table of the types and
//! members that need each thing (`API`), matched by simple name and checked against the
//! namespace written or imported, and never when the project defines a type of the same
//! name. Calls between methods of the source are resolved by name (same type for
//! unqualified and `this.` calls, the named type for `Type.Method`, any type for a call
//! on a variable), so a helper that opens a file makes its callers reach files
//! ([`Code::reach`]).

use std::collections::{BTreeSet, HashMap};

use syntax::TextRange;
use syntax::csharp::{CsFile, CsMethod, CsNode, CsType, Using};

use crate::diagnostic::FileId;
use crate::project::Workspace;

/// What a site needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Need {
    Files,
    Network,
    Registry,
    Environment,
    Process,
    Unmanaged,
    UnsafeCode,
    Threads,
    Synchronization,
    SharedState,
    ProcessManagement,
    Ui,
    SecurityInfrastructure,
    DynamicLoad,
    Emit,
    DataAccess,
    Impersonate,
    /// Members that demand full trust without a host protection category
    /// (`CallContext`): only an UNSAFE assembly may call them.
    FullTrust,
}

impl Need {
    /// What EXTERNAL_ACCESS allows and SAFE refuses.
    pub(crate) fn is_external(self) -> bool {
        matches!(
            self,
            Need::Files | Need::Network | Need::Registry | Need::Environment | Need::Process
        )
    }

    /// What only UNSAFE allows.
    pub(crate) fn is_unmanaged(self) -> bool {
        matches!(self, Need::Unmanaged | Need::UnsafeCode)
    }

    /// A disallowed host protection category (refused in SAFE and EXTERNAL_ACCESS).
    pub(crate) fn host_protection(self) -> Option<&'static str> {
        Some(match self {
            Need::Threads => "ExternalThreading",
            Need::Synchronization => "Synchronization",
            Need::SharedState => "SharedState",
            Need::ProcessManagement => "ExternalProcessMgmt",
            Need::Ui => "UI",
            Need::SecurityInfrastructure => "SecurityInfrastructure",
            _ => return None,
        })
    }

    /// How a message names it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Need::Files => "the file system",
            Need::Network => "the network",
            Need::Registry => "the registry",
            Need::Environment => "environment variables",
            Need::Process => "processes",
            Need::Unmanaged => "unmanaged code",
            Need::UnsafeCode => "unsafe code",
            Need::Threads => "threads",
            Need::Synchronization => "synchronisation",
            Need::SharedState => "shared state",
            Need::ProcessManagement => "process management",
            Need::Ui => "the user interface",
            Need::SecurityInfrastructure => "the security infrastructure",
            Need::DynamicLoad => "an assembly loaded from bytes",
            Need::Emit => "System.Reflection.Emit",
            Need::DataAccess => "in-process data access",
            Need::Impersonate => "Windows impersonation",
            Need::FullTrust => "members that demand full trust",
        }
    }
}

/// One place in the C# that needs something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Site {
    pub need: Need,
    pub file: FileId,
    pub range: TextRange,
    /// The member as written (`File.ReadAllText`, `new FileStream`, `lock`).
    pub what: String,
    /// Inside a lambda or method group that another thread runs.
    pub in_other_thread: bool,
}

/// A method of the source, with where it is.
pub(crate) struct MethodRef<'a> {
    pub file: FileId,
    pub ty: usize,
    pub method: &'a CsMethod,
}

/// A call from one source method to another.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub callee: usize,
    pub range: TextRange,
    pub in_other_thread: bool,
}

/// The analysed source of one assembly.
pub(crate) struct Code<'a> {
    pub types: Vec<(FileId, &'a CsType)>,
    /// Assembly-level attributes, by file.
    pub file_attributes: Vec<(FileId, &'a CsFile)>,
    pub methods: Vec<MethodRef<'a>>,
    /// Per method: its own sites.
    pub sites: Vec<Vec<Site>>,
    /// Per method: the source methods it calls.
    pub edges: Vec<Vec<Edge>>,
    /// True when some file of the source has a region the C# grammar could not read.
    pub has_errors: bool,
    type_names: BTreeSet<String>,
}

/// Types and members that need something. `member` `"new"` is the constructor, `"*"`
/// every member.
struct Api {
    namespace: &'static str,
    ty: &'static str,
    members: &'static [&'static str],
    needs: &'static [Need],
}

const ALL: &[&str] = &["*"];
const NEW: &[&str] = &["new"];
/// Construction and every member (the synchronisation primitives are guarded whole).
const ANY: &[&str] = &["*", "new"];

/// The framework members the rules know. Sources: the .NET Framework reference (the
/// `System.IO`, `System.Net`, `Microsoft.Win32` and `System.Diagnostics` types reach
/// outside the process), and SQL Server's "Host protection attributes and CLR
/// integration programming" (the categories refused in SAFE and EXTERNAL_ACCESS
/// assemblies: SharedState, Synchronization, ExternalProcessMgmt, ExternalThreading,
/// SecurityInfrastructure, UI, MayLeakOnAbort).
const API: &[Api] = &[
    // Files.
    Api {
        namespace: "System.IO",
        ty: "File",
        members: ALL,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "Directory",
        members: ALL,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "FileInfo",
        members: NEW,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "DirectoryInfo",
        members: NEW,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "FileStream",
        members: NEW,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "FileSystemWatcher",
        members: NEW,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "DriveInfo",
        members: ALL,
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO",
        ty: "Path",
        members: &["GetTempFileName"],
        needs: &[Need::Files],
    },
    Api {
        namespace: "System.IO.Compression",
        ty: "ZipFile",
        members: ALL,
        needs: &[Need::Files],
    },
    // The network.
    Api {
        namespace: "System.Net",
        ty: "WebRequest",
        members: ALL,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net",
        ty: "HttpWebRequest",
        members: ALL,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net",
        ty: "FtpWebRequest",
        members: ALL,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net",
        ty: "WebClient",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net",
        ty: "Dns",
        members: ALL,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Http",
        ty: "HttpClient",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Sockets",
        ty: "Socket",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Sockets",
        ty: "TcpClient",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Sockets",
        ty: "UdpClient",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Sockets",
        ty: "TcpListener",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.Mail",
        ty: "SmtpClient",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.Net.NetworkInformation",
        ty: "Ping",
        members: NEW,
        needs: &[Need::Network],
    },
    // A connection string built for a server (rather than the context connection), and
    // directory services (LDAP).
    Api {
        namespace: "System.Data.SqlClient",
        ty: "SqlConnectionStringBuilder",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.DirectoryServices",
        ty: "DirectoryEntry",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.DirectoryServices",
        ty: "DirectorySearcher",
        members: NEW,
        needs: &[Need::Network],
    },
    Api {
        namespace: "System.DirectoryServices.AccountManagement",
        ty: "PrincipalContext",
        members: NEW,
        needs: &[Need::Network],
    },
    // The registry.
    Api {
        namespace: "Microsoft.Win32",
        ty: "Registry",
        members: ALL,
        needs: &[Need::Registry],
    },
    Api {
        namespace: "Microsoft.Win32",
        ty: "RegistryKey",
        members: ALL,
        needs: &[Need::Registry],
    },
    // Environment variables.
    Api {
        namespace: "System",
        ty: "Environment",
        members: &[
            "GetEnvironmentVariable",
            "GetEnvironmentVariables",
            "SetEnvironmentVariable",
            "ExpandEnvironmentVariables",
        ],
        needs: &[Need::Environment],
    },
    // Processes: reaching one is external access, and managing one a host protection
    // category.
    Api {
        namespace: "System.Diagnostics",
        ty: "Process",
        members: ALL,
        needs: &[Need::Process, Need::ProcessManagement],
    },
    Api {
        namespace: "System.Diagnostics",
        ty: "ProcessStartInfo",
        members: NEW,
        needs: &[Need::Process],
    },
    Api {
        namespace: "System",
        ty: "Environment",
        members: &["Exit", "FailFast"],
        needs: &[Need::ProcessManagement],
    },
    // Unmanaged code.
    Api {
        namespace: "System.Runtime.InteropServices",
        ty: "Marshal",
        members: ALL,
        needs: &[Need::Unmanaged],
    },
    // Threads.
    Api {
        namespace: "System.Threading",
        ty: "Thread",
        members: NEW,
        needs: &[Need::Threads],
    },
    Api {
        namespace: "System.Threading",
        ty: "ThreadPool",
        members: ALL,
        needs: &[Need::Threads],
    },
    Api {
        namespace: "System.Threading",
        ty: "Timer",
        members: NEW,
        needs: &[Need::Threads],
    },
    Api {
        namespace: "System.Timers",
        ty: "Timer",
        members: NEW,
        needs: &[Need::Threads],
    },
    Api {
        namespace: "System.Threading.Tasks",
        ty: "Task",
        members: &["new", "Run", "Factory"],
        needs: &[Need::Threads, Need::Synchronization],
    },
    Api {
        namespace: "System.Threading.Tasks",
        ty: "Parallel",
        members: ALL,
        needs: &[Need::Threads, Need::Synchronization],
    },
    // Synchronisation.
    Api {
        namespace: "System.Threading",
        ty: "Monitor",
        members: ALL,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "Mutex",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "Semaphore",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "SemaphoreSlim",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "EventWaitHandle",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "ManualResetEvent",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "ManualResetEventSlim",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "AutoResetEvent",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "ReaderWriterLock",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "ReaderWriterLockSlim",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "Barrier",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Threading",
        ty: "CountdownEvent",
        members: ANY,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Collections.Concurrent",
        ty: "ConcurrentDictionary",
        members: NEW,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Collections.Concurrent",
        ty: "ConcurrentQueue",
        members: NEW,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Collections.Concurrent",
        ty: "ConcurrentStack",
        members: NEW,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Collections.Concurrent",
        ty: "ConcurrentBag",
        members: NEW,
        needs: &[Need::Synchronization],
    },
    Api {
        namespace: "System.Collections.Concurrent",
        ty: "BlockingCollection",
        members: NEW,
        needs: &[Need::Synchronization],
    },
    // Shared state, the user interface, the security infrastructure.
    Api {
        namespace: "System.Threading",
        ty: "Thread",
        members: &[
            "AllocateDataSlot",
            "AllocateNamedDataSlot",
            "GetNamedDataSlot",
            "SetData",
        ],
        needs: &[Need::SharedState],
    },
    Api {
        namespace: "System",
        ty: "AppDomain",
        members: &["SetData"],
        needs: &[Need::SharedState],
    },
    Api {
        namespace: "System",
        ty: "Console",
        members: ALL,
        needs: &[Need::Ui],
    },
    Api {
        namespace: "System.Windows.Forms",
        ty: "MessageBox",
        members: ALL,
        needs: &[Need::Ui],
    },
    Api {
        namespace: "System",
        ty: "AppDomain",
        members: &[
            "CreateDomain",
            "SetPrincipalPolicy",
            "SetThreadPrincipal",
            "SetAppDomainPolicy",
        ],
        needs: &[Need::SecurityInfrastructure],
    },
    // Members that demand full trust (the .NET reference source marks them
    // SecurityCritical; no host protection list names them).
    Api {
        namespace: "System.Runtime.Remoting.Messaging",
        ty: "CallContext",
        members: ALL,
        needs: &[Need::FullTrust],
    },
    // Code made at run time.
    Api {
        namespace: "System.Reflection.Emit",
        ty: "AssemblyBuilder",
        members: ALL,
        needs: &[Need::Emit],
    },
    Api {
        namespace: "System.Reflection.Emit",
        ty: "DynamicMethod",
        members: NEW,
        needs: &[Need::Emit],
    },
    Api {
        namespace: "System",
        ty: "AppDomain",
        members: &["DefineDynamicAssembly"],
        needs: &[Need::Emit],
    },
];

/// Calls whose lambda or method-group arguments another thread runs.
const THREAD_STARTS: &[(&str, &str)] = &[
    ("Thread", "new"),
    ("ThreadPool", "QueueUserWorkItem"),
    ("ThreadPool", "UnsafeQueueUserWorkItem"),
    ("ThreadPool", "RegisterWaitForSingleObject"),
    ("Task", "Run"),
    ("Task", "new"),
    ("Factory", "StartNew"),
    ("Parallel", "For"),
    ("Parallel", "ForEach"),
    ("Parallel", "Invoke"),
    ("Timer", "new"),
];

impl<'a> Code<'a> {
    /// Analyses the C# of `files` (those the workspace parsed).
    pub(crate) fn build(workspace: &'a Workspace, files: &[FileId]) -> Code<'a> {
        let mut code = Code {
            types: Vec::new(),
            file_attributes: Vec::new(),
            methods: Vec::new(),
            sites: Vec::new(),
            edges: Vec::new(),
            has_errors: false,
            type_names: BTreeSet::new(),
        };
        for &file in files {
            let Some(parsed) = workspace.csharp.get(&file) else {
                continue;
            };
            code.has_errors |= !parsed.errors.is_empty();
            code.file_attributes.push((file, parsed));
            for ty in &parsed.types {
                code.type_names.insert(ty.name.clone());
                let index = code.types.len();
                code.types.push((file, ty));
                for method in &ty.methods {
                    code.methods.push(MethodRef {
                        file,
                        ty: index,
                        method,
                    });
                }
            }
        }
        let by_name = code.method_index();
        for index in 0..code.methods.len() {
            let mut walk = Walk {
                code: &code,
                by_name: &by_name,
                method: index,
                sites: Vec::new(),
                edges: Vec::new(),
                locals: HashMap::new(),
            };
            let method = code.methods[index].method;
            walk.nodes(&method.body, false);
            // A method declared `extern` with `[DllImport]` is unmanaged code itself.
            if method.modifiers.is_extern
                || method
                    .attributes
                    .iter()
                    .any(|a| a.short_name() == "DllImport")
            {
                walk.sites.push(Site {
                    need: Need::Unmanaged,
                    file: code.methods[index].file,
                    range: method.name_range,
                    what: format!("extern {}", method.name),
                    in_other_thread: false,
                });
            }
            let (sites, edges) = (walk.sites, walk.edges);
            code.sites.push(sites);
            code.edges.push(edges);
        }
        code
    }

    /// Methods by (type index, name), for resolving calls.
    fn method_index(&self) -> HashMap<(usize, &'a str), Vec<usize>> {
        let mut out: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
        for (i, m) in self.methods.iter().enumerate() {
            out.entry((m.ty, m.method.name.as_str()))
                .or_default()
                .push(i);
        }
        out
    }

    /// The types of the source with this CLR name (`Ns.Class`, `Ns.Outer+Inner`): every
    /// part of a partial class.
    pub(crate) fn types_named(&self, full_name: &str) -> Vec<usize> {
        (0..self.types.len())
            .filter(|&i| self.types[i].1.full_name == full_name)
            .collect()
    }

    /// The methods named `name` declared in the types `types`.
    pub(crate) fn methods_in(&self, types: &[usize], name: &str) -> Vec<usize> {
        (0..self.methods.len())
            .filter(|&i| types.contains(&self.methods[i].ty) && self.methods[i].method.name == name)
            .collect()
    }

    /// Every site that `start` reaches, its own and its callees' (each once, in order),
    /// with the chain of methods that leads there (`start` first). A site inside a body
    /// that another thread runs, or reached through a call made from one, is marked
    /// `in_other_thread`.
    pub(crate) fn reach(&self, start: usize) -> Vec<(Site, Vec<usize>)> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut queue = std::collections::VecDeque::new();
        queue.push_back((start, vec![start], false));
        seen.insert((start, false));
        while let Some((method, path, threaded)) = queue.pop_front() {
            for site in &self.sites[method] {
                let mut site = site.clone();
                site.in_other_thread |= threaded;
                out.push((site, path.clone()));
            }
            for edge in &self.edges[method] {
                let threaded = threaded || edge.in_other_thread;
                if seen.insert((edge.callee, threaded)) {
                    let mut next = path.clone();
                    next.push(edge.callee);
                    queue.push_back((edge.callee, next, threaded));
                }
            }
        }
        out
    }

    /// Every site of the source, each method's own.
    pub(crate) fn all_sites(&self) -> impl Iterator<Item = &Site> {
        self.sites.iter().flatten()
    }

    /// A method's name as a message shows it: `Counters.Ids.Next`.
    pub(crate) fn method_name(&self, method: usize) -> String {
        let m = &self.methods[method];
        format!("{}.{}", self.types[m.ty].1.full_name, m.method.name)
    }

    /// True when `name` is a type the source itself declares, which hides a framework
    /// type of the same simple name.
    fn declares(&self, name: &str) -> bool {
        self.type_names.contains(name)
    }

    /// The `using`s in force for a method.
    fn usings_of(&self, method: usize) -> &'a [Using] {
        &self.types[self.methods[method].ty].1.usings
    }
}

/// The walk of one method body.
struct Walk<'c, 'a> {
    code: &'c Code<'a>,
    by_name: &'c HashMap<(usize, &'a str), Vec<usize>>,
    method: usize,
    sites: Vec<Site>,
    edges: Vec<Edge>,
    /// Local variables by name, with their type's simple name (the last declared wins:
    /// a method rarely reuses a name for another type).
    locals: HashMap<String, String>,
}

impl Walk<'_, '_> {
    fn file(&self) -> FileId {
        self.code.methods[self.method].file
    }

    fn site(&mut self, need: Need, range: TextRange, what: String, threaded: bool) {
        self.sites.push(Site {
            need,
            file: self.file(),
            range,
            what,
            in_other_thread: threaded,
        });
    }

    fn nodes(&mut self, nodes: &[CsNode], threaded: bool) {
        for node in nodes {
            crate::rules::cls::deep(|| self.node(node, threaded));
        }
    }

    fn node(&mut self, node: &CsNode, threaded: bool) {
        match node {
            CsNode::Call {
                callee,
                name_range,
                range,
                receiver,
                args,
                arg_count,
                ..
            } => {
                self.nodes(receiver, threaded);
                let member = callee.last().map(String::as_str).unwrap_or("");
                let ty_path = &callee[..callee.len().saturating_sub(1)];
                let starts_thread = is_thread_start(ty_path, member);
                self.arguments(args, threaded, starts_thread);
                self.call(callee, *name_range, *range, args, *arg_count, threaded);
            }
            CsNode::New {
                type_name,
                range,
                args,
                ..
            } => {
                let path: Vec<String> = type_name.split('.').map(str::to_owned).collect();
                let starts_thread = is_thread_start(&path, "new");
                self.arguments(args, threaded, starts_thread);
                for need in self.classify(&path, "new") {
                    self.site(need, *range, format!("new {type_name}"), threaded);
                }
                if path.last().is_some_and(|t| t == "SqlConnection") {
                    self.connection(args, *range, threaded);
                }
                // Readers and writers opened on a path (not on a stream) reach files.
                let on_path = [
                    "StreamReader",
                    "StreamWriter",
                    "XmlTextReader",
                    "XmlTextWriter",
                ];
                if path.last().is_some_and(|t| on_path.contains(&t.as_str()))
                    && !self
                        .code
                        .declares(path.last().map(String::as_str).unwrap_or(""))
                    && self.is_string(args)
                {
                    self.site(Need::Files, *range, format!("new {type_name}"), threaded);
                }
            }
            CsNode::Access { path, range } => {
                if path.len() >= 2 {
                    let (ty, member) = path.split_at(path.len() - 1);
                    for need in self.classify(ty, &member[0]) {
                        self.site(need, *range, path.join("."), threaded);
                    }
                }
                if is_pipe(path) {
                    self.site(Need::DataAccess, *range, path.join("."), threaded);
                }
            }
            CsNode::Local {
                name, type_name, ..
            } => {
                let simple = type_name.rsplit('.').next().unwrap_or(type_name);
                self.locals.insert(name.clone(), simple.to_owned());
            }
            CsNode::Text { value, range } => {
                if is_context_connection(value) {
                    self.site(
                        Need::DataAccess,
                        *range,
                        "context connection=true".to_owned(),
                        threaded,
                    );
                }
            }
            CsNode::Lock { range, body } => {
                let at = TextRange::new(range.start(), range.start() + 4);
                self.site(Need::Synchronization, at, "lock".to_owned(), threaded);
                self.nodes(body, threaded);
            }
            CsNode::Unsafe { range, body } => {
                let at = TextRange::new(
                    range.start(),
                    range.start().max(range.end().min(range.start() + 6)),
                );
                self.site(Need::UnsafeCode, at, "unsafe".to_owned(), threaded);
                self.nodes(body, threaded);
            }
            CsNode::Try {
                body,
                handlers,
                finally,
                ..
            } => {
                self.nodes(body, threaded);
                self.nodes(handlers, threaded);
                if let Some(finally) = finally {
                    self.nodes(finally, threaded);
                }
            }
            CsNode::Using { resource, body, .. } => {
                self.nodes(resource, threaded);
                self.nodes(body, threaded);
            }
            CsNode::Lambda { body, .. } => self.nodes(body, threaded),
        }
    }

    /// A call's arguments: lambdas and method groups passed to a call that starts a
    /// thread run on that thread.
    fn arguments(&mut self, args: &[CsNode], threaded: bool, starts_thread: bool) {
        for arg in args {
            match arg {
                CsNode::Lambda { body, .. } => self.nodes(body, threaded || starts_thread),
                CsNode::Access { path, range } if path.len() == 1 => {
                    // A method group: a call of the method, made where it is passed.
                    let targets = self.resolve(&[], &path[0]);
                    for callee in targets {
                        self.edges.push(Edge {
                            callee,
                            range: *range,
                            in_other_thread: threaded || starts_thread,
                        });
                    }
                }
                _ => self.node(arg, threaded),
            }
        }
    }

    fn call(
        &mut self,
        callee: &[String],
        name_range: TextRange,
        range: TextRange,
        args: &[CsNode],
        arg_count: usize,
        threaded: bool,
    ) {
        let Some((member, ty_path)) = callee.split_last() else {
            return;
        };
        let targets = self.resolve(ty_path, member);
        if !targets.is_empty() {
            for callee in targets {
                self.edges.push(Edge {
                    callee,
                    range: name_range,
                    in_other_thread: threaded,
                });
            }
            return;
        }
        let what = callee.join(".");
        // A call on a variable, parameter or field of a known type is a call on that type
        // (`doc.Save(path)` with `XmlDocument doc`).
        let typed: Vec<String>;
        let ty_path = match ty_path.first().and_then(|first| self.type_of(first)) {
            Some(ty) => {
                typed = std::iter::once(ty)
                    .chain(ty_path[1..].iter().cloned())
                    .collect();
                typed.as_slice()
            }
            None => ty_path,
        };
        for need in self.classify(ty_path, member) {
            self.site(need, name_range, what.clone(), threaded);
        }
        if member == "Load"
            && ty_path.last().is_some_and(|t| t == "Assembly")
            && arg_count >= 1
            && self.is_bytes(&args[..args.len().min(1)])
        {
            self.site(Need::DynamicLoad, name_range, what.clone(), threaded);
        }
        // `XmlWriter.Create(path)` and the like open a file when given a path.
        let opens_path = [
            ("XmlWriter", "Create"),
            ("XmlReader", "Create"),
            ("XDocument", "Load"),
            ("XDocument", "Save"),
            ("XElement", "Load"),
            ("XElement", "Save"),
            ("XmlDocument", "Load"),
            ("XmlDocument", "Save"),
            ("DataSet", "WriteXml"),
            ("DataSet", "ReadXml"),
            ("DataTable", "WriteXml"),
            ("DataTable", "ReadXml"),
        ];
        if ty_path
            .last()
            .is_some_and(|t| opens_path.iter().any(|(ty, m)| t == ty && member == m))
            && self.is_string(args)
        {
            self.site(Need::Files, name_range, what.clone(), threaded);
        }
        if member == "Impersonate" || member == "RunImpersonated" {
            self.site(Need::Impersonate, name_range, what.clone(), threaded);
        }
        if is_pipe(callee) {
            self.site(Need::DataAccess, name_range, what, threaded);
        }
        let _ = range;
    }

    /// A `new SqlConnection(…)` whose connection string is not the context connection
    /// opens a network connection (to this or another server); one whose string cannot
    /// be told is left alone.
    fn connection(&mut self, args: &[CsNode], range: TextRange, threaded: bool) {
        let Some(first) = args.first() else {
            return;
        };
        let value = match first {
            CsNode::Text { value, .. } => Some(value.clone()),
            CsNode::Access { path, .. } if path.len() == 1 => self.constant(&path[0]),
            _ => None,
        };
        if let Some(value) = value
            && !is_context_connection(&value)
            && value.to_ascii_lowercase().contains("source")
        {
            self.site(
                Need::Network,
                range,
                "new SqlConnection".to_owned(),
                threaded,
            );
        }
    }

    /// The string a field of the method's type is initialised with, when it is a literal.
    fn constant(&self, name: &str) -> Option<String> {
        let ty = self.code.types[self.code.methods[self.method].ty].1;
        let field = ty.fields.iter().find(|f| f.name == name)?;
        match field.initializer.as_slice() {
            [CsNode::Text { value, .. }] => Some(value.clone()),
            _ => None,
        }
    }

    /// True when the first argument is known to be a byte array: a parameter or field
    /// declared `byte[]`, or a call that returns one.
    fn is_bytes(&self, args: &[CsNode]) -> bool {
        let method = self.code.methods[self.method].method;
        let ty = self.code.types[self.code.methods[self.method].ty].1;
        let is_byte_array = |t: &str| t.replace(' ', "").eq_ignore_ascii_case("byte[]");
        match args.first() {
            Some(CsNode::Access { path, .. }) if path.len() == 1 => {
                method
                    .params
                    .iter()
                    .any(|p| p.name == path[0] && is_byte_array(&p.type_text))
                    || ty
                        .fields
                        .iter()
                        .any(|f| f.name == path[0] && is_byte_array(&f.type_text))
            }
            Some(CsNode::Call { callee, .. }) => callee.last().is_some_and(|m| {
                [
                    "ReadAllBytes",
                    "FromBase64String",
                    "ToArray",
                    "GetBuffer",
                    "GetBytes",
                ]
                .contains(&m.as_str())
            }),
            _ => false,
        }
    }

    /// The type (simple name) of a local variable, parameter or field of the method's
    /// type named `name`; `None` for a name that is none of them (a type, a namespace).
    fn type_of(&self, name: &str) -> Option<String> {
        if let Some(ty) = self.locals.get(name) {
            return Some(ty.clone());
        }
        let method = self.code.methods[self.method].method;
        let ty = self.code.types[self.code.methods[self.method].ty].1;
        let declared = method
            .params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.type_text.as_str())
            .or_else(|| {
                ty.fields
                    .iter()
                    .find(|f| f.name == name)
                    .map(|f| f.type_text.as_str())
            })?;
        let simple = declared
            .rsplit('.')
            .next()
            .unwrap_or(declared)
            .trim_end_matches('?');
        Some(simple.to_owned())
    }

    /// True when the first argument is known to be a string: a literal, or a parameter or
    /// field declared `string`.
    fn is_string(&self, args: &[CsNode]) -> bool {
        let method = self.code.methods[self.method].method;
        let ty = self.code.types[self.code.methods[self.method].ty].1;
        let is_string = |t: &str| matches!(t, "string" | "String" | "System.String");
        match args.first() {
            Some(CsNode::Text { .. }) => true,
            // `name.Value` of a `SqlString` parameter, `x.ToString()`, `Path.Combine(…)`.
            Some(CsNode::Access { path, .. }) if path.len() == 2 && path[1] == "Value" => {
                method.params.iter().any(|p| {
                    p.name == path[0] && matches!(p.type_text.as_str(), "SqlString" | "SqlChars")
                })
            }
            Some(CsNode::Call { callee, .. }) => {
                callee.last().is_some_and(|m| m == "ToString")
                    || callee.ends_with(&["Path".to_owned(), "Combine".to_owned()])
            }
            Some(CsNode::Access { path, .. }) if path.len() == 1 => {
                method
                    .params
                    .iter()
                    .any(|p| p.name == path[0] && is_string(&p.type_text))
                    || ty
                        .fields
                        .iter()
                        .any(|f| f.name == path[0] && is_string(&f.type_text))
            }
            _ => false,
        }
    }

    /// The source methods a call names: unqualified and `this.`/`base.` calls look in
    /// the method's own type (every partial part); `Type.M` in that type; a call on
    /// anything else in every type, by name and only when few types have such a method.
    fn resolve(&self, ty_path: &[String], member: &str) -> Vec<usize> {
        let own = self.code.methods[self.method].ty;
        let own_name = &self.code.types[own].1.full_name;
        let own_parts: Vec<usize> = self.code.types_named(own_name);
        let lookup = |types: &[usize]| -> Vec<usize> {
            types
                .iter()
                .flat_map(|t| self.by_name.get(&(*t, member)).cloned().unwrap_or_default())
                .collect()
        };
        match ty_path {
            [] => lookup(&own_parts),
            [first] if first == "this" || first == "base" => lookup(&own_parts),
            _ => {
                let last = ty_path.last().map(String::as_str).unwrap_or("");
                let named: Vec<usize> = (0..self.code.types.len())
                    .filter(|&i| self.code.types[i].1.name == last)
                    .collect();
                if !named.is_empty() {
                    return lookup(&named);
                }
                // A name that starts with a capital and is not a type of the source is a
                // framework or library type (`Task.Run`, `File.Open`), not a variable.
                if self.code.declares(last) || last.chars().next().is_some_and(char::is_uppercase) {
                    return Vec::new();
                }
                // A call on a variable or field: by name, only when the name is rare
                // enough to mean one method.
                let all: Vec<usize> = (0..self.code.methods.len())
                    .filter(|&i| self.code.methods[i].method.name == member)
                    .collect();
                if all.len() <= 2 && !is_framework_name(member) {
                    all
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// What a framework member needs, from the table. The type may stand anywhere in
    /// the path (`Microsoft.Win32.Registry.LocalMachine.OpenSubKey`: the type is
    /// `Registry`, what follows it its members); the namespace written before it (an alias
    /// expanded) or imported by a `using` must be the table's, and the source must not
    /// declare a type of that name.
    fn classify(&self, ty_path: &[String], member: &str) -> Vec<Need> {
        let path: Vec<&str> = ty_path
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(member))
            .collect();
        let usings = self.code.usings_of(self.method);
        let mut out = Vec::new();
        // The type is never the last segment of a call (that is the method), except for
        // `new T`, whose path is the type itself.
        let last_type = if member == "new" {
            path.len() - 1
        } else {
            path.len().saturating_sub(1)
        };
        for at in 0..last_type {
            let ty = path[at];
            if self.code.declares(ty) {
                continue;
            }
            let members: Vec<&str> = path[at + 1..].to_vec();
            let mut qualifier = path[..at].join(".");
            if at > 0
                && let Some(alias) = usings.iter().find(|u| u.alias.as_deref() == Some(path[0]))
            {
                qualifier = std::iter::once(alias.target.as_str())
                    .chain(path[1..at].iter().copied())
                    .collect::<Vec<_>>()
                    .join(".");
            }
            for api in API {
                if api.ty != ty {
                    continue;
                }
                let member_fits = api
                    .members
                    .iter()
                    .any(|m| (*m == "*" && members.first() != Some(&"new")) || members.contains(m));
                if !member_fits {
                    continue;
                }
                let namespace_fits = if qualifier.is_empty() {
                    // Imported, or not imported at all (then the file does not compile
                    // with any other meaning of the name either, unless a referenced
                    // library declares it: the table's types are the framework's common
                    // ones).
                    usings
                        .iter()
                        .any(|u| u.alias.is_none() && u.target == api.namespace)
                        || !usings
                            .iter()
                            .any(|u| u.alias.is_none() && defines_same_name(&u.target, ty))
                } else {
                    qualifier == api.namespace
                        || usings.iter().any(|u| {
                            u.alias.is_none()
                                && format!("{}.{}", u.target, qualifier) == api.namespace
                        })
                };
                if namespace_fits {
                    out.extend(api.needs.iter().copied());
                }
            }
            if !out.is_empty() {
                break;
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Namespaces known to declare a type named like one of the table's (`System.Threading`
/// and `System.Timers` both have `Timer`; `System.Windows.Forms` has its own `Timer`).
fn defines_same_name(namespace: &str, ty: &str) -> bool {
    matches!((namespace, ty), ("System.Windows.Forms", "Timer"))
}

/// Method names so common on framework types that a call on a variable named so is not
/// taken for a call of a source method with the same name.
fn is_framework_name(name: &str) -> bool {
    [
        "ToString",
        "Equals",
        "GetHashCode",
        "Dispose",
        "Close",
        "Open",
        "Read",
        "Write",
        "Add",
        "Remove",
        "Clear",
        "Contains",
        "Append",
        "Send",
        "Start",
        "Stop",
        "Init",
        "Merge",
        "Accumulate",
        "Terminate",
        "Parse",
        "Get",
        "Set",
        "Execute",
    ]
    .contains(&name)
}

fn is_thread_start(ty_path: &[String], member: &str) -> bool {
    let ty = ty_path.last().map(String::as_str).unwrap_or("");
    THREAD_STARTS.iter().any(|(t, m)| *t == ty && *m == member)
}

/// `SqlContext.Pipe`, alone or as the receiver of a call.
pub(crate) fn is_pipe(path: &[String]) -> bool {
    path.windows(2)
        .any(|w| w[0] == "SqlContext" && w[1] == "Pipe")
}

/// A connection string that names the context connection (`context connection=true`,
/// any case and spacing).
pub(crate) fn is_context_connection(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    squeezed.contains("contextconnection=true") || squeezed.contains("contextconnection=yes")
}

/// True for a call that starts an impersonation context.
pub(crate) fn is_impersonate(callee: &[String]) -> bool {
    callee.last().is_some_and(|m| m == "Impersonate")
}

/// True for a call that undoes one (`ctx.Undo()`, `ctx.Dispose()`).
pub(crate) fn is_undo(callee: &[String]) -> bool {
    callee.last().is_some_and(|m| m == "Undo" || m == "Dispose")
}

#[cfg(test)]
mod tests;

/// True when the node itself is in-process data access: the context connection string,
/// or `SqlContext.Pipe`.
pub(crate) fn is_data_access(node: &CsNode) -> bool {
    match node {
        CsNode::Text { value, .. } => is_context_connection(value),
        CsNode::Access { path, .. } => is_pipe(path),
        CsNode::Call { callee, .. } => is_pipe(callee),
        _ => false,
    }
}

impl Code<'_> {
    /// The source methods that the call whose name is at `range` in method `method`
    /// resolves to.
    pub(crate) fn callees_at(&self, method: usize, range: TextRange) -> Vec<usize> {
        self.edges[method]
            .iter()
            .filter(|e| e.range == range)
            .map(|e| e.callee)
            .collect()
    }

    /// True when `method`, or a source method it calls on the same thread, does
    /// in-process data access.
    pub(crate) fn does_data_access(&self, method: usize) -> bool {
        self.reach(method)
            .iter()
            .any(|(site, _)| site.need == Need::DataAccess && !site.in_other_thread)
    }
}
