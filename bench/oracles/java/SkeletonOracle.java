// The Java parity oracle: javac's own parser and tree API (com.sun.source)
// list every definition of each file outside method bodies, in the notion
// trifecta's skeleton uses. Compiled to a temp dir by bench/compare_java.sh.
//
//   java -cp DIR SkeletonOracle ROOT < relative-paths   (one JSON line per file)
//
// Output per file: {"path": P, "errors": N, "defs": [[kind, qualified name,
// start line, end line], ...]}.
// - kinds: class, interface (annotation types too), enum, record, module,
//   method (methods, constructors, compact constructors, annotation elements);
// - names: a constructor is named like its class (javac says `<init>`);
//   nested members are qualified by their enclosing types (`Outer.Inner.m`);
// - nothing inside a method body, an initializer block or a field
//   initializer (anonymous classes, enum constant bodies, lambdas);
// - start line: the line of the first token of the declaration after its
//   leading annotations (annotations that come before any other modifier;
//   comments between them and the declaration are skipped, as javac's
//   scanner does); end line: the line of the declaration's last character
//   (javac ends a module declaration at the end of the file: blanks before
//   that are not part of it);
// - doc line: the first non-empty line of the Javadoc comment javac attaches
//   to the declaration (DocTrees.getDocComment, `*` margins removed).
import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.ModuleTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public final class SkeletonOracle {
    private final CompilationUnitTree unit;
    private final DocTrees docs;
    private final SourcePositions positions;
    private final String text;
    private final StringBuilder out = new StringBuilder();
    private boolean first = true;

    private SkeletonOracle(CompilationUnitTree unit, DocTrees docs, String text) {
        this.unit = unit;
        this.docs = docs;
        this.positions = docs.getSourcePositions();
        this.text = text;
    }

    public static void main(String[] args) throws Exception {
        String root = args[0];
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String rel;
        while ((rel = in.readLine()) != null) {
            if (!rel.isEmpty()) System.out.println(file(javac, files, root, rel));
        }
    }

    /** One file parsed alone (a fresh task: no state shared between files). */
    private static String file(JavaCompiler javac, StandardJavaFileManager files, String root, String rel)
            throws Exception {
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Iterable<? extends JavaFileObject> objs = files.getJavaFileObjects(new File(root, rel));
        JavacTask task = (JavacTask) javac.getTask(null, files, diags, List.of("-proc:none"), null, objs);
        StringBuilder line = new StringBuilder("{\"path\": ").append(json(rel)).append(", \"defs\": [");
        for (CompilationUnitTree unit : task.parse()) {
            String text = unit.getSourceFile().getCharContent(true).toString();
            SkeletonOracle o = new SkeletonOracle(unit, DocTrees.instance(task), text);
            if (unit.getModule() != null) o.module(unit.getModule());
            for (Tree t : unit.getTypeDecls()) {
                if (t instanceof ClassTree) o.type((ClassTree) t, "");
            }
            line.append(o.out);
        }
        long errors = diags.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).count();
        return line.append("], \"errors\": ").append(errors).append("}").toString();
    }

    private void module(ModuleTree m) {
        emit("module", m.getName().toString(), start(m, m.getAnnotations()), m);
    }

    private void type(ClassTree c, String prefix) {
        String q = prefix + c.getSimpleName();
        String kind;
        switch (c.getKind()) {
            case INTERFACE: case ANNOTATION_TYPE: kind = "interface"; break;
            case ENUM: kind = "enum"; break;
            case RECORD: kind = "record"; break;
            default: kind = "class";
        }
        emit(kind, q, start(c, c.getModifiers().getAnnotations()), c);
        for (Tree member : c.getMembers()) {
            if (member instanceof ClassTree) type((ClassTree) member, q + ".");
            else if (member instanceof MethodTree) method((MethodTree) member, c, q + ".");
            // Fields (their initializers: anonymous classes, lambdas) and
            // initializer blocks hold nothing for the skeleton.
        }
    }

    private void method(MethodTree m, ClassTree owner, String prefix) {
        String name = m.getName().contentEquals("<init>") ? owner.getSimpleName().toString()
                : m.getName().toString();
        emit("method", prefix + name, start(m, m.getModifiers().getAnnotations()), m);
    }

    /** Offset of the first token after the leading annotations (or of the tree). */
    private long start(Tree tree, List<? extends AnnotationTree> annotations) {
        long at = positions.getStartPosition(unit, tree);
        for (AnnotationTree a : annotations) {
            long from = positions.getStartPosition(unit, a);
            if (skipBlank((int) at) != from) break; // a modifier keyword came first
            at = positions.getEndPosition(unit, a);
        }
        return skipBlank((int) at);
    }

    /** Past whitespace and comments. */
    private int skipBlank(int i) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) i++;
            else if (text.startsWith("//", i)) {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else break;
        }
        return i;
    }

    private void emit(String kind, String q, long start, Tree tree) {
        int end = (int) positions.getEndPosition(unit, tree);
        // javac ends a module declaration at the end of file: back off blanks.
        while (end > start + 1 && Character.isWhitespace(text.charAt(end - 1))) end--;
        long startLine = unit.getLineMap().getLineNumber(start);
        long endLine = unit.getLineMap().getLineNumber(Math.max(start, end - 1));
        if (!first) out.append(", ");
        first = false;
        out.append("[").append(json(kind)).append(", ").append(json(q)).append(", ")
                .append(startLine).append(", ").append(endLine).append(", ")
                .append(json(docLine(tree))).append("]");
    }

    /** First non-empty line of the tree's Javadoc comment, as javac reads it ("" when none). */
    private String docLine(Tree tree) {
        String doc = docs.getDocComment(TreePath.getPath(unit, tree));
        if (doc == null) return "";
        for (String line : doc.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty()) return t;
        }
        return "";
    }

    private static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
