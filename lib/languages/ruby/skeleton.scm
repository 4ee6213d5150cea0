; trifecta skeleton query for Ruby (tree-sitter-ruby 0.23).
; Capture names are described in lib/languages/python/skeleton.scm and
; docs/ast.md. When two patterns capture the same node, the earlier wins.
;
; Definitions: `class` (kind class), `module` (kind module), `def`
; (function; a method inside a class or module: the entry's methodOwners)
; and `def self.x` / `def obj.x` (a singleton method, named `x`; its
; signature keeps `self.`). `class A::B` is named `B` with `A` as @owner.
; `class << self` is no definition: the methods in it belong to the
; enclosing class. A `def` body is a function body: nothing inside it is
; in the skeleton. Blocks (`do … end`, `{ … }`) are not: `Struct.new do
; def x; end end` keeps `x`, like Python keeps definitions under `if`.
; A definition without a body (`def x; end`, `class E < StandardError; end`)
; takes its closing `end` as @body, so the signature stops before it.
; Docs: the block of `#` line comments ending right above a definition
; (its first non-empty line; an RDoc `##` opener line is skipped).
; Imports: `require`, `require_relative`, `load` and `autoload` calls
; without a receiver, outside function bodies.

; `(_ scope: … name: …)` is the scope_resolution (`A::B`): the only node
; a class or module name can be that has a `name` (tests/languages/
; query_compile_test.ts checks it against node-types.json). tree-sitter
; analyses every named node of a pattern that has children when the query is
; built, never a wildcard, so the wildcard is the faster query to build.
(class
  name: [(constant) @name
         (_ scope: (_)? @owner name: (_) @name)]
  body: (body_statement) @body) @definition.class

(class
  name: [(constant) @name
         (_ scope: (_)? @owner name: (_) @name)]
  "end" @body) @definition.class

(module
  name: [(constant) @name
         (_ scope: (_)? @owner name: (_) @name)]
  body: (body_statement) @body) @definition.module

(module
  name: [(constant) @name
         (_ scope: (_)? @owner name: (_) @name)]
  "end" @body) @definition.module

(method
  name: (_) @name
  body: (_) @body) @definition.function

(method
  name: (_) @name
  "end" @body) @definition.function

(singleton_method
  name: (_) @name
  body: (_) @body) @definition.function

(singleton_method
  name: (_) @name
  "end" @body) @definition.function

; Magic comments (`# frozen_string_literal: true`) and a shebang are no docs.
((comment) @doc.leading
  (#match? @doc.leading "^#([^!]|$)")
  (#not-match? @doc.leading "^#[^a-z]*(frozen_string_literal|encoding|coding|warn_indent|warn_past_scope|shareable_constant_value)[ \t]*:"))

((call
   !receiver
   method: (identifier) @_import) @import
  (#match? @_import "^(require|require_relative|load|autoload)$"))
