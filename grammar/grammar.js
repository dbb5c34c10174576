// sqlwarden's T-SQL grammar.
//
// It inherits every rule of the pinned tree-sitter-mssql grammar (staged beside this file
// as ./base by build.rs) and adds or overrides what real database projects need: the CLR
// surface (EXTERNAL NAME on modules, types and aggregates), the security statements with a
// field for every principal, permission, securable and execution context, SQLCMD lines and
// `$(Var)` references, and SSMS template parameters. Node kinds are API: the syntax crate
// spells them, so a rename here is a breaking change there.
import base from './base/grammar.js';
import base_keywords from './base/grammar/keywords.js';
import { make_keyword, comma_list } from './base/grammar/helpers.js';

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

    // ---------------------------------------------------------------------------------
    // Script structure: SQLCMD lines are batch items beside statements, like the base's
    // `:setvar` and `:r`, so no preprocessing is needed and offsets stay true.
    batch: ($) =>
      choice(
        prec.right(
          seq(repeat1(choice(seq(choice($.statement, $.block), optional(';')), $._sqlcmd_line)), optional($.go_statement)),
        ),
        $.go_statement,
      ),

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
        seq(field('command', '!!'), optional(field('shell', alias(/[^\r\n]+/, $.literal)))),
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
    template_parameter: (_) => token(prec(1, /<[@A-Za-z_][^,<>\r\n]*,[^,<>\r\n]*,[^<>\r\n]*>/)),

    identifier: ($, original) => choice(original, $.template_parameter),

    // ---------------------------------------------------------------------------------
    // CLR modules: `AS EXTERNAL NAME assembly.class.method` (procedures, functions and
    // triggers) and `EXTERNAL NAME assembly.class` (types and aggregates). The class part
    // is often bracketed because it holds dots: `a.[Namespace.Class].Method`.
    external_name: ($) =>
      seq(
        $.keyword_external,
        $.keyword_name,
        field('assembly', $.identifier),
        '.',
        field('class', $.identifier),
        optional(seq('.', field('method', $.identifier))),
      ),

    // Procedures and triggers share the body rule; a CLR module's body is its entry point.
    procedure_body: ($, original) => choice(original, seq($.keyword_as, $.external_name)),

    function_body: ($, original) => choice(original, seq($.keyword_as, $.external_name)),

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

    drop_aggregate: ($) =>
      seq($.keyword_drop, $.keyword_aggregate, optional($._if_exists), field('name', $.object_reference)),

    _create_statement: ($, original) =>
      choice(original, $.create_aggregate, $.create_application_role, $.create_credential),
    _alter_statement: ($, original) => choice(original, $.alter_application_role, $.alter_credential),
    _drop_statement: ($, original) =>
      choice(original, $.drop_aggregate, $.drop_application_role, $.drop_credential),

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

    statement: ($, original) => choice(original, $.add_signature_statement, $.drop_signature_statement),

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
    _option_value: ($, original) => choice(original, alias($._qualified_option_value, $.object_reference)),
    _qualified_option_value: ($) =>
      seq(
        optional(seq(field('database', $.identifier), '.')),
        field('schema', $.identifier),
        '.',
        field('name', $.identifier),
      ),

    // Queue activation `ACTIVATION (..., EXECUTE AS SELF)` lists the execution context
    // among ordinary options.
    option: ($, original) => choice(original, $.execute_as_clause),
  },
});
