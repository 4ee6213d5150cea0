#!/usr/bin/env python3
"""The definitions clang's own AST reports for one C or C++ file.

Usage: clang_defs.py c|cpp [--defs-only] [-CLANG_FLAG…] FILE…   (one JSON object per file)

Runs `clang -Xclang -ast-dump=json -fsyntax-only` on each file as the main
file and lists every declaration located in that file (not in an included
header), not implicit, not inside a function body, as (kind class,
qualified name, start line, end line) with the lines of its source range
(macro uses at the line they are expanded). What counts (docs/languages.md):

C:   FunctionDecl (definitions and prototypes); RecordDecl (struct, union)
     and EnumDecl with a body and a name; TypedefDecl. A typedef that owns
     a tag with a body (`typedef struct t {…} name;`) is one definition, the
     tag's kind, named by the typedef, from `typedef` to the tag's `}`.
C++: the same, plus NamespaceDecl, CXXRecordDecl (class, struct, union)
     with a body, methods, constructors, destructors, conversion functions
     and operators in class bodies, out-of-line method definitions
     (`Foo::bar`, qualified `Foo.bar`), FunctionTemplateDecl and
     ClassTemplateDecl (their inner declaration: the template header is part
     of the signature, not of the range), TypeAliasDecl (`using x = …`).
     Operators are named as written (`operator==`).

Declarations whose name comes out of a macro expansion are listed apart
(`macro`): the source holds a macro call, not a definition. Also reported:
the main-file lines that produced preprocessor output (`active`), so that a
definition in a branch `#if` left out can be told from a real extra.

JSON clang writes leaves out a location's `file` and `line` when they equal
the previous location printed: the walker reads locations in print order.
"""
import json
import re
import subprocess
import sys

CLANG = "clang"
FLAGS = {
    "c": ["-x", "c", "-std=gnu11"],
    "cpp": ["-x", "c++", "-std=gnu++20"],
}


class Locs:
    """Fills in the file and line clang left out, in print order."""

    def __init__(self):
        self.file = ""
        self.line = 0

    def bare(self, loc):
        if "file" in loc:
            self.file = loc["file"]
        else:
            loc["file"] = self.file
        if "line" in loc:
            self.line = loc["line"]
        else:
            loc["line"] = self.line

    def walk(self, node):
        if isinstance(node, dict):
            if "offset" in node or "col" in node:
                self.bare(node)
                return
            for value in node.values():
                self.walk(value)
        elif isinstance(node, list):
            for value in node:
                self.walk(value)


def expansion(loc):
    """The place a location is written in the file (its macro use, for a macro)."""
    return loc.get("expansionLoc", loc)


def from_macro(loc):
    return "spellingLoc" in loc or "expansionLoc" in loc


TYPE_KINDS = {"RecordDecl", "CXXRecordDecl", "EnumDecl"}
FUNC_KINDS = {
    "FunctionDecl",
    "CXXMethodDecl",
    "CXXConstructorDecl",
    "CXXDestructorDecl",
    "CXXConversionDecl",
    "CXXDeductionGuideDecl",
}


# Types a typedef's own tag may be wrapped in (`typedef struct {…} *P;`);
# never a typedef or function type, whose parts name other declarations.
WRAPPING_TYPES = {
    "ElaboratedType", "PointerType", "ParenType", "QualType",
    "ConstantArrayType", "IncompleteArrayType",
}


def owned_tags(inner):
    """Tag ids owned by a typedef in this list: id -> the typedef."""
    out = {}

    def find(node):
        if isinstance(node, dict):
            owned = node.get("ownedTagDecl")
            if owned:
                return owned.get("id")
            if node.get("kind") not in WRAPPING_TYPES:
                return None
            for v in node.get("inner", []):
                got = find(v)
                if got:
                    return got
        return None

    for d in inner:
        if d.get("kind") in ("TypedefDecl", "TypeAliasDecl"):
            for t in d.get("inner", []):
                tid = find(t)
                if tid and tid not in out:
                    out[tid] = d
                    break
    return out


def has_body(d):
    if d.get("kind") == "EnumDecl":
        return any(c.get("kind") == "EnumConstantDecl" for c in d.get("inner", []))
    return bool(d.get("completeDefinition"))


RECORD_KINDS = {
    "CXXRecordDecl", "RecordDecl", "ClassTemplateSpecializationDecl",
    "ClassTemplatePartialSpecializationDecl", "NamespaceDecl",
}


def index_decls(node, out):
    """Every declaration by id (the semantic parents of out-of-line definitions)."""
    if isinstance(node, dict):
        if "id" in node and node.get("kind", "").endswith("Decl"):
            out.setdefault(node["id"], node)
        for v in node.get("inner", []):
            index_decls(v, out)
    return out


def skip_template_headers(src, i):
    """The offset after `template <…>` headers starting at `i` (angle brackets balanced)."""
    while src.startswith(b"template", i):
        j = i + len(b"template")
        while j < len(src) and src[j:j + 1].isspace():
            j += 1
        if src[j:j + 1] != b"<":
            return i
        depth = 0
        while j < len(src):
            c = src[j:j + 1]
            if c == b"<":
                depth += 1
            elif c == b">":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        j += 1
        while j < len(src) and src[j:j + 1].isspace():
            j += 1
        i = j
    return i


class Walker:
    def __init__(self, main, index=None, src=b""):
        self.main = main
        self.defs = []
        self.macro = []
        # Declarations left out for a location without a line (see emit).
        self.invalid = []
        self.index = index or {}
        self.src = src

    def start_line(self, begin):
        """The line of a declaration's first token after its template headers."""
        loc = expansion(begin)
        offset = loc.get("offset")
        if offset is None or not self.src.startswith(b"template", offset):
            return loc["line"]
        after = skip_template_headers(self.src, offset)
        return loc["line"] + self.src.count(b"\n", offset, after)

    def explicit_instantiation(self, d):
        """`template class Foo<int>;`: `template` not followed by `<`."""
        offset = expansion(d["range"]["begin"]).get("offset")
        if offset is None or not self.src.startswith(b"template", offset):
            return False
        return skip_template_headers(self.src, offset) == offset

    def owner_prefix(self, d, prefix):
        """An out-of-line definition (`Foo::bar`) is named under its semantic parent."""
        pid = d.get("parentDeclContextId")
        parent = self.index.get(pid) if pid else None
        if parent is None or parent.get("kind") not in RECORD_KINDS or not parent.get("name"):
            return prefix
        if parent.get("kind") == "NamespaceDecl" and prefix.endswith(parent["name"] + "."):
            # A namespace reopened: its decl differs, its name is there already.
            return prefix
        return prefix + parent["name"] + "."

    def in_main(self, d):
        rng = d.get("range", {})
        begin = rng.get("begin", {})
        return bool(begin) and expansion(begin).get("file") == self.main

    def emit(self, kind, qname, d, begin=None, end=None):
        rng = d.get("range", {})
        first, last = begin or rng.get("begin", {}), end or rng.get("end", {})
        if "line" not in expansion(first) or "line" not in expansion(last):
            # An invalid declaration (`"isInvalid": true`, a file with errors)
            # may print an empty location (`"end": {}`): no lines to report.
            self.invalid.append((kind, qname))
            return
        b = self.start_line(first)
        e = expansion(last)["line"]
        row = (kind, qname, b, e)
        if from_macro(d.get("loc", {})):
            self.macro.append(row)
        else:
            self.defs.append(row)

    def decls(self, inner, prefix):
        owned = owned_tags(inner)
        by_id = {d.get("id"): d for d in inner}
        for d in inner:
            if d.get("isImplicit"):
                continue
            self.decl(d, prefix, owned, by_id)

    def decl(self, d, prefix, owned, by_id):
        kind = d.get("kind")
        if kind in ("LinkageSpecDecl", "ExportDecl"):
            self.decls(d.get("inner", []), prefix)
            return
        if not self.in_main(d):
            return
        name = d.get("name", "")
        if kind in FUNC_KINDS:
            self.function(d, prefix)
        elif kind == "FriendDecl":
            # A friend function declared or defined in a class is listed there.
            # Its semantic parent is the namespace: no owner prefix.
            for c in d.get("inner", []):
                if c.get("kind") in FUNC_KINDS or c.get("kind") == "FunctionTemplateDecl":
                    c.pop("parentDeclContextId", None)
                    self.decl(c, prefix, owned, by_id)
        elif kind in TYPE_KINDS:
            if not has_body(d) or d.get("id") in owned:
                return
            prefix = self.owner_prefix(d, prefix)
            qname = prefix + name if name else prefix.rstrip(".")
            if name:
                self.emit("struct" if kind != "EnumDecl" else "enum", qname, d)
            self.decls(d.get("inner", []), prefix + name + "." if name else prefix)
        elif kind in ("TypedefDecl", "TypeAliasDecl"):
            self.typedef(d, prefix, by_id)
        elif kind == "NamespaceDecl":
            qname = prefix + name if name else prefix.rstrip(".")
            if name:
                self.emit("namespace", qname, d)
            self.decls(d.get("inner", []), prefix + name + "." if name else prefix)
        elif kind in ("FunctionTemplateDecl", "ClassTemplateDecl", "TypeAliasTemplateDecl"):
            self.template(d, prefix, by_id)
        elif kind in ("ClassTemplateSpecializationDecl", "ClassTemplatePartialSpecializationDecl"):
            # A specialization written out is a class of its own; an explicit
            # instantiation (`template class Foo<int>;`) is not.
            if has_body(d) and not self.explicit_instantiation(d):
                prefix = self.owner_prefix(d, prefix)
                self.emit("struct", prefix + name, d)
                self.decls(d.get("inner", []), prefix + name + ".")

    def typedef(self, d, prefix, by_id):
        name = d.get("name", "")
        tag = None
        for tid, td in owned_tags([d]).items():
            tag = by_id.get(tid)
        if tag is not None and has_body(tag):
            kind = "enum" if tag.get("kind") == "EnumDecl" else "struct"
            self.emit(kind, prefix + name, d, end=tag["range"]["end"])
            self.decls(tag.get("inner", []), prefix + name + ".")
        else:
            self.emit("type", prefix + name, d)

    def conversion_name(self, d):
        """A conversion function is named by its type as written, without
        qualifiers, `*` or `&` (`operator const char*()` is `char`)."""
        loc = expansion(d.get("loc", {}))
        offset = loc.get("offset")
        if offset is None or not self.src.startswith(b"operator", offset):
            return d.get("name", "")
        end = self.src.find(b"(", offset)
        written = self.src[offset + len(b"operator"):end].decode("utf-8", "replace")
        words = [w for w in re.split(r"[\s*&]+", written) if w and w not in ("const", "volatile")]
        return words[-1] if words else d.get("name", "")

    def function(self, d, prefix):
        name = d.get("name", "")
        kind = d.get("kind")
        if kind == "CXXConversionDecl":
            name = self.conversion_name(d)
        elif kind in ("CXXConstructorDecl", "CXXDestructorDecl"):
            # A class template's constructor is named `array<T>` by clang.
            name = name.split("<", 1)[0]
        self.emit("function", self.owner_prefix(d, prefix) + name, d)

    def template(self, d, prefix, by_id):
        # The templated declaration is the last inner node that is a decl
        # of the kind templated; its range starts after `template <…>`.
        for c in d.get("inner", []):
            k = c.get("kind")
            if k in FUNC_KINDS or k in TYPE_KINDS or k == "TypeAliasDecl":
                c.setdefault("range", d["range"])
                if "parentDeclContextId" in d:
                    c.setdefault("parentDeclContextId", d["parentDeclContextId"])
                self.decl(c, prefix, {}, by_id)
                return


def clang_json(path, lang, extra):
    cmd = [CLANG, *FLAGS[lang], *extra, "-Xclang", "-ast-dump=json", "-fsyntax-only",
           "-ferror-limit=0", "-w", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    errors = [l for l in p.stderr.splitlines() if ": error:" in l or ": fatal error:" in l]
    fatal = [l for l in errors if "fatal error" in l]
    data = json.loads(p.stdout) if p.stdout.strip() else None
    return data, errors, fatal


LINEMARK = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"')


def active_lines(path, lang, extra):
    """Main-file lines that produced preprocessor output."""
    cmd = [CLANG, *FLAGS[lang], *extra, "-E", "-w", path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    out, file, line = set(), "", 0
    for text in p.stdout.splitlines():
        m = LINEMARK.match(text)
        if m:
            line, file = int(m.group(1)), m.group(2)
            continue
        if file == path and text.strip():
            out.add(line)
        line += 1
    return sorted(out)


def file_defs(path, lang, extra=(), active=True):
    data, errors, fatal = clang_json(path, lang, list(extra))
    result = {"path": path, "errors": errors[:3], "fatal": fatal[:3], "defs": [], "macro": []}
    if data is None or fatal:
        return result
    Locs().walk(data)
    with open(path, "rb") as fh:
        src = fh.read()
    w = Walker(path, index_decls(data, {}), src)
    w.decls(data.get("inner", []), "")
    result["defs"] = w.defs
    result["macro"] = w.macro
    result["invalid"] = w.invalid
    result["active"] = active_lines(path, lang, list(extra)) if active else []
    return result


def main():
    lang, args = sys.argv[1], sys.argv[2:]
    # --defs-only: no `clang -E` run for the lines a branch left out.
    active = "--defs-only" not in args
    flags = [a for a in args if a.startswith("-") and a != "--defs-only"]
    for path in (a for a in args if not a.startswith("-")):
        print(json.dumps(file_defs(path, lang, flags, active)))


if __name__ == "__main__":
    main()
