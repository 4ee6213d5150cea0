; trifecta skeleton query for C++ (tree-sitter-cpp 0.23).
; Generated shape, written out: the declarator alternatives repeat.
; Capture names are described in lib/languages/python/skeleton.scm and
; docs/ast.md. When two patterns capture the same node, the earlier wins.
;
; What is a definition here (the symbols clang's AST has outside function
; bodies, macros left out since they are not in it):
;   namespace  `namespace n {…}` with a name
;   class      `class C {…}`; struct `struct S {…}` and `union U {…}`;
;              enum `enum E {…}` / `enum class E {…}` (all with a body)
;   type       `using x = …;`, a typedef
;   function   a function definition or prototype; in a class body a method
;              (declarations, inline definitions, constructors, destructors,
;              operators named as written, `operator==`; a conversion
;              function named by its type: `operator bool()` is `bool`)
;   method     an out-of-line definition `void Foo::bar() {}`: the @owner
;              is the last scope before the name (`Foo`), so the qualified
;              name is the enclosing one, then `Foo.bar`
; `template <…>` is a wrapper: its text belongs to the signature, the
; start line is the declaration's own. `typedef struct tag {…} name;` is one
; symbol named `name` (type_definition is a wrapper), as in C.
; Docs are Doxygen comments (`/** */`, `/*! */`, `///`, `//!`) ending on the
; line above; `#include` lines are the imports.
;
; No `prune:` directive: `class EXPORT_MACRO Name {…}` parses as a
; function definition (below), whose body holds the class's members.

; `class EXPORT_MACRO Name {…}` (a macro between the keyword and the name,
; common for DLL export macros): tree-sitter reads it as a function
; `Name` of type `class EXPORT_MACRO` whose body is the class body.
(function_definition
  type: (class_specifier !body)
  declarator: (identifier) @name
  body: (compound_statement) @body) @definition.class

(function_definition
  type: (struct_specifier !body)
  declarator: (identifier) @name
  body: (compound_statement) @body) @definition.struct

; Typedefs of a class, struct, union or enum with a body: the body's symbol,
; named by the typedef.

(type_definition
  type: [
    (struct_specifier body: (field_declaration_list) @body) @definition.struct
    (union_specifier body: (field_declaration_list) @body) @definition.struct
    (class_specifier body: (field_declaration_list) @body) @definition.class
    (enum_specifier body: (enumerator_list) @body) @definition.enum
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

; Classes, structs, unions and enums with a body.

(class_specifier
  name: [
    (type_identifier) @name
    (_ name: (type_identifier) @name arguments: (_))
    (_
      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
      name: [(type_identifier) @name (_ name: (type_identifier) @name arguments: (_))])
  ]
  body: (field_declaration_list) @body) @definition.class

(struct_specifier
  name: [
    (type_identifier) @name
    (_ name: (type_identifier) @name arguments: (_))
    (_
      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
      name: [(type_identifier) @name (_ name: (type_identifier) @name arguments: (_))])
  ]
  body: (field_declaration_list) @body) @definition.struct

(union_specifier
  name: [
    (type_identifier) @name
    (_ name: (type_identifier) @name arguments: (_))
    (_
      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
      name: [(type_identifier) @name (_ name: (type_identifier) @name arguments: (_))])
  ]
  body: (field_declaration_list) @body) @definition.struct

; tree-sitter-cpp reads the nameless `enum : unsigned {…}` with a MISSING
; (empty) name: such an enum is no symbol, like an anonymous struct.
(enum_specifier
  name: [
    (type_identifier) @name
    (_ name: (type_identifier) @name arguments: (_))
    (_
      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
      name: [(type_identifier) @name (_ name: (type_identifier) @name arguments: (_))])
  ]
  body: (enumerator_list) @body
  (#not-eq? @name "")) @definition.enum

(namespace_definition
  name: (namespace_identifier) @name
  body: (declaration_list) @body) @definition.namespace

; Type aliases: `using x = …;` and typedefs without a body.
(alias_declaration
  name: (type_identifier) @name) @definition.type

(type_definition
  type: [
    (primitive_type)
    (type_identifier)
    (sized_type_specifier)
    (qualified_identifier)
    (template_type)
    (dependent_type)
    (decltype)
    (placeholder_type_specifier)
    (struct_specifier !body)
    (class_specifier !body)
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
    (reference_declarator (type_identifier) @name)
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

; Functions and methods: definitions (with a body, or `= default`,
; `= delete`), prototypes and method declarations (inside a function body
; they are left out with the body). In a class body, a method; out of line,
; `Foo::bar`, the method `bar` of its @owner `Foo`.
; Written for a short query compile: when a query is built, tree-sitter
; walks the parse table once for every named node of a pattern that has
; children (some 2-7 ms each in this grammar, and this pattern repeats its
; names twelve times), but never for a wildcard `(_ …)`. So where the
; grammar allows only one node type, the node is a wildcard with that
; type's fields (tests/languages/query_compile_test.ts checks these facts
; against the grammar's node-types.json):
;   (_ scope: …)                            a qualified_identifier (the only
;                                           node with a `scope`), also
;                                           `(_ name: (_ scope: …))`
;   (_ declarator: … parameters: (_))       a function_declarator
;   (_ name: (identifier) arguments: (_))   a template_function
;   (_ name: (type_identifier)) as a scope  a template_type
[
  (function_definition
    declarator: [
      (_
        declarator: [
          (identifier) @name
          (field_identifier) @name
          (destructor_name) @name
          (operator_name) @name
          (_ name: (identifier) @name arguments: (_))
          (_
            scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
            name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
          (_
            name: (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
          (_
            name: (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
        ]
        parameters: (_))
      (pointer_declarator
        declarator: [
          (_
            declarator: [
              (identifier) @name
              (field_identifier) @name
              (destructor_name) @name
              (operator_name) @name
              (_ name: (identifier) @name arguments: (_))
              (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
              (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
              (_
                name: (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
            ]
            parameters: (_))
          (pointer_declarator
            declarator: (_
              declarator: [
                (identifier) @name
                (field_identifier) @name
                (destructor_name) @name
                (operator_name) @name
                (_ name: (identifier) @name arguments: (_))
                (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
                (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
                (_
                  name: (_
                    name: (_
                      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                      name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
              ]
              parameters: (_)))
        ])
      (reference_declarator
        (_
          declarator: [
            (identifier) @name
            (field_identifier) @name
            (destructor_name) @name
            (operator_name) @name
            (_ name: (identifier) @name arguments: (_))
            (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
            (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
            (_
              name: (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
          ]
          parameters: (_)))
      (operator_cast type: (_) @name)
      (_
        scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
        name: (operator_cast type: (_) @name))
    ]
    body: (_)? @body)
  (declaration
    declarator: [
      (_
        declarator: [
          (identifier) @name
          (field_identifier) @name
          (destructor_name) @name
          (operator_name) @name
          (_ name: (identifier) @name arguments: (_))
          (_
            scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
            name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
          (_
            name: (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
          (_
            name: (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
        ]
        parameters: (_))
      (pointer_declarator
        declarator: [
          (_
            declarator: [
              (identifier) @name
              (field_identifier) @name
              (destructor_name) @name
              (operator_name) @name
              (_ name: (identifier) @name arguments: (_))
              (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
              (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
              (_
                name: (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
            ]
            parameters: (_))
          (pointer_declarator
            declarator: (_
              declarator: [
                (identifier) @name
                (field_identifier) @name
                (destructor_name) @name
                (operator_name) @name
                (_ name: (identifier) @name arguments: (_))
                (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
                (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
                (_
                  name: (_
                    name: (_
                      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                      name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
              ]
              parameters: (_)))
        ])
      (reference_declarator
        (_
          declarator: [
            (identifier) @name
            (field_identifier) @name
            (destructor_name) @name
            (operator_name) @name
            (_ name: (identifier) @name arguments: (_))
            (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
            (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
            (_
              name: (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
          ]
          parameters: (_)))
      (operator_cast type: (_) @name)
      (_
        scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
        name: (operator_cast type: (_) @name))
    ])
  (field_declaration
    declarator: [
      (_
        declarator: [
          (identifier) @name
          (field_identifier) @name
          (destructor_name) @name
          (operator_name) @name
          (_ name: (identifier) @name arguments: (_))
          (_
            scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
            name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
          (_
            name: (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
          (_
            name: (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
        ]
        parameters: (_))
      (pointer_declarator
        declarator: [
          (_
            declarator: [
              (identifier) @name
              (field_identifier) @name
              (destructor_name) @name
              (operator_name) @name
              (_ name: (identifier) @name arguments: (_))
              (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
              (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
              (_
                name: (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
            ]
            parameters: (_))
          (pointer_declarator
            declarator: (_
              declarator: [
                (identifier) @name
                (field_identifier) @name
                (destructor_name) @name
                (operator_name) @name
                (_ name: (identifier) @name arguments: (_))
                (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
                (_
                  name: (_
                    scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                    name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
                (_
                  name: (_
                    name: (_
                      scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                      name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
              ]
              parameters: (_)))
        ])
      (reference_declarator
        (_
          declarator: [
            (identifier) @name
            (field_identifier) @name
            (destructor_name) @name
            (operator_name) @name
            (_ name: (identifier) @name arguments: (_))
            (_
              scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
              name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])
            (_
              name: (_
                scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))]))
            (_
              name: (_
                name: (_
                  scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
                  name: [(identifier) @name (destructor_name) @name (operator_name) @name (_ name: (identifier) @name arguments: (_))])))
          ]
          parameters: (_)))
      (operator_cast type: (_) @name)
      (_
        scope: [(namespace_identifier) @owner (type_identifier) @owner (_ name: (type_identifier) @owner)]
        name: (operator_cast type: (_) @name))
    ])
] @definition.function

; A lambda's body is a function body: what it holds is not in the skeleton.
(lambda_expression
  body: (compound_statement) @scope.function)

((comment) @doc.leading
  (#match? @doc.leading "^(/[*][*]([^*/]|$)|/[*]!|///([^/]|$)|//!)"))

(preproc_include) @import
