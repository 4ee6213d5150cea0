// Command go-oracle compares trifecta's Go skeleton with Go's own parser.
//
// Usage: go run bench/oracles/go/main.go [-show N] SEGMENT_ROOT SKELETON_JSON
//
// SKELETON_JSON is the output of `trifecta ast skeleton --json -s SEGMENT_ROOT .`.
// For every Go file in it (files under a testdata directory are skipped: the
// Go tool ignores them and many are broken on purpose), go/parser lists the
// definitions trifecta's Go skeleton promises (lib/languages/go/skeleton.scm):
// every type spec (struct, interface, or any other type or alias), the
// methods an interface type lists, every func declaration and every method
// declaration (named Recv.Name after the receiver's base type). Top-level
// const and var specs are not definitions. Start line: the `type` keyword of
// a lone type declaration, the spec's name in a group, the `func` keyword,
// the method name in an interface; end line: the node's last character.
// The two sets are compared on (file, qualified name, kind, start, end);
// docs (the first line of the comment group above) are compared on the
// matched definitions and reported apart. Exit status 0 when nothing is
// missing and nothing is extra.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type def struct {
	Kind  string
	QName string
	Start int
	End   int
}

type symbol struct {
	Kind          string   `json:"kind"`
	QualifiedName string   `json:"qualified_name"`
	StartLine     int      `json:"start_line"`
	EndLine       int      `json:"end_line"`
	Doc           string   `json:"doc"`
	Children      []symbol `json:"children"`
}

type skeleton struct {
	Skipped []struct {
		Path   string `json:"path"`
		Reason string `json:"reason"`
	} `json:"skipped"`
	Files []struct {
		Path     string   `json:"path"`
		Language string   `json:"language"`
		Symbols  []symbol `json:"symbols"`
	} `json:"files"`
}

// receiverBase is the identifier naming a receiver's type: `*List[T]` is `List`.
func receiverBase(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// docLine is the first non-empty line of a comment group (directives out).
func docLine(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	for _, line := range strings.Split(g.Text(), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			return s
		}
	}
	return ""
}

func oracleDefs(fset *token.FileSet, f *ast.File) (map[def]int, map[def]string) {
	defs := map[def]int{}
	docs := map[def]string{}
	line := func(p token.Pos) int { return fset.Position(p).Line }
	add := func(d def, doc *ast.CommentGroup) {
		defs[d]++
		docs[d] = docLine(doc)
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) > 0 {
				q := receiverBase(d.Recv.List[0].Type) + "." + d.Name.Name
				add(def{"method", q, line(d.Pos()), line(d.End() - 1)}, d.Doc)
			} else {
				add(def{"function", d.Name.Name, line(d.Pos()), line(d.End() - 1)}, d.Doc)
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, spec := range d.Specs {
				s := spec.(*ast.TypeSpec)
				start, doc := line(s.Pos()), s.Doc
				if !d.Lparen.IsValid() {
					start, doc = line(d.Pos()), d.Doc
				}
				kind := "type"
				if !s.Assign.IsValid() {
					switch t := s.Type.(type) {
					case *ast.StructType:
						kind = "struct"
					case *ast.InterfaceType:
						kind = "interface"
						for _, m := range t.Methods.List {
							if _, ok := m.Type.(*ast.FuncType); ok && len(m.Names) == 1 {
								q := s.Name.Name + "." + m.Names[0].Name
								add(def{"method", q, line(m.Pos()), line(m.End() - 1)}, m.Doc)
							}
						}
					}
				}
				add(def{kind, s.Name.Name, start, line(s.End() - 1)}, doc)
			}
		}
	}
	return defs, docs
}

func oursDefs(syms []symbol, defs map[def]int, docs map[def]string) {
	for _, s := range syms {
		d := def{s.Kind, s.QualifiedName, s.StartLine, s.EndLine}
		defs[d]++
		docs[d] = s.Doc
		oursDefs(s.Children, defs, docs)
	}
}

func inTestdata(path string) bool {
	for _, part := range strings.Split(filepath.ToSlash(path), "/") {
		if part == "testdata" {
			return true
		}
	}
	return false
}

type totals struct {
	files, skipped, syntax, oracle, ours, matched, docDiff int
	notParsed, notParsedDefs                               int
	kinds                                                  map[string]int
	missing, extra, docRows, syntaxRows, notParsedRows     []string
}

func (t *totals) compare(root, path string, symbols []symbol) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join(root, path), nil,
		parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.syntax++
		t.syntaxRows = append(t.syntaxRows, fmt.Sprintf("%s: %v", path, err))
		return
	}
	t.files++
	theirs, theirDocs := oracleDefs(fset, f)
	ours, ourDocs := map[def]int{}, map[def]string{}
	oursDefs(symbols, ours, ourDocs)
	for d, n := range theirs {
		t.oracle += n
		t.kinds[d.Kind] += n
		m := min(n, ours[d])
		t.matched += m
		for i := m; i < n; i++ {
			t.missing = append(t.missing, fmt.Sprintf("%s %s %s %d-%d", path, d.Kind, d.QName, d.Start, d.End))
		}
		if m > 0 && theirDocs[d] != ourDocs[d] {
			t.docDiff++
			t.docRows = append(t.docRows, fmt.Sprintf("%s %s: go %q, trifecta %q", path, d.QName, theirDocs[d], ourDocs[d]))
		}
	}
	for d, n := range ours {
		t.ours += n
		for i := theirs[d]; i < n; i++ {
			t.extra = append(t.extra, fmt.Sprintf("%s %s %s %d-%d", path, d.Kind, d.QName, d.Start, d.End))
		}
	}
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func head(rows []string, n int) []string {
	if len(rows) > n {
		return rows[:n]
	}
	return rows
}

func main() {
	show := flag.Int("show", 20, "rows of each list to print")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run main.go [-show N] SEGMENT_ROOT SKELETON_JSON")
		os.Exit(2)
	}
	root := flag.Arg(0)
	raw, err := os.ReadFile(flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var skel skeleton
	if err := json.Unmarshal(raw, &skel); err != nil {
		fmt.Fprintln(os.Stderr, "skeleton JSON:", err)
		os.Exit(2)
	}
	began := time.Now()
	t := &totals{kinds: map[string]int{}}
	for _, f := range skel.Files {
		if f.Language != "go" {
			continue
		}
		if inTestdata(f.Path) {
			t.skipped++
			continue
		}
		t.compare(root, f.Path, f.Symbols)
	}
	sort.Strings(t.missing)
	sort.Strings(t.extra)
	sort.Strings(t.docRows)
	for _, f := range skel.Skipped {
		if !strings.HasSuffix(f.Path, ".go") || inTestdata(f.Path) {
			continue
		}
		// A file trifecta did not outline: every definition in it is missed.
		t.notParsed++
		t.compare(root, f.Path, nil)
		t.files--
		t.notParsedRows = append(t.notParsedRows, f.Path+" ("+f.Reason+")")
	}
	fmt.Printf("go files compared: %d (skipped under testdata/: %d; go/parser syntax errors: %d)\n", t.files, t.skipped, t.syntax)
	fmt.Printf("go files trifecta skipped (their definitions count as missing): %d %v\n", t.notParsed, t.notParsedRows)
	fmt.Printf("go/parser definitions: %d (struct %d, interface %d, type %d, function %d, method %d)\n",
		t.oracle, t.kinds["struct"], t.kinds["interface"], t.kinds["type"], t.kinds["function"], t.kinds["method"])
	fmt.Printf("trifecta definitions: %d\n", t.ours)
	recall := 0.0
	if t.oracle > 0 {
		recall = 100 * float64(t.matched) / float64(t.oracle)
	}
	fmt.Printf("matched on (file, qualified name, kind, start line, end line): %d (recall %.2f%%)\n", t.matched, recall)
	fmt.Printf("missing or different in trifecta: %d\n", len(t.missing))
	fmt.Printf("extra or different in trifecta: %d\n", len(t.extra))
	fmt.Printf("doc line differs (matched definitions): %d\n", t.docDiff)
	fmt.Printf("oracle time: %.2fs\n", time.Since(began).Seconds())
	for _, r := range head(t.missing, *show) {
		fmt.Println("  missing:", r)
	}
	for _, r := range head(t.extra, *show) {
		fmt.Println("  extra:  ", r)
	}
	for _, r := range head(t.docRows, *show) {
		fmt.Println("  doc:    ", r)
	}
	for _, r := range head(t.syntaxRows, *show) {
		fmt.Println("  syntax error (go/parser):", r)
	}
	if len(t.missing) > 0 || len(t.extra) > 0 {
		os.Exit(1)
	}
}
