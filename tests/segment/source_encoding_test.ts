/**
 * A Python or Ruby file may declare its encoding on its first or second
 * line (PEP 263). Read as UTF-8 regardless, a repository could hide code
 * from the skeleton that the interpreter runs: UTF-7's `+AAo-` is a line
 * end to Python, and a Shift_JIS trail byte 0x5C is a backslash to UTF-8.
 * The read boundary decodes with the declared encoding or refuses the file.
 */
import { deepEqual, equal, throws } from "node:assert/strict";
import { declaredEncoding, decoderLabel, decodeSource } from "../../lib/segment/read.ts";
import { readInsideSync, resolveSegment, skipReasonOf } from "../../lib/segment/mod.ts";
import { parseSkeleton } from "../../lib/ast/mod.ts";
import type { TrifectaError } from "../../lib/errors.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

function concat(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) out.push(...(typeof p === "string" ? ascii(p) : p));
  return new Uint8Array(out);
}

Deno.test("declaredEncoding: line 1, or line 2 after a comment or blank line, in the forms editors write", () => {
  equal(declaredEncoding(ascii("# -*- coding: latin-1 -*-\n")), "latin-1");
  equal(declaredEncoding(ascii("# vim: set fileencoding=cp932 :\n")), "cp932");
  equal(declaredEncoding(ascii("#!/usr/bin/env python\n# coding=gbk\n")), "gbk");
  equal(declaredEncoding(ascii("\n# encoding: euc-jp\n")), "euc-jp");
  equal(declaredEncoding(ascii("#!/bin/x\r# coding: big5\r")), "big5");
  // Code on line 1: line 2 is not looked at; line 3 never is.
  equal(declaredEncoding(ascii("import os\n# coding: utf-7\n")), undefined);
  equal(declaredEncoding(ascii("#\n#\n# coding: utf-7\n")), undefined);
  // Not a comment: a string that mentions a coding.
  equal(declaredEncoding(ascii("s = '# coding: utf-7'\n")), undefined);
  // A UTF-8 BOM decides the encoding.
  equal(declaredEncoding(concat([0xef, 0xbb, 0xbf], "# coding: utf-7\n")), undefined);
});

Deno.test("decoderLabel: Python's names map to the decoders that read them as Python does", () => {
  deepEqual(
    ["utf-8", "UTF8", "utf-8-unix", "utf_8_sig", "ascii", "latin-1", "ISO-8859-1", "latin_1_foo"]
      .map(decoderLabel),
    ["utf-8", "utf-8", "utf-8", "utf-8", "utf-8", "iso-8859-1", "iso-8859-1", "iso-8859-1"]
      .map((l) => new TextDecoder(l).encoding),
  );
  equal(decoderLabel("cp932"), "shift_jis");
  equal(decoderLabel("euc_jp"), "euc-jp");
  equal(decoderLabel("gb2312"), "gbk");
  equal(decoderLabel("big5hkscs"), "big5");
  equal(decoderLabel("cp1251"), "windows-1251");
  equal(decoderLabel("iso8859-15"), "iso-8859-15");
  // Ruby's bytes-as-they-are encodings (openssl/buffering.rb: `# coding: binary`).
  equal(decoderLabel("binary"), "windows-1252");
  equal(decoderLabel("ASCII-8BIT"), "windows-1252");
  for (
    const refused of [
      "utf-7",
      "utf-16",
      "utf_16_le",
      "utf-32",
      "iso-2022-jp",
      "csiso2022jp",
      "rot13",
      "unicode_escape",
      "punycode",
      "iso-2022-kr",
      "x".repeat(41),
      "nonsense",
    ]
  ) {
    equal(decoderLabel(refused), undefined, refused);
  }
});

Deno.test("decodeSource: a declared cp932, GBK or Latin-1 file reads as Python reads it", () => {
  // 表 in cp932 is 0x95 0x5C: as UTF-8 the 0x5C is a backslash escaping the quote.
  const sjis = concat("# -*- coding: cp932 -*-\ns = '", [0x95, 0x5c], "'\ndef f(): pass\n");
  equal(
    decodeSource(sjis, { declares: "pep263" }),
    "# -*- coding: cp932 -*-\ns = '表'\ndef f(): pass\n",
  );
  equal(decodeSource(sjis).includes("\\'"), true, "read as UTF-8, the quote is escaped");
  // 中 in GBK is 0xD6 0xD0.
  equal(
    decodeSource(concat("# coding: gbk\nx = '", [0xd6, 0xd0], "'\n"), { declares: "pep263" }),
    "# coding: gbk\nx = '中'\n",
  );
  equal(
    decodeSource(concat("# coding: latin-1\n# caf", [0xe9], "\n"), { declares: "pep263" }),
    "# coding: latin-1\n# café\n",
  );
  // A language without declarations (TypeScript, Go …) is always UTF-8.
  equal(
    decodeSource(concat("// coding: latin-1\n// caf", [0xe9], "\n")),
    "// coding: latin-1\n// caf\ufffd\n",
  );
});

Deno.test("decodeSource: utf-7, utf-16, rot13 and unknown names are refused with UNSUPPORTED_ENCODING", () => {
  for (const name of ["utf-7", "utf-16", "rot13", "unicode_escape", "no-such-codec"]) {
    throws(
      () =>
        decodeSource(ascii(`# coding: ${name}\n# +AAo-def hidden(): pass\n`), {
          declares: "pep263",
          shown: "u.py",
        }),
      (err: TrifectaError) => {
        equal(err.code, "UNSUPPORTED_ENCODING");
        equal(err.details.encoding, name);
        equal(err.message.endsWith(": u.py"), true, err.message);
        equal(skipReasonOf(err), "unsupported_encoding");
        return true;
      },
    );
  }
});

Deno.test("read boundary: a declared encoding is honoured for .py and .rb, never for other languages", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const sjis = concat("# coding: cp932\ns = '", [0x95, 0x5c], "'\ndef hidden(): pass\n");
    await Deno.writeFile(`${dir}/a.py`, sjis);
    await Deno.writeFile(
      `${dir}/a.rb`,
      concat("# encoding: Shift_JIS\ns = '", [0x95, 0x5c], "'\ndef hidden; end\n"),
    );
    await Deno.writeFile(`${dir}/u.py`, ascii("# coding: utf-7\n# +AAo-def hidden(): pass\n"));
    await Deno.writeFile(`${dir}/u.ts`, ascii("// coding: utf-7\nexport const a = 1;\n"));
    const seg = await resolveSegment(dir);
    equal(readInsideSync(seg, "a.py").text.includes("'表'"), true);
    equal(readInsideSync(seg, "a.rb").text.includes("'表'"), true);
    throws(() => readInsideSync(seg, "u.py"), { code: "UNSUPPORTED_ENCODING" });
    equal(readInsideSync(seg, "u.ts").text, "// coding: utf-7\nexport const a = 1;\n");
    // The definition after the Shift_JIS string is in the skeleton.
    const skeleton = await parseSkeleton({ rel: "a.py", language: "python", bytes: sjis });
    deepEqual(skeleton.symbols.map((s) => s.name), ["hidden"]);
    equal(skeleton.has_errors, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("declaredEncoding: Ruby's magic comment read as ruby 3.1 reads it, form by form", () => {
  // Each answer is what `ruby` printed for __ENCODING__ (cp932 → Windows-31J; undefined: UTF-8).
  const table: [string, string | undefined][] = [
    ["# coding: cp932\n", "cp932"],
    ["# coding=cp932\n", undefined],
    ["# Coding: cp932\n", "cp932"],
    ["# CODING: cp932\n", "cp932"],
    ["# coding : cp932\n", "cp932"],
    ["# xcoding: cp932\n", undefined],
    ["# encoding: cp932\n", "cp932"],
    ["# -*- coding: cp932 -*-\n", "cp932"],
    ["# -*- coding=cp932 -*-\n", undefined],
    ["# -*- mode: ruby; coding: cp932 -*-\n", "cp932"],
    ["# vim: set fileencoding=cp932 :\n", "cp932"],
    ["#coding:cp932\n", "cp932"],
    ["# foo-coding: cp932\n", undefined],
    ["# fileencoding: cp932\n", undefined],
    ["  # coding: cp932\n", "cp932"],
    ["# frozen_string_literal: true\n# encoding: cp932\n", undefined],
    ["#!/usr/bin/ruby\n# encoding: cp932\n", "cp932"],
    ["\n# encoding: cp932\n", undefined],
    ["x = 1 # coding: cp932\n", undefined],
  ];
  for (const [text, want] of table) {
    equal(declaredEncoding(ascii(text), { rules: "magic_comment" }), want, JSON.stringify(text));
  }
});
