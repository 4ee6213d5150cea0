; trifecta skeleton query for C (tree-sitter-c 0.24).
; Capture names are described in lib/languages/python/skeleton.scm and
; docs/ast.md. When two patterns capture the same node, the earlier wins.
;
; What is a definition here (the symbols clang's AST has outside function
; bodies, macros left out since they are not in it):
;   function  a function definition, and a prototype at file scope (clang
;             reports both as FunctionDecl); the name is the identifier in
;             the function declarator, under any pointer declarators
;   struct    a struct or union with a body (`struct s {…}`)
;   enum      an enum with a body
;   type      a typedef
; `typedef struct tag {…} name;` is one symbol: the struct, named `name`,
; its signature `typedef struct tag` (type_definition is a wrapper).
; An anonymous struct or union is no symbol; what it holds belongs to the
; enclosing one. Docs are Doxygen comments (`/** */`, `/*! */`, `///`,
; `//!`) ending on the line above; `#include` lines are the imports.
;
; prune: function_definition

; Written for a short query compile: when a query is built, tree-sitter
; walks the parse table once for every named node of a pattern that has
; children, but never for a wildcard `(_ …)`. So a function_declarator, the
; only node here with a `declarator` and `parameters`, is written
; `(_ declarator: … parameters: (_))` (tests/languages/query_compile_test.ts
; checks that against node-types.json), and shared prefixes are written once.

; Typedefs of a struct, union or enum with a body: the body's symbol,
; named by the typedef.
(type_definition
  type: [
    (struct_specifier body: (field_declaration_list) @body) @definition.struct
    (union_specifier body: (field_declaration_list) @body) @definition.struct
  ]
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: [
        (type_identifier) @name
        (pointer_declarator declarator: (type_identifier) @name)
      ])
    (array_declarator declarator: (type_identifier) @name)
  ])

(type_definition
  type: (enum_specifier body: (enumerator_list) @body) @definition.enum
  declarator: [
    (type_identifier) @name
    (pointer_declarator declarator: (type_identifier) @name)
  ])

(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.struct

(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list) @body) @definition.enum

; Other typedefs (no body in them).
(type_definition
  type: [
    (primitive_type)
    (type_identifier)
    (sized_type_specifier)
    (macro_type_specifier)
    (struct_specifier !body)
    (union_specifier !body)
    (enum_specifier !body)
  ]
  declarator: [
    (type_identifier) @name
    (pointer_declarator
      declarator: [
        (type_identifier) @name
        (pointer_declarator declarator: (type_identifier) @name)
        (_
          declarator: (parenthesized_declarator
            [(pointer_declarator declarator: (type_identifier) @name) (type_identifier) @name])
          parameters: (_))
      ])
    (array_declarator declarator: (type_identifier) @name)
    ; `typedef void (NAME) (void);` (also what is left of
    ; `(GL_APIENTRYP NAME)` once the calling convention is blanked).
    (_
      declarator: [
        (type_identifier) @name
        (parenthesized_declarator
          [(type_identifier) @name (pointer_declarator declarator: (type_identifier) @name)])
      ]
      parameters: (_))
  ]) @definition.type

; Function definitions: the name under pointer declarators, or inside the
; declarator of a function returning a function pointer.
(function_definition
  declarator: [
    (_ declarator: (identifier) @name parameters: (_))
    (pointer_declarator
      declarator: [
        (_ declarator: (identifier) @name parameters: (_))
        (pointer_declarator
          declarator: (_ declarator: (identifier) @name parameters: (_)))
      ])
    (_
      declarator: (parenthesized_declarator
        (pointer_declarator
          declarator: [
            (_ declarator: (identifier) @name parameters: (_))
            (parenthesized_declarator
              (_ declarator: (identifier) @name parameters: (_)))
          ]))
      parameters: (_))
  ]
  body: (compound_statement) @body) @definition.function

; Prototypes (inside a function body they are left out with the body).
(declaration
  declarator: [
    (_ declarator: (identifier) @name parameters: (_))
    (pointer_declarator
      declarator: [
        (_ declarator: (identifier) @name parameters: (_))
        (pointer_declarator
          declarator: (_ declarator: (identifier) @name parameters: (_)))
      ])
    (_
      declarator: (parenthesized_declarator
        (pointer_declarator
          declarator: [
            (_ declarator: (identifier) @name parameters: (_))
            (parenthesized_declarator
              (_ declarator: (identifier) @name parameters: (_)))
          ]))
      parameters: (_))
  ]) @definition.function

((comment) @doc.leading
  (#match? @doc.leading "^(/[*][*]([^*/]|$)|/[*]!|///([^/]|$)|//!)"))

(preproc_include) @import
