; trifecta skeleton query for Rust (tree-sitter-rust 0.24).
; Capture names are described in python/skeleton.scm and docs/ast.md.
; When two patterns capture the same node, the earlier pattern wins.
;
; What is a definition in Rust (the same set as bench/oracles/rust):
;   - `struct` and `union` (@definition.struct), `enum`, `trait`;
;   - `impl` blocks (@definition.impl), named after the implemented type's
;     identifier (`impl<T> Display for Wrapper<T>` is `Wrapper`, `&'a Foo`
;     is `Foo`, `u32` is `u32`; a type without one, `[T]` or `(A, B)`, is
;     named by its text): the functions inside are `Wrapper.fmt`;
;   - `mod name { … }` (@definition.module); `mod name;` names a file and is
;     not one;
;   - `fn` items with or without a body (trait methods, `extern` blocks):
;     functions, or methods inside an impl or a trait;
;   - `type` aliases, associated types in traits (`type Item;`) and impls
;     (@definition.type).
; Not definitions: `const` and `static` items (Go's entry decides alike:
; generated tables hold thousands), `macro_rules!` (the registry has no
; macro kind), enum variants and fields, and anything inside a function
; body, a const/static initialiser or a closure.
; Attributes (`#[derive(Debug)]`) right above an item are its decorators;
; its doc is every outer `///` (or `/** */`) comment above, between and
; below them (`comments.leadingDocs: "all"`, as syn). Imports:
; `use` and `extern crate` declarations.
; prune: function_item closure_expression

(struct_item
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.struct

(struct_item
  name: (type_identifier) @name) @definition.struct

(union_item
  name: (type_identifier) @name
  body: (field_declaration_list) @body) @definition.struct

(enum_item
  name: (type_identifier) @name
  body: (enum_variant_list) @body) @definition.enum

(trait_item
  name: (type_identifier) @name
  body: (declaration_list) @body) @definition.trait

; impl: the implemented type's identifier, through references and paths.
(impl_item
  type: [
    (type_identifier) @name
    (primitive_type) @name
    (generic_type type: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
    (scoped_type_identifier name: (type_identifier) @name)
    (reference_type type: (type_identifier) @name)
    (reference_type type: (primitive_type) @name)
    (reference_type type: (generic_type type: (type_identifier) @name))
    (reference_type type: (generic_type type: (scoped_type_identifier name: (type_identifier) @name)))
    (reference_type type: (scoped_type_identifier name: (type_identifier) @name))
  ]
  body: (declaration_list) @body) @definition.impl

; impl for a type without an identifier of its own (`[T]`, `(A, B)`, `dyn T`).
(impl_item
  type: (_) @name
  body: (declaration_list) @body) @definition.impl

(mod_item
  name: (identifier) @name
  body: (declaration_list) @body) @definition.module

(function_item
  name: (identifier) @name
  body: (block) @body) @definition.function

(function_signature_item
  name: (identifier) @name) @definition.function

(type_item
  name: (type_identifier) @name) @definition.type

(associated_type
  name: (type_identifier) @name) @definition.type

; Items inside initialisers and closures are not the skeleton's.
(const_item value: (_) @scope.function)
(static_item value: (_) @scope.function)
(closure_expression body: (_) @scope.function)

; Attributes right above an item, doc comments maybe between them (clap
; writes `#[cfg_attr(…, doc = "…")]` inside its docs): the item's doc is
; made of all the doc comments above the item, past them.
([(attribute_item) @decorator (line_comment) (block_comment)]+
  . [(struct_item) (union_item) (enum_item) (trait_item) (impl_item)
     (mod_item body: (declaration_list))
     (function_item) (function_signature_item) (type_item) (associated_type)])

(line_comment outer: (outer_doc_comment_marker)) @doc.leading
(block_comment outer: (outer_doc_comment_marker)) @doc.leading

(use_declaration) @import
(extern_crate_declaration) @import
