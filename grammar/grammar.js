// sqlwarden's T-SQL grammar.
//
// It inherits every rule of the pinned tree-sitter-mssql grammar (staged beside this file
// as ./base by build.rs) and adds or overrides what real database projects need.
import base from './base/grammar.js';

export default grammar(base, {
  name: 'tsql',
  rules: {},
});
