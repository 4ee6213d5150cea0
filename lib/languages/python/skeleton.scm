; trifecta skeleton query for Python (tree-sitter-python 0.25).
;
; Capture names (see docs/ast.md):
;   @definition.<kind>  a definition node (kind: class, function, method,
;                       interface, type, enum, variable)
;   @name               its name
;   @body               its body: the signature is the text before it
;   @decorator          a decorator; belongs to the next definition
;   @doc                a docstring; belongs to the innermost definition
;   @doc.leading        a doc comment ending on the line above a definition
;   @import / @export   statements listed under imports / exports
;   @scope.function     an anonymous function body (definitions inside it
;                       are not part of the skeleton)
; A function definition directly inside a class becomes a method.
;
; The directive below names the node types whose last child (the body)
; holds nothing for the skeleton: the query never runs inside large ones
; (safe when no pattern needs a node that comes after such a body).
; prune: function_definition

(class_definition
  name: (identifier) @name
  body: (block) @body) @definition.class

(function_definition
  name: (identifier) @name
  body: (block) @body) @definition.function

(decorator) @decorator

(class_definition
  body: (block . (expression_statement . (string) @doc)))

(function_definition
  body: (block . (expression_statement . (string) @doc)))

(import_statement) @import
(import_from_statement) @import
(future_import_statement) @import
