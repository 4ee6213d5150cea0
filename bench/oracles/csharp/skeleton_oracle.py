#!/usr/bin/env python3
"""The C# parity oracle: a scanner of our own (no C# compiler parser API is
at hand: Mono's `mcs` has no tree dump), independent of tree-sitter. It
tokenizes C# (comments, preprocessor lines, regular/verbatim/interpolated/
raw strings, char literals) and reads declarations with a small recursive
descent over the token stream.

Usage: skeleton_oracle.py ROOT < relative-paths   (one JSON line per file)

Output per file: {"path": P, "errors": N, "defs": [[kind, qualified name,
start line, end line, doc line], ...]} with the notion trifecta's skeleton uses
(lib/languages/csharp/skeleton.scm):
- namespace (block: holds its members, `A.B.C`; file-scoped `namespace A.B;`:
  one line, the types after it stay top-level), class, struct, interface,
  enum, record (`record`, `record class`, `record struct`), type (delegate);
- method: methods, constructors and finalizers (named like their class),
  properties, indexers (`this`), events with accessors, operators (named by
  the operator token) and conversion operators (`implicit`/`explicit`);
- not: fields, event fields, enum members, anything in a body, accessor,
  initializer or top-level statement;
- start line: the first token after the leading attribute lists; end line:
  the line of the declaration's last token (`}` or `;`);
- doc line: the `///` block ending right above the declaration (or its
  attributes), first non-empty line with references kept as their target
  (`<see cref="X"/>`: X) and other XML tags removed.
`errors` counts what the scanner could not read (unbalanced brackets, an
unterminated literal): such files are left out of the comparison.
"""
import json
import os
import re
import sys

MODIFIERS = {
    "public", "private", "protected", "internal", "static", "abstract", "sealed",
    "partial", "readonly", "unsafe", "new", "virtual", "override", "extern", "async",
    "volatile", "const", "required", "file", "ref", "fixed", "scoped",
}
TYPE_KEYWORDS = {"class": "class", "struct": "struct", "interface": "interface",
                 "enum": "enum", "record": "record"}
OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {")", "]", "}"}


class ScanError(Exception):
    """The scanner cannot read the file."""


def tokenize(text, doc_lines=None, directive_lines=None):
    """(kind, value, line) tokens: kind is 'id', 'str', 'num' or 'p' (punctuation).
    `doc_lines` (a dict) receives the `///` comments that start a line, by line;
    `directive_lines` (a set) the lines of preprocessor directives."""
    toks = []
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v\ufeff":
            i += 1
            continue
        if c == "#" and at_line_start:
            # A preprocessor directive runs to the end of the line.
            if directive_lines is not None:
                directive_lines.add(line)
            while i < n and text[i] != "\n":
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            j = i
            while j < n and text[j] != "\n":
                j += 1
            if doc_lines is not None and text.startswith("///", i) and not text.startswith("////", i):
                line_start = text.rfind("\n", 0, i) + 1
                if text[line_start:i].strip() == "":
                    doc_lines[line] = text[i + 3:j]
            i = j
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ScanError(f"unterminated comment at line {line}")
            line += text.count("\n", i, end)
            i = end + 2
            continue
        if c in "$@\"" and _string_start(text, i):
            i, line = _string(text, i, line, toks)
            continue
        if c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                if text[j] == "\\":
                    j += 1
                if j < n and text[j] == "\n":
                    raise ScanError(f"unterminated char literal at line {line}")
                j += 1
            toks.append(("str", text[i:j + 1], line))
            i = j + 1
            continue
        if c.isalpha() or c == "_" or c == "@" or ord(c) > 127:
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_" or ord(text[j]) > 127):
                j += 1
            toks.append(("id", text[i:j].lstrip("@"), line))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            toks.append(("num", text[i:j], line))
            i = j
            continue
        if text.startswith("=>", i) or text.startswith("::", i):
            toks.append(("p", text[i:i + 2], line))
            i += 2
            continue
        toks.append(("p", c, line))
        i += 1
    return toks


def _string_start(text, i):
    j = i
    while j < len(text) and text[j] in "$@":
        j += 1
    return j < len(text) and text[j] == '"' and j - i <= 3


def _string(text, i, line, toks):
    """Read a string literal from i; return (index past it, line)."""
    start_line = line
    j = i
    prefix = ""
    while text[j] in "$@":
        prefix += text[j]
        j += 1
    dollars = prefix.count("$")
    verbatim = "@" in prefix
    # `@"""a"""` is a verbatim string opening with an escaped quote, not a raw one.
    if not verbatim and text.startswith('"""', j):
        q = j
        while q < len(text) and text[q] == '"':
            q += 1
        quotes = q - j
        end = text.find('"' * quotes, q)
        if end < 0:
            raise ScanError(f"unterminated raw string at line {line}")
        line += text.count("\n", i, end)
        toks.append(("str", "", start_line))
        return end + quotes, line
    j += 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\n":
            if not verbatim:
                raise ScanError(f"newline in string at line {line}")
            line += 1
        if c == "\\" and not verbatim:
            j += 2
            continue
        if c == '"':
            if verbatim and j + 1 < n and text[j + 1] == '"':
                j += 2
                continue
            toks.append(("str", "", start_line))
            return j + 1, line
        if dollars and c == "{":
            if j + 1 < n and text[j + 1] == "{":
                j += 2
                continue
            j, line = _interpolation(text, j + 1, line)
            continue
        j += 1
    raise ScanError(f"unterminated string at line {start_line}")


def _interpolation(text, j, line):
    """Skip an interpolation hole's expression (strings nest); return past its `}`."""
    depth = 0
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\n":
            line += 1
        if c in "$@\"" and _string_start(text, j):
            sub = []
            j, line = _string(text, j, line, sub)
            continue
        if c == "'":
            k = j + 1
            while k < n and text[k] != "'":
                k += 2 if text[k] == "\\" else 1
            j = k + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "}":
            if depth == 0:
                return j + 1, line
            depth -= 1
        j += 1
    raise ScanError("unterminated interpolation")


class Reader:
    """Recursive descent over the tokens of one file."""

    def __init__(self, toks, doc_lines, directive_lines):
        self.t = toks
        self.i = 0
        self.defs = []
        self.doc_lines = doc_lines
        self.directive_lines = directive_lines
        self.head = 0

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else ("eof", "", self.t[-1][2] if self.t else 1)

    def val(self, k=0):
        return self.peek(k)[1]

    def skip_balanced(self):
        """At an opening bracket: skip past its match; return the closing token's line."""
        stack = []
        while self.i < len(self.t):
            kind, v, line = self.t[self.i]
            self.i += 1
            if kind == "p" and v in OPEN:
                stack.append(OPEN[v])
            elif kind == "p" and v in CLOSE:
                if not stack or stack.pop() != v:
                    raise ScanError(f"unbalanced {v} at line {line}")
                if not stack:
                    return line
        raise ScanError("unbalanced brackets at end of file")

    def skip_to(self, stops):
        """Skip to the first token in `stops` at bracket depth 0 (not consumed)."""
        while self.i < len(self.t):
            kind, v, _ = self.t[self.i]
            if kind == "p" and v in stops:
                return v
            if kind == "p" and v in OPEN:
                self.skip_balanced()
                continue
            if kind == "p" and v in CLOSE:
                raise ScanError(f"unexpected {v} at line {self.t[self.i][2]}")
            self.i += 1
        raise ScanError("unexpected end of file")

    def skip_statement(self):
        """Skip to and past `;` at depth 0; return its line."""
        self.skip_to({";"})
        line = self.peek()[2]
        self.i += 1
        return line

    def emit(self, kind, q, start, end):
        self.defs.append([kind, q, start, end, self.doc(self.head)])

    def doc(self, head):
        """The doc line of the `///` block ending on the line above `head`
        (above the `#if` lines right before it: `/// …` `#if X` `[A]` `#endif`)."""
        lines = []
        at = head - 1
        while at in self.directive_lines:
            at -= 1
        while at in self.doc_lines:
            lines.insert(0, self.doc_lines[at])
            at -= 1
        return xml_doc_line(lines)

    # Declaration contexts -------------------------------------------------

    def members(self, prefix, owner, top):
        """Read declarations until `}` (consumed by the caller) or the end."""
        while self.i < len(self.t):
            if self.val() == "}" and self.peek()[0] == "p":
                return
            self.member(prefix, owner, top)

    def attributes(self):
        while self.val() == "[" and self.peek()[0] == "p":
            self.skip_balanced()

    def member(self, prefix, owner, top):
        self.head = self.peek()[2]
        self.attributes()
        start = self.peek()[2]
        first = self.val()
        if self.peek()[0] == "eof":
            return  # a file of `[assembly: …]` attributes only
        if first == ";":
            self.i += 1
            return
        if top and first in ("using", "extern", "global") and self.val(1) != "(":
            if first == "global" and self.val(1) != "using":
                pass
            else:
                self.skip_statement()
                return
        if first == "namespace":
            self.namespace(prefix, start)
            return
        j = self.i
        while self.t[j][1] in MODIFIERS and self.t[j][0] == "id" and j + 1 < len(self.t):
            # `ref` / `readonly` / `new` followed by `(`: an expression, not a modifier.
            if self.t[j + 1][1] in ("(", "=", ";", "."):
                break
            j += 1
        word = self.t[j][1]
        if word in TYPE_KEYWORDS or (word == "record" and self.t[j + 1][0] == "id"):
            nxt = self.t[j + 1][1]
            if word == "record" or nxt not in ("=", ";", ")", ","):
                self.i = j
                self.type_decl(prefix, start)
                return
        if word == "delegate" and self.t[j + 1][1] not in ("{", "("):
            self.i = j + 1
            self.skip_type()
            name = self.val()
            end = self.skip_statement()
            self.emit("type", prefix + name, start, end)
            return
        if top or owner is None:
            # Top-level statements (C# 9) and anything else outside a type.
            self.statement()
            return
        self.i = j
        self.type_member(prefix, owner, start)

    def statement(self):
        v = self.skip_to({";", "{"})
        if v == ";":
            self.i += 1
        else:
            self.skip_balanced()
            if self.val() == ";":
                self.i += 1

    def namespace(self, prefix, start):
        self.i += 1
        name = self.dotted_name()
        if self.val() == ";":
            end = self.peek()[2]
            self.i += 1
            self.emit("namespace", prefix + name, start, end)
            return
        if self.val() != "{":
            raise ScanError(f"namespace without body at line {start}")
        q = prefix + name
        idx = len(self.defs)
        self.emit("namespace", q, start, start)
        self.i += 1
        self.members(q + ".", None, True)
        end = self.close_brace()
        self.defs[idx][3] = end

    def close_brace(self):
        if self.val() != "}":
            raise ScanError(f"expected }} at line {self.peek()[2]}")
        end = self.peek()[2]
        self.i += 1
        if self.val() == ";":
            end = self.peek()[2]
            self.i += 1
        return end

    def dotted_name(self):
        parts = [self.val()]
        self.i += 1
        while self.val() in (".", "::"):
            parts.append(self.val(1))
            self.i += 2
        return ".".join(parts)

    def type_decl(self, prefix, start):
        word = self.val()
        self.i += 1
        kind = TYPE_KEYWORDS[word]
        if word == "record" and self.val() in ("class", "struct"):
            self.i += 1
        name = self.val()
        self.i += 1
        q = prefix + name
        v = self.skip_to({"{", ";"})
        if v == ";":
            end = self.peek()[2]
            self.i += 1
            self.emit(kind, q, start, end)
            return
        idx = len(self.defs)
        self.emit(kind, q, start, start)
        if kind == "enum":
            end = self.skip_balanced()
            if self.val() == ";":
                end = self.peek()[2]
                self.i += 1
        else:
            self.i += 1
            self.members(q + ".", name, False)
            end = self.close_brace()
        self.defs[idx][3] = end

    def skip_type(self):
        """Skip a type: a (dotted, generic) name or a tuple, then `?`, `*`, `[]` suffixes."""
        if self.val() == "(":
            self.skip_balanced()
        else:
            self.i += 1
            self.skip_generic()
            while self.val() in (".", "::"):
                self.i += 2
                self.skip_generic()
        while True:
            v = self.val()
            if v in ("?", "*"):
                self.i += 1
            elif v == "[" and self.val(1) in ("]", ","):
                self.skip_balanced()
            else:
                return

    def skip_generic(self):
        if self.val() != "<":
            return
        depth = 0
        while self.i < len(self.t):
            v = self.val()
            if v == "<":
                depth += 1
            elif v == ">":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return
            elif v in OPEN:
                self.skip_balanced()
                continue
            elif v in (";", "{", "}"):
                raise ScanError(f"unterminated type arguments at line {self.peek()[2]}")
            self.i += 1

    def type_member(self, prefix, owner, start):
        v = self.val()
        if v == "~":
            self.i += 1
            name = self.val()
            self.i += 1
            self.emit("method", prefix + name, start, self.member_rest())
            return
        if v in ("implicit", "explicit"):
            self.i += 2  # implicit operator
            self.skip_type()
            self.emit("method", prefix + v, start, self.member_rest())
            return
        if v == "event":
            self.i += 1
            self.skip_type()
            name = self.member_name()
            if self.val() == "{":
                end = self.skip_balanced()
                self.emit("method", prefix + name, start, end)
            else:
                self.skip_statement()
            return
        if self.peek()[0] == "id" and self.val(1) == "(" and v == owner:
            self.i += 1
            self.emit("method", prefix + v, start, self.member_rest())
            return
        self.skip_type()
        if self.val() == "operator":
            self.i += 1
            op = []
            while self.val() != "(":
                op.append(self.val())
                self.i += 1
            name = "".join(o for o in op if o not in ("checked",))
            self.emit("method", prefix + name, start, self.member_rest())
            return
        name = self.member_name()
        nxt = self.val()
        if name == "this" and nxt == "[":
            self.skip_balanced()
            self.emit("method", prefix + name, start, self.property_rest())
        elif nxt == "(":
            self.emit("method", prefix + name, start, self.member_rest())
        elif nxt in ("{", "=>"):
            self.emit("method", prefix + name, start, self.property_rest())
        elif name == "operator":
            raise ScanError(f"operator at line {start}")
        else:
            self.skip_statement()  # a field

    def member_name(self):
        """A member name, maybe qualified by an explicit interface (`IList<T>.Count`)."""
        name = self.val()
        self.i += 1
        while True:
            self.skip_generic()
            if self.val() == "." and self.peek(1)[0] == "id":
                name = self.val(1)
                self.i += 2
                if name == "operator":
                    # Explicit interface operator: read it like a plain one.
                    op = []
                    while self.val() != "(":
                        op.append(self.val())
                        self.i += 1
                    return "".join(op)
            else:
                return name

    def member_rest(self):
        """After a method's name: parameters, constraints, then a body, `=> …;` or `;`."""
        v = self.skip_to({"{", "=>", ";"})
        if v == "{":
            return self.skip_balanced()
        return self.skip_statement()

    def property_rest(self):
        """After a property's name: `{ accessors } [= init;]` or `=> …;`."""
        if self.val() == "=>":
            return self.skip_statement()
        end = self.skip_balanced()
        if self.val() == "=":
            end = self.skip_statement()
        return end


XML_REF = re.compile(r'<(?:see|seealso)\s+(?:cref|langword|href)\s*=\s*"([^"]*)"\s*/>')
XML_NAME = re.compile(r'<(?:paramref|typeparamref)\s+name\s*=\s*"([^"]*)"\s*/>')
XML_TAG = re.compile(r"<[^<>]*>")


def xml_doc_line(lines):
    """First non-empty line of an XML doc block: references kept as their
    target (`<see cref="X"/>` is X, `<paramref name="x"/>` is x), other tags
    removed, spaces collapsed."""
    for raw in lines:
        s = XML_REF.sub(r"\1", raw)
        s = XML_NAME.sub(r"\1", s)
        s = " ".join(XML_TAG.sub("", s).split())
        if s:
            return s
    return ""


def scan(text):
    doc_lines, directive_lines = {}, set()
    toks = tokenize(text, doc_lines, directive_lines)
    r = Reader(toks, doc_lines, directive_lines)
    r.members("", None, True)
    if r.i < len(toks):
        raise ScanError(f"unexpected }} at line {toks[r.i][2]}")
    return r.defs


def main():
    root = sys.argv[1]
    for rel in sys.stdin.read().split("\n"):
        if not rel:
            continue
        with open(os.path.join(root, rel), encoding="utf-8-sig", errors="replace") as fh:
            text = fh.read()
        try:
            defs, errors = scan(text), 0
        except (ScanError, IndexError) as err:
            defs, errors = [], 1
            print(f"{rel}: {err}", file=sys.stderr)
        print(json.dumps({"path": rel, "defs": defs, "errors": errors}))


if __name__ == "__main__":
    main()
