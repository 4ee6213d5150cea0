; trifecta skeleton query for Java (tree-sitter-java 0.23).
; Capture names are described in lib/languages/python/skeleton.scm and
; docs/ast.md. When two patterns capture the same node, the earlier wins.
;
; What a definition is here (javac's own tree, com.sun.source.tree, is the
; oracle: bench/oracles/java/SkeletonOracle.java):
;   - classes, interfaces, enums, records and annotation types (`@interface`,
;     kind interface), at the top level and nested in type bodies at any depth;
;   - methods (also bodiless: abstract, interface and native ones, and the
;     elements of annotation types), constructors and records' compact
;     constructors, all of kind method; a constructor is named like its class
;     (javac names it `<init>`);
;   - a module declaration (`module-info.java`), kind module.
; Not definitions: fields, enum constants, initializer blocks. Nothing inside
; a method or constructor body, a lambda, an initializer block, an anonymous
; class body (`new T() { … }`, in a field initializer too) or an enum
; constant's body belongs to the skeleton: those members have no name a
; caller can address (javac calls such classes `Outer$1`).
; Annotations are decorators (reported apart: `start_line` is the line of the
; first token after the leading annotations); the last `/** … */` comment
; before the declaration's first token is the doc, as javac attaches it
; (`comments.leadingDocs: "last"`); `import` and `package` declarations are imports.
;
; prune: method_declaration constructor_declaration compact_constructor_declaration lambda_expression static_initializer

(class_declaration
  name: (identifier) @name
  body: (class_body) @body) @definition.class

(interface_declaration
  name: (identifier) @name
  body: (interface_body) @body) @definition.interface

(annotation_type_declaration
  name: (identifier) @name
  body: (annotation_type_body) @body) @definition.interface

(enum_declaration
  name: (identifier) @name
  body: (enum_body) @body) @definition.enum

(record_declaration
  name: (identifier) @name
  body: (class_body) @body) @definition.record

(method_declaration
  name: (identifier) @name
  body: (block) @body) @definition.method

(method_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name
  body: (constructor_body) @body) @definition.method

(compact_constructor_declaration
  name: (identifier) @name
  body: (block) @body) @definition.method

(annotation_type_element_declaration
  name: (identifier) @name) @definition.method

(module_declaration
  name: (_) @name
  body: (module_body) @body) @definition.module

; Annotations of the definitions above (not of fields, parameters or locals).
(class_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(interface_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(annotation_type_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(enum_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(record_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(method_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(constructor_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(compact_constructor_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(annotation_type_element_declaration (modifiers [(annotation) (marker_annotation)] @decorator))
(module_declaration [(annotation) (marker_annotation)] @decorator)

((block_comment) @doc.leading
  (#match? @doc.leading "^/[*][*]"))

(package_declaration) @import
(import_declaration) @import

(object_creation_expression (class_body) @scope.function)
(enum_constant body: (class_body) @scope.function)
(lambda_expression) @scope.function
(static_initializer) @scope.function
(class_body (block) @scope.function)
