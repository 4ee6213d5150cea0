; trifecta skeleton query for C# (tree-sitter-c-sharp 0.23).
; Capture names are described in lib/languages/python/skeleton.scm and
; docs/ast.md. When two patterns capture the same node, the earlier wins.
;
; What a definition is here (no C# compiler parser API is at hand: the
; oracle is a scanner of our own, bench/oracles/csharp/skeleton_oracle.py):
;   - namespaces, kind namespace (`namespace Acme.Shop` is `Shop` owned by
;     `Acme`): a block namespace holds its members (`Acme.Shop.Cart`); a
;     file-scoped one
;     (`namespace Acme.Shop;`) is a one-line symbol and the types after it
;     stay top-level (the file has no other namespace to tell them from);
;   - classes, structs, interfaces, enums, records (`record`, `record
;     class`, `record struct`: kind record) and delegates (kind type), at the
;     top level and nested at any depth;
;   - methods, constructors and finalizers (named like their class; the
;     signature shows `~`), properties, indexers (named `this`), events with
;     accessors, operators (named by their operator token: `+`, `==`) and
;     conversion operators (named `implicit` / `explicit`), all of kind method.
; Not definitions: fields, event fields (`event EventHandler Changed;`),
; enum members. Nothing inside a member body, an accessor, a lambda, an
; anonymous method, a field initializer or top-level statements belongs to
; the skeleton (local functions live in bodies).
; Attribute lists `[…]` are decorators (reported apart: `start_line` is the
; line of the first token after them); `///` comments ending right above
; are the doc (the first line of the summary); `using` directives are imports.
;
; prune: method_declaration constructor_declaration destructor_declaration operator_declaration conversion_operator_declaration accessor_declaration lambda_expression anonymous_method_expression

; `namespace A.B` is namespace `B` owned by `A` (qualified name `A.B`), as
; in TypeScript.
(namespace_declaration
  name: (identifier) @name
  body: (declaration_list) @body) @definition.namespace

(namespace_declaration
  name: (qualified_name qualifier: (_) @owner name: (_) @name)
  body: (declaration_list) @body) @definition.namespace

(file_scoped_namespace_declaration
  name: (identifier) @name) @definition.namespace

(file_scoped_namespace_declaration
  name: (qualified_name qualifier: (_) @owner name: (_) @name)) @definition.namespace

(class_declaration
  name: (identifier) @name
  body: (declaration_list) @body) @definition.class

(class_declaration
  name: (identifier) @name) @definition.class

(struct_declaration
  name: (identifier) @name
  body: (declaration_list) @body) @definition.struct

(struct_declaration
  name: (identifier) @name) @definition.struct

(interface_declaration
  name: (identifier) @name
  body: (declaration_list) @body) @definition.interface

(interface_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name
  body: (enum_member_declaration_list) @body) @definition.enum

(record_declaration
  name: (identifier) @name
  body: (declaration_list) @body) @definition.record

(record_declaration
  name: (identifier) @name) @definition.record

(delegate_declaration
  name: (identifier) @name) @definition.type

(method_declaration
  name: (identifier) @name
  body: (_) @body) @definition.method

(method_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name
  body: (_) @body) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.method

(destructor_declaration
  name: (identifier) @name
  body: (_) @body) @definition.method

(destructor_declaration
  name: (identifier) @name) @definition.method

(property_declaration
  name: (identifier) @name
  accessors: (accessor_list) @body) @definition.method

(property_declaration
  name: (identifier) @name
  value: (arrow_expression_clause) @body) @definition.method

(indexer_declaration
  "this" @name
  accessors: (accessor_list) @body) @definition.method

(indexer_declaration
  "this" @name
  value: (arrow_expression_clause) @body) @definition.method

(event_declaration
  name: (identifier) @name
  accessors: (accessor_list) @body) @definition.method

(operator_declaration
  operator: _ @name
  body: (_) @body) @definition.method

(operator_declaration
  operator: _ @name) @definition.method

(conversion_operator_declaration
  ["implicit" "explicit"] @name
  body: (_) @body) @definition.method

(conversion_operator_declaration
  ["implicit" "explicit"] @name) @definition.method

; Attribute lists of the definitions above (not of parameters, fields or
; the assembly). An attribute list under `#if … #endif` is one
; `preproc_if_in_attribute_list` node, directives included: it is the
; decorator, so `start_line` is the declaration's first token after it.
(class_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(struct_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(interface_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(enum_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(record_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(delegate_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(method_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(constructor_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(destructor_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(property_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(indexer_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(event_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(operator_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)
(conversion_operator_declaration [(attribute_list) (preproc_if_in_attribute_list)] @decorator)

((comment) @doc.leading
  (#match? @doc.leading "^///"))

((comment) @doc.leading
  (#match? @doc.leading "^/[*][*]"))

(using_directive) @import
(extern_alias_directive) @import

(lambda_expression) @scope.function
(anonymous_method_expression) @scope.function
(global_statement) @scope.function
(field_declaration) @scope.function
(event_field_declaration) @scope.function
