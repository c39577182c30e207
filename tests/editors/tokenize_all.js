// SPDX-License-Identifier: LGPL-2.1-or-later
// tokenize_all.js GRAMMAR FILE...: tokenizes each scenario with the
// TextMate grammar (vscode-textmate, the engine VS Code uses) and fails
// when any token is invalid.* or a non-blank one has no scope but the
// file's own (the grammar does not cover it), or the grammar leaves a
// rule open at the end of a file (an unterminated begin/end).
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const [grammarPath, ...files] = process.argv.slice(2);
const wasm = fs.readFileSync(path.join(path.dirname(
  require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(
      fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  const grammar = await registry.loadGrammar('source.pmm');
  let bad = 0, tokens = 0;
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let stack = vsctm.INITIAL;
    lines.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        const text = line.substring(t.startIndex, t.endIndex);
        tokens++;
        const invalid = t.scopes.find((s) => s.startsWith('invalid'));
        if (invalid || (t.scopes.length === 1 && text.trim() !== '')) {
          console.log(`${file}:${i + 1}:${t.startIndex + 1}: '${text}' ` +
                      (invalid ? `is ${invalid}` : 'has no scope'));
          bad++;
        }
      }
      stack = r.ruleStack;
    });
    if (stack.depth > 1) {
      console.log(`${file}: a rule is still open at the end of the file`);
      bad++;
    }
  }
  console.log(`${files.length} scenarios, ${tokens} tokens, ${bad} bad`);
  process.exit(bad || !files.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
