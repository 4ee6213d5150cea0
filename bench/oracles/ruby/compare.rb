# frozen_string_literal: true

# Compare trifecta's Ruby skeleton with Ruby's own parser (Ripper).
#
# Usage: ruby compare.rb SEGMENT_ROOT SKELETON_JSON [--show N]
#
# SKELETON_JSON is `trifecta ast skeleton --json -s SEGMENT_ROOT .`. For every
# .rb/.rake/.gemspec file under SEGMENT_ROOT, Ripper (the parser of Ruby
# itself, parse.y) lists each `class`, `module`, `def` and `def recv.x` that
# is not inside a `def` body (top level, class and module bodies at any
# depth, and blocks, conditionals and `class << self` bodies between them).
# start = the line of the definition's name token; end = the line Ripper's
# parser is on when it reduces the definition (its closing `end`, or the
# last line of an endless `def x = expr`). Names: `class A::B` is `A.B`
# below the enclosing names; `def self.x` is `x`; a `def` directly below a
# class or module (or `class << self`) is a method, elsewhere a function.
# Compared on (file, kind, qualified name, start line, end line).
# Exit status 0 when nothing is missing, differs or is extra.
require "ripper"
require "json"

# Ripper's S-expression builder, with each definition's last line appended.
class EndLines < Ripper::SexpBuilderPP
  %i[class module def defs].each do |event|
    define_method(:"on_#{event}") do |*args|
      super(*args) + [[:@end_line, lineno]]
    end
  end
end

# Name parts of a class/module name node (const_ref, const_path_ref, top_const_ref).
def const_parts(node)
  case node[0]
  when :const_ref, :top_const_ref, :var_ref then [node[1][1]]
  when :const_path_ref then const_parts(node[1]) + [node[2][1]]
  when :@const, :@ident then [node[1]]
  else [Ripper.tokenize(node.inspect).join] # anything else: never seen in the corpus
  end
end

def name_line(node)
  return node[2][0] if node[0].is_a?(Symbol) && node[0].to_s.start_with?("@")

  node.each { |c| return name_line(c) if c.is_a?(Array) && name_line(c) }
  nil
end

# Every definition outside def bodies: [kind, qualified, start, end].
def ripper_defs(sexp)
  out = []
  walk = lambda do |node, prefix, in_type|
    return unless node.is_a?(Array)

    case node[0]
    when :class, :module
      parts = const_parts(node[1])
      q = (prefix + parts).join(".")
      out << [node[0].to_s, q, name_line(node[1]), node.last[1]]
      node[2..-2].each { |c| walk.call(c, prefix + parts, true) }
    when :def, :defs
      name = node[0] == :def ? node[1] : node[3]
      out << [in_type ? "method" : "function", (prefix + [name[1]]).join("."), name[2][0], node.last[1]]
    else
      node.each { |c| walk.call(c, prefix, in_type) }
    end
  end
  walk.call(sexp, [], false)
  out
end

def ours_defs(symbols, out = [])
  symbols.each do |s|
    out << [s["kind"], s["qualified_name"], s["start_line"], s["end_line"]]
    ours_defs(s["children"], out)
  end
  out
end

root, skel_path = ARGV[0], ARGV[1]
show = ARGV.include?("--show") ? ARGV[ARGV.index("--show") + 1].to_i : 20
t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
ours = {}
JSON.parse(File.read(skel_path))["files"].each { |f| ours[f["path"]] = ours_defs(f["symbols"]) }
files = Dir.glob("**/*.{rb,rake,gemspec}", base: root).sort
oracle_total = found = 0
lines = 0
unparsed = []
missing = []
mismatch = []
extras = []
files.each do |rel|
  src = File.read(File.join(root, rel), encoding: "UTF-8")
  lines += src.count("\n")
  parser = EndLines.new(src, rel)
  sexp = parser.parse
  if sexp.nil? || parser.error?
    unparsed << rel
    next
  end
  theirs = ripper_defs(sexp)
  mine = ours[rel] || []
  oracle_total += theirs.size
  by_key = mine.group_by { |k, q, _s, _e| [k, q] }
  left = mine.dup
  theirs.each do |d|
    if (i = left.index(d))
      found += 1
      left.delete_at(i)
    elsif (cands = by_key[[d[0], d[1]]]) && (c = cands.find { |m| left.include?(m) })
      mismatch << [rel, d, c]
      left.delete_at(left.index(c))
    else
      missing << [rel, d]
    end
  end
  left.each { |d| extras << [rel, d] }
end
oracle_ms = ((Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0) * 1000).round
puts "files: #{files.size} (#{lines} lines; #{unparsed.size} Ripper could not parse, left out)"
puts "oracle (Ripper) definitions: #{oracle_total}"
puts "found with exact lines: #{found} (#{oracle_total.zero? ? 0 : (100.0 * found / oracle_total).round(2)}%)"
puts "line mismatches: #{mismatch.size}"
puts "missing: #{missing.size}"
puts "extras: #{extras.size}"
puts "oracle + compare time: #{oracle_ms} ms"
mismatch.first(show).each { |rel, d, c| puts "  MISMATCH #{rel}: ripper #{d.inspect} ours #{c.inspect}" }
missing.first(show).each { |rel, d| puts "  MISSING  #{rel}: #{d.inspect}" }
extras.first(show).each { |rel, d| puts "  EXTRA    #{rel}: #{d.inspect}" }
unparsed.first(show).each { |rel| puts "  UNPARSED #{rel}" }
exit(missing.empty? && mismatch.empty? && extras.empty? ? 0 : 1)
