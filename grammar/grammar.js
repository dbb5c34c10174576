// sqlwarden's T-SQL grammar.
//
// It inherits every rule of the pinned tree-sitter-mssql grammar (staged beside this file
// as ./base by build.rs) and adds or overrides what real database projects need: the CLR
// surface (EXTERNAL NAME on modules, types and aggregates), the security statements with a
// field for every principal, permission, securable and execution context, SQLCMD lines and
// `$(Var)` references, and SSMS template parameters, plus the constructs the calibration
// corpus (Microsoft's SQL Server samples, tSQLt, Ola Hallengren's maintenance solution)
// showed missing. Node kinds are API: the syntax crate spells them, so a rename here is a
// breaking change there.
//
// `($, original) => choice(original, ...)` adds alternatives to a base rule. A base rule
// whose inside must change (a choice within a sequence, a precedence, a missing field) is
// overridden whole, keeping the base's node kinds and fields; each such override says why.
import base from './base/grammar.js';
import base_keywords from './base/grammar/keywords.js';
import {
  aliased_with_columns,
  write_target,
  make_keyword,
  comma_list,
  paren_list,
  wrapped_in_parenthesis,
  optional_parenthesis,
  IDENTIFIER_START,
  IDENTIFIER_CONTINUE,
} from './base/grammar/helpers.js';

// The keywords that end a permission list rather than continue a permission name.
const PERMISSION_LIST_ENDS = [
  'keyword_on',
  'keyword_to',
  'keyword_from',
  'keyword_grant',
  'keyword_deny',
  'keyword_revoke',
  'keyword_with',
];

// Every base keyword that is a single word token (a few `keyword_*` rules are sequences),
// except the ones that end a permission list: any of them may be part of a permission name.
const PERMISSION_WORDS = Object.keys(base_keywords).filter((name) => {
  if (PERMISSION_LIST_ENDS.includes(name)) {
    return false;
  }
  try {
    const rule = base_keywords[name]({});
    return rule instanceof RegExp && /^(\[[a-zA-Z_][a-zA-Z_]\])+$/.test(rule.source);
  } catch {
    return false;
  }
});

// The index tail of an inline PRIMARY KEY or UNIQUE column constraint.
function column_index_spec($) {
  return [
    optional($._index_kind),
    optional(choice($.with_options, alias($._legacy_fillfactor, $.with_clause))),
    optional($.on_filegroup),
  ];
}

// CREATE [UNIQUE] [kind] INDEX name ON table (columns), as the alternatives of create_index
// that the base's shape misses begin.
function index_head($) {
  return [
    $.keyword_create,
    optional($.keyword_unique),
    optional($._index_kind),
    $.keyword_index,
    field('name', $.identifier),
    $.keyword_on,
    $.object_reference,
    $.ordered_columns,
  ];
}

// FROM / WHERE / GROUP BY / HAVING / WINDOW after a SELECT list, each optional.
function query_rest($) {
  return [
    optional($.from),
    optional($.where),
    optional($.group_by),
    optional($.having),
    optional($.window_clause),
  ];
}

// `{ FIRST | NEXT } n { ROW | ROWS } ONLY` after FETCH in an OFFSET clause.
function fetch_rows($) {
  return [
    choice($.keyword_first, $.keyword_next),
    $._expression,
    choice($.keyword_row, $.keyword_rows),
    $.keyword_only,
  ];
}

// One SSMS template parameter: `<name, type, default>`; the type and the default may be
// empty and the default may hold spaces and punctuation, but none of them spans a line.
const TEMPLATE_PARAMETER = '<[@A-Za-z_][^,<>\\r\\n]*,[^,<>\\r\\n]*,[^<>\\r\\n]*>';

// A type spelled in several words (NATIONAL CHARACTER VARYING), read as `keyword` with an
// optional (size).
function iso_type($, spelling, keyword) {
  return prec.right(
    1,
    seq(
      alias(spelling, keyword),
      optional(seq('(', field('size', choice(alias($._natural_number, $.literal), $.keyword_max)), ')')),
    ),
  );
}

// A keyword added by this grammar. The base's keywords win ties against `_identifier`
// because they are declared before it; ours are declared after, so they need lexical
// precedence to be extracted as keywords at all. Like every keyword, it only displaces an
// identifier in a parse state where it is valid, so `name` stays a fine column name.
function keyword(word) {
  return token(prec(1, make_keyword(word)));
}

// A case-insensitive SQLCMD command name such as `:connect`. sqlcmd accepts any case.
function sqlcmd_command_name(word) {
  return token(prec(1, seq(':', make_keyword(word))));
}

export default grammar(base, {
  name: 'tsql',

  // `pattern_escape` sits just above LIKE so that `a LIKE b ESCAPE c` keeps its ESCAPE
  // instead of reducing the LIKE first.
  precedences: (_, original) =>
    original.map((level) =>
      level.flatMap((entry) => (entry.value === 'pattern_matching' ? ['pattern_escape', entry] : [entry])),
    ),

  conflicts: ($, original) => [
    ...original,
    // `((SELECT 1) + 1)` — see query_specification below.
    [$._query_expression],
    [$._query_expression, $._parenthesized_set_operation],
    [$.query_specification, $._select_statement_body],
    [$._select_statement],
    // `DECLARE @c CURSOR` (a cursor variable) vs `DECLARE c CURSOR ... FOR` (a cursor):
    // only the end of the statement tells.
    [$.identifier, $._cursor_variable],
    // `ROLLBACK TRANSACTION` followed by a label on the next line (`EndSave:`): the word
    // may be the transaction's name or the label, and only the `:` after it tells.
    [$.commit_statement],
    [$.rollback_statement],
    // `ALTER ... AUDIT SPECIFICATION s DROP (...)` followed by `DROP DATABASE AUDIT
    // SPECIFICATION s`: the DROP may start another action or the next statement, and only
    // the token after it (`(` or a class word) tells.
    [$.audit_specification_statement],
  ],

  rules: {
    // ---------------------------------------------------------------------------------
    // Keywords this grammar adds.
    keyword_name: (_) => keyword('name'),
    keyword_aggregate: (_) => keyword('aggregate'),
    keyword_signature: (_) => keyword('signature'),
    keyword_counter: (_) => keyword('counter'),
    keyword_executable: (_) => keyword('executable'),
    keyword_cookie: (_) => keyword('cookie'),
    keyword_credential: (_) => keyword('credential'),
    keyword_application: (_) => keyword('application'),
    keyword_cryptographic: (_) => keyword('cryptographic'),
    keyword_checkpoint: (_) => keyword('checkpoint'),
    keyword_result: (_) => keyword('result'),
    keyword_none: (_) => keyword('none'),
    keyword_undefined: (_) => keyword('undefined'),
    keyword_restore: (_) => keyword('restore'),
    keyword_filegroup: (_) => keyword('filegroup'),
    keyword_contains: (_) => keyword('contains'),
    keyword_rollup: (_) => keyword('rollup'),
    keyword_cube: (_) => keyword('cube'),
    keyword_atomic: (_) => keyword('atomic'),
    keyword_node: (_) => keyword('node'),
    keyword_edge: (_) => keyword('edge'),
    keyword_object: (_) => keyword('object'),
    keyword_path: (_) => keyword('path'),
    keyword_property: (_) => keyword('property'),
    keyword_resource: (_) => keyword('resource'),
    keyword_pool: (_) => keyword('pool'),
    keyword_binding: (_) => keyword('binding'),
    keyword_priority: (_) => keyword('priority'),
    keyword_endpoint: (_) => keyword('endpoint'),
    keyword_stoplist: (_) => keyword('stoplist'),
    keyword_rule: (_) => keyword('rule'),
    keyword_notification: (_) => keyword('notification'),
    keyword_specification: (_) => keyword('specification'),
    keyword_broker: (_) => keyword('broker'),
    keyword_library: (_) => keyword('library'),
    keyword_language: (_) => keyword('language'),
    keyword_search: (_) => keyword('search'),
    keyword_list: (_) => keyword('list'),
    keyword_availability: (_) => keyword('availability'),
    keyword_workload: (_) => keyword('workload'),
    keyword_classifier: (_) => keyword('classifier'),
    keyword_governor: (_) => keyword('governor'),
    keyword_connection: (_) => keyword('connection'),
    keyword_filetable: (_) => keyword('filetable'),
    keyword_validation: (_) => keyword('validation'),
    keyword_state: (_) => keyword('state'),
    keyword_generated: (_) => keyword('generated'),
    keyword_always: (_) => keyword('always'),
    keyword_hidden: (_) => keyword('hidden'),
    keyword_enforced: (_) => keyword('enforced'),
    keyword_change_tracking_context: (_) => keyword('change_tracking_context'),
    keyword_sensitivity: (_) => keyword('sensitivity'),
    keyword_classification: (_) => keyword('classification'),
    keyword_replica: (_) => keyword('replica'),
    // A lexical precedence of 1 lets a complete shorter keyword win over a longer word it
    // starts, so the base's REPLICATION takes ours too, or REPLICA would cut it short.
    keyword_replication: (_) => keyword('replication'),
    keyword_listener: (_) => keyword('listener'),
    keyword_copy: (_) => keyword('copy'),
    keyword_platform: (_) => keyword('platform'),
    keyword_shutdown: (_) => keyword('shutdown'),
    keyword_federation: (_) => keyword('federation'),
    keyword_insensitive: (_) => keyword('insensitive'),
    keyword_scroll: (_) => keyword('scroll'),
    keyword_offsets: (_) => keyword('offsets'),
    keyword_filestream_on: (_) => keyword('filestream_on'),
    keyword_selective: (_) => keyword('selective'),
    keyword_xquery: (_) => keyword('xquery'),
    keyword_sql: (_) => keyword('sql'),
    keyword_singleton: (_) => keyword('singleton'),
    keyword_maxlength: (_) => keyword('maxlength'),
    keyword_materialized: (_) => keyword('materialized'),
    keyword_rename: (_) => keyword('rename'),
    // ON PARTITIONS as one token, like the base's PERIOD FOR SYSTEM_TIME: as two, the ON
    // after an option's value would be shifted into this clause in CREATE DATABASE ...
    // CONTAINMENT = NONE ON PRIMARY.
    keyword_on_partitions: (_) => token(prec(1, seq(make_keyword('on'), /\s+/, make_keyword('partitions')))),

    // ---------------------------------------------------------------------------------
    // Script structure: SQLCMD lines are batch items beside statements, like the base's
    // `:setvar` and `:r`, so no preprocessing is needed and offsets stay true.
    batch: ($) =>
      choice(
        prec.right(
          seq(
            choice(
              // A `;` after it is an empty statement.
              alias($._bare_procedure_call, $.execute_statement),
              $._batch_item,
            ),
            repeat($._batch_item),
            optional($.go_statement),
          ),
        ),
        $.go_statement,
      ),

    // A lone `;` is an empty statement (`;WITH cte AS ...` after GO, a stray `;` line).
    _batch_item: ($) =>
      choice(prec.right(seq(choice($.statement, $.block), optional(';'))), $._sqlcmd_line, ';'),
    _body_item: ($, original) => choice(original, ';'),

    _sqlcmd_line: ($) => choice($.sqlcmd_setvar, $.sqlcmd_include, $.sqlcmd_command),

    // The SQLCMD commands other than `:setvar` and `:r`. Each is one line that sqlcmd and
    // SSMS interpret themselves; none of them reaches the server.
    //   :on error exit | :on error ignore
    //   :connect server [-U login] [-P password] [-l timeout]
    //   :out file | :error file | :exit [(query)] | :quit | !! shell command
    sqlcmd_command: ($) =>
      choice(
        seq(
          field('command', alias(sqlcmd_command_name('on'), ':on')),
          alias(keyword('error'), 'error'),
          field('action', alias(choice(keyword('exit'), keyword('ignore')), $.identifier)),
        ),
        seq(
          field('command', alias(sqlcmd_command_name('connect'), ':connect')),
          field('server', alias($._sqlcmd_argument, $.identifier)),
          repeat($.sqlcmd_option),
        ),
        seq(
          field('command', alias(choice(sqlcmd_command_name('out'), sqlcmd_command_name('error')), ':out')),
          field('path', alias($._sqlcmd_argument, $.identifier)),
        ),
        prec.right(
          seq(
            field('command', alias(sqlcmd_command_name('exit'), ':exit')),
            optional(seq('(', optional(field('query', $._dml_read)), ')')),
          ),
        ),
        field('command', alias(sqlcmd_command_name('quit'), ':quit')),
        field('command', alias(sqlcmd_command_name('reset'), ':reset')),
        field('command', alias(sqlcmd_command_name('list'), ':list')),
        seq(field('command', choice('!!', ':!!')), optional(field('shell', alias(/[^\r\n]+/, $.literal)))),
      ),

    // `-U login`, `-P password`, `-l 30` after `:connect`.
    sqlcmd_option: ($) =>
      prec.right(
        seq(field('flag', alias(token(prec(2, /-[A-Za-z]/)), $.identifier)), optional(field('value', alias($._sqlcmd_argument, $.literal)))),
      ),

    // One whitespace-free argument: a server (`.\SQLEXPRESS`), a path, a login.
    // Lexical precedence makes it win over an identifier of the same length, which is
    // only ever a candidate here because the next statement could start on this line.
    _sqlcmd_argument: ($) => choice($.sqlcmd_variable, token(prec(2, /[^\s$-][^\s]*/))),

    // `$(Var)`: a SQLCMD scripting variable, substituted as text before the batch reaches
    // the server, so it stands wherever a token can. A named node (inside `identifier`
    // where a name is expected) so consumers can tell a variable from a literal name.
    // Inside a string it stays part of the string, as sqlcmd substitutes it there too.
    _sqlcmd_variable: ($) => choice($.sqlcmd_variable, alias($._bracketed_sqlcmd_variable, $.sqlcmd_variable)),
    sqlcmd_variable: (_) => /\$\([A-Za-z_][0-9A-Za-z_]*\)/,
    // `[$(DatabaseName)]`: the bracketed spelling is the same length as a bracketed
    // identifier, so lexical precedence decides for the variable.
    _bracketed_sqlcmd_variable: (_) => token(prec(1, /\[\$\([A-Za-z_][0-9A-Za-z_]*\)\]/)),

    // SSMS template parameters `<name, type, default>`, replaced by "Specify Values for
    // Template Parameters" before the script runs. Hundreds of sample scripts and many
    // project files are templates, so a parameter stands wherever a name or a value can.
    // The type and default may be empty; the default may hold spaces and punctuation.
    // Text glued to a parameter belongs to the same name (`df_<column_name, sysname, c>`,
    // `fn_cdc_get_all_changes_<capture_instance, sysname, ci>`), so the token takes it.
    template_parameter: (_) =>
      token(
        prec(
          1,
          new RegExp(
            `([@#A-Za-z_][0-9A-Za-z_@#$]*)?(${TEMPLATE_PARAMETER}[0-9A-Za-z_@#$]*)+`,
          ),
        ),
      ),

    // A parameter or variable may be named `@` alone (`DECLARE @ int`), which SQL Server
    // accepts.
    identifier: ($, original) => choice(original, $.template_parameter, $._pseudo_column, $._lone_at),
    _lone_at: (_) => token(prec(-1, '@')),

    // Where only a constant is allowed (`SAMPLE <percentage, , 50> PERCENT`, a default
    // value), a template parameter or a SQLCMD variable is the constant. In an expression
    // the identifier reading wins, so they stay `field`s there.
    literal: ($, original) => choice(original, prec(-1, choice($.template_parameter, $.sqlcmd_variable))),

    // A template parameter or a SQLCMD variable may stand for a whole statement:
    // `<function_body, , RETURN @p1 + @p2>`, `$(ExecuteStatement)`.
    statement: ($, original) =>
      choice(
        original,
        $.add_signature_statement,
        $.drop_signature_statement,
        $.checkpoint_statement,
        $.restore_statement,
        $.broker_priority_statement,
        $.remote_service_binding_statement,
        $.endpoint_statement,
        $.resource_governor_statement,
        $.fulltext_stoplist_statement,
        $.audit_specification_statement,
        $.backup_key_statement,
        $.alter_server_configuration,
        $.availability_group_statement,
        $.cryptographic_provider_statement,
        $.database_encryption_key_statement,
        $.search_property_list_statement,
        $.add_sensitivity_classification,
        $.drop_sensitivity_classification,
        $.workload_classifier_statement,
        $.external_object_statement,
        $.create_external_table,
        $.copy_into_statement,
        $.shutdown_statement,
        $.federation_statement,
        $.rename_statement,
        $.lineno_statement,
        $.insert_bulk_statement,
        prec(-1, $.sqlcmd_variable),
      ),

    // BULK INSERT t FROM name: ScriptDom and SQL Server also take the data file as an
    // identifier ([C:\data\f.csv], "f.csv").
    bulk_insert_statement: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            $.keyword_bulk,
            $.keyword_insert,
            $.object_reference,
            $.keyword_from,
            field('file', $.identifier),
            optional($.with_options),
          ),
        ),
      ),

    // INSERT BULK table [(column type [NULL | NOT NULL] [, ...])] [WITH (options)]: the
    // statement bulk-copy clients (bcp, SqlBulkCopy) send, seen in traces and captured
    // workloads.
    insert_bulk_statement: ($) =>
      prec.right(
        seq(
          $.keyword_insert,
          $.keyword_bulk,
          field('table', $.object_reference),
          optional(paren_list(alias($._insert_bulk_column, $.column_definition), true)),
          optional(
            seq(
              $.keyword_with,
              paren_list(choice($.option, seq($.keyword_order, paren_list(alias($.ordered_column, $.column), true))), true),
            ),
          ),
        ),
      ),
    _insert_bulk_column: ($) =>
      prec.right(seq(field('name', $.identifier), optional(field('type', $._type)), optional(choice($.keyword_null, $._not_null)))),

    // LINENO n: renumbers the lines the server reports errors at (undocumented, and what
    // SSMS-scripted batches and ScriptDom carry).
    lineno_statement: ($) => seq($.keyword_lineno, field('line', $.literal)),
    keyword_lineno: (_) => keyword('lineno'),

    // CHECKPOINT [duration]
    checkpoint_statement: ($) =>
      prec.right(seq($.keyword_checkpoint, optional(field('duration', $.literal)))),


    // ---------------------------------------------------------------------------------
    // SQLCMD's own commands are case-insensitive (`:SETVAR`, `:R`), unlike the base's
    // tokens; the shapes stay the base's.
    sqlcmd_setvar: ($) =>
      prec.right(
        seq(
          alias(sqlcmd_command_name('setvar'), ':setvar'),
          field('name', $.identifier),
          optional(field('value', choice($.object_reference, $.literal))),
        ),
      ),
    sqlcmd_include: ($) =>
      seq(alias(sqlcmd_command_name('r'), ':r'), alias($._sqlcmd_path, $.identifier)),

    // ---------------------------------------------------------------------------------
    // EXEC[UTE], overridden for WITH RESULT SETS (and WITH RECOMPILE beside it) on both
    // the procedure form and the dynamic-SQL form. Shapes and fields are the base's.
    execute_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_exec, $.keyword_execute),
          choice(
            seq(
              optional(seq(field('return_status', $.identifier), '=')),
              field('procedure', $.object_reference),
              // `EXEC dbo.p;2` runs the numbered procedure 2 of group p.
              optional(field('number', alias(token(prec(1, /;[0-9]+/)), $.procedure_number))),
              optional($._exec_arguments),
              optional($._execute_options),
            ),
            // EXEC OPENDATASOURCE('provider', 'connection').db.schema.procedure ...: a
            // procedure on a server reached ad hoc
            seq(
              field('source', $.invocation),
              '.',
              field('procedure', $.object_reference),
              optional($._exec_arguments),
              optional($._execute_options),
            ),
            seq(
              wrapped_in_parenthesis(comma_list($._expression, true)),
              optional(
                choice(
                  seq($.keyword_at, $.identifier),
                  seq($.keyword_as, choice($.keyword_user, $.keyword_login), '=', $._expression),
                ),
              ),
              optional($._execute_options),
            ),
          ),
        ),
      ),

    _execute_options: ($) =>
      seq($.keyword_with, comma_list(choice($.keyword_recompile, $.result_sets), true)),

    // RESULT SETS { UNDEFINED | NONE | ( definition [, ...] ) }
    result_sets: ($) =>
      seq(
        $.keyword_result,
        $.keyword_sets,
        choice($.keyword_undefined, $.keyword_none, paren_list($.result_set_definition, true)),
      ),

    // ( column type [NULL | NOT NULL] [, ...] ) | AS OBJECT name | AS TYPE name | AS FOR XML
    result_set_definition: ($) =>
      choice(
        paren_list($.result_set_column, true),
        seq($.keyword_as, choice($.keyword_object, $.keyword_type), $.object_reference),
        seq($.keyword_as, $.keyword_for, $.keyword_xml),
      ),

    result_set_column: ($) =>
      seq(
        field('name', $.identifier),
        field('type', $._type),
        optional(seq($.keyword_collate, $.identifier)),
        optional(choice($.keyword_null, $._not_null)),
      ),

    // A batch's first statement may call a procedure without EXEC (`sp_who`, `sp_help
    // 't'`): the server treats a leading name as a procedure call. Only system procedure
    // names (`sp_`, `xp_`) are read that way, so a misspelt keyword or a stray ELSE at the
    // start of a batch stays an error instead of becoming a call.
    _bare_procedure_call: ($) =>
      prec.right(
        seq(
          field('procedure', alias($._bare_procedure_name, $.object_reference)),
          optional($._exec_arguments),
        ),
      ),
    _bare_procedure_name: ($) =>
      choice(
        field('name', alias(token(prec(1, /[sSxX][pP]_[0-9A-Za-z_#$]*/)), $.identifier)),
        // No statement starts with `name.name`: `tSQLt.DropClass 'Tests'`.
        seq(field('schema', $.identifier), '.', field('name', $.identifier)),
        // A bracketed name can never be a keyword: `[usp_Load] 1`.
        field('name', alias($._bracketed_identifier, $.identifier)),
      ),

    // ---------------------------------------------------------------------------------
    // Queries.
    //
    // WHERE, GROUP BY and HAVING without FROM are legal (`SELECT 1 WHERE @a = 1`), so the
    // query body is overridden to make each clause independent; the tree is unchanged.
    _query_specification_later: ($) => optional_parenthesis(seq($.select, ...query_rest($))),

    // `((SELECT 1) + 1)`, `IF ((SELECT v FROM t) < 11)`, `FROM ((SELECT ...) UNION ALL ...)`:
    // the base wraps a parenthesized query with right-associative precedence, which
    // commits `((SELECT` to a doubly parenthesized query before the parser can see
    // whether an operator follows. Without the precedence the parser forks there and
    // the token after the inner `)` decides.
    query_specification: ($) =>
      choice($._query_specification_core, seq('(', $._query_specification_core, ')')),
    // A branch of a set operation may itself be a parenthesized set operation:
    // `(SELECT a FROM t EXCEPT SELECT a FROM u) UNION ALL (SELECT a FROM v)`.
    set_operation: ($) =>
      prec.right(
        seq(
          choice($.query_specification, $._parenthesized_set_operation),
          repeat1(
            seq(
              field(
                'operation',
                choice(seq($.keyword_union, optional($.keyword_all)), $.keyword_except, $.keyword_intersect),
              ),
              choice(alias($._query_specification_later, $.query_specification), $._parenthesized_set_operation),
            ),
          ),
          optional($.order_by),
          optional($.offset_fetch),
          optional($.option_clause),
          optional($.for_clause),
        ),
      ),
    _parenthesized_set_operation: ($) => seq('(', $.set_operation, ')'),

    _select_statement: ($) =>
      choice($._select_statement_body, seq('(', $._select_statement_body, ')')),
    _select_statement_body: ($) =>
      seq(
        alias($._query_specification_core, $.query_specification),
        optional($.order_by),
        optional($.offset_fetch),
        optional($.option_clause),
        optional($.for_clause),
      ),
    _query_expression: ($) =>
      choice(
        $._select_statement,
        $.set_operation,
        seq('(', choice($._select_statement, $.set_operation), ')'),
        // `AS <select_statement, , SELECT ...>` in a view, cursor or statement template.
        // Inside parentheses the name reading wins.
        prec(-2, $.template_parameter),
      ),

    // MERGE, overridden so the source may be a table value constructor:
    // `USING (VALUES (@a, @b)) AS s (a, b)`. Otherwise the base's shape.
    merge: ($) =>
      seq(
        $.keyword_merge,
        optional($.top_clause),
        optional($.keyword_into),
        write_target($),
        optional($._alias),
        $.keyword_using,
        choice($.subquery, $.invocation, $.object_reference, wrapped_in_parenthesis($.values)),
        optional($.table_hint),
        aliased_with_columns($),
        $.keyword_on,
        optional_parenthesis(field('predicate', $._expression)),
        repeat1($._merge_when_clause),
        optional($.output_clause),
        optional($.option_clause),
      ),


    // A parenthesized join as a row source: `a JOIN (b JOIN c ON ...) ON ...`, also in
    // more than one pair of parentheses.
    // A graph table in a SHORTEST_PATH query: `Person FOR PATH AS p`.
    // The deprecated hint before the alias: `FROM dbo.t (NOLOCK) a`.
    // An INSERT, UPDATE or DELETE with OUTPUT as a row source, like the base's MERGE:
    // `FROM (INSERT INTO t OUTPUT inserted.id SELECT ...) AS changes`.
    relation: ($, original) =>
      choice(
        original,
        $.parenthesized_join,
        prec.right(seq($.static_method_call, optional($._alias))),
        prec.right(seq($.object_reference, field('graph_path', $.keyword_for_path), optional($._alias))),
        seq($.object_reference, alias($._bare_table_hint, $.table_hint), $._alias),
        prec.right(seq(wrapped_in_parenthesis(choice($.insert, $.update, $.delete)), aliased_with_columns($))),
      ),
    parenthesized_join: ($) =>
      choice(
        seq('(', $._relation_with_hint, repeat1(choice($.join, $.cross_join, $.apply_join)), ')'),
        seq('(', $.parenthesized_join, ')'),
      ),
    // `FOR PATH` is one token: after a table name a plain FOR may start a FOR XML clause.
    keyword_for_path: (_) => token(prec(1, new RegExp(`${make_keyword('for').source}\\s+${make_keyword('path').source}`))),

    // JOIN, overridden so that more than one join may come before a deferred ON:
    // `a RIGHT JOIN b JOIN c ON .. JOIN d ON .. ON ..` (the base takes one). Otherwise the
    // base's shape.
    join: ($) =>
      seq(
        optional(
          seq(
            choice(
              seq($.keyword_left, optional($.keyword_outer)),
              seq($.keyword_right, optional($.keyword_outer)),
              seq($.keyword_full, optional($.keyword_outer)),
              $.keyword_inner,
            ),
            optional($.join_hint),
          ),
        ),
        $.keyword_join,
        $._relation_with_hint,
        repeat($.join),
        $.keyword_on,
        field('predicate', $._expression),
      ),

    // `type::Method(...)`: a static method of a CLR type (`geography::Point(...)`) and the
    // old `::fn_name(...)` system-function spelling; without an argument list, a static
    // property (`t::MaxValue`).
    static_method_call: ($) =>
      prec.right(
        2,
        seq(
          optional(field('type', $.object_reference)),
          '::',
          field('method', $.identifier),
          optional(paren_list(field('argument', $._expression))),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // Queries and expressions, round two: the shapes the ScriptDom test scripts and the
    // wide corpus showed missing. Node kinds and fields stay the base's where one exists.

    // A method or property of any expression, not only of a parenthesized one:
    // `CAST(x AS xml).value('.', 'int')`, `EVENTDATA().value(...)`, the chained
    // `n.query('.').value(...)` and `RegEx::Expr(N'..').CaseSen`. A property (no argument
    // list) is only read after a call or a parenthesized expression, where `.name` cannot
    // continue a qualified name.
    method_call: ($) =>
      prec.right(
        1,
        seq(
          field(
            'target',
            choice(
              $.subquery,
              $.parenthesized_expression,
              $.cast,
              $.invocation,
              $.method_call,
              $.static_method_call,
            ),
          ),
          '.',
          field('method', $.identifier),
          optional(paren_list(field('parameter', $.term))),
        ),
      ),

    // `SELECT @v += expr` (and `-=`, `*=` …) assigns in a select list as `SET` does; the
    // base reads `+=` as `+` followed by a missing operand. It is an operator of the
    // comparison family, like the `=` of `SELECT @v = expr`, so the lowering reads both
    // the same way.
    // `a LIKE b ESCAPE '\'`: the escape character binds to the LIKE, above AND/OR.
    // `a < = b`, `a ! = b`: SQL Server reads a comparison operator with spaces inside as
    // the operator. `<<` and `>>` (2022) shift bits, `||` (2022) concatenates, `||=`
    // appends; `||=` is an assignment like `+=`.
    binary_expression: ($, original) =>
      choice(
        original,
        ...['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '||='].map((operator) =>
          prec.left(
            'binary_relation',
            seq(field('left', $._expression), field('operator', operator), field('right', $._expression)),
          ),
        ),
        ...[
          [/<\s+=/, '<='],
          [/>\s+=/, '>='],
          [/!\s+=/, '!='],
          [/<\s+>/, '<>'],
          [/!\s+</, '!<'],
          [/!\s+>/, '!>'],
        ].map(([spelling, operator]) =>
          prec.left(
            'binary_relation',
            seq(
              field('left', $._expression),
              field('operator', alias(token(spelling), operator)),
              field('right', $._expression),
            ),
          ),
        ),
        ...['<<', '>>', '||'].map((operator) =>
          prec.left(
            'binary_plus',
            seq(field('left', $._expression), field('operator', operator), field('right', $._expression)),
          ),
        ),
        prec.left(
          'pattern_escape',
          seq(
            field('left', $._expression),
            field('operator', choice($.keyword_like, $.not_like)),
            field('right', $._expression),
            choice(
              seq($.keyword_escape, field('escape', $._expression)),
              // the ODBC escape sequence {ESCAPE 'c'}
              seq('{', $.keyword_escape, field('escape', $._expression), '}'),
            ),
          ),
        ),
      ),
    assignment_operator: (_, original) => choice(original, '||='),

    // name(args), overridden for the aggregates of SQL Server 2022 and 2025 beside the
    // base's shape: JSON_OBJECTAGG(key : value), an ORDER BY inside the argument list
    // (JSON_ARRAYAGG(x ORDER BY y)), a NULL ON NULL clause, and WITHIN GROUP (GRAPH PATH)
    // after the graph aggregates of SHORTEST_PATH.
    invocation: ($) =>
      prec(
        1,
        seq(
          $.object_reference,
          wrapped_in_parenthesis(
            seq(
              comma_list(
                choice(
                  seq(optional($.keyword_distinct), field('parameter', choice($.term, $.keyword_default))),
                  field('parameter', $.json_key_value),
                  // CONTAINS((t.*), ...), FREETEXT((t.*), ...): the columns a full-text
                  // predicate searches
                  field('parameter', alias($._parenthesized_all_fields, $.list)),
                ),
              ),
              optional($.order_by),
              optional($.json_null_clause),
              optional($.returning_clause),
              optional($.json_wrapper_clause),
            ),
          ),
          optional(
            seq(
              $.keyword_within,
              $.keyword_group,
              wrapped_in_parenthesis(choice($.order_by, $.graph_path_order)),
            ),
          ),
        ),
      ),
    _parenthesized_all_fields: ($) => seq('(', $.all_fields, ')'),

    // WITH CHANGE_TRACKING_CONTEXT (context) [, cte ...] before INSERT, UPDATE, DELETE or MERGE
    // tags the change with the application's context; it sits where a CTE would.
    cte: ($, original) =>
      choice(original, seq($.keyword_change_tracking_context, '(', field('context', $._expression), ')')),

    // SELECT ALL TOP n ...: ALL before a TOP cannot be the ALL of `= ALL (subquery)`.
    select: ($, original) => choice(original, seq($.keyword_select, $.keyword_all, $.top_clause, $.select_expression)),

    graph_path_order: ($) => seq($.keyword_graph, $.keyword_path),
    keyword_graph: (_) => keyword('graph'),
    keyword_escape: (_) => keyword('escape'),
    keyword_approx: (_) => keyword('approx'),
    keyword_approximate: (_) => keyword('approximate'),
    keyword_last_node: (_) => keyword('last_node'),
    // IGNORE NULLS and RESPECT NULLS are one token each, so `ignore` alone stays a name.
    keyword_ignore_nulls: (_) => token(prec(1, new RegExp(`${make_keyword('ignore').source}\\s+${make_keyword('nulls').source}`))),
    keyword_respect_nulls: (_) => token(prec(1, new RegExp(`${make_keyword('respect').source}\\s+${make_keyword('nulls').source}`))),
    // `FETCH APPROX[IMATE]` is one token: after ORDER BY a plain FETCH may start a cursor
    // FETCH statement, and only the next word tells.
    keyword_fetch_approximate: (_) =>
      token(prec(1, new RegExp(`${make_keyword('fetch').source}\\s+${make_keyword('approx').source}(${make_keyword('imate').source})?`))),

    // FIRST_VALUE(x) IGNORE NULLS OVER (...) (2022); NEXT VALUE FOR s OVER (ORDER BY ...).
    window_function: ($) =>
      seq(
        $.invocation,
        optional(field('nulls', choice($.keyword_ignore_nulls, $.keyword_respect_nulls))),
        $.keyword_over,
        choice($.window_specification, field('window', $.identifier)),
      ),
    next_value_for: ($) =>
      prec.right(
        seq(
          $.keyword_next,
          $.keyword_value,
          $.keyword_for,
          $.object_reference,
          optional(seq($.keyword_over, $.window_specification)),
        ),
      ),

    // TOP n [PERCENT] [WITH TIES | WITH APPROX[IMATE]] (2025's approximate vector search);
    // the bare count may be a decimal before PERCENT.
    top_clause: ($) =>
      seq(
        $.keyword_top,
        choice(
          wrapped_in_parenthesis($._expression),
          alias($._natural_number, $.literal),
          alias($._decimal_number, $.literal),
        ),
        optional($.keyword_percent),
        optional(seq($.keyword_with, choice($.keyword_ties, $.keyword_approx, $.keyword_approximate))),
      ),

    // OFFSET n ROWS [FETCH { FIRST | NEXT } n ROWS ONLY], and 2025's
    // [OFFSET n ROWS] FETCH APPROX[IMATE] { FIRST | NEXT } n ROWS ONLY.
    offset_fetch: ($) =>
      prec.right(
        choice(
          seq(
            $.keyword_offset,
            $._expression,
            choice($.keyword_row, $.keyword_rows),
            optional(seq(choice($.keyword_fetch, $.keyword_fetch_approximate), ...fetch_rows($))),
          ),
          seq($.keyword_fetch_approximate, ...fetch_rows($)),
        ),
      ),

    // Table hints: an index may be named by number (`INDEX(0, 1, ix)`, `INDEX = 1`), a
    // hint may take a value (`SPATIAL_WINDOW_MAX_CELLS = 512`) or an index and columns
    // (`FORCESEEK(ix (c1))`). SQL Server also lets the commas between hints out
    // (`ROWLOCK SERIALIZABLE`), which the grammar does not follow: after `WITH (a b` the
    // list could as well be an OPENJSON schema's column and its type.
    table_hint_item: ($, original) =>
      choice(
        original,
        seq(field('name', $.identifier), '=', field('value', $.literal)),
        seq(field('name', $.identifier), '(', field('index', $._index_name), optional(paren_list($.identifier, true)), ')'),
      ),
    _index_hint: ($) =>
      seq(
        $.keyword_index,
        choice(paren_list(field('index', $._index_name), true), seq('=', field('index', $._index_name))),
      ),
    _index_name: ($) => choice($.identifier, alias($._natural_number, $.literal)),

    // CROSS APPLY (VALUES ...) AS v (cols), and APPLY to a table, a temp table or a
    // table variable (`CROSS APPLY #t cp`), with a hint, or to a parenthesized join,
    // beside the base's function and subquery.
    apply_join: ($) =>
      prec.right(
        seq(
          choice(seq($.keyword_cross, $.keyword_apply), seq($.keyword_outer, $.keyword_apply)),
          choice(
            $.subquery,
            seq($.invocation, optional($.openjson_schema)),
            wrapped_in_parenthesis($.values),
            seq($.object_reference, optional($.table_hint)),
            $.parenthesized_join,
          ),
          aliased_with_columns($),
        ),
      ),

    // Graph MATCH: patterns joined by AND (SQL Server's spelling; the base's comma is
    // kept), arrows with spaces inside (`- >`, `< -`), SHORTEST_PATH in both of its
    // forms, and LAST_NODE(n) as a node or compared with another.
    graph_match_expr: ($) =>
      seq($._graph_pattern, repeat(seq(choice(',', $.keyword_and), $._graph_pattern))),
    _graph_pattern: ($) =>
      choice(
        $.graph_shortest_path,
        $.graph_path,
        $.last_node_comparison,
      ),
    last_node_comparison: ($) => seq(field('left', $.last_node), '=', field('right', $.last_node)),
    last_node: ($) => seq($.keyword_last_node, '(', field('node', $.identifier), ')'),
    _graph_node: ($) => choice($.identifier, $.last_node),
    graph_path: ($) => seq(field('node', $._graph_node), repeat1($.graph_hop)),
    graph_hop: ($) => seq($._graph_arrow, field('node', $._graph_node)),
    _graph_arrow: ($) =>
      choice(
        seq('-', wrapped_in_parenthesis($._graph_edge_names), choice('->', seq('-', '>'))),
        seq(choice('<-', seq('<', '-')), wrapped_in_parenthesis($._graph_edge_names), '-'),
      ),
    // SHORTEST_PATH(n (-(e)->m)+) and SHORTEST_PATH((n -(e)->)+ m); the quantifier is `+`
    // or `{1, 3}`.
    graph_shortest_path: ($) =>
      seq(
        $.keyword_shortest_path,
        '(',
        choice(
          seq(field('node', $._graph_node), '(', repeat1($.graph_hop), ')', $.graph_quantifier),
          seq(
            '(',
            field('node', $._graph_node),
            repeat($.graph_hop),
            alias($._graph_arrow, $.graph_hop),
            ')',
            $.graph_quantifier,
            field('node', $._graph_node),
          ),
        ),
        ')',
      ),
    graph_quantifier: ($) =>
      choice('+', seq('{', alias($._natural_number, $.literal), ',', alias($._natural_number, $.literal), '}')),

    // `SELECT match = CASE ... END`: MATCH is a keyword only before a graph pattern's `(`,
    // so elsewhere in an expression it is a column name.
    _expression: ($, original) =>
      choice(
        original,
        $.static_method_call,
        $.odbc_literal,
        alias($._keyword_column, $.field),
        alias($._parse_call, $.cast),
      ),
    _keyword_column: ($) => prec(-1, field('name', alias($.keyword_match, $.identifier))),

    // ODBC literal escapes: `{guid '...'}`, `{d '2024-01-31'}`, `{ts '...'}`.
    odbc_literal: ($) => seq('{', field('kind', $.identifier), field('value', $.literal), '}'),

    // FOR BROWSE, the cursor-library clause beside the base's FOR XML / JSON / UPDATE.
    for_clause: ($, original) => choice(original, seq($.keyword_for, $.keyword_browse)),
    keyword_browse: (_) => keyword('browse'),

    // Money without a whole part (`$.99`) and a float whose exponent has no digits
    // (`0.0E`, `2E`, `1e+`), all of which SQL Server reads.
    _money: (_) => /\$(\d+(,\d{3})*(\.\d*)?|\.\d+)/,
    _decimal_number: (_) => /((\d+\.\d*|\.\d+)([eE][+-]?\d*)?)|(\d+[eE][+-]?\d*)/,

    // INSERT, overridden whole because the base's column list takes one-part names only:
    // SQL Server also reads a column qualified by its table (`INSERT INTO dbo.t (t.a,
    // dbo.t.b)`). Each entry is still a `column`; its last identifier is the column.
    insert: ($) =>
      seq(
        $.keyword_insert,
        optional($.top_clause),
        optional($.keyword_into),
        write_target($, { allowBareHint: false }),
        optional(alias($._insert_column_list, $.list)),
        optional($.output_clause),
        $._insert_source,
      ),
    _insert_column_list: ($) => paren_list(alias($._insert_column, $.column), true),
    _insert_column: ($) => seq(repeat(seq($.identifier, '.')), $.identifier),

    // Object names whose leading parts are left to their defaults: `.db.dbo.t` (no server),
    // `..dbo.t`, `.db..t`, `...t`, and the column prefix `..t` in `..t.c`.
    object_reference: ($, original) =>
      choice(
        original,
        seq('.', field('database', $.identifier), '.', field('schema', $.identifier), '.', field('name', $.identifier)),
        seq('.', field('database', $.identifier), '.', '.', field('name', $.identifier)),
        seq('.', '.', field('schema', $.identifier), '.', field('name', $.identifier)),
        seq('.', '.', field('name', $.identifier)),
        seq('.', '.', '.', field('name', $.identifier)),
        // .t and .s.t: the leading part left empty
        seq('.', field('name', $.identifier)),
        seq('.', field('schema', $.identifier), '.', field('name', $.identifier)),
      ),

    // PARSE(x AS type [USING culture]) and TRY_PARSE: a conversion like CAST, so the same
    // node kind with the same fields.
    _parse_call: ($) =>
      seq(
        field('name', choice(keyword('parse'), keyword('try_parse'))),
        '(',
        field('parameter', $._expression),
        $.keyword_as,
        $._type,
        optional(seq($.keyword_using, field('culture', $._expression))),
        ')',
      ),

    // An OPENJSON or OPENROWSET(BULK ...) schema column may carry a collation:
    // `WITH (c nvarchar(100) COLLATE Latin1_General_BIN2 '$.c')`.
    openjson_column: ($) =>
      seq(
        field('name', $.identifier),
        field('type', $._type),
        optional(seq($.keyword_collate, field('collation', $.identifier))),
        optional(field('path', $.literal)),
        optional(seq($.keyword_as, $.keyword_json)),
      ),

    // A regular identifier may hold `@` after its first character as well
    // (`test._@Helper@_$Bug$_AddUser`, `Len@pattern`), as SQL Server's rules allow.
    _identifier: (_) => new RegExp(`[${IDENTIFIER_START}][${IDENTIFIER_CONTINUE}@]*`),

    // SELECT ... INTO t ON filegroup (2017).
    _query_specification_core: ($) =>
      seq(
        $.select,
        optional(
          seq(
            $.keyword_into,
            $.object_reference,
            optional(seq($.keyword_on, field('filegroup', $.identifier))),
          ),
        ),
        ...query_rest($),
      ),

    // Its own rule so that the precedence keeps the WITH of every item, not only the first.
    // The trailing WITH ROLLUP is read here too (the rule is hidden, so the tree is the
    // same): after an item, only the word after WITH tells the two apart.
    _group_by_item: ($) =>
      prec.right(
        seq(
          choice($._expression, $.grouping_sets),
          optional(
            seq(
              $.keyword_with,
              choice(
                seq('(', alias(keyword('distributed_agg'), $.identifier), ')'),
                $.keyword_rollup,
                $.keyword_cube,
              ),
            ),
          ),
        ),
      ),
    // GROUP BY c WITH (DISTRIBUTED_AGG): a hint on one grouping column (Synapse), and
    // GROUP BY ... WITH ROLLUP | WITH CUBE (the pre-2008 spelling).
    group_by: ($) =>
      prec.right(
        seq(
          $.keyword_group,
          $.keyword_by,
          comma_list($._group_by_item, true),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // RESTORE { DATABASE | LOG } name [FROM device [, ...]] [WITH option [, ...]]
    // RESTORE { FILELISTONLY | HEADERONLY | VERIFYONLY | LABELONLY } FROM device [WITH ...]
    restore_statement: ($) =>
      prec.right(
        seq(
          $.keyword_restore,
          choice(
            seq(choice($.keyword_database, $.keyword_log), field('name', $.identifier)),
            $.identifier,
          ),
          // FILE = 'logical_file' | FILEGROUP = 'fg' [, ...]: a piecemeal or file restore
          optional(comma_list($.backup_file, true)),
          optional(seq($.keyword_from, comma_list($.option, true))),
          optional(seq($.keyword_with, comma_list(choice($.restore_move, $.option), true))),
        ),
      ),

    // MOVE 'logical_file' TO 'physical_path'
    restore_move: ($) =>
      seq($.keyword_move, field('file', $._option_literal), $.keyword_to, field('path', $._option_literal)),
    _option_literal: ($) => choice($.literal, $.identifier),

    // ---------------------------------------------------------------------------------
    // CREATE [PRIMARY] XML INDEX name ON table (column)
    //   [USING XML INDEX primary [FOR { VALUE | PATH | PROPERTY | (path) }]] [WITH (options)]
    create_xml_index: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          optional($.keyword_primary),
          $.keyword_xml,
          $.keyword_index,
          field('name', $.identifier),
          $.keyword_on,
          field('table', $.object_reference),
          paren_list(field('column', $.identifier), true),
          optional(
            seq(
              $.keyword_using,
              $.keyword_xml,
              $.keyword_index,
              field('using', $.identifier),
              optional(
                seq(
                  $.keyword_for,
                  choice(
                    $.keyword_value,
                    $.keyword_path,
                    $.keyword_property,
                    // a secondary selective XML index: FOR (path)
                    paren_list(field('path', $.identifier), true),
                  ),
                ),
              ),
            ),
          ),
          optional($.with_options),
        ),
      ),

    // CREATE [UNIQUE] [CLUSTERED | NONCLUSTERED] INDEX name ON table (columns)
    //   WITH PAD_INDEX, FILLFACTOR = n, IGNORE_DUP_KEY [ON filegroup]: the backward
    //   compatible option list without parentheses, which SQL Server still accepts.
    create_index: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            ...index_head($),
            alias($._legacy_index_options, $.with_clause),
            optional($.on_filegroup),
          ),
        ),
        // ... [ON filegroup] FILESTREAM_ON { filegroup | scheme | "NULL" }: where the table's
        // FILESTREAM data goes when the index is clustered
        prec.right(
          seq(
            ...index_head($),
            optional($.covering_columns),
            optional($.where),
            optional($.with_options),
            optional($.on_filegroup),
            $.keyword_filestream_on,
            field('filestream', $.identifier),
          ),
        ),
        // CREATE { SPATIAL | JSON | SELECTIVE XML } INDEX name ON table (column)
        //   { USING grid | FOR (paths) } [WITH (...)] [ON filegroup]
        prec.right(
          seq(
            $.keyword_create,
            field('storage', $.identifier),
            optional(field('storage', $.identifier)),
            $.keyword_index,
            field('name', $.identifier),
            $.keyword_on,
            $.object_reference,
            $.ordered_columns,
            optional(seq($.keyword_with, $.xmlnamespaces)),
            choice(
              seq($.keyword_using, field('tessellation', $.identifier)),
              seq($.keyword_for, paren_list(choice(field('path', $.literal), $.index_path), true)),
            ),
            optional($.with_options),
            optional($.on_filegroup),
          ),
        ),
      ),

    // A selective XML index's path: name = 'path' [AS XQUERY 'type' | AS XQUERY MAXLENGTH(n)
    //   | AS SQL type] [SINGLETON]
    index_path: ($) =>
      prec.right(
        seq(
          field('name', $.identifier),
          '=',
          field('path', $.literal),
          optional(
            seq(
              $.keyword_as,
              field('mapping', $.identifier),
              optional(field('type', choice($.literal, $._type))),
              optional(seq($.keyword_maxlength, '(', field('length', $.literal), ')')),
              optional($.keyword_singleton),
            ),
          ),
        ),
      ),

    // The option lists of the old index syntax: bare names (PAD_INDEX, IGNORE_DUP_KEY,
    // SORTED_DATA) or name = value (FILLFACTOR = 80). Unlike `option`, a name takes no
    // ON/OFF after it, so `WITH PAD_INDEX ON [PRIMARY]` leaves ON to the filegroup.
    _legacy_index_options: ($) => seq($.keyword_with, comma_list(alias($._legacy_index_option, $.option), true)),
    // A key constraint's WITH FILLFACTOR = n (and the older SORTED_DATA ...), space-separated.
    _legacy_fillfactor: ($) => prec.right(seq($.keyword_with, repeat1(alias($._legacy_index_option, $.option)))),
    _legacy_index_option: ($) =>
      prec.right(seq(field('name', $.identifier), optional(seq('=', field('value', $._option_value))))),

    // The memory-optimized index kind NONCLUSTERED HASH. (CREATE INDEX reads a following
    // COLUMNSTORE itself.)
    _index_kind: ($, original) => choice(original, seq($.keyword_nonclustered, $.keyword_hash)),

    // INDEX name CLUSTERED COLUMNSTORE [WITH (...)] [ON ...] has no column list,
    // INDEX name UNIQUE [kind] (columns) is a unique inline index, and an inline index
    // may cover columns (INCLUDE) and filter its rows (WHERE).
    // A key of Azure Synapse / Fabric may be declared NOT ENFORCED.
    constraint: ($, original) =>
      choice(
        original,
        prec.right(seq(original, $.keyword_not, $.keyword_enforced)),
        // { PRIMARY KEY | UNIQUE } [kind] (columns) WITH FILLFACTOR = n [ON ...]: the
        // documented unparenthesized single option, kept for old scripts.
        prec.right(
          seq(
            optional(seq($.keyword_constraint, field('name', $.identifier))),
            choice($._primary_key, $.keyword_unique),
            optional($._index_kind),
            $.ordered_columns,
            alias($._legacy_fillfactor, $.with_clause),
            optional($.on_filegroup),
          ),
        ),
        // [CONSTRAINT name] FOREIGN KEY REFERENCES t [(columns)] ...: a table-level key
        // that names no columns of its own, which ScriptDom and SQL Server read as the
        // column-level form.
        prec.right(
          seq(
            optional(seq($.keyword_constraint, field('name', $.identifier))),
            $.keyword_foreign,
            $.keyword_key,
            $.keyword_references,
            $.object_reference,
            optional(paren_list($.identifier, true)),
            repeat($.referential_action),
            optional($._not_for_replication),
          ),
        ),
        // CONSTRAINT name CONNECTION (from_node TO to_node [, ...]) [ON DELETE action]
        prec.right(
          seq(
            optional(seq($.keyword_constraint, field('name', $.identifier))),
            $.keyword_connection,
            paren_list(seq(field('from', $.object_reference), $.keyword_to, field('to', $.object_reference)), true),
            optional($.referential_action),
          ),
        ),
        // INDEX name HASH (columns) WITH (BUCKET_COUNT = n)
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            $.keyword_hash,
            $.ordered_columns,
            optional($.with_options),
          ),
        ),
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            $.keyword_unique,
            optional(choice($._index_kind, $.keyword_hash)),
            $.ordered_columns,
            optional($.covering_columns),
            optional($.where),
            optional($.with_options),
            optional($.on_filegroup),
          ),
        ),
        // INDEX name [kind] (columns) INCLUDE (columns) [WHERE filter] ... and
        // INDEX name [kind] (columns) WHERE filter ... (SQL Server 2016 and later); the
        // plain form without either is the base grammar's.
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            optional($._index_kind),
            $.ordered_columns,
            choice(seq($.covering_columns, optional($.where)), $.where),
            optional($.with_options),
            optional($.on_filegroup),
          ),
        ),
        // INDEX name [kind] (columns) [WITH (...)] ON fg FILESTREAM_ON fg
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            optional($._index_kind),
            $.ordered_columns,
            optional($.with_options),
            $.on_filegroup,
            $.table_data_placement,
          ),
        ),
        // INDEX name [NONCLUSTERED] COLUMNSTORE (columns) [WHERE filter] [WITH (...)] [ON ...]
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            optional($.keyword_nonclustered),
            $.keyword_columnstore,
            $.ordered_columns,
            optional($.where),
            optional($.with_options),
            optional($.on_filegroup),
          ),
        ),
        prec.right(
          seq(
            $.keyword_index,
            field('name', $.identifier),
            $.keyword_clustered,
            $.keyword_columnstore,
            optional($.with_options),
            optional($.on_filegroup),
          ),
        ),
      ),

    // ON 'default': the filegroup may be a string.
    on_filegroup: ($, original) => choice(original, seq($.keyword_on, $.literal)),

    // TEXTIMAGE_ON 'default' | FILESTREAM_ON 'fg': so may these.
    table_data_placement: ($, original) =>
      choice(original, seq(field('option', $.identifier), field('filegroup', $.literal))),

    // CREATE TABLE ... AS NODE | AS EDGE (graph tables) and the Synapse / PDW
    // `CREATE TABLE t WITH (DISTRIBUTION = ...) [AS SELECT ...]` forms.
    create_table: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            $.keyword_create,
            $.keyword_table,
            field('name', $.object_reference),
            optional($.column_definitions),
            $.keyword_as,
            choice($.keyword_node, $.keyword_edge, $.keyword_filetable),
            optional($.on_filegroup),
            repeat($.table_data_placement),
            optional($.with_options),
          ),
        ),
        prec.right(
          seq(
            $.keyword_create,
            $.keyword_table,
            field('name', $.object_reference),
            // CREATE TABLE AS SELECT may name its columns without types.
            optional(choice($.column_definitions, paren_list(field('column', $.identifier), true))),
            $.with_options,
            optional(seq($.keyword_as, $._dml_read)),
          ),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // CREATE DATABASE name [CONTAINMENT = x] [ON [PRIMARY] file [, ...]] [LOG ON file [, ...]]
    //   [COLLATE name] [WITH option [, ...]] [FOR ATTACH] [AS SNAPSHOT OF source]
    create_database: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_database,
          // A database may be named SCOPED (the word after it tells it from CREATE DATABASE
          // SCOPED CREDENTIAL).
          field('name', choice($.identifier, alias($.keyword_scoped, $.identifier))),
          repeat(
            choice(
              $.option,
              seq($.keyword_on, optional($.keyword_primary), comma_list($.database_file, true)),
              seq($.keyword_log, $.keyword_on, comma_list($.database_file, true)),
              seq($.keyword_collate, field('collation', $.identifier)),
              $.with_clause,
              seq($.keyword_for, $.identifier),
              seq($.keyword_as, $.keyword_snapshot, $.keyword_of, field('source', $.identifier)),
              // Azure SQL Database: (MAXSIZE = 1 GB, EDITION = 'x', SERVICE_OBJECTIVE = ...) and
              // AS COPY OF [server.]database
              paren_list($.option, true),
              seq($.keyword_as, $.keyword_copy, $.keyword_of, field('source', $.object_reference)),
            ),
          ),
        ),
      ),

    // ( NAME = x, FILENAME = 'path', SIZE = 5MB, ... ) or FILEGROUP name [CONTAINS x] [DEFAULT]
    database_file: ($) =>
      choice(
        paren_list($.option, true),
        prec.right(
          seq(
            $.keyword_filegroup,
            field('filegroup', $.identifier),
            optional(seq($.keyword_contains, $.identifier)),
            optional($.keyword_default),
            paren_list($.option, true),
          ),
        ),
      ),

    // ALTER DATABASE { name | CURRENT } { ADD FILEGROUP | ADD [LOG] FILE | MODIFY FILEGROUP
    //   | MODIFY FILE | MODIFY NAME | REMOVE FILE | REMOVE FILEGROUP } beside the base's SET,
    //   MODIFY option and COLLATE forms.
    alter_database: ($, original) =>
      choice(
        original,
        // ALTER DATABASE scoped { SET option [, ...] | COLLATE name }: a database named SCOPED,
        // told from SCOPED CONFIGURATION by the word after it.
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_database,
            field('name', alias($.keyword_scoped, $.identifier)),
            choice(seq($.keyword_set, comma_list($.option, true)), seq($.keyword_collate, $.identifier)),
          ),
        ),
        // ALTER DATABASE SCOPED CONFIGURATION FOR SECONDARY CLEAR PROCEDURE_CACHE [plan_handle]
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_database,
            $.keyword_scoped,
            $.keyword_configuration,
            $.keyword_for,
            $.keyword_secondary,
            $.keyword_clear,
            $.keyword_procedure_cache,
            optional($.literal),
          ),
        ),
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_database,
            field('name', $.identifier),
            choice(
              seq(
                $.keyword_add,
                $.keyword_filegroup,
                field('filegroup', $.identifier),
                optional(seq($.keyword_contains, $.identifier)),
              ),
              seq(
                $.keyword_add,
                optional($.keyword_log),
                $.keyword_file,
                comma_list(paren_list($.option, true), true),
                optional(seq($.keyword_to, $.keyword_filegroup, field('filegroup', $.identifier))),
              ),
              seq(
                $.keyword_modify,
                $.keyword_filegroup,
                field('filegroup', $.identifier),
                choice($.keyword_default, $.option),
              ),
              seq($.keyword_modify, $.keyword_file, paren_list($.option, true)),
              seq($.keyword_modify, $.keyword_name, '=', field('new_name', $.identifier)),
              seq($.keyword_remove, choice($.keyword_file, $.keyword_filegroup), $.identifier),
              // Azure: MODIFY (SERVICE_OBJECTIVE = ..., MAXSIZE = ...) [WITH MANUAL_CUTOVER]
              seq($.keyword_modify, paren_list($.option, true), optional(seq($.keyword_with, $.identifier))),
              // PERFORM_CUTOVER
              $.identifier,
              // SET HADR AVAILABILITY GROUP = group
              seq(
                $.keyword_set,
                $.identifier,
                $.keyword_availability,
                $.keyword_group,
                '=',
                field('availability_group', $.identifier),
              ),
            ),
          ),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // DROP for the object classes the base has no rule for. Each is one node with the
    // class words and the dropped names.
    drop_object: ($) =>
      prec.right(
        seq(
          $.keyword_drop,
          field('class', alias($._droppable_class, $.securable_class)),
          optional($._if_exists),
          comma_list(field('name', $.object_reference), true),
          optional(
            seq(
              $.keyword_on,
              choice($.keyword_database, seq($.keyword_all, $.keyword_server), $.keyword_server, $.object_reference),
            ),
          ),
          // DROP EXTERNAL LIBRARY name AUTHORIZATION owner
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
        ),
      ),

    _droppable_class: ($) =>
      choice(
        seq($.keyword_external, choice(
          seq($.keyword_data, $.keyword_source),
          seq($.keyword_file, $.keyword_format),
          $.keyword_table,
          seq($.keyword_resource, $.keyword_pool),
          $.keyword_library,
          $.keyword_language,
          $.keyword_model,
        )),
        seq($.keyword_cryptographic, $.keyword_provider),
        seq($.keyword_workload, $.keyword_classifier),
        $.keyword_federation,
        seq($.keyword_server, $.keyword_audit, optional($.keyword_specification)),
        seq($.keyword_database, $.keyword_audit, $.keyword_specification),
        seq($.keyword_event, $.keyword_notification),
        seq($.keyword_message, $.keyword_type),
        seq($.keyword_remote, $.keyword_service, $.keyword_binding),
        seq($.keyword_broker, $.keyword_priority),
        seq($.keyword_partition, choice($.keyword_function, $.keyword_scheme)),
        seq($.keyword_fulltext, choice($.keyword_catalog, $.keyword_stoplist)),
        seq($.keyword_search, $.keyword_property, $.keyword_list),
        seq($.keyword_resource, $.keyword_pool),
        seq($.keyword_workload, $.keyword_group),
        seq($.keyword_availability, $.keyword_group),
        $.keyword_service,
        $.keyword_contract,
        $.keyword_queue,
        $.keyword_route,
        $.keyword_endpoint,
        $.keyword_default,
        $.keyword_rule,
      ),

    // ---------------------------------------------------------------------------------
    // Tables and indexes.
    //
    // SQL Server accepts a trailing comma after the last column definition.
    column_definitions: ($) =>
      seq(
        '(',
        comma_list(choice($.column_definition, $.constraint, $.period_for_system_time), true),
        optional(','),
        ')',
      ),

    // name type [COLLATE x] [constraint ...] | name AS expression [PERSISTED] [constraint ...]
    // Overridden as right-associative: after ALTER TABLE t ADD c type, a following word is
    // the column's flag (SPARSE, HIDDEN, GENERATED ALWAYS ...), not a new statement.
    column_definition: ($) =>
      prec.right(
        seq(
          field('name', $._column),
          choice(
            seq(
              field('type', $._type),
              optional(seq($.keyword_collate, $.identifier)),
              repeat($._column_constraint),
            ),
            seq(
              $.keyword_as,
              field('expression', $._expression),
              optional($.keyword_persisted),
              // A computed column may be NOT NULL (when persisted) and carry PRIMARY KEY,
              // UNIQUE, CHECK and FOREIGN KEY constraints.
              repeat($._column_constraint),
            ),
          ),
        ),
      ),

    // ALTER TABLE t ALTER COLUMN c type [COLLATE x] ENCRYPTED WITH (...) [NOT NULL]
    //   [WITH (ONLINE = ON)] — Always Encrypted column changes, beside the base's forms.
    alter_table: ($, original) =>
      choice(
        original,
        // SWITCH [PARTITION n] TO target [PARTITION n] WITH (TRUNCATE_TARGET = ON |
        //   WAIT_AT_LOW_PRIORITY (...)); the form without options is the base's.
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            $.keyword_switch,
            optional(seq($.keyword_partition, field('from_partition', $._expression))),
            $.keyword_to,
            field('target', $.object_reference),
            optional(seq($.keyword_partition, field('to_partition', $._expression))),
            $.with_options,
          ),
        ),
        // DROP { [COLUMN | CONSTRAINT] [IF EXISTS] name [WITH (options)] } [, ...]: each item
        // may say what it drops and take its own options (MOVE TO, ONLINE,
        // WAIT_AT_LOW_PRIORITY); a bare name continues the kind before it.
        prec.right(
          1,
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            $.keyword_drop,
            comma_list($._alter_table_drop_item, true),
          ),
        ),
        // { SPLIT | MERGE } RANGE (boundary): Azure Synapse's partition boundaries
        seq(
          $.keyword_alter,
          $.keyword_table,
          $.object_reference,
          choice($.keyword_split, $.keyword_merge),
          $.keyword_range,
          '(',
          field('boundary', $._expression),
          ')',
        ),
        // REBUILD PARTITION = { ALL | n } [WITH (options)]
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            $.keyword_rebuild,
            $.keyword_partition,
            '=',
            choice($.keyword_all, field('partition', $._expression)),
            optional($.with_options),
          ),
        ),
        // Memory-optimized tables change their indexes through ALTER TABLE:
        // ALTER INDEX name REBUILD [WITH (BUCKET_COUNT = n)] and DROP INDEX name.
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            $.keyword_alter,
            $.keyword_index,
            field('index', $.identifier),
            $.keyword_rebuild,
            optional($.with_options),
          ),
        ),
        seq(
          $.keyword_alter,
          $.keyword_table,
          $.object_reference,
          $.keyword_drop,
          $.keyword_index,
          optional($._if_exists),
          field('index', $.identifier),
        ),
        // { ENABLE | DISABLE } CHANGE_TRACKING [WITH (TRACK_COLUMNS_UPDATED = ON)]
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            choice($.keyword_enable, $.keyword_disable),
            $.identifier,
            optional($.with_options),
          ),
        ),
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_table,
            $.object_reference,
            $.keyword_alter,
            $.keyword_column,
            field('name', $.identifier),
            choice(
              // type [COLLATE c] { FILESTREAM | SPARSE | COLUMN_SET FOR ALL_SPARSE_COLUMNS | HIDDEN
              //   | MASKED WITH (...) | ENCRYPTED WITH (...) | GENERATED ALWAYS AS ... | [NOT] NULL }...
              //   [WITH (ONLINE = ...)]. The base reads `type [COLLATE c] [[NOT] NULL]` alone.
              seq(
                field('type', $._type),
                optional(seq($.keyword_collate, $.identifier)),
                choice(
                  seq($._alter_column_attribute, repeat(choice($._alter_column_attribute, $.keyword_null, $._not_null)), optional($.with_options)),
                  seq(
                    choice($.keyword_null, $._not_null),
                    choice(seq(repeat1(choice($._alter_column_attribute, $.keyword_null, $._not_null)), optional($.with_options)), $.with_options),
                  ),
                  $.with_options,
                ),
              ),
              // { ADD | DROP } { ROWGUIDCOL | PERSISTED | NOT FOR REPLICATION | SPARSE | HIDDEN }
              //   [WITH (ONLINE = ...)]; ADD MASKED WITH (...) and DROP MASKED are the base's.
              prec(
                1,
                seq(
                  choice($.keyword_add, $.keyword_drop),
                  choice($.identifier, $.keyword_hidden, $._not_for_replication),
                  optional($.with_options),
                ),
              ),
            ),
          ),
        ),
      ),

    _alter_table_drop_item: ($) =>
      prec.right(
        1,
        seq(
          optional(choice($.keyword_column, $.keyword_constraint)),
          optional($._if_exists),
          field('element', $.identifier),
          optional($.with_options),
        ),
      ),

    // What ALTER COLUMN may say after the type, other than [NOT] NULL.
    _alter_column_attribute: ($) =>
      choice(
        $.masked_with,
        $.encrypted_with,
        $.keyword_hidden,
        seq($.keyword_generated, $.keyword_always, $.keyword_as, choice($.keyword_row, $.identifier), choice($.keyword_start, $.keyword_end)),
        // FILESTREAM, SPARSE, COLUMN_SET FOR ALL_SPARSE_COLUMNS
        prec.right(seq($.identifier, optional(seq($.keyword_for, $.identifier)))),
      ),

    // ALTER INDEX name ON table [WITH XMLNAMESPACES (...)] FOR ({ ADD path = ... | REMOVE path } [, ...])
    //   changes the paths of a selective XML index.
    _alter_index_paths: ($) =>
      seq(
        optional(seq($.keyword_with, $.xmlnamespaces)),
        $.keyword_for,
        paren_list(choice(seq($.keyword_add, $.index_path), seq($.keyword_remove, field('path', $.identifier))), true),
      ),

    // ALTER INDEX ... { REBUILD | REORGANIZE } PARTITION = { ALL | n } [WITH (options)]
    alter_index: ($, original) =>
      choice(
        original,
        seq(
          $.keyword_alter,
          $.keyword_index,
          field('name', $.identifier),
          $.keyword_on,
          $.object_reference,
          $._alter_index_paths,
        ),
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_index,
            choice($.keyword_all, field('name', $.identifier)),
            $.keyword_on,
            $.object_reference,
            choice($.keyword_rebuild, $.keyword_reorganize),
            $.keyword_partition,
            '=',
            choice($.keyword_all, field('partition', $._expression)),
            optional($.with_options),
          ),
        ),
      ),

    // SET STATISTICS { IO | TIME | XML | PROFILE } [, ...] { ON | OFF }
    set_statement: ($, original) =>
      choice(
        original,
        $._cursor_assignment,
        // SET OFFSETS SELECT, FROM, ... { ON | OFF } (deprecated): the statement kinds are keywords
        seq(
          $.keyword_set,
          $.keyword_offsets,
          comma_list(
            choice(
              $.identifier,
              $.keyword_select,
              $.keyword_from,
              $.keyword_order,
              $.keyword_table,
              $.keyword_procedure,
              $.keyword_execute,
            ),
            true,
          ),
          choice($.keyword_on, $.keyword_off),
        ),
        // SET FIPS_FLAGGER 'entry', QUERY_GOVERNOR_COST_LIMIT 10 — several options with values
        prec.right(
          seq(
            $.keyword_set,
            $.object_reference,
            choice($._expression, $.keyword_on, $.keyword_off),
            repeat1(seq(',', $.object_reference, choice($._expression, $.keyword_on, $.keyword_off))),
          ),
        ),
        seq(
          $.keyword_set,
          $.keyword_statistics,
          comma_list(choice($.identifier, $.keyword_xml), true),
          choice($.keyword_on, $.keyword_off),
        ),
      ),

    // Pseudo-columns the base lacks: the graph's $node_id, $edge_id, $from_id and $to_id,
    // change tracking's $CUID, and any other `$name`. Like ScriptDom's lexer, which reads
    // every `$name` as a pseudo-column and judges the name later, the grammar does not
    // judge it: Microsoft's own graph samples use `$nodeid`, a preview's spelling of
    // `$node_id`, in statement after statement, and one unknown name must not cost the
    // rest of the batch. (Money is `$` and a digit; `$(` is a SQLCMD variable.)
    _pseudo_column: (_) => token(prec(1, /\$[A-Za-z_][0-9A-Za-z_]*/)),

    // ---------------------------------------------------------------------------------
    // Service Broker, audit, resource governor and other server objects the base lacks.
    //
    // CREATE SERVICE name [AUTHORIZATION owner] ON QUEUE queue [(contract [, ...])]
    create_service: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_service,
          field('name', $.identifier),
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
          $.keyword_on,
          $.keyword_queue,
          field('queue', $.object_reference),
          optional(paren_list(field('contract', $.identifier), true)),
        ),
      ),

    // ALTER SERVICE name [ON QUEUE queue] [( { ADD | DROP } CONTRACT c [, ...] )]
    alter_service: ($) =>
      prec.right(
        seq(
          $.keyword_alter,
          $.keyword_service,
          field('name', $.identifier),
          optional(seq($.keyword_on, $.keyword_queue, field('queue', $.object_reference))),
          optional(
            paren_list(
              seq(choice($.keyword_add, $.keyword_drop), $.keyword_contract, field('contract', $.identifier)),
              true,
            ),
          ),
        ),
      ),

    // { CREATE | ALTER } BROKER PRIORITY name FOR CONVERSATION [SET (options)]
    broker_priority_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_create, $.keyword_alter),
          $.keyword_broker,
          $.keyword_priority,
          field('name', $.identifier),
          $.keyword_for,
          $.keyword_conversation,
          optional(seq($.keyword_set, paren_list($.option, true))),
        ),
      ),

    // { CREATE | ALTER } REMOTE SERVICE BINDING name [AUTHORIZATION owner]
    //   [TO SERVICE 'name'] WITH USER = user [, ANONYMOUS = { ON | OFF }]
    remote_service_binding_statement: ($) =>
      seq(
        choice($.keyword_create, $.keyword_alter),
        $.keyword_remote,
        $.keyword_service,
        $.keyword_binding,
        field('name', $.identifier),
        optional(seq($.keyword_authorization, field('owner', $.identifier))),
        optional(seq($.keyword_to, $.keyword_service, field('service', $.literal))),
        $.keyword_with,
        comma_list(choice(seq($.keyword_user, '=', field('user', $.identifier)), $.option), true),
      ),

    // { CREATE | ALTER } ENDPOINT name [AUTHORIZATION login] [STATE = state]
    //   [AS protocol (options)] [FOR payload (options)]
    endpoint_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_create, $.keyword_alter),
          $.keyword_endpoint,
          field('name', $.identifier),
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
          optional(seq($.keyword_state, '=', $.identifier)),
          optional(seq($.keyword_as, field('protocol', $.identifier), paren_list($.option, true))),
          optional(
            seq(
              $.keyword_for,
              field('payload', $.identifier),
              paren_list(choice($.option, alias($._endpoint_option, $.option)), true),
            ),
          ),
        ),
      ),

    // A payload option whose value is several words: AUTHENTICATION = CERTIFICATE c,
    // ENCRYPTION = REQUIRED ALGORITHM AES.
    _endpoint_option: ($) =>
      seq(field('name', $.identifier), '=', field('value', $.identifier), repeat1(field('value', $.identifier))),

    // ALTER MESSAGE TYPE name VALIDATION = x [WITH SCHEMA COLLECTION c]
    alter_message_type: ($) =>
      prec.right(
        seq(
          $.keyword_alter,
          $.keyword_message,
          $.keyword_type,
          field('name', $.identifier),
          $.keyword_validation,
          '=',
          $.identifier,
          optional(seq($.keyword_with, $.keyword_schema, $.keyword_collection, $.object_reference)),
        ),
      ),

    // CREATE RULE name AS condition | CREATE DEFAULT name AS constant (both deprecated)
    create_rule: ($) =>
      seq(
        $.keyword_create,
        choice($.keyword_rule, $.keyword_default),
        field('name', $.object_reference),
        $.keyword_as,
        field('value', $._expression),
      ),

    // { CREATE | ALTER } [EXTERNAL] RESOURCE POOL name [WITH (options)]
    // { CREATE | ALTER } WORKLOAD GROUP name [WITH (options)] [USING pool [, EXTERNAL pool]]
    // ALTER RESOURCE GOVERNOR { RECONFIGURE | DISABLE | RESET STATISTICS | WITH (options) }
    resource_governor_statement: ($) =>
      prec.right(
        choice(
          seq(
            choice($.keyword_create, $.keyword_alter),
            optional($.keyword_external),
            $.keyword_resource,
            $.keyword_pool,
            field('name', $.identifier),
            optional($.with_options),
          ),
          seq(
            choice($.keyword_create, $.keyword_alter),
            $.keyword_workload,
            $.keyword_group,
            field('name', $.identifier),
            optional($.with_options),
            optional(
              seq(
                $.keyword_using,
                comma_list(seq(optional($.keyword_external), field('pool', $.identifier)), true),
              ),
            ),
          ),
          seq(
            $.keyword_alter,
            $.keyword_resource,
            $.keyword_governor,
            choice(
              $.keyword_reconfigure,
              $.keyword_disable,
              seq($.identifier, $.keyword_statistics),
              $.with_options,
            ),
          ),
        ),
      ),

    // CREATE EVENT NOTIFICATION name ON { SERVER | DATABASE | QUEUE q } [WITH FAN_IN]
    //   FOR event [, ...] TO SERVICE 'service', { 'broker_instance' | 'current database' }
    create_event_notification: ($) =>
      seq(
        $.keyword_create,
        $.keyword_event,
        $.keyword_notification,
        field('name', $.identifier),
        $.keyword_on,
        choice($.keyword_server, $.keyword_database, seq($.keyword_queue, $.object_reference)),
        optional(seq($.keyword_with, $.identifier)),
        $.keyword_for,
        comma_list(field('event', $.identifier), true),
        $.keyword_to,
        $.keyword_service,
        field('service', $._option_literal),
        ',',
        field('broker_instance', $._option_literal),
      ),

    // { CREATE | ALTER } FULLTEXT STOPLIST name [FROM source | FROM SYSTEM STOPLIST]
    //   [AUTHORIZATION owner] | ALTER ... { ADD | DROP } 'word' LANGUAGE x
    fulltext_stoplist_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_create, $.keyword_alter),
          $.keyword_fulltext,
          $.keyword_stoplist,
          field('name', $.identifier),
          repeat(
            choice(
              seq($.keyword_from, $.object_reference, optional($.keyword_stoplist)),
              seq($.keyword_authorization, field('owner', $.identifier)),
              seq(choice($.keyword_add, $.keyword_drop), $._option_literal, $.keyword_language, $._option_literal),
              // DROP ALL [LANGUAGE x]
              prec.right(seq($.keyword_drop, $.keyword_all, optional(seq($.keyword_language, $._option_literal)))),
            ),
          ),
        ),
      ),

    // { CREATE | ALTER } { SERVER | DATABASE } AUDIT SPECIFICATION name
    //   [FOR SERVER AUDIT audit] [{ ADD | DROP } ( group | actions ON securable BY principals )
    //   [, ...]] [WITH (STATE = { ON | OFF })]
    // No prec.right: see the conflicts entry for a DROP after the last action.
    audit_specification_statement: ($) =>
      seq(
        choice($.keyword_create, $.keyword_alter),
        choice($.keyword_server, $.keyword_database),
        $.keyword_audit,
        $.keyword_specification,
        field('name', $.identifier),
        optional(seq($.keyword_for, $.keyword_server, $.keyword_audit, field('audit', $.identifier))),
        // SSMS's templates leave out the comma between actions; SQL Server's grammar has it.
        repeat(seq($.audit_action, optional(','))),
        optional($.with_options),
      ),

    audit_action: ($) =>
      seq(
        choice($.keyword_add, $.keyword_drop),
        '(',
        choice(
          field('group', $.identifier),
          seq(
            comma_list(field('action', $.permission), true),
            $.keyword_on,
            optional(seq(field('class', $.securable_class), '::')),
            field('securable', $.object_reference),
            $.keyword_by,
            comma_list(field('principal', $.identifier), true),
          ),
        ),
        ')',
      ),

    // ALTER EXTERNAL DATA SOURCE name SET option [, ...]
    alter_external_data_source: ($) =>
      seq(
        $.keyword_alter,
        $.keyword_external,
        $.keyword_data,
        $.keyword_source,
        field('name', $.identifier),
        $.keyword_set,
        comma_list($.option, true),
      ),

    // BACKUP CERTIFICATE c TO FILE = 'path' [WITH PRIVATE KEY (...)]
    // BACKUP [SERVICE] MASTER KEY TO FILE = 'path' ENCRYPTION BY PASSWORD = 'x'
    backup_key_statement: ($) =>
      prec.right(
        seq(
          $.keyword_backup,
          choice(
            seq($.keyword_certificate, field('name', $.identifier)),
            seq(optional($.keyword_service), $.keyword_master, $.keyword_key),
          ),
          $.keyword_to,
          $.keyword_file,
          '=',
          field('file', $.literal),
          optional(choice($.private_key_clause, $.encryption_mechanism)),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // Server-level configuration and high availability.
    //
    // ALTER SERVER CONFIGURATION SET setting, where a setting is a few words and then
    // `= value [, ...]` (PROCESS AFFINITY CPU = 1, 3 TO 5; DIAGNOSTICS LOG MAX_SIZE = 10 MB;
    // HADR CLUSTER CONTEXT = LOCAL) or `ON [(options)]` / `OFF` (SOFTNUMA ON; BUFFER POOL
    // EXTENSION ON (FILENAME = 'f', SIZE = 10 GB); EXTERNAL AUTHENTICATION OFF).
    alter_server_configuration: ($) =>
      seq(
        $.keyword_alter,
        $.keyword_server,
        $.keyword_configuration,
        $.keyword_set,
        field('setting', $.server_configuration_setting),
      ),

    server_configuration_setting: ($) =>
      prec.right(
        seq(
          repeat1(choice($.identifier, $.keyword_log, $.keyword_property, $.keyword_pool, $.keyword_external)),
          optional(
            choice(
              seq('=', comma_list(field('value', choice($.affinity_range, $._option_value)), true)),
              seq(choice($.keyword_on, $.keyword_off), optional(paren_list($.option, true))),
            ),
          ),
        ),
      ),

    // `3 TO 5` in a CPU, NUMA node or scheduler affinity list.
    affinity_range: ($) => seq(field('from', $.literal), $.keyword_to, field('to', $.literal)),

    // { CREATE AVAILABILITY GROUP name [WITH (options)] FOR [DATABASE db [, ...]]
    //     REPLICA ON replica [, ...] [LISTENER ...]
    // | ALTER AVAILABILITY GROUP name { SET (options) | { ADD | REMOVE } DATABASE db [, ...]
    //     | { ADD | MODIFY } REPLICA ON replica [, ...] | REMOVE REPLICA ON 'server' [, ...]
    //     | { ADD | MODIFY | RESTART | REMOVE } LISTENER ... | { GRANT | DENY } CREATE ANY DATABASE
    //     | JOIN | ONLINE | OFFLINE | FAILOVER | FORCE_FAILOVER_ALLOW_DATA_LOSS [WITH (options)] } }
    availability_group_statement: ($) =>
      prec.right(
        choice(
          seq(
            $.keyword_create,
            $.keyword_availability,
            $.keyword_group,
            field('name', $.identifier),
            optional($.with_options),
            $.keyword_for,
            optional(seq($.keyword_database, comma_list(field('database', $.identifier), true))),
            $.keyword_replica,
            $.keyword_on,
            comma_list($.availability_replica, true),
            optional(seq(optional(','), $.availability_group_listener)),
          ),
          seq(
            $.keyword_alter,
            $.keyword_availability,
            $.keyword_group,
            field('name', $.identifier),
            choice(
              seq($.keyword_set, paren_list($.option, true)),
              seq(choice($.keyword_add, $.keyword_remove), $.keyword_database, comma_list(field('database', $.identifier), true)),
              seq(choice($.keyword_add, $.keyword_modify), $.keyword_replica, $.keyword_on, comma_list($.availability_replica, true)),
              seq($.keyword_remove, $.keyword_replica, $.keyword_on, comma_list(field('server', $.literal), true)),
              seq(choice($.keyword_add, $.keyword_modify), $.availability_group_listener),
              seq(choice($.keyword_restart, $.keyword_remove), $.keyword_listener, field('listener', $.literal)),
              seq(choice($.keyword_grant, $.keyword_deny), $.keyword_create, $.keyword_any, $.keyword_database),
              seq(field('action', $.identifier), optional($.with_options)),
            ),
          ),
        ),
      ),

    // 'server' WITH (AVAILABILITY_MODE = SYNCHRONOUS_COMMIT, SECONDARY_ROLE (...), ...)
    availability_replica: ($) =>
      seq(field('server', $.literal), $.keyword_with, paren_list($.option, true)),

    // LISTENER 'name' (WITH IP (('10.0.0.5', '255.255.255.0') [, ...]) | WITH DHCP [ON (...)], PORT = n)
    availability_group_listener: ($) =>
      seq(
        $.keyword_listener,
        field('name', $.literal),
        paren_list(
          choice(
            seq(
              $.keyword_with,
              $.identifier,
              optional($.keyword_on),
              optional(paren_list(choice($.literal, paren_list($.literal, true)), true)),
            ),
            $.option,
          ),
          true,
        ),
      ),

    // { CREATE | ALTER } CRYPTOGRAPHIC PROVIDER name FROM FILE = 'path'
    // ALTER CRYPTOGRAPHIC PROVIDER name { ENABLE | DISABLE }
    cryptographic_provider_statement: ($) =>
      seq(
        choice($.keyword_create, $.keyword_alter),
        $.keyword_cryptographic,
        $.keyword_provider,
        field('name', $.identifier),
        choice(
          seq($.keyword_from, $.keyword_file, '=', field('file', $.literal)),
          $.keyword_enable,
          $.keyword_disable,
        ),
      ),

    // { CREATE | ALTER } DATABASE ENCRYPTION KEY [REGENERATE] [WITH ALGORITHM = x]
    //   [ENCRYPTION BY SERVER { CERTIFICATE | ASYMMETRIC KEY } name]
    // DROP DATABASE ENCRYPTION KEY
    database_encryption_key_statement: ($) =>
      prec.right(
        choice(
          seq(
            choice($.keyword_create, $.keyword_alter),
            $.keyword_database,
            $.keyword_encryption,
            $.keyword_key,
            optional($.keyword_regenerate),
            optional(seq($.keyword_with, $.identifier, '=', field('algorithm', $.identifier))),
            optional(
              seq(
                $.keyword_encryption,
                $.keyword_by,
                $.keyword_server,
                choice($.keyword_certificate, seq($.keyword_asymmetric, $.keyword_key)),
                field('encryptor', $.identifier),
              ),
            ),
          ),
          seq($.keyword_drop, $.keyword_database, $.keyword_encryption, $.keyword_key),
        ),
      ),

    // CREATE SEARCH PROPERTY LIST name [FROM [db.]source] [AUTHORIZATION owner]
    // ALTER SEARCH PROPERTY LIST name { ADD 'property' WITH (options) | DROP 'property' }
    search_property_list_statement: ($) =>
      prec.right(
        choice(
          seq(
            $.keyword_create,
            $.keyword_search,
            $.keyword_property,
            $.keyword_list,
            field('name', $.identifier),
            optional(seq($.keyword_from, field('source', $.object_reference))),
            optional(seq($.keyword_authorization, field('owner', $.identifier))),
          ),
          seq(
            $.keyword_alter,
            $.keyword_search,
            $.keyword_property,
            $.keyword_list,
            field('name', $.identifier),
            choice(
              seq($.keyword_add, field('property', $.literal), $.with_options),
              seq($.keyword_drop, field('property', $.literal)),
            ),
          ),
        ),
      ),

    // ADD SENSITIVITY CLASSIFICATION TO column [, ...] WITH (LABEL = 'x', INFORMATION_TYPE = 'y', RANK = r)
    add_sensitivity_classification: ($) =>
      prec.right(
        seq(
          $.keyword_add,
          $.keyword_sensitivity,
          $.keyword_classification,
          $.keyword_to,
          comma_list(field('column', $.object_reference), true),
          optional($.with_options),
        ),
      ),

    // DROP SENSITIVITY CLASSIFICATION FROM column [, ...]
    drop_sensitivity_classification: ($) =>
      seq(
        $.keyword_drop,
        $.keyword_sensitivity,
        $.keyword_classification,
        $.keyword_from,
        comma_list(field('column', $.object_reference), true),
      ),

    // CREATE WORKLOAD CLASSIFIER name WITH (WORKLOAD_GROUP = 'g', MEMBERNAME = 'm', ...)
    workload_classifier_statement: ($) =>
      seq(
        $.keyword_create,
        $.keyword_workload,
        $.keyword_classifier,
        field('name', $.identifier),
        $.with_options,
      ),

    // External libraries, languages and models:
    //   CREATE EXTERNAL LIBRARY name [AUTHORIZATION owner] FROM (CONTENT = x [, PLATFORM = p]) [, ...]
    //     WITH (LANGUAGE = 'R')
    //   ALTER EXTERNAL LIBRARY name [AUTHORIZATION owner] SET (CONTENT = x) WITH (LANGUAGE = 'R')
    //   CREATE EXTERNAL LANGUAGE name [AUTHORIZATION owner] FROM (CONTENT = x, FILE_NAME = 'f') [, ...]
    //   ALTER EXTERNAL LANGUAGE name [AUTHORIZATION owner] { SET | ADD } (options) | REMOVE PLATFORM p
    //   CREATE EXTERNAL MODEL name [AUTHORIZATION owner] WITH (LOCATION = 'x', ...)
    //   ALTER EXTERNAL MODEL name SET (options)
    external_object_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_create, $.keyword_alter),
          $.keyword_external,
          choice($.keyword_library, $.keyword_language, $.keyword_model),
          field('name', $.identifier),
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
          choice(
            seq(choice($.keyword_from, $.keyword_set, $.keyword_add), comma_list(paren_list($.option, true), true), optional($.with_options)),
            $.with_options,
            seq($.keyword_remove, $.keyword_platform, field('platform', $.identifier)),
          ),
        ),
      ),

    // CREATE EXTERNAL TABLE name WITH (LOCATION = 'x', DATA_SOURCE = d, ...) AS query
    // (CETAS). With a column list it is the base's create_table.
    create_external_table: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_external,
          $.keyword_table,
          field('name', $.object_reference),
          $.with_options,
          $.keyword_as,
          field('query', $._dml_read),
        ),
      ),

    // COPY INTO table [(column [DEFAULT value] [field_number] [, ...])] FROM 'url' [, ...]
    //   [WITH (option [, ...])]  (Azure Synapse)
    copy_into_statement: ($) =>
      prec.right(
        seq(
          $.keyword_copy,
          $.keyword_into,
          field('table', $.object_reference),
          optional(paren_list($.copy_column, true)),
          $.keyword_from,
          comma_list(field('source', $.literal), true),
          optional($.with_options),
        ),
      ),

    copy_column: ($) =>
      seq(
        field('name', $.identifier),
        optional(seq($.keyword_default, field('default', $.literal))),
        optional(field('field_number', $.literal)),
      ),

    // SHUTDOWN [WITH NOWAIT]
    shutdown_statement: ($) =>
      prec.right(seq($.keyword_shutdown, optional(seq($.keyword_with, $.keyword_nowait)))),

    // ---------------------------------------------------------------------------------
    // Backup and restore with file and filegroup lists.
    //
    // BACKUP { DATABASE | LOG } name [file_or_filegroup [, ...]] [TO device [, ...]]
    //   [WITH option [, ...]] — overridden for the FILE = / FILEGROUP = list and for
    // BACKUP LOG d WITH TRUNCATE_ONLY, which has no device. The name gets a field.
    backup_statement: ($) =>
      prec.right(
        seq(
          $.keyword_backup,
          choice($.keyword_database, $.keyword_log),
          field('name', $.identifier),
          optional(comma_list($.backup_file, true)),
          optional(seq($.keyword_to, comma_list($.option, true))),
          optional($.with_clause),
        ),
      ),

    // FILE = 'logical_name' | FILEGROUP = 'name' | FILE = ('a', @b) | READ_WRITE_FILEGROUPS
    backup_file: ($) =>
      choice(
        seq(
          choice($.keyword_file, $.keyword_filegroup),
          '=',
          choice(field('file', $._option_literal), paren_list(field('file', $._option_literal), true)),
        ),
        alias(keyword('read_write_filegroups'), $.identifier),
      ),

    // COMMIT [TRAN[SACTION] [name]] [WITH (DELAYED_DURABILITY = { ON | OFF })]: overridden
    // for the durability option. A name is not read across a line's end into a label:
    // `ROLLBACK TRANSACTION` then `EndSave:` on the next line is SSMS's job-step idiom, and
    // SQL Server reads the word before `:` as a label, so the parser forks there (see
    // `conflicts`) and the branch that meets `:` dies.
    commit_statement: ($) =>
      seq(
        $.keyword_commit,
        optional(
          choice(
            seq($._transaction_keyword, optional(prec.dynamic(1, field('name', $.identifier)))),
            $.keyword_work,
          ),
        ),
        optional($.with_options),
      ),

    rollback_statement: ($) =>
      seq(
        $.keyword_rollback,
        optional(
          choice(
            seq($._transaction_keyword, optional(prec.dynamic(1, field('name', $.identifier)))),
            $.keyword_work,
          ),
        ),
      ),

    // BEGIN [DISTRIBUTED] TRAN[SACTION] [name [WITH MARK ['description' | @variable]]]
    begin_transaction_statement: ($) =>
      prec.right(
        seq(
          $.keyword_begin,
          optional($.keyword_distributed),
          $._transaction_keyword,
          optional(field('name', $.identifier)),
          optional(
            seq(
              $.keyword_with,
              $.keyword_mark,
              optional(field('description', choice($.literal, alias($._tsql_parameter, $.identifier)))),
            ),
          ),
        ),
      ),

    // KILL { session_id | 'UOW' } [WITH STATUSONLY]; a negative id is the orphaned
    // distributed transaction form.
    kill_statement: ($) =>
      prec.right(
        seq(
          $.keyword_kill,
          field('session', choice($.literal, alias($._signed_literal, $.unary_expression))),
          optional(seq($.keyword_with, $.identifier)),
        ),
      ),

    // CREATE SECURITY POLICY name [ADD predicate [, ...]] [WITH (...)] [NOT FOR REPLICATION]:
    // overridden because a policy may be created empty and given predicates later.
    create_security_policy: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_security,
          $.keyword_policy,
          field('name', $.object_reference),
          optional(comma_list(alias($._add_security_predicate, $.security_predicate), true)),
          optional($.with_options),
          optional($._not_for_replication),
        ),
      ),

    // CREATE FULLTEXT INDEX ON table [(column ...)] KEY INDEX index
    //   [ON { catalog | (FILEGROUP fg [, catalog]) }] [WITH { (options) | options }]:
    // overridden because the column list is optional, the ON clause may name a filegroup
    // and the options may be parenthesized.
    create_fulltext_index: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_fulltext,
          $.keyword_index,
          $.keyword_on,
          field('table', $.object_reference),
          optional(paren_list($.fulltext_index_column, true)),
          $.keyword_key,
          $.keyword_index,
          field('key_index', $.identifier),
          optional(
            seq(
              $.keyword_on,
              choice(
                field('catalog', $.identifier),
                paren_list(choice(seq($.keyword_filegroup, field('filegroup', $.identifier)), field('catalog', $.identifier)), true),
              ),
            ),
          ),
          optional(choice($.with_options, $.with_clause)),
        ),
      ),

    // ALTER FULLTEXT INDEX ON table SET { STOPLIST | SEARCH PROPERTY LIST } [=] value
    //   [WITH NO POPULATION] and ALTER COLUMN c { ADD | DROP } STATISTICAL_SEMANTICS.
    alter_fulltext_index: ($, original) =>
      choice(
        original,
        seq(
          $.keyword_alter,
          $.keyword_fulltext,
          $.keyword_index,
          $.keyword_on,
          $.object_reference,
          choice(
            seq(
              $.keyword_set,
              choice($.keyword_stoplist, seq($.keyword_search, $.keyword_property, $.keyword_list)),
              optional('='),
              field('value', choice($.identifier, $.keyword_off)),
            ),
            seq(
              $.keyword_alter,
              $.keyword_column,
              field('column', $.identifier),
              choice($.keyword_add, $.keyword_drop),
              $.identifier,
            ),
          ),
          optional($.with_clause),
        ),
      ),

    // WRITETEXT [BULK] table.column ptr [WITH LOG] data
    // UPDATETEXT [BULK] table.column ptr offset delete_length [WITH LOG] [data | table.column ptr]
    // overridden for BULK and for NULL and negative numbers as arguments.
    writetext_statement: ($) =>
      seq(
        $.keyword_writetext,
        optional($.keyword_bulk),
        $.object_reference,
        $._text_argument,
        optional(seq($.keyword_with, $.keyword_log)),
        $._text_argument,
      ),

    updatetext_statement: ($) =>
      prec.right(
        seq(
          $.keyword_updatetext,
          optional($.keyword_bulk),
          $.object_reference,
          $._text_argument,
          $._text_argument,
          $._text_argument,
          optional(seq($.keyword_with, $.keyword_log)),
          repeat($._text_argument),
        ),
      ),

    _text_argument: ($, original) =>
      choice(original, $.keyword_null, alias($._signed_literal, $.unary_expression)),

    // ALTER SERVER AUDIT name { [TO target [(options)]] [WITH (options)] [WHERE predicate]
    //   | REMOVE WHERE | MODIFY NAME = new_name }: overridden because the base's repeated
    // clause choice rejected the target's option list and had no REMOVE WHERE.
    alter_server_audit: ($) =>
      prec.right(
        seq(
          $.keyword_alter,
          $.keyword_server,
          $.keyword_audit,
          field('name', $.identifier),
          choice(
            seq($._server_audit_target, optional($.with_options), optional($.where)),
            seq($.with_options, optional($.where)),
            $.where,
            seq($.keyword_remove, $.keyword_where),
            seq($.keyword_modify, $.keyword_name, '=', field('new_name', $.identifier)),
          ),
        ),
      ),

    // CREATE SERVER AUDIT name TO target [(options)] [WITH (options)] [WHERE predicate]
    create_server_audit: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_server,
          $.keyword_audit,
          field('name', $.identifier),
          $._server_audit_target,
          optional($.with_options),
          optional($.where),
        ),
      ),

    // TO { FILE | URL | APPLICATION_LOG | SECURITY_LOG | EXTERNAL_MONITOR } [(options)]
    // prec.right: a `(` after the target is its option list, not a parenthesized query
    // starting the next statement.
    _server_audit_target: ($) =>
      prec.right(
        seq(
          $.keyword_to,
          field('target', choice($.identifier, alias($.keyword_file, $.identifier))),
          optional(paren_list($.option, true)),
        ),
      ),

    // DECLARE name [INSENSITIVE] [SCROLL] CURSOR [options] FOR query: overridden for the ISO
    // options before CURSOR.
    declare_cursor_statement: ($) =>
      seq(
        $.keyword_declare,
        field('name', $.identifier),
        optional($.keyword_insensitive),
        optional($.keyword_scroll),
        $.keyword_cursor,
        repeat($.identifier),
        $.keyword_for,
        $._dml_read,
      ),

    // DBCC command [(arguments)] [WITH option [, ...]]: overridden for the joined result
    // options of SHOW_STATISTICS (`WITH STAT_HEADER JOIN DENSITY_VECTOR`).
    // No prec.right, as in the base: its conflicts entry forks a trailing WITH.
    dbcc_statement: ($) =>
      seq(
        $.keyword_dbcc,
        $.identifier,
        optional(paren_list($._expression, false)),
        optional(alias($._dbcc_with, $.with_clause)),
      ),
    _dbcc_with: ($) =>
      prec.right(seq($.keyword_with, comma_list(seq($.option, repeat(seq($.keyword_join, $.option))), true))),

    // SEND ON CONVERSATION [(] handle [, ...] [)] [MESSAGE TYPE type] [(body)]: overridden
    // because a handle in the list may itself be parenthesized.
    send_statement: ($) =>
      prec.right(
        seq(
          $.keyword_send,
          $.keyword_on,
          $.keyword_conversation,
          choice(
            field('handle', $.identifier),
            paren_list(choice(field('handle', $.identifier), wrapped_in_parenthesis(field('handle', $.identifier))), true),
          ),
          optional(seq($.keyword_message, $.keyword_type, field('message_type', $.identifier))),
          optional(wrapped_in_parenthesis(field('body', $._expression))),
        ),
      ),

    // Azure SQL Database federations (retired, still in old scripts):
    //   CREATE FEDERATION name (distribution type RANGE)
    //   ALTER FEDERATION name { SPLIT AT (distribution = value) | DROP AT ({ LOW | HIGH } distribution = value) }
    //   USE FEDERATION { ROOT WITH RESET | name (distribution = value) WITH FILTERING = { ON | OFF }, RESET }
    federation_statement: ($) =>
      choice(
        seq(
          $.keyword_create,
          $.keyword_federation,
          field('name', $.identifier),
          '(',
          field('distribution', $.identifier),
          $._type,
          $.keyword_range,
          ')',
        ),
        seq(
          $.keyword_alter,
          $.keyword_federation,
          field('name', $.identifier),
          choice($.identifier, $.keyword_drop),
          $.keyword_at,
          '(',
          optional($.identifier),
          field('distribution', $.identifier),
          '=',
          field('value', $._expression),
          ')',
        ),
        prec.right(
          seq(
            $.keyword_use,
            $.keyword_federation,
            choice(
              seq($.identifier, $.keyword_with, $.identifier),
              seq(
                field('name', $.identifier),
                '(',
                field('distribution', $.identifier),
                '=',
                field('value', $._expression),
                ')',
                $.keyword_with,
                comma_list($.option, true),
              ),
            ),
          ),
        ),
      ),

    // BEGIN ATOMIC WITH (TRANSACTION ISOLATION LEVEL = SNAPSHOT, LANGUAGE = N'English')
    // ... END — the body of a natively compiled module.
    block: ($, original) => choice(original, $._atomic_block),
    _atomic_block: ($) =>
      seq(
        $.keyword_begin,
        $.keyword_atomic,
        $.keyword_with,
        paren_list($.atomic_option, true),
        repeat($._body_item),
        $.keyword_end,
      ),
    atomic_option: ($) =>
      choice(
        seq(
          $.keyword_transaction,
          $.keyword_isolation,
          $.keyword_level,
          '=',
          choice(
            $.identifier,
            $.keyword_snapshot,
            $.keyword_serializable,
            seq($.keyword_read, choice($.keyword_committed, $.keyword_uncommitted)),
            seq($.keyword_repeatable, $.keyword_read),
          ),
        ),
        $.option,
      ),

    // Natively compiled procedures declare NATIVE_COMPILATION and SCHEMABINDING.
    procedure_option: ($, original) => choice(original, $.keyword_schemabinding, $.identifier),
    trigger_option: ($, original) => choice(original, $.keyword_schemabinding, $.identifier),

    // `EXECUTE AS <execute-options,,SELF>` in a template.
    execute_as_clause: ($, original) =>
      choice(original, seq(choice($.keyword_exec, $.keyword_execute), $.keyword_as, $.template_parameter)),

    // CREATE CONTRACT name [AUTHORIZATION owner] ( message SENT BY who [, ...] )
    create_contract: ($) =>
      seq(
        $.keyword_create,
        $.keyword_contract,
        field('name', $.identifier),
        optional(seq($.keyword_authorization, field('owner', $.identifier))),
        paren_list($.contract_message, true),
      ),
    function_option: ($, original) => choice(original, $.identifier),

    // SET @cursor = CURSOR [options] FOR query
    _cursor_assignment: ($) =>
      seq(
        $.keyword_set,
        field('variable', $.object_reference),
        $.assignment_operator,
        $.keyword_cursor,
        repeat($.identifier),
        $.keyword_for,
        $._dml_read,
      ),

    // ---------------------------------------------------------------------------------
    // Query hints the base misses: `LABEL = 'x'`, `MIN_GRANT_PERCENT = 20`, `LOOP JOIN`,
    // `HASH UNION`, `CONCAT UNION`, `ORDER GROUP`, `FORCE ORDER`, `USE HINT ('...')`,
    // `TABLE HINT (t, ...)`, `USE PLAN N'...'`.
    query_hint: ($, original) =>
      choice(
        original,
        seq(field('name', $.identifier), '=', field('value', choice($.literal, $.identifier))),
        seq(
          choice($.keyword_hash, $.keyword_loop, $.keyword_merge, $.keyword_order, $.identifier),
          choice($.keyword_join, $.keyword_union, $.keyword_group),
        ),
        seq($.keyword_force, $.keyword_order),
        seq($.keyword_use, $.identifier, paren_list($.literal, true)),
        // TABLE HINT (t, hint [, ...]) and USE PLAN N'<xml>'.
        seq(
          $.keyword_table,
          alias(keyword('hint'), $.identifier),
          '(',
          field('table', $.object_reference),
          repeat(seq(',', $.table_hint_item)),
          ')',
        ),
        seq($.keyword_use, alias(keyword('plan'), $.identifier), field('plan', $.literal)),
      ),

    // Extended events sessions on a database (Azure SQL Database) beside ON SERVER.
    drop_event_session: ($) =>
      seq(
        $.keyword_drop,
        $.keyword_event,
        $.keyword_session,
        optional($._if_exists),
        field('name', $.identifier),
        $.keyword_on,
        choice($.keyword_server, $.keyword_database),
      ),

    // DROP FULLTEXT INDEX ON table
    drop_fulltext_index: ($) =>
      seq($.keyword_drop, $.keyword_fulltext, $.keyword_index, $.keyword_on, field('table', $.object_reference)),

    // Typed XML: xml([CONTENT | DOCUMENT] schema_collection), also spelt [XML](...).
    typed_xml: ($) =>
      prec(
        1,
        seq(
        choice($.keyword_xml, alias($._bracketed_xml, $.keyword_xml)),
        '(',
        optional(choice(alias(keyword('content'), $.identifier), alias(keyword('document'), $.identifier))),
        field('schema_collection', $.object_reference),
        ')',
        ),
      ),
    _type: ($, original) =>
      choice(
        original,
        prec(1, $.typed_xml),
        alias($._bracketed_xml, $.keyword_xml),
        // NATIONAL TEXT, the ISO synonym of ntext
        alias($._iso_ntext, $.keyword_ntext),
      ),
    // The ISO synonyms SQL Server accepts for its character and binary types: CHAR VARYING,
    // NATIONAL CHAR[ACTER] [VARYING], NCHAR VARYING, BINARY VARYING, NATIONAL TEXT. Each
    // spelling is one keyword node of the type it names, so the tree is the usual one.
    varchar: ($, original) => choice(original, iso_type($, $._iso_varchar, $.keyword_varchar)),
    nchar: ($, original) => choice(original, iso_type($, $._iso_nchar, $.keyword_nchar)),
    nvarchar: ($, original) => choice(original, iso_type($, $._iso_nvarchar, $.keyword_nvarchar)),
    varbinary: ($, original) => choice(original, iso_type($, $._iso_varbinary, $.keyword_varbinary)),
    // (CHARACTER VARYING is the base's.)
    _iso_varchar: ($) => seq(alias(make_keyword('char'), $.keyword_char), $.keyword_varying),
    _iso_nchar: ($) => seq($.keyword_national, $.keyword_char),
    _iso_nvarchar: ($) =>
      seq(choice($.keyword_nchar, $.keyword_ncharacter, seq($.keyword_national, $.keyword_char)), $.keyword_varying),
    _iso_varbinary: ($) => seq($.keyword_binary, $.keyword_varying),
    _iso_ntext: ($) => seq($.keyword_national, $.keyword_text),
    keyword_national: (_) => keyword('national'),
    keyword_ncharacter: (_) => keyword('ncharacter'),
    // DOUBLE PRECISION (n), as ScriptDom reads it
    double: ($, original) =>
      choice(
        original,
        prec(1, seq($.keyword_double, $.keyword_precision, '(', field('precision', alias($._natural_number, $.literal)), ')')),
      ),
    // `[XML]` where a type is expected: the xml type as SSMS scripts it.
    _bracketed_xml: (_) => token(prec(2, /\[[xX][mM][lL]\]/)),

    // { CREATE | ALTER } EVENT SESSION name ON { SERVER | DATABASE } clauses [WITH (options)]:
    // overridden because SSMS scripts leave out the comma between ADD TARGET clauses (and
    // between events), which SQL Server accepts, and the clauses may come in any order.
    create_event_session: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_event,
          $.keyword_session,
          field('name', $.identifier),
          $.keyword_on,
          choice($.keyword_server, $.keyword_database),
          $._event_session_body,
        ),
      ),
    alter_event_session: ($) =>
      prec.right(
        seq(
          $.keyword_alter,
          $.keyword_event,
          $.keyword_session,
          field('name', $.identifier),
          $.keyword_on,
          choice($.keyword_server, $.keyword_database),
          choice($._event_session_body, $.option),
        ),
      ),
    _event_session_body: ($) =>
      prec.right(
        choice(
          seq(
            repeat1(
              prec.right(
                seq(
                  choice($._add_event_clause, $._add_target_clause, $._drop_event_clause, $._drop_target_clause),
                  optional(','),
                ),
              ),
            ),
            optional($.with_options),
          ),
          $.with_options,
        ),
      ),

    // ---------------------------------------------------------------------------------
    // Column constraints, overridden for DEFAULT: its value is a constant expression, and
    // reading it as any expression made `DEFAULT (0) NOT NULL` continue into `NOT IN` /
    // `NOT LIKE` and fail at NULL. The other alternatives keep the base's shapes.
    _column_constraint: ($) =>
      prec.right(
        choice(
          $.keyword_null,
          $._not_null,
          $._not_for_replication,
          seq(
            $.keyword_identity,
            optional(wrapped_in_parenthesis(seq(field('seed', $._expression), ',', field('increment', $._expression)))),
          ),
          seq(
            optional(seq($.keyword_constraint, field('name', $.identifier))),
            choice(
              seq($.keyword_default, $._default_value),
              seq($._primary_key, ...column_index_spec($)),
              seq($.keyword_unique, ...column_index_spec($)),
              // The table-level form right after a column, without a comma.
              seq(choice($._primary_key, $.keyword_unique), optional($._index_kind), $.ordered_columns, optional($.with_options), optional($.on_filegroup)),
              seq(
                optional(seq($.keyword_foreign, $.keyword_key, optional(paren_list($.identifier, true)))),
                $.keyword_references,
                $.object_reference,
                optional(paren_list($.identifier, true)),
                repeat($.referential_action),
              ),
              seq($.keyword_check, optional($._not_for_replication), wrapped_in_parenthesis($._expression)),
            ),
          ),
          $.masked_with,
          $.encrypted_with,
          // PRIMARY KEY ... NOT ENFORCED (Azure Synapse, Fabric)
          seq($.keyword_not, $.keyword_enforced),
          // GENERATED ALWAYS AS { ROW | TRANSACTION_ID | SEQUENCE_NUMBER } { START | END } [HIDDEN]
          prec.right(
            seq(
              $.keyword_generated,
              $.keyword_always,
              $.keyword_as,
              choice($.keyword_row, $.identifier),
              choice($.keyword_start, $.keyword_end),
              optional($.keyword_hidden),
            ),
          ),
          // INDEX name [UNIQUE] [CLUSTERED | NONCLUSTERED [HASH] | HASH] [(columns)]
          //   [INCLUDE (columns)] [WHERE filter] [WITH (...)] [ON filegroup] on one column
          prec.right(
            seq(
              $.keyword_index,
              field('index', $.identifier),
              optional($.keyword_unique),
              optional(choice($._index_kind, $.keyword_hash)),
              optional($.ordered_columns),
              optional($.covering_columns),
              optional(alias($._column_index_filter, $.where)),
              optional($.with_options),
              optional($.on_filegroup),
            ),
          ),
          $.identifier,
        ),
      ),

    // The WHERE of an index declared on a column: the documented filter predicate
    // (a column compared with a constant, IN (constants), IS [NOT] NULL, joined by AND).
    // A general expression there could not tell `WHERE c > 10 NOT NULL` (the column's
    // next constraint) from `WHERE c > 10 NOT LIKE ...`.
    _column_index_filter: ($) => seq($.keyword_where, field('predicate', $._index_filter)),
    _index_filter: ($) =>
      choice(
        alias($._index_filter_comparison, $.binary_expression),
        alias($._index_filter_and, $.binary_expression),
      ),
    _index_filter_and: ($) =>
      prec.left(
        seq(
          field('left', $._index_filter),
          field('operator', $.keyword_and),
          field('right', alias($._index_filter_comparison, $.binary_expression)),
        ),
      ),
    _index_filter_comparison: ($) =>
      choice(
        seq(field('left', $.field), choice('=', '<>', '!=', '>', '>=', '<', '<=', '!<', '!>'), field('right', $._index_filter_constant)),
        seq(field('left', $.field), field('operator', $.keyword_in), field('right', alias($._index_filter_list, $.list))),
        seq(field('left', $.field), field('operator', $.keyword_is), field('right', $.literal)),
        seq(field('left', $.field), field('operator', $.is_not), field('right', $.literal)),
      ),
    _index_filter_constant: ($) => choice($.literal, alias($._signed_literal, $.unary_expression)),
    _index_filter_list: ($) => paren_list($._index_filter_constant, true),

    // A column default: a constant, a signed constant, a parenthesized expression, a
    // function call, NEXT VALUE FOR, or a niladic function (CURRENT_TIMESTAMP).
    _default_value: ($) =>
      choice(
        $.literal,
        $.unary_expression,
        $.parenthesized_expression,
        $.invocation,
        $.next_value_for,
        $.cast,
        alias($._qualified_field, $.field),
      ),

    // DECLARE @x type { NULL | NOT NULL } [= value] — natively compiled modules.
    var_declaration: ($, original) =>
      choice(
        original,
        seq(
          $.identifier,
          optional($.keyword_as),
          $._type,
          choice($.keyword_null, $._not_null),
          optional(seq('=', $._expression)),
        ),
      ),

    // DECLARE @c CURSOR — a cursor variable, assigned later with SET @c = CURSOR FOR ...
    // DECLARE @t AS TABLE (...) — the AS the base leaves out (it is ambiguous only after
    // RETURNS, which this does not touch).
    var_declarations: ($, original) =>
      choice(
        original,
        seq($.keyword_declare, alias($._cursor_variable, $.var_declaration)),
        seq($.keyword_declare, alias($._table_var_declaration_as, $.table_var_declaration)),
      ),
    _table_var_declaration_as: ($) => seq($.identifier, $.keyword_as, $.keyword_table, $.column_definitions),
    _cursor_variable: ($) =>
      seq(
        field('name', choice(alias($._tsql_parameter, $.identifier), alias($.template_parameter, $.identifier))),
        $.keyword_cursor,
      ),

    // A parameter, overridden whole: the base's `@p [AS] type [= default] [OUT[PUT]]
    // [READONLY]` with an optional NULL / NOT NULL after the type (natively compiled
    // procedures, CLR aggregates), a default that may be a money constant spelled with a
    // space (`$ 10.12`), and a cursor parameter `@c CURSOR VARYING OUTPUT`.
    function_argument: ($) =>
      choice(
        seq(
          $.identifier,
          optional($.keyword_as),
          $._type,
          optional(choice($.keyword_null, $._not_null)),
          optional(seq('=', choice($._expression, alias($._spaced_money, $.literal)))),
          optional(choice($.keyword_out, $.keyword_output)),
          optional($.keyword_readonly),
        ),
        seq($.identifier, $.keyword_cursor, $.keyword_varying, choice($.keyword_out, $.keyword_output)),
      ),
    _spaced_money: (_) => token(seq(/[+-]?\$[ \t]+/, /\d+(\.\d+)?/)),

    // ---------------------------------------------------------------------------------
    // CLR modules: `AS EXTERNAL NAME assembly.class.method` (procedures, functions and
    // triggers) and `EXTERNAL NAME assembly.class` (types and aggregates). The class part
    // is often bracketed because it holds dots: `a.[Namespace.Class].Method`.
    external_name: ($) =>
      seq(
        $.keyword_external,
        $.keyword_name,
        field('assembly', $.identifier),
        // A CLR aggregate or type may name its assembly alone: `EXTERNAL NAME asm`.
        optional(seq('.', field('class', $.identifier), optional(seq('.', field('method', $.identifier))))),
      ),

    // Procedures and triggers share the body rule; a CLR module's body is its entry point.
    procedure_body: ($, original) => choice(original, seq($.keyword_as, $.external_name)),

    function_body: ($, original) =>
      choice(
        original,
        // A CLR table-valued function may leave out the AS.
        seq(optional($.keyword_as), $.external_name),
        seq(optional($.keyword_as), alias($._atomic_block, $.block)),
        // RETURN (WITH cte AS (...) SELECT ...): an inline function's query with a CTE
        // inside the parentheses.
        seq(optional($.keyword_as), $.keyword_return, '(', $._cte, $._query_expression, ')'),
      ),

    // Overridden to add the CLR table-valued function's `RETURNS TABLE (columns)`.
    _function_definition: ($) =>
      seq(
        $.keyword_function,
        field('name', $.object_reference),
        $.function_arguments,
        $.keyword_returns,
        choice($._type, $.keyword_table, $.table_var_declaration, seq($.keyword_table, $.column_definitions)),
        optional($.function_options),
        // a CLR table-valued function's ORDER (column [ASC | DESC] [, ...]): the order it
        // returns its rows in
        optional(seq($.keyword_order, paren_list(alias($.ordered_column, $.column), true))),
        $.function_body,
      ),

    // CREATE TYPE name EXTERNAL NAME assembly.[class]
    create_type: ($, original) =>
      choice(original, seq($.keyword_create, $.keyword_type, field('name', $.object_reference), $.external_name)),

    // CREATE AGGREGATE name (@p type [, ...]) RETURNS type EXTERNAL NAME assembly.[class]
    create_aggregate: ($) =>
      seq(
        $.keyword_create,
        $.keyword_aggregate,
        field('name', $.object_reference),
        $.function_arguments,
        $.keyword_returns,
        field('returns', $._type),
        $.external_name,
      ),

    // RENAME OBJECT [::] [[db.]schema.]name TO new_name (Synapse / PDW)
    rename_statement: ($) =>
      seq(
        $.keyword_rename,
        $.keyword_object,
        optional('::'),
        field('name', $.object_reference),
        $.keyword_to,
        field('new_name', $.identifier),
      ),

    // CREATE MATERIALIZED VIEW name [(columns)] WITH (DISTRIBUTION = ...) AS select (Synapse)
    create_materialized_view: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_materialized,
          $.keyword_view,
          field('name', $.object_reference),
          optional(paren_list($.identifier, true)),
          $.with_options,
          $.keyword_as,
          $._dml_read,
        ),
      ),

    // ALTER MATERIALIZED VIEW name { REBUILD | DISABLE } (Synapse)
    alter_materialized_view: ($) =>
      seq(
        $.keyword_alter,
        $.keyword_materialized,
        $.keyword_view,
        field('name', $.object_reference),
        choice($.keyword_rebuild, $.keyword_disable),
      ),

    // ALTER SEQUENCE name [option ...]: ScriptDom and SQL Server accept it with no option.
    alter_sequence: ($) =>
      prec.right(seq($.keyword_alter, $.keyword_sequence, $.object_reference, repeat($.sequence_option))),

    // DROP INDEX [IF EXISTS] { name ON table [WITH (options)] | table.name } [, ...],
    // overridden to add the options (ONLINE, MAXDOP, MOVE TO, FILESTREAM_ON).
    drop_index: ($) =>
      prec.right(
        seq(
          $.keyword_drop,
          $.keyword_index,
          optional($._if_exists),
          comma_list($._drop_index_item, true),
        ),
      ),
    _drop_index_item: ($) =>
      prec.right(
        seq(field('name', $.object_reference), optional(seq($.keyword_on, $.object_reference, optional($.with_options)))),
      ),

    drop_aggregate: ($) =>
      seq($.keyword_drop, $.keyword_aggregate, optional($._if_exists), field('name', $.object_reference)),

    _create_statement: ($, original) =>
      choice(
        original,
        $.create_aggregate,
        $.create_materialized_view,
        $.create_application_role,
        $.create_credential,
        $.create_xml_index,
        $.create_service,
        $.create_rule,
        $.create_event_notification,
      ),
    _alter_statement: ($, original) =>
      choice(
        original,
        $.alter_materialized_view,
        $.alter_application_role,
        $.alter_credential,
        $.alter_service,
        $.alter_message_type,
        $.alter_external_data_source,
      ),
    _drop_statement: ($, original) =>
      choice(
        original,
        $.drop_aggregate,
        $.drop_application_role,
        $.drop_credential,
        $.drop_object,
        $.drop_fulltext_index,
      ),

    // ---------------------------------------------------------------------------------
    // Permissions.
    //
    // { GRANT | DENY | REVOKE } [GRANT OPTION FOR] permission [(columns)] [, ...]
    //   [ON [class ::] securable [(columns)]] { TO | FROM } principal [, ...]
    //   [WITH GRANT OPTION] [CASCADE] [AS principal]
    // Overridden to give every part a field: the model needs each permission, the
    // securable and its class, each grantee and the grantor.
    grant_statement: ($) =>
      prec.right(
        seq(
          field('verb', choice($.keyword_grant, $.keyword_revoke, $.keyword_deny)),
          optional(field('grant_option_for', $.grant_option_for)),
          comma_list(field('permission', $.permission), true),
          optional(
            seq(
              $.keyword_on,
              optional(seq(field('class', $.securable_class), '::')),
              field('securable', $.object_reference),
              optional(field('columns', alias($._permission_columns, $.list))),
            ),
          ),
          choice($.keyword_to, $.keyword_from),
          comma_list(field('principal', $.identifier), true),
          optional(field('with_grant_option', $.with_grant_option)),
          optional($.keyword_cascade),
          optional(seq($.keyword_as, field('grantor', $.identifier))),
        ),
      ),

    grant_option_for: ($) => seq($.keyword_grant, $.keyword_option, $.keyword_for),
    with_grant_option: ($) => seq($.keyword_with, $.keyword_grant, $.keyword_option),

    // The class before `::` is one to four words: OBJECT, SCHEMA, LOGIN, ASYMMETRIC KEY,
    // XML SCHEMA COLLECTION, REMOTE SERVICE BINDING, DATABASE SCOPED CREDENTIAL, ...
    securable_class: ($) => repeat1($._class_word),
    _class_word: ($) =>
      choice(
        $.identifier,
        $.keyword_database,
        $.keyword_schema,
        $.keyword_type,
        $.keyword_role,
        $.keyword_user,
        $.keyword_login,
        $.keyword_server,
        $.keyword_assembly,
        $.keyword_certificate,
        $.keyword_asymmetric,
        $.keyword_symmetric,
        $.keyword_key,
        $.keyword_fulltext,
        $.keyword_catalog,
        $.keyword_route,
        $.keyword_service,
        $.keyword_contract,
        $.keyword_queue,
        $.keyword_external,
        $.keyword_scoped,
      ),

    // Permission names are one or more words; any keyword but the ones that end the
    // permission list may be one of them (EXTERNAL ACCESS ASSEMBLY, ADMINISTER BULK
    // OPERATIONS, ALTER ANY EVENT SESSION, KILL DATABASE CONNECTION, ...).
    _permission_name: ($) =>
      prec.right(
        repeat1(
          choice(
            $.identifier,
            ...PERMISSION_WORDS.map((name) => $[name]),
          ),
        ),
      ),

    // ---------------------------------------------------------------------------------
    // Signatures: ADD [COUNTER] SIGNATURE TO [class::]module BY crypto [, ...]
    //             DROP [COUNTER] SIGNATURE FROM [class::]module BY crypto [, ...]
    add_signature_statement: ($) =>
      seq(
        $.keyword_add,
        optional(field('counter', $.keyword_counter)),
        $.keyword_signature,
        $.keyword_to,
        optional(seq(field('class', $.securable_class), '::')),
        field('module', $.object_reference),
        $.keyword_by,
        comma_list(field('by', $.signing_key), true),
      ),

    drop_signature_statement: ($) =>
      seq(
        $.keyword_drop,
        optional(field('counter', $.keyword_counter)),
        $.keyword_signature,
        $.keyword_from,
        optional(seq(field('class', $.securable_class), '::')),
        field('module', $.object_reference),
        $.keyword_by,
        comma_list(field('by', $.signing_key), true),
      ),

    // CERTIFICATE c [WITH PASSWORD = '...' | WITH SIGNATURE = 0x...] | ASYMMETRIC KEY k [...]
    signing_key: ($) =>
      prec.right(
        seq(
          choice(
            seq($.keyword_certificate, field('certificate', $.identifier)),
            seq($.keyword_asymmetric, $.keyword_key, field('asymmetric_key', $.identifier)),
          ),
          optional(seq($.keyword_with, $.option)),
        ),
      ),


    // ---------------------------------------------------------------------------------
    // Keys and certificates: FROM EXECUTABLE FILE = 'path' beside the base's sources.
    _key_source: ($, original) =>
      choice(original, seq($.keyword_from, $.keyword_executable, $.keyword_file, '=', field('file', $.literal))),

    // ---------------------------------------------------------------------------------
    // Principals.
    //
    // CREATE USER name [{ FOR | FROM } LOGIN login | WITHOUT LOGIN
    //   | { FOR | FROM } CERTIFICATE c | { FOR | FROM } ASYMMETRIC KEY k
    //   | FROM EXTERNAL PROVIDER] [WITH option [, ...]]
    create_user: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_user,
          field('name', $.identifier),
          optional(
            choice(
              seq(choice($.keyword_for, $.keyword_from), $.keyword_login, field('login', $.identifier)),
              seq($.keyword_without, $.keyword_login),
              seq(choice($.keyword_for, $.keyword_from), $.keyword_certificate, field('certificate', $.identifier)),
              seq(choice($.keyword_for, $.keyword_from), $.keyword_asymmetric, $.keyword_key, field('asymmetric_key', $.identifier)),
              seq(choice($.keyword_for, $.keyword_from), $.keyword_external, $.keyword_provider),
            ),
          ),
          optional($.with_clause),
        ),
      ),

    // CREATE [SERVER] ROLE name [AUTHORIZATION owner]
    create_role: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          optional($.keyword_server),
          $.keyword_role,
          field('name', $.identifier),
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
        ),
      ),

    // CREATE SCHEMA name [AUTHORIZATION owner] | CREATE SCHEMA AUTHORIZATION owner
    create_schema: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_schema,
          choice(
            seq(field('name', $.identifier), optional(seq($.keyword_authorization, field('owner', $.identifier)))),
            seq($.keyword_authorization, field('owner', $.identifier)),
          ),
        ),
      ),

    // CREATE APPLICATION ROLE name WITH PASSWORD = 'x' [, DEFAULT_SCHEMA = s]
    create_application_role: ($) =>
      seq($.keyword_create, $.keyword_application, $.keyword_role, field('name', $.identifier), $.with_clause),
    alter_application_role: ($) =>
      seq($.keyword_alter, $.keyword_application, $.keyword_role, field('name', $.identifier), $.with_clause),
    drop_application_role: ($) =>
      seq($.keyword_drop, $.keyword_application, $.keyword_role, field('name', $.identifier)),

    // CREATE [DATABASE SCOPED] CREDENTIAL name WITH IDENTITY = 'x' [, SECRET = 'y']
    //   [FOR CRYPTOGRAPHIC PROVIDER p]
    create_credential: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          optional(seq($.keyword_database, $.keyword_scoped)),
          $.keyword_credential,
          field('name', $.identifier),
          $.with_clause,
          optional(seq($.keyword_for, $.keyword_cryptographic, $.keyword_provider, field('provider', $.identifier))),
        ),
      ),
    alter_credential: ($) =>
      seq(
        $.keyword_alter,
        optional(seq($.keyword_database, $.keyword_scoped)),
        $.keyword_credential,
        field('name', $.identifier),
        $.with_clause,
      ),
    drop_credential: ($) =>
      seq(
        $.keyword_drop,
        optional(seq($.keyword_database, $.keyword_scoped)),
        $.keyword_credential,
        optional($._if_exists),
        field('name', $.identifier),
      ),

    // ALTER [SERVER] ROLE name { ADD MEMBER m | DROP MEMBER m | WITH NAME = n }
    alter_role: ($) =>
      seq(
        $.keyword_alter,
        optional($.keyword_server),
        $.keyword_role,
        field('name', $.identifier),
        choice(
          seq(field('action', choice($.keyword_add, $.keyword_drop)), $.keyword_member, field('member', $.identifier)),
          $.with_clause,
        ),
      ),

    // ALTER AUTHORIZATION ON [class::] entity TO { principal | SCHEMA OWNER }
    alter_authorization: ($) =>
      seq(
        $.keyword_alter,
        $.keyword_authorization,
        $.keyword_on,
        optional(seq(field('class', $.securable_class), '::')),
        field('securable', $.object_reference),
        $.keyword_to,
        choice(field('schema_owner', seq($.keyword_schema, $.keyword_owner)), field('principal', $.identifier)),
      ),

    // CREATE ASSEMBLY name [AUTHORIZATION owner] FROM { 'path' | 0x... } [, ...]
    //   [WITH PERMISSION_SET = { SAFE | EXTERNAL_ACCESS | UNSAFE }]
    create_assembly: ($) =>
      prec.right(
        seq(
          $.keyword_create,
          $.keyword_assembly,
          field('name', $.identifier),
          optional(seq($.keyword_authorization, field('owner', $.identifier))),
          $.keyword_from,
          comma_list(field('source', $.literal), true),
          optional($.with_clause),
        ),
      ),

    // ALTER ASSEMBLY name [FROM source [, ...]] [WITH option [, ...]]
    //   [DROP FILE { name [, ...] | ALL }] [ADD FILE FROM source [AS name] [, ...]]
    // Overridden for the fields and because the added file's name is usually a string.
    alter_assembly: ($) =>
      seq(
        $.keyword_alter,
        $.keyword_assembly,
        field('name', $.identifier),
        optional(seq($.keyword_from, comma_list(field('source', $.literal), true))),
        optional($.with_clause),
        optional(
          seq(
            $.keyword_drop,
            $.keyword_file,
            choice($.keyword_all, comma_list(choice($.identifier, $.literal), true)),
          ),
        ),
        optional(
          seq(
            $.keyword_add,
            $.keyword_file,
            $.keyword_from,
            comma_list(
              seq(field('source', $.literal), optional(seq($.keyword_as, choice($.identifier, $.literal)))),
              true,
            ),
          ),
        ),
      ),

    // EXECUTE AS { LOGIN | USER } = 'name' [WITH NO REVERT | WITH COOKIE INTO @c]
    // EXECUTE AS { CALLER | SELF | OWNER }
    execute_as_statement: ($) =>
      prec.right(
        seq(
          choice($.keyword_exec, $.keyword_execute),
          $.keyword_as,
          choice(
            seq(field('kind', choice($.keyword_login, $.keyword_user)), '=', field('principal', $._expression)),
            field('kind', choice($.keyword_caller, $.keyword_self, $.keyword_owner)),
          ),
          optional(
            seq(
              $.keyword_with,
              choice(
                field('no_revert', seq($.keyword_no, $.keyword_revert)),
                seq($.keyword_cookie, $.keyword_into, field('cookie', $.identifier)),
              ),
            ),
          ),
        ),
      ),

    // REVERT [WITH COOKIE = @c]
    revert_statement: ($) =>
      prec.right(seq($.keyword_revert, optional(seq($.keyword_with, $.keyword_cookie, '=', field('cookie', $._expression))))),

    // ALTER SECURITY POLICY name { ADD | DROP } NOT FOR REPLICATION, beside the base's forms.
    alter_security_policy: ($, original) =>
      choice(
        original,
        seq(
          $.keyword_alter,
          $.keyword_security,
          $.keyword_policy,
          field('name', $.object_reference),
          choice($.keyword_add, $.keyword_drop),
          $._not_for_replication,
        ),
      ),
    // DROP BLOCK PREDICATE ON table AFTER UPDATE names which of the table's block
    // predicates goes, as ScriptDom reads it.
    _alter_security_predicate: ($, original) =>
      choice(
        original,
        seq(
          $.keyword_drop,
          optional($.keyword_block),
          $.keyword_predicate,
          $.keyword_on,
          field('table', $.object_reference),
          choice(
            seq($.keyword_after, choice($.keyword_insert, $.keyword_update)),
            seq($.keyword_before, choice($.keyword_update, $.keyword_delete)),
          ),
        ),
      ),

    // SETUSER [{ 'user' | @variable } [WITH NORESET]]
    setuser_statement: ($) =>
      prec.right(
        seq(
          $.keyword_setuser,
          optional(seq(field('user', choice($.literal, $.identifier)), optional(seq($.keyword_with, $.identifier)))),
        ),
      ),

    // A qualified option value: queue activation's `PROCEDURE_NAME = dbo.usp_Process`.
    _option_value: ($, original) =>
      choice(
        original,
        prec.right(seq(alias($._qualified_option_value, $.object_reference), optional(paren_list($.option, true)))),
        seq($.literal, '%'),
        // SAMPLE <percentage, , 50> PERCENT
        prec.right(1, seq($.template_parameter, $.identifier)),
        // collect_statement = (1) in extended events sessions
        wrapped_in_parenthesis($.literal),
        // MAXDOP = PRIMARY (a secondary follows the primary), MAXDOP = -1
        $.keyword_primary,
        alias($._signed_literal, $.unary_expression),
      ),
    _qualified_option_value: ($) =>
      seq(
        optional(seq(field('database', $.identifier), '.')),
        field('schema', $.identifier),
        '.',
        field('name', $.identifier),
      ),

    // n or n TO m in ON PARTITIONS (...).
    partition_range: ($) => seq(field('from', $.literal), optional(seq($.keyword_to, field('to', $.literal)))),

    // Options the base's `name [= value]` shape misses.
    option: ($, original) =>
      choice(
        original,
        // Queue activation lists the execution context among ordinary options:
        // `ACTIVATION (..., EXECUTE AS SELF)`.
        $.execute_as_clause,
        // SET QUERY_STORE CLEAR ALL
        seq(field('name', $.identifier), field('value', $.identifier), $.keyword_all),
        // Synapse table options: CLUSTERED COLUMNSTORE INDEX [ORDER (cols)], CLUSTERED INDEX (cols)
        prec.right(
          seq(
            $.keyword_clustered,
            choice(
              seq($.keyword_columnstore, $.keyword_index, optional(seq($.keyword_order, paren_list($.identifier, true)))),
              seq($.keyword_index, $.ordered_columns),
            ),
          ),
        ),
        // CLEANUP_POLICY = (STALE_QUERY_THRESHOLD_DAYS = 30)
        seq(field('name', $.identifier), '=', paren_list($.option, true)),
        // Full-text index options: SEARCH PROPERTY LIST [=] { name | OFF }
        seq(
          $.keyword_search,
          $.keyword_property,
          $.keyword_list,
          optional('='),
          field('value', choice($.identifier, $.keyword_off)),
        ),
        // Resource pool affinity: AFFINITY SCHEDULER = AUTO, AFFINITY NUMANODE = (0, 2 TO 3)
        seq(
          field('name', $.identifier),
          field('target', $.identifier),
          '=',
          field('value', choice($.identifier, paren_list(choice($.literal, $.affinity_range), true))),
        ),
        // Backup encryption: SERVER CERTIFICATE = c, SERVER ASYMMETRIC KEY = k. SERVER is
        // the option's name word, so it stays an identifier (SERVER = 'x' is an option too).
        seq(
          field('name', $.identifier),
          choice($.keyword_certificate, seq($.keyword_asymmetric, $.keyword_key)),
          '=',
          field('value', $.identifier),
        ),
        // RESTORE ... WITH STOPBEFOREMARK = 'mark' AFTER @datetime
        seq(field('name', $.identifier), '=', field('value', $._option_value), $.keyword_after, field('after', $._option_literal)),
        // ALTER USER ... WITH PASSWORD = 'new' OLD_PASSWORD = 'old' (no comma between)
        seq(
          field('name', $.identifier),
          '=',
          field('value', $.literal),
          field('old_name', $.identifier),
          '=',
          field('old_value', $.literal),
        ),
        // Index and table options.
        // DATA_COMPRESSION = PAGE ON PARTITIONS (1, 3 TO 5); RESAMPLE ON PARTITIONS (2)
        prec.right(
          seq(
            field('name', $.identifier),
            optional(seq('=', field('value', $._option_value))),
            $.keyword_on_partitions,
            paren_list($.partition_range, true),
          ),
        ),
        // MOVE TO { filegroup | scheme (column) | 'default' } (DROP INDEX, DROP CONSTRAINT)
        prec.right(
          seq(
            $.keyword_move,
            $.keyword_to,
            field('value', choice($.identifier, $.literal)),
            optional(wrapped_in_parenthesis(field('column', $.identifier))),
          ),
        ),
        // BOUNDING_BOX = (xmin, ymin, xmax, ymax) (spatial indexes)
        seq(
          field('name', $.identifier),
          '=',
          '(',
          // one parenthesized constant is already an _option_value
          field('value', choice($.literal, $.unary_expression)),
          repeat1(seq(',', field('value', choice($.literal, $.unary_expression)))),
          ')',
        ),
        // DISTRIBUTION = HASH (column [, ...]) (Synapse tables and materialized views)
        seq(field('name', $.identifier), '=', $.keyword_hash, paren_list(field('column', $.identifier), true)),
        // PARTITION (column RANGE [LEFT | RIGHT] FOR VALUES (boundary [, ...])) (Synapse)
        seq(
          $.keyword_partition,
          '(',
          field('column', $.identifier),
          $.keyword_range,
          optional(choice($.keyword_left, $.keyword_right)),
          $.keyword_for,
          $.keyword_values,
          '(',
          optional(comma_list($._expression, true)),
          ')',
          ')',
        ),
      ),
  },
});
