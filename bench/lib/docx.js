'use strict';
// A .docx and a PDF of a chosen size for upload benchmarks, from the test fixtures of
// libs/testing (not part of the build: transpiled here; the file needs only Node's modules).
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

let fixtures;
function testing() {
  if (fixtures) return fixtures;
  const ts = require('typescript');
  const file = path.join(__dirname, '../../libs/testing/src/docx.ts');
  const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const loaded = new Module(file);
  loaded.filename = file;
  loaded._compile(outputText, file);
  fixtures = loaded.exports;
  return fixtures;
}

/** A .docx of about `bytes` bytes (random media, so nothing compresses or deduplicates). */
function docxOfSize(bytes) {
  return testing().buildDocx('bench', { paddingBytes: Math.max(0, bytes - 1200), randomPadding: true });
}

/** A PDF-headed file of `bytes` bytes. */
function pdfOfSize(bytes) {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(Math.max(0, bytes - 9))]);
}

/** A .docx whose body is `text` (lines split on \n). */
function docxOf(text) {
  return testing().buildDocx(text);
}

/** A .docx with a page break between pages (each page a list of paragraphs). */
function pagedDocx(pages) {
  return testing().buildPagedDocx(pages);
}

module.exports = { docxOf, docxOfSize, pdfOfSize, pagedDocx };
