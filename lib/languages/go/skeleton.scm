; trifecta skeleton query for Go (tree-sitter-go 0.25).
; Capture names are described in python/skeleton.scm and docs/ast.md.
; When two patterns capture the same node, the earlier pattern wins.
;
; What is a definition in Go (the same set as bench/oracles/go/main.go):
;   - a type spec: `struct` types are @definition.struct, `interface` types
;     @definition.interface, every other type and every alias (`type A = B`)
;     @definition.type. A lone `type T …` is the whole declaration (its
;     signature starts at `type`); in a group `type ( … )` each spec is one.
;   - the methods listed in an interface type (`Read(p []byte) (int, error)`):
;     methods of that interface (embedded interfaces and constraints are not);
;   - a `func` declaration: @definition.function (also without a body, for
;     functions written in assembly);
;   - a method declaration: @definition.method, its receiver's base type
;     captured as @owner (`func (r *List[T]) Len()` is `List.Len`).
; Top-level `const` and `var` specs are NOT definitions: Go's own API docs
; group them apart, and the standard library holds tens of thousands of them
; (syscall tables), which would drown the skeleton's functions and types.
; Docs: the `//` (or `/* */`) comments ending right above a definition
; (@doc.leading; the lines form one block, its first line is the doc).
; Function bodies and function literals hold nothing for the skeleton.
; prune: function_declaration method_declaration func_literal

; --- types: `type T …` alone (the declaration is the definition; the
; anchor skips the anonymous "(", so the predicate keeps groups out) ---

((type_declaration "type" . (type_spec
  name: (type_identifier) @name
  type: (struct_type (field_declaration_list) @body))) @definition.struct
  (#not-match? @definition.struct "^type\\s*[(]"))

((type_declaration "type" . (type_spec
  name: (type_identifier) @name
  type: (interface_type "{" @body))) @definition.interface
  (#not-match? @definition.interface "^type\\s*[(]"))

((type_declaration "type" . (type_spec
  name: (type_identifier) @name)) @definition.type
  (#not-match? @definition.type "^type\\s*[(]"))

((type_declaration "type" . (type_alias
  name: (type_identifier) @name)) @definition.type
  (#not-match? @definition.type "^type\\s*[(]"))

; --- types in a group `type ( … )` (each spec is a definition) ---

(type_declaration "(" (type_spec
  name: (type_identifier) @name
  type: (struct_type (field_declaration_list) @body)) @definition.struct)

(type_declaration "(" (type_spec
  name: (type_identifier) @name
  type: (interface_type "{" @body)) @definition.interface)

(type_declaration "(" (type_spec
  name: (type_identifier) @name) @definition.type)

(type_declaration "(" (type_alias
  name: (type_identifier) @name) @definition.type)

; --- the methods an interface type lists ---

(type_spec
  type: (interface_type
    (method_elem name: (field_identifier) @name) @definition.method))

; --- functions and methods ---

(function_declaration
  name: (identifier) @name
  body: (block)? @body) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @owner
        (pointer_type (type_identifier) @owner)
        (generic_type type: (type_identifier) @owner)
        (pointer_type (generic_type type: (type_identifier) @owner))
        (parenthesized_type (type_identifier) @owner)
        (parenthesized_type (pointer_type (type_identifier) @owner))
      ]))
  name: (field_identifier) @name
  body: (block)? @body) @definition.method

; A receiver of another shape (only in broken code): still a method.
(method_declaration
  name: (field_identifier) @name
  body: (block)? @body) @definition.method

(func_literal body: (block) @scope.function)

; Compiler directives right above a declaration (`//go:noinline`,
; `//go:linkname f`, cgo's `//export F`, `//line f:1`: the lines go/ast
; leaves out of a doc) are its decorators, and its doc is the comment block
; above them. File-level directives (`//go:generate`, `//go:build`,
; `//go:cgo_import_dynamic …`) are neither docs nor decorators.
; One pattern per run length: a quantified `(comment)+` would stop at the
; doc comment above the run.
((comment) @decorator
  . [(function_declaration) (method_declaration) (type_declaration)]
  (#match? @decorator "^//(line |extern |export |[a-z0-9]+:[a-z0-9])")
  (#not-match? @decorator "^//go:(generate|build|cgo_(import|export|dynamic|ldflag))"))

((comment) @decorator . (comment) @decorator
  . [(function_declaration) (method_declaration) (type_declaration)]
  (#match? @decorator "^//(line |extern |export |[a-z0-9]+:[a-z0-9])")
  (#not-match? @decorator "^//go:(generate|build|cgo_(import|export|dynamic|ldflag))"))

((comment) @decorator . (comment) @decorator . (comment) @decorator
  . [(function_declaration) (method_declaration) (type_declaration)]
  (#match? @decorator "^//(line |extern |export |[a-z0-9]+:[a-z0-9])")
  (#not-match? @decorator "^//go:(generate|build|cgo_(import|export|dynamic|ldflag))"))

((comment) @decorator . (comment) @decorator . (comment) @decorator . (comment) @decorator
  . [(function_declaration) (method_declaration) (type_declaration)]
  (#match? @decorator "^//(line |extern |export |[a-z0-9]+:[a-z0-9])")
  (#not-match? @decorator "^//go:(generate|build|cgo_(import|export|dynamic|ldflag))"))

((comment) @doc.leading
  (#not-match? @doc.leading "^//(line |extern |export |[a-z0-9]+:[a-z0-9])"))

(import_declaration) @import
