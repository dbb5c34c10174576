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
import { event_session_body } from './base/grammar/statements/create.js';
import {
  aliased_with_columns,
  write_target,
  make_keyword,
  comma_list,
  paren_list,
  wrapped_in_parenthesis,
  optional_parenthesis,
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
  return [optional($._index_kind), optional($.with_options), optional($.on_filegroup)];
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

// One SSMS template parameter: `<name, type, default>`; the type and the default may be
// empty and the default may hold spaces and punctuation, but none of them spans a line.
const TEMPLATE_PARAMETER = '<[@A-Za-z_][^,<>\\r\\n]*,[^,<>\\r\\n]*,[^<>\\r\\n]*>';

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

    // `SELECT @v += expr` (and `-=`, `*=` …) assigns in a select list as `SET` does; the
    // base reads `+=` as `+` followed by a missing operand. It is an operator of the
    // comparison family, like the `=` of `SELECT @v = expr`, so the lowering reads both
    // the same way.
    binary_expression: ($, original) =>
      choice(
        original,
        ...['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='].map((operator) =>
          prec.left(
            'binary_relation',
            seq(field('left', $._expression), field('operator', operator), field('right', $._expression)),
          ),
        ),
      ),

    identifier: ($, original) => choice(original, $.template_parameter, $._graph_pseudo_column),

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
        $.rename_statement,
        prec(-1, $.sqlcmd_variable),
      ),

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
    _query_specification_core: ($) =>
      seq($.select, optional(seq($.keyword_into, $.object_reference)), ...query_rest($)),
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

    // GROUP BY ... WITH ROLLUP | WITH CUBE (the pre-2008 spelling).
    group_by: ($, original) =>
      prec.right(seq(original, optional(seq($.keyword_with, choice($.keyword_rollup, $.keyword_cube))))),

    // A parenthesized join as a row source: `a JOIN (b JOIN c ON ...) ON ...`.
    relation: ($, original) =>
      choice(original, $.parenthesized_join, prec.right(seq($.static_method_call, optional($._alias)))),
    parenthesized_join: ($) =>
      seq('(', $._relation_with_hint, repeat1(choice($.join, $.cross_join, $.apply_join)), ')'),

    // `type::Method(...)`: a static method of a CLR type (`geography::Point(...)`) and the
    // old `::fn_name(...)` system-function spelling.
    _expression: ($, original) => choice(original, $.static_method_call),
    static_method_call: ($) =>
      prec(
        2,
        seq(
          optional(field('type', $.object_reference)),
          '::',
          field('method', $.identifier),
          paren_list(field('argument', $._expression)),
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
    //   [USING XML INDEX primary [FOR { VALUE | PATH | PROPERTY }]] [WITH (options)]
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
              optional(seq($.keyword_for, choice($.keyword_value, $.keyword_path, $.keyword_property))),
            ),
          ),
          optional($.with_options),
        ),
      ),

    // The memory-optimized index kind NONCLUSTERED HASH. (CREATE INDEX reads a following
    // COLUMNSTORE itself.)
    _index_kind: ($, original) => choice(original, seq($.keyword_nonclustered, $.keyword_hash)),

    // INDEX name CLUSTERED COLUMNSTORE [WITH (...)] [ON ...] has no column list, and
    // INDEX name UNIQUE [kind] (columns) is a unique inline index.
    constraint: ($, original) =>
      choice(
        original,
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
            optional($._index_kind),
            $.ordered_columns,
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
            optional($.with_options),
          ),
        ),
        prec.right(
          seq(
            $.keyword_create,
            $.keyword_table,
            field('name', $.object_reference),
            optional($.column_definitions),
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
          field('name', $.identifier),
          repeat(
            choice(
              $.option,
              seq($.keyword_on, optional($.keyword_primary), comma_list($.database_file, true)),
              seq($.keyword_log, $.keyword_on, comma_list($.database_file, true)),
              seq($.keyword_collate, field('collation', $.identifier)),
              $.with_clause,
              seq($.keyword_for, $.identifier),
              seq($.keyword_as, $.keyword_snapshot, $.keyword_of, field('source', $.identifier)),
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
        )),
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

    // name type [COLLATE x] [constraint ...] | name AS expression [PERSISTED] [NOT NULL]
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
              optional($._not_null),
            ),
          ),
        ),
      ),

    // ALTER TABLE t ALTER COLUMN c type [COLLATE x] ENCRYPTED WITH (...) [NOT NULL]
    //   [WITH (ONLINE = ON)] — Always Encrypted column changes, beside the base's forms.
    alter_table: ($, original) =>
      choice(
        original,
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
            field('type', $._type),
            optional(seq($.keyword_collate, $.identifier)),
            choice(
              seq($.encrypted_with, optional(choice($.keyword_null, $._not_null)), optional($.with_options)),
              seq(optional(choice($.keyword_null, $._not_null)), $.with_options),
            ),
          ),
        ),
      ),

    // ALTER INDEX ... REBUILD PARTITION = { ALL | n } [WITH (options)]
    alter_index: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_index,
            choice($.keyword_all, field('name', $.identifier)),
            $.keyword_on,
            $.object_reference,
            $.keyword_rebuild,
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
        seq(
          $.keyword_set,
          $.keyword_statistics,
          comma_list(choice($.identifier, $.keyword_xml), true),
          choice($.keyword_on, $.keyword_off),
        ),
      ),

    // Graph pseudo-columns: $node_id, $edge_id, $from_id, $to_id.
    _graph_pseudo_column: (_) => token(prec(1, /\$([nN][oO][dD][eE]|[eE][dD][gG][eE]|[fF][rR][oO][mM]|[tT][oO])_[iI][dD]/)),

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

    // { CREATE | ALTER } BROKER PRIORITY name FOR CONVERSATION SET (options)
    broker_priority_statement: ($) =>
      seq(
        choice($.keyword_create, $.keyword_alter),
        $.keyword_broker,
        $.keyword_priority,
        field('name', $.identifier),
        $.keyword_for,
        $.keyword_conversation,
        $.keyword_set,
        paren_list($.option, true),
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
          optional(seq($.keyword_for, field('payload', $.identifier), paren_list($.option, true))),
        ),
      ),

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
            ),
          ),
        ),
      ),

    // { CREATE | ALTER } { SERVER | DATABASE } AUDIT SPECIFICATION name
    //   [FOR SERVER AUDIT audit] [{ ADD | DROP } ( group | actions ON securable BY principals )
    //   [, ...]] [WITH (STATE = { ON | OFF })]
    audit_specification_statement: ($) =>
      prec.right(
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
    // `HASH UNION`, `CONCAT UNION`, `ORDER GROUP`, `FORCE ORDER`, `USE HINT ('...')`.
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
    _type: ($, original) => choice(original, prec(1, $.typed_xml), alias($._bracketed_xml, $.keyword_xml)),
    // `[XML]` where a type is expected: the xml type as SSMS scripts it.
    _bracketed_xml: (_) => token(prec(2, /\[[xX][mM][lL]\]/)),

    create_event_session: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            $.keyword_create,
            $.keyword_event,
            $.keyword_session,
            field('name', $.identifier),
            $.keyword_on,
            $.keyword_database,
            event_session_body($),
          ),
        ),
      ),
    alter_event_session: ($, original) =>
      choice(
        original,
        prec.right(
          seq(
            $.keyword_alter,
            $.keyword_event,
            $.keyword_session,
            field('name', $.identifier),
            $.keyword_on,
            $.keyword_database,
            choice(event_session_body($), $.option),
          ),
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
          // INDEX name [CLUSTERED | NONCLUSTERED [HASH]] [WITH (...)] on one column
          prec.right(
            seq(
              $.keyword_index,
              field('index', $.identifier),
              optional(choice($._index_kind, $.keyword_hash)),
              optional($.ordered_columns),
              optional($.with_options),
            ),
          ),
          $.identifier,
        ),
      ),

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
        optional(seq($.keyword_order, $.list)),
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
          comma_list(
            prec.right(
              seq(
                field('name', $.object_reference),
                optional(seq($.keyword_on, $.object_reference, optional($.with_options))),
              ),
            ),
            true,
          ),
        ),
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

    // SETUSER ['user' [WITH NORESET]]
    setuser_statement: ($) =>
      prec.right(seq($.keyword_setuser, optional(seq(field('user', $.literal), optional(seq($.keyword_with, $.identifier)))))),

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
          paren_list($._expression, true),
          ')',
        ),
      ),
  },
});
