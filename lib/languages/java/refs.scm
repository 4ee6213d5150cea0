; trifecta reference (tag) query for Java (tree-sitter-java 0.23).
;
; Capture names (see docs/ast.md, "Ranked map"):
;   @reference.<kind>  the referencing node (kind: call, attribute, type,
;                      name, import)
;   @name              the identifier referenced
;   @module            for imports: the package (or class) the name comes from
;   @skip              an identifier that is no reference (a package path's
;                      parts): later patterns do not capture it
; One identifier matched by several patterns keeps the first pattern's kind.
;
; The directive below names identifiers that are never references to the
; project's own definitions (java.lang types and annotations every file uses).
; skip-names: String Object Override Deprecated SuppressWarnings FunctionalInterface

; `import static a.b.C.m;` imports m from class a.b.C; `import a.b.C;` imports
; the class C, whose file is the module a.b.C (a/b/C.java).
(import_declaration
  "static"
  (scoped_identifier
    scope: (_) @module
    name: (identifier) @name)) @reference.import

(import_declaration
  (scoped_identifier
    name: (identifier) @name) @module) @reference.import

(package_declaration (scoped_identifier) @skip)
(package_declaration (identifier) @skip)
(scoped_identifier (identifier) @skip)

(method_invocation
  name: (identifier) @name) @reference.call

(object_creation_expression
  type: (type_identifier) @name) @reference.call

(object_creation_expression
  type: (generic_type (type_identifier) @name)) @reference.call

(method_reference
  (identifier) @name .) @reference.call

(marker_annotation
  name: (identifier) @name) @reference.type

(annotation
  name: (identifier) @name) @reference.type

((type_identifier) @name @reference.type)

(field_access
  field: (identifier) @name) @reference.attribute

((identifier) @name @reference.name)
