/**
 * The TypeScript compiler's own parser (`ts.createSourceFile`, pinned
 * npm:typescript@5.8.3) listing the definitions trifecta's TypeScript /
 * JavaScript skeleton promises (docs/ast.md, lib/languages/typescript/skeleton.scm),
 * outside function bodies of any form:
 *
 * - classes (declared, abstract, and a class expression bound to a variable:
 *   `const X = class {…}`), their methods, accessors, constructors, overload
 *   and abstract signatures, and fields holding an arrow function or a
 *   function expression (kind `method`);
 * - interfaces and the method signatures they list (kind `method`);
 * - type aliases (`type`), enums (`enum`);
 * - namespaces, `module N`, `declare module "x"` (named by the string);
 *   `namespace A.B` is one namespace qualified `A.B`; `declare global`
 *   adds no name;
 * - function declarations, generators, overloads and `declare function`
 *   (`function`), constants and variables bound to an arrow function, a
 *   function or generator expression (`function`, also not exported);
 * - other exported constants and variables (`variable`, also
 *   `export declare const`).
 *
 * Members of a namespace or class are qualified by its name (`N.f`,
 * `C.m`, `C.#private`). Start line: the first token after the decorators
 * (else the node's first token, `export` included); end line: the node's
 * last character. A statement with several declarators gives one
 * definition per declarator, spanning the declarator only.
 *
 * @module
 */
import ts from "npm:typescript@5.8.3";

/** One definition the compiler's parser sees. */
export interface OracleDef {
  /** trifecta's kind: class, interface, type, enum, namespace, function, method, variable. */
  kind: string;
  /** Dotted qualified name (`Outer.Inner.member`). */
  qualifiedName: string;
  /** 1-based first line. */
  start: number;
  /** 1-based last line. */
  end: number;
}

/** The script kind of a path: JSX-capable for `.tsx`/`.jsx`, JS for `.js`/`.mjs`/`.cjs`. */
function scriptKind(path: string): ts.ScriptKind {
  if (/\.[tj]sx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Walks one file's statements, collecting definitions. */
class Walker {
  readonly defs: OracleDef[] = [];
  readonly #sf: ts.SourceFile;

  constructor(sf: ts.SourceFile) {
    this.#sf = sf;
  }

  #line(pos: number): number {
    return this.#sf.getLineAndCharacterOfPosition(pos).line + 1;
  }

  /** First line after the decorators (trifecta's signature starts there). */
  #start(node: ts.Node): number {
    const decorators = ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined;
    const last = decorators?.[decorators.length - 1];
    if (last === undefined) return this.#line(node.getStart(this.#sf));
    const text = this.#sf.text;
    let i = last.end;
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    return this.#line(i);
  }

  #add(kind: string, prefix: string, name: string, start: number, end: number): void {
    this.defs.push({ kind, qualifiedName: qualify(prefix, name), start, end });
  }

  #addNode(kind: string, prefix: string, name: string, node: ts.Node): void {
    this.#add(kind, prefix, name, this.#start(node), this.#line(node.end));
  }

  #classMembers(cls: ts.ClassLikeDeclaration, prefix: string): void {
    for (const m of cls.members) {
      if (ts.isMethodDeclaration(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        this.#addNode("method", prefix, nameText(m.name), m);
      } else if (ts.isConstructorDeclaration(m)) {
        this.#addNode("method", prefix, "constructor", m);
      } else if (ts.isPropertyDeclaration(m) && isFunctionValue(m.initializer)) {
        this.#addNode("method", prefix, nameText(m.name), m);
      }
    }
  }

  #interfaceMembers(node: ts.InterfaceDeclaration, prefix: string): void {
    for (const m of node.members) {
      if (ts.isMethodSignature(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)) {
        this.#addNode("method", prefix, nameText(m.name), m);
      }
    }
  }

  /** `namespace A.B {…}`: one namespace `A.B`; `declare global`: no name. */
  #module(node: ts.ModuleDeclaration, prefix: string): void {
    let body = node.body;
    if (node.flags & ts.NodeFlags.GlobalAugmentation) {
      if (body && ts.isModuleBlock(body)) this.statements(body.statements, prefix);
      return;
    }
    let name = nameText(node.name);
    while (body && ts.isModuleDeclaration(body)) {
      name = `${name}.${nameText(body.name)}`;
      body = body.body;
    }
    this.#addNode("namespace", prefix, name, node);
    if (body && ts.isModuleBlock(body)) this.statements(body.statements, qualify(prefix, name));
  }

  #variables(node: ts.VariableStatement, prefix: string): void {
    const decls = node.declarationList.declarations;
    const exported = hasModifier(node, ts.SyntaxKind.ExportKeyword);
    for (const d of decls) {
      if (!ts.isIdentifier(d.name)) continue;
      // One declarator: the whole statement; several: each declarator.
      const span: ts.Node = decls.length === 1 ? node : d;
      const init = d.initializer;
      if (isFunctionValue(init)) this.#addNode("function", prefix, d.name.text, span);
      else if (init !== undefined && ts.isClassExpression(init)) {
        this.#addNode("class", prefix, d.name.text, span);
        this.#classMembers(init, qualify(prefix, d.name.text));
      } else if (exported) this.#addNode("variable", prefix, d.name.text, span);
    }
  }

  /** Definitions of a statement list under `prefix`. */
  statements(stmts: readonly ts.Statement[], prefix: string): void {
    for (const s of stmts) this.#statement(s, prefix);
  }

  #statement(n: ts.Node, prefix: string): void {
    if (ts.isClassDeclaration(n)) {
      if (n.name === undefined) return; // `export default class {}` names nothing
      this.#addNode("class", prefix, n.name.text, n);
      this.#classMembers(n, qualify(prefix, n.name.text));
    } else if (ts.isInterfaceDeclaration(n)) {
      this.#addNode("interface", prefix, n.name.text, n);
      this.#interfaceMembers(n, qualify(prefix, n.name.text));
    } else if (ts.isTypeAliasDeclaration(n)) {
      this.#addNode("type", prefix, n.name.text, n);
    } else if (ts.isEnumDeclaration(n)) {
      this.#addNode("enum", prefix, n.name.text, n);
    } else if (ts.isModuleDeclaration(n)) {
      this.#module(n, prefix);
    } else if (ts.isFunctionDeclaration(n)) {
      if (n.name !== undefined) this.#addNode("function", prefix, n.name.text, n);
    } else if (ts.isVariableStatement(n)) {
      this.#variables(n, prefix);
    } else if (isStatementContainer(n)) {
      // Statements that are no function body (top-level `if`, `for`, `try`,
      // `switch`…) hold definitions; expressions inside them match nothing here.
      ts.forEachChild(n, (c) => this.#statement(c, prefix));
    }
  }
}

function isStatementContainer(n: ts.Node): boolean {
  return ts.isBlock(n) || ts.isIfStatement(n) || ts.isTryStatement(n) || ts.isCatchClause(n) ||
    ts.isLabeledStatement(n) || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n) ||
    ts.isCaseBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n) || ts.isWithStatement(n);
}

function qualify(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return mods?.some((m) => m.kind === kind) ?? false;
}

function isFunctionValue(e: ts.Expression | undefined): boolean {
  return e !== undefined && (ts.isArrowFunction(e) || ts.isFunctionExpression(e));
}

/** A member or module name as trifecta prints it (`#x` kept, `"x"` module unquoted). */
function nameText(n: ts.PropertyName | ts.ModuleName): string {
  if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) return n.text;
  if (ts.isStringLiteral(n) && ts.isModuleDeclaration(n.parent)) return n.text;
  return n.getText();
}

/** The oracle's view of one file. */
export interface OracleFile {
  /** Definitions in source order. */
  defs: OracleDef[];
  /** Syntax errors the compiler's parser reports (its recovery still yields a tree). */
  syntaxErrors: number;
}

/**
 * The definitions of one file, in source order, and its syntax error count.
 *
 * @example
 * ```ts
 * import { equal } from "node:assert/strict";
 * const { defs, syntaxErrors } = oracleFile("a.ts", "export class A {\n  m() {}\n}\n");
 * equal(defs.map((d) => `${d.kind} ${d.qualifiedName}`).join(","), "class A,method A.m");
 * equal(syntaxErrors, 0);
 * ```
 */
export function oracleFile(path: string, text: string): OracleFile {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
  const walker = new Walker(sf);
  walker.statements(sf.statements, "");
  // parseDiagnostics is set by createSourceFile but left out of the public typings.
  const diagnostics: unknown = Reflect.get(sf, "parseDiagnostics");
  return { defs: walker.defs, syntaxErrors: Array.isArray(diagnostics) ? diagnostics.length : 0 };
}
