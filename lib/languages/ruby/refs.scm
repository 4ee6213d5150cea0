; trifecta reference (tag) query for Ruby (tree-sitter-ruby 0.23).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the file required
;   @skip              an identifier that is no reference
; One identifier matched by several patterns keeps the first pattern's kind.
; A `require "x"` names a file, not a symbol: its path is the @module and
; its last part the @name.
; skip-names: require require_relative load autoload puts p raise new
; skip-names: attr_reader attr_writer attr_accessor include extend prepend
; skip-names: private protected public module_function self nil true false

((call
   !receiver
   method: (identifier) @_m
   arguments: (argument_list . (string (string_content) @module @name))) @reference.import
  (#match? @_m "^(require|require_relative)$"))

; A method call, with a receiver or without (one pattern for both: each
; `call` a pattern names costs ~15 ms when the query is built).
(call
  method: (identifier) @name) @reference.call

(scope_resolution
  name: (constant) @name) @reference.type

((constant) @name @reference.type)

((identifier) @name @reference.name)
