//! rust-oracle: the definitions trifecta's Rust skeleton promises, read by
//! the `syn` crate (Debian's librust-syn-dev, built offline).
//!
//! Usage: `rust-oracle ROOT < paths` (segment-relative `.rs` paths, one a
//! line). Prints one line per definition, tab-separated:
//! `def PATH KIND QUALIFIED_NAME START END DOC`, and `syntax PATH MESSAGE`
//! for a file syn cannot parse. What counts (lib/languages/rust/skeleton.scm):
//! struct and union (`struct`), enum, trait, impl (named after the
//! implemented type's identifier, through references; a type without one
//! by its source text), `mod` with a body (`module`), `fn` items with or
//! without a body (methods inside impls and traits, functions elsewhere,
//! `extern` blocks included), type aliases and associated types (`type`).
//! Not definitions: const, static, macro_rules!, anything inside a function
//! body. Start line: the item's first token after its outer attributes
//! (doc comments included); end line: its last token. Doc: the first
//! non-empty line of the item's `///` or `/** */` comments.
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use std::io::{self, BufRead, Write};
use syn::{Attribute, ForeignItem, ImplItem, Item, TraitItem, Type};

/// A file's text with its line starts, to read source by span.
struct Source {
    text: String,
    lines: Vec<usize>,
}

impl Source {
    fn new(text: String) -> Source {
        let mut lines = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                lines.push(i + 1);
            }
        }
        Source { text, lines }
    }

    /// Byte offset of a proc-macro2 line (1-based) and column (chars).
    fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.lines.get(line - 1).copied().unwrap_or(self.text.len());
        let rest = &self.text[start..];
        rest.char_indices().nth(column).map(|(i, _)| start + i).unwrap_or(self.text.len())
    }

    fn slice(&self, from: Span, to: Span) -> &str {
        let a = self.offset(from.start().line, from.start().column);
        let b = self.offset(to.end().line, to.end().column);
        if a <= b { &self.text[a..b] } else { "" }
    }
}

/// First and last line of an item, its outer attributes left out.
fn lines_of(tokens: TokenStream) -> (usize, usize) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    // `#` `[...]` pairs: outer attributes and sugared doc comments.
    while i + 1 < trees.len() {
        match (&trees[i], &trees[i + 1]) {
            (TokenTree::Punct(p), TokenTree::Group(_)) if p.as_char() == '#' => i += 2,
            _ => break,
        }
    }
    let first = trees.get(i).map(|t| t.span().start().line).unwrap_or(0);
    let last = trees.last().map(|t| t.span().end().line).unwrap_or(0);
    (first, last)
}

/// The first and last token spans of something printable.
fn span_range<T: ToTokens>(node: &T) -> Option<(Span, Span)> {
    let trees: Vec<TokenTree> = node.to_token_stream().into_iter().collect();
    Some((trees.first()?.span(), trees.last()?.span()))
}

/// The first line of the item's doc comments (`///`, `/** */`), or "".
fn doc_of(attrs: &[Attribute], src: &Source) -> String {
    let mut text = String::new();
    for attr in attrs {
        if !attr.path.is_ident("doc") {
            continue;
        }
        let start = attr.pound_token.span;
        let at = src.offset(start.start().line, start.start().column);
        let raw = &src.text[at..];
        if !(raw.starts_with("///") || raw.starts_with("/**")) {
            continue; // `#[doc = "…"]` written as an attribute: a decorator
        }
        if let Ok(syn::Meta::NameValue(nv)) = attr.parse_meta() {
            if let syn::Lit::Str(s) = nv.lit {
                text.push_str(&s.value());
                text.push('\n');
            }
        }
    }
    for line in text.lines() {
        let l = line.trim().trim_start_matches('*').trim();
        if !l.is_empty() {
            return l.to_string();
        }
    }
    String::new()
}

/// The name of an impl: the implemented type's identifier, through references.
fn impl_name(ty: &Type, src: &Source) -> String {
    let inner = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    if let Type::Path(p) = inner {
        if let Some(seg) = p.path.segments.last() {
            return seg.ident.to_string();
        }
    }
    match span_range(ty) {
        Some((a, b)) => src.slice(a, b).to_string(),
        None => String::new(),
    }
}

struct Walker<'a> {
    path: &'a str,
    src: &'a Source,
    out: &'a mut dyn Write,
}

impl Walker<'_> {
    fn emit(&mut self, kind: &str, qname: &str, tokens: TokenStream, attrs: &[Attribute]) {
        let (start, end) = lines_of(tokens);
        let doc = doc_of(attrs, self.src).replace(['\t', '\n'], " ");
        let _ = writeln!(self.out, "def\t{}\t{}\t{}\t{}\t{}\t{}", self.path, kind, qname, start, end, doc);
    }

    fn items(&mut self, items: &[Item], prefix: &str) {
        for item in items {
            self.item(item, prefix);
        }
    }

    fn item(&mut self, item: &Item, prefix: &str) {
        let q = |name: &str| format!("{prefix}{name}");
        let tokens = item.to_token_stream();
        match item {
            Item::Struct(s) => self.emit("struct", &q(&s.ident.to_string()), tokens, &s.attrs),
            Item::Union(u) => self.emit("struct", &q(&u.ident.to_string()), tokens, &u.attrs),
            Item::Enum(e) => self.emit("enum", &q(&e.ident.to_string()), tokens, &e.attrs),
            Item::Type(t) => self.emit("type", &q(&t.ident.to_string()), tokens, &t.attrs),
            Item::Fn(f) => self.emit("function", &q(&f.sig.ident.to_string()), tokens, &f.attrs),
            Item::Trait(t) => {
                let name = q(&t.ident.to_string());
                self.emit("trait", &name, tokens, &t.attrs);
                for ti in &t.items {
                    self.trait_item(ti, &name);
                }
            }
            Item::Impl(i) => {
                let name = q(&impl_name(&i.self_ty, self.src));
                self.emit("impl", &name, tokens, &i.attrs);
                for ii in &i.items {
                    self.impl_item(ii, &name);
                }
            }
            Item::Mod(m) => {
                if let Some((_, content)) = &m.content {
                    let name = q(&m.ident.to_string());
                    self.emit("module", &name, tokens, &m.attrs);
                    self.items(content, &format!("{name}."));
                }
            }
            Item::ForeignMod(f) => {
                for fi in &f.items {
                    match fi {
                        ForeignItem::Fn(x) => {
                            self.emit("function", &q(&x.sig.ident.to_string()), x.to_token_stream(), &x.attrs)
                        }
                        ForeignItem::Type(x) => {
                            self.emit("type", &q(&x.ident.to_string()), x.to_token_stream(), &x.attrs)
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn trait_item(&mut self, ti: &TraitItem, owner: &str) {
        match ti {
            TraitItem::Method(m) => {
                self.emit("method", &format!("{owner}.{}", m.sig.ident), m.to_token_stream(), &m.attrs)
            }
            TraitItem::Type(t) => {
                self.emit("type", &format!("{owner}.{}", t.ident), t.to_token_stream(), &t.attrs)
            }
            _ => {}
        }
    }

    fn impl_item(&mut self, ii: &ImplItem, owner: &str) {
        match ii {
            ImplItem::Method(m) => {
                self.emit("method", &format!("{owner}.{}", m.sig.ident), m.to_token_stream(), &m.attrs)
            }
            ImplItem::Type(t) => {
                self.emit("type", &format!("{owner}.{}", t.ident), t.to_token_stream(), &t.attrs)
            }
            _ => {}
        }
    }
}

fn main() {
    let root = std::env::args().nth(1).expect("usage: rust-oracle ROOT < paths");
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for line in io::stdin().lock().lines() {
        let path = line.expect("read a path");
        let full = format!("{root}/{path}");
        let text = match std::fs::read_to_string(&full) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(out, "syntax\t{path}\tunreadable: {e}");
                continue;
            }
        };
        match syn::parse_file(&text) {
            Ok(file) => {
                let src = Source::new(text);
                let mut w = Walker { path: &path, src: &src, out: &mut out };
                w.items(&file.items, "");
            }
            Err(e) => {
                let _ = writeln!(out, "syntax\t{path}\t{}", e.to_string().replace(['\t', '\n'], " "));
            }
        }
    }
}
