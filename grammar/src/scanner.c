// The external scanner of sqlwarden's T-SQL grammar.
//
// The base grammar declares one external token, the block comment (its node kind is
// `marginalia`). T-SQL block comments nest, so `/* a /* b */ c */` is a single comment;
// no regular expression matches balanced nesting, so this scanner counts the depth.
#include "tree_sitter/parser.h"

enum TokenType {
  BLOCK_COMMENT,
};

void *tree_sitter_tsql_external_scanner_create(void) { return NULL; }

void tree_sitter_tsql_external_scanner_destroy(void *payload) { (void)payload; }

unsigned tree_sitter_tsql_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}

void tree_sitter_tsql_external_scanner_deserialize(void *payload, const char *buffer,
                                                   unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_tsql_external_scanner_scan(void *payload, TSLexer *lexer,
                                            const bool *valid_symbols) {
  (void)payload;
  if (!valid_symbols[BLOCK_COMMENT]) {
    return false;
  }
  // Leading white space belongs to no token.
  for (;;) {
    int32_t c = lexer->lookahead;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      lexer->advance(lexer, true);
    } else {
      break;
    }
  }
  if (lexer->lookahead != '/') {
    return false;
  }
  lexer->advance(lexer, false);
  if (lexer->lookahead != '*') {
    return false;
  }
  lexer->advance(lexer, false);

  // SQL Server ends an unterminated comment at the end of the batch text; the scanner
  // ends it at the end of input, and the missing `*/` is the parser's to report.
  unsigned depth = 1;
  int32_t previous = 0;
  while (depth > 0 && !lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    lexer->advance(lexer, false);
    if (previous == '/' && c == '*') {
      depth++;
      previous = 0;
    } else if (previous == '*' && c == '/') {
      depth--;
      previous = 0;
    } else {
      previous = c;
    }
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = BLOCK_COMMENT;
  return true;
}
