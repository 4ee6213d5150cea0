<?php
// Compare trifecta's PHP skeleton with PHP's own tokenizer.
//
// Usage: php compare.php SEGMENT_ROOT SKELETON_JSON [--show N]
//
// SKELETON_JSON is `trifecta ast skeleton --json -s SEGMENT_ROOT .`. PHP has
// no syntax-tree API in php-cli, so this is a TOKEN-LEVEL WALKER of our own
// over PhpToken::tokenize($code, TOKEN_PARSE) (PHP's own lexer, in parser
// mode, so `enum`/`readonly` are keywords only where the parser says so; a
// file PHP cannot parse is reported apart). It tracks braces and lists each
// definition outside function bodies:
//   namespace X;         kind namespace, start = end = its line, nothing nested
//   namespace X { … }    kind namespace, to its `}`, the definitions in it
//                        nested (qualified `X.Name`); nameless: no definition
//   class/interface/trait/enum Name … { … }   to the closing `}`
//   function name(…) { … }   a function; directly in a class-like body a
//                        method; `…;` (abstract, interface) ends at the `;`
// Skipped: closures (`function (…)`, `fn`), anonymous classes (`new class`),
// and everything inside a function, method, closure or anonymous class body.
// start = the line of the first modifier (`final`, `abstract`, `readonly`,
// `public`, `static` …) before the keyword, else the keyword's line
// (attributes `#[…]` are reported apart); end = the line of the closing `}`
// or `;`. Compared on (file, kind, qualified name, start line, end line).
// Exit status 0 when nothing is missing, differs or is extra.

const MODIFIERS = [T_ABSTRACT, T_FINAL, T_READONLY, T_PUBLIC, T_PROTECTED, T_PRIVATE, T_STATIC, T_VAR];
const TYPES = [T_CLASS => 'class', T_INTERFACE => 'interface', T_TRAIT => 'trait', T_ENUM => 'enum'];
const SKIP = [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT, T_INLINE_HTML, T_OPEN_TAG, T_CLOSE_TAG, T_OPEN_TAG_WITH_ECHO];

/** The significant tokens of a file (PHP's lexer in parser mode). */
function significant(string $code): array
{
    $out = [];
    foreach (PhpToken::tokenize($code, TOKEN_PARSE) as $t) {
        if (!in_array($t->id, SKIP, true)) $out[] = $t;
    }
    return $out;
}

/** Index of the `{` or `;` that ends a header starting at $i (outside parentheses and brackets). */
function headerEnd(array $toks, int $i): int
{
    $depth = 0;
    for ($n = count($toks); $i < $n; $i++) {
        $text = $toks[$i]->text;
        if ($text === '(' || $text === '[' || $toks[$i]->id === T_ATTRIBUTE) $depth++;
        elseif ($text === ')' || $text === ']') $depth--;
        elseif ($depth === 0 && ($text === '{' || $text === ';')) return $i;
    }
    return $n - 1;
}

/** Every definition outside function bodies: [kind, qualified, start, end]. */
function php_defs(array $toks): array
{
    $out = [];
    $frames = []; // open braces: ['kind' => def|body|block, 'def' => index or null, 'scope' => class|ns|func|anon|block]
    $modLine = null;
    $beforeAttr = null;
    $attr = 0;
    $n = count($toks);
    $prefix = function () use (&$frames, &$out) {
        $parts = [];
        foreach ($frames as $f) if ($f['def'] !== null) $parts[] = $out[$f['def']][1];
        return $parts ? end($parts) . '.' : '';
    };
    for ($i = 0; $i < $n; $i++) {
        $t = $toks[$i];
        $text = $t->text;
        if ($attr > 0) { // inside #[ … ]
            if ($text === '[' || $t->id === T_ATTRIBUTE) $attr++;
            elseif ($text === ']') $attr--;
            continue;
        }
        if ($t->id === T_ATTRIBUTE) {
            $attr = 1;
            $beforeAttr ??= $toks[$i - 1] ?? null; // `new #[A] class`: still anonymous
            continue;
        }
        if (in_array($t->id, MODIFIERS, true)) { $modLine ??= $t->line; continue; }
        $start = $modLine ?? $t->line;
        $modLine = null;
        $prev = $toks[$i - 1] ?? null;
        if ($prev !== null && $prev->text === ']' && $beforeAttr !== null) $prev = $beforeAttr;
        $beforeAttr = null;
        if ($text === '{' || $t->id === T_CURLY_OPEN || $t->id === T_DOLLAR_OPEN_CURLY_BRACES) {
            $frames[] = ['def' => null, 'scope' => 'block'];
            continue;
        }
        if ($text === '}') {
            $f = array_pop($frames);
            if ($f !== null && $f['def'] !== null && $f['own']) $out[$f['def']][3] = $t->line;
            continue;
        }
        $inside = (bool) array_filter($frames, fn ($f) => $f['scope'] === 'func' || $f['scope'] === 'anon');
        if ($t->id === T_NAMESPACE && !$inside) {
            $next = $toks[$i + 1] ?? null;
            if ($next !== null && in_array($next->id, [T_STRING, T_NAME_QUALIFIED], true)) {
                $end = headerEnd($toks, $i);
                $out[] = ['namespace', $next->text, $start, $toks[$end]->line];
                if ($toks[$end]->text === '{') $frames[] = ['def' => count($out) - 1, 'scope' => 'ns', 'own' => true];
                $i = $end;
            } elseif ($next !== null && $next->text === '{') {
                $frames[] = ['def' => null, 'scope' => 'block'];
                $i++;
            }
            continue;
        }
        if (isset(TYPES[$t->id]) && !($prev !== null && $prev->id === T_DOUBLE_COLON)) {
            $end = headerEnd($toks, $i);
            $anon = $t->id === T_CLASS && $prev !== null && $prev->id === T_NEW;
            if ($anon || $inside) {
                $frames[] = ['def' => null, 'scope' => $anon ? 'anon' : 'func'];
            } else {
                $out[] = [TYPES[$t->id], $prefix() . $toks[$i + 1]->text, $start, 0];
                $frames[] = ['def' => count($out) - 1, 'scope' => 'class', 'own' => true];
            }
            $i = $end;
            continue;
        }
        if (($t->id === T_FUNCTION || $t->id === T_CONST) && $prev !== null && $prev->id === T_USE) {
            $i = headerEnd($toks, $i); // `use function A\b;`, `use const A\B;`: imports
            continue;
        }
        if ($t->id === T_FUNCTION || $t->id === T_FN) {
            $k = $i + 1;
            if (($toks[$k]->text ?? '') === '&') $k++;
            $closure = $t->id === T_FN || ($toks[$k]->text ?? '') === '(';
            $end = headerEnd($toks, $i);
            if ($t->id === T_FN) continue; // an arrow function: an expression, no braces of its own
            if ($closure || $inside) {
                if ($toks[$end]->text === '{') $frames[] = ['def' => null, 'scope' => 'func'];
            } else {
                $top = end($frames);
                $kind = $top !== false && $top['scope'] === 'class' ? 'method' : 'function';
                $out[] = [$kind, $prefix() . $toks[$k]->text, $start, $toks[$end]->line];
                if ($toks[$end]->text === '{') {
                    $frames[] = ['def' => count($out) - 1, 'scope' => 'func', 'own' => true];
                }
            }
            $i = $end;
        }
    }
    return $out;
}

/** trifecta's definitions, flattened: [kind, qualified, start, end]. */
function ours_defs(array $symbols, array &$out): void
{
    foreach ($symbols as $s) {
        $out[] = [$s['kind'], $s['qualified_name'], $s['start_line'], $s['end_line']];
        ours_defs($s['children'], $out);
    }
}

[$root, $skelPath] = [$argv[1], $argv[2]];
$at = array_search('--show', $argv, true);
$show = $at === false ? 20 : (int) $argv[$at + 1];
$t0 = hrtime(true);
$ours = [];
foreach (json_decode(file_get_contents($skelPath), true)['files'] as $f) {
    $list = [];
    ours_defs($f['symbols'], $list);
    $ours[$f['path']] = $list;
}
$files = [];
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
foreach ($it as $file) {
    if (preg_match('/\.(php|phtml)$/', $file->getFilename())) {
        $files[] = substr($file->getPathname(), strlen(rtrim($root, '/')) + 1);
    }
}
sort($files);
$total = $found = $lines = 0;
$unparsed = $missing = $mismatch = $extras = [];
foreach ($files as $rel) {
    $code = file_get_contents("$root/$rel");
    $lines += substr_count($code, "\n");
    try {
        $theirs = php_defs(significant($code));
    } catch (ParseError $e) {
        $unparsed[] = "$rel: " . $e->getMessage();
        continue;
    }
    $left = $ours[$rel] ?? [];
    $total += count($theirs);
    foreach ($theirs as $d) {
        $i = array_search($d, $left, true);
        if ($i !== false) {
            $found++;
            array_splice($left, $i, 1);
            continue;
        }
        $c = null;
        foreach ($left as $j => $m) if ($m[0] === $d[0] && $m[1] === $d[1]) { $c = $j; break; }
        if ($c !== null) {
            $mismatch[] = [$rel, $d, $left[$c]];
            array_splice($left, $c, 1);
        } else {
            $missing[] = [$rel, $d];
        }
    }
    foreach ($left as $d) $extras[] = [$rel, $d];
}
$ms = intdiv(hrtime(true) - $t0, 1000000);
$pct = $total === 0 ? 0 : round(100 * $found / $total, 2);
$e = fn ($d) => json_encode($d, JSON_UNESCAPED_SLASHES);
echo "files: " . count($files) . " ($lines lines; " . count($unparsed) . " PHP could not parse, left out)\n";
echo "oracle (token_get_all walker) definitions: $total\n";
echo "found with exact lines: $found ($pct%)\n";
echo "line mismatches: " . count($mismatch) . "\nmissing: " . count($missing) . "\nextras: " . count($extras) . "\n";
echo "oracle + compare time: $ms ms\n";
foreach (array_slice($mismatch, 0, $show) as [$rel, $d, $c]) echo "  MISMATCH $rel: php {$e($d)} ours {$e($c)}\n";
foreach (array_slice($missing, 0, $show) as [$rel, $d]) echo "  MISSING  $rel: {$e($d)}\n";
foreach (array_slice($extras, 0, $show) as [$rel, $d]) echo "  EXTRA    $rel: {$e($d)}\n";
foreach (array_slice($unparsed, 0, $show) as $u) echo "  UNPARSED $u\n";
exit($missing || $mismatch || $extras ? 1 : 0);
