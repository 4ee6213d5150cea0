; trifecta reference (tag) query for C# (tree-sitter-c-sharp 0.23).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the namespace the name comes from
;   @skip              an identifier that is no reference (a namespace
;                      path's parts): later patterns do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.
;
; The directive below names identifiers that are never references to the
; project's own definitions (contextual keywords the grammar reads as names).
; skip-names: var nameof value get set init add remove

; `using A.B;` imports the namespace A.B (named as a block namespace symbol
; is: `A.B`); an alias (`using X = A.B;`) is left out.
(using_directive
  !name
  [(qualified_name) (identifier)] @name .) @reference.import

(using_directive (qualified_name) @skip)
(namespace_declaration name: (_) @skip)
(file_scoped_namespace_declaration name: (_) @skip)
(qualified_name (identifier) @skip)

; One pattern per node type, its forms as alternatives: each pattern naming
; an invocation_expression or object_creation_expression costs some ms more
; when the query is built.
(invocation_expression
  function: [
    (identifier) @name
    (member_access_expression name: (identifier) @name)
    (generic_name (identifier) @name)
  ]) @reference.call

(object_creation_expression
  type: [(identifier) @name (generic_name (identifier) @name)]) @reference.call

(attribute
  name: (identifier) @name) @reference.type

(base_list [(identifier) @name (generic_name (identifier) @name)]) @reference.type
(type_argument_list (identifier) @name) @reference.type
(variable_declaration type: (identifier) @name) @reference.type
(parameter type: (identifier) @name) @reference.type
(method_declaration returns: (identifier) @name) @reference.type
(property_declaration type: (identifier) @name) @reference.type
(generic_name (identifier) @name) @reference.type

(member_access_expression
  name: (identifier) @name) @reference.attribute

((identifier) @name @reference.name)
