#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Documents generated from the tool's own tables, so they cannot drift.

  gendoc.py reference PROTMM MANPAGE OUT [--check]
      doc/reference.md: the knobs, oracles, declarations, statements (by
      domain), statement options, explore options, condition functions,
      statuses, machines and strategies that PROTMM reports with
      'knobs|oracles|statements --format json', each described by its
      entry in MANPAGE (protmm.1). --check compares with OUT instead of
      writing it: exit 1, with a diff, when they differ.
  gendoc.py editors PROTMM SRCROOT [--check]
      editors/textmate/pmm.tmLanguage.json and editors/vim/syntax/pmm.vim,
      whose word lists are PROTMM's tables; --check compares instead of
      writing (exit 1 with a diff).
  gendoc.py seeds SRCROOT [--check]
      the generated part of each doc/seeds/*.md (between its BEGIN and END
      GENERATED lines): a table of the scenarios of the folder the page
      names (machine, knobs set, verdict: the 'expect' line, which the
      test scenario-core holds every scenario to) and each description.
  gendoc.py man5 MANPAGE OUT
      protmm-scenario(5): the SCENARIOS section of protmm.1 as a page of
      its own.
"""
import difflib
import glob
import json
import os
import re
import subprocess
import sys

ESCAPES = {
    "(em": "\u2014", "(en": "\u2013", "(dq": '"', "(aq": "'", "(lq": "\u201c",
    "(rq": "\u201d", "(bu": "\u2022", "(mu": "\u00d7", "(<=": "\u2264",
    "(>=": "\u2265", "(->": "\u2192", "(co": "\u00a9",
}


def plain(s):
    """Troff text without fonts or escapes."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 == len(s):
            out.append(c)
            i += 1
            continue
        e = s[i + 1]
        if e == "f":
            i += 3
        elif e == "(":
            out.append(ESCAPES.get(s[i + 1:i + 4], ""))
            i += 4
        elif e in "-e\\":
            out.append("-" if e == "-" else "\\")
            i += 2
        elif e == "&":
            i += 2
        elif e == " ":
            out.append(" ")
            i += 2
        else:
            i += 2
    return "".join(out)


def md_escape(s):
    return re.sub(r"([*_`<>\[\]|])", r"\\\1", s)


def inline(s, font="R"):
    """Troff text with \\f font changes as Markdown: bold as code, italic."""
    parts, cur, i = [], [], 0

    def flush():
        text = plain("".join(cur))
        cur.clear()
        if not text:
            return
        if font == "B":
            lead = len(text) - len(text.lstrip())
            trail = len(text) - len(text.rstrip())
            core = text.strip()
            if core:
                tick = "``" if "`" in core else "`"
                pad = " " if "`" in core else ""
                parts.append(text[:lead] + tick + pad + core + pad + tick +
                             (text[len(text) - trail:] if trail else ""))
            else:
                parts.append(text)
        elif font == "I":
            core = text.strip()
            parts.append(text.replace(core, "*" + md_escape(core) + "*", 1)
                         if core else text)
        else:
            parts.append(md_escape(text))

    prev = font
    while i < len(s):
        if s.startswith("\\f", i) and i + 2 < len(s):
            flush()
            f = s[i + 2]
            f = prev if f == "P" else f
            prev, font = font, f
            i += 3
            continue
        cur.append(s[i])
        i += 1
    flush()
    return "".join(parts)


def split_args(line):
    args, i = [], 0
    while i < len(line):
        if line[i].isspace():
            i += 1
        elif line[i] == '"':
            j = line.find('"', i + 1)
            j = len(line) if j < 0 else j
            args.append(line[i + 1:j])
            i = j + 1
        else:
            j = i
            while j < len(line) and not line[j].isspace():
                j += 1
            args.append(line[i:j])
            i = j
    return args


FONT_MACROS = {"B": "B", "I": "I", "BR": "BR", "RB": "RB", "BI": "BI",
               "IB": "IB", "IR": "IR", "RI": "RI"}


def line_text(line, render):
    """One line of the page as text: @render(text, font) per piece."""
    if not line.startswith("."):
        return render(line, "R")
    m = line[1:].split(None, 1)
    name, rest = (m[0], m[1] if len(m) > 1 else "") if m else ("", "")
    if name not in FONT_MACROS:
        return None
    args = split_args(rest)
    fonts = FONT_MACROS[name]
    if len(fonts) == 1:
        return render(" ".join(args), fonts)
    return "".join(render(a, fonts[k % 2]) for k, a in enumerate(args))


def md_piece(text, font):
    return inline("\\f" + font + text + "\\fR", "R")


def plain_piece(text, font):
    return plain(text)


def join_words(pieces):
    text = ""
    for p in pieces:
        if not p:
            continue
        if text and not text.endswith((" ", "(", "\n")) and not p.startswith(
                (" ", ",", ".", ";", ":", ")")):
            text += " "
        text += p
    return text


class Entry:
    def __init__(self, tag_line):
        self.tag = tag_line
        self.body = []

    def syntax(self):
        return re.sub(r"\s+", " ", line_text(self.tag, plain_piece) or "").strip()

    def first_word(self):
        return self.words()[0] if self.words() else ""

    def words(self):
        """The word beginning each form ("memory SIZE, disk SIZE": both)."""
        return [m.group(0) for part in self.syntax().split(", ")
                if (m := re.match(r"[A-Za-z0-9_-]+", part))]

    def markdown(self):
        paras, cur, code = [], [], None
        for line in self.body:
            if code is not None:
                if line.startswith((".fi", ".EE")):
                    paras.append("```\n" + "\n".join(code) + "\n```")
                    code = None
                else:
                    code.append(plain(line))
                continue
            if line.startswith((".nf", ".EX")):
                if cur:
                    paras.append(join_words(cur))
                cur, code = [], []
                continue
            if line.startswith((".IP", ".PP", ".LP", ".P ")) or line in (".P",):
                if cur:
                    paras.append(join_words(cur))
                cur = []
                continue
            if line.startswith(".br"):
                cur.append("  \n")
                continue
            t = line_text(line, md_piece)
            if t is not None:
                cur.append(t)
        if cur:
            paras.append(join_words(cur))
        return "\n\n".join(p.strip() for p in paras if p.strip())


def man_sections(page):
    """{"SH/SS title": [Entry...]}: the .TP entries under each heading."""
    sections, cur, entry, want_tag = {}, None, None, False
    for line in page.splitlines():
        if line.startswith('.\\"'):
            continue
        if line.startswith((".SH", ".SS")):
            cur = sections.setdefault(plain(line[4:].strip().strip('"')), [])
            entry, want_tag = None, False
            continue
        if line.startswith(".TP"):
            want_tag = True
            continue
        if want_tag:
            entry = Entry(line)
            if cur is not None:
                cur.append(entry)
            want_tag = False
            continue
        if line.startswith((".SH", ".SS", ".PP")) and entry:
            entry = None
        if entry is not None:
            entry.body.append(line)
    return sections


def run_json(protmm, what):
    out = subprocess.run([protmm, what, "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def entries_for(entries, word):
    return [e for e in entries if word in e.words()]


def describe(lines, entries, word, heading="###"):
    found = entries_for(entries, word)
    lines.append(f"{heading} `{word}`\n")
    if not found:
        lines.append("Not described in protmm(1).\n")
    for e in found:
        lines.append("```\n" + e.syntax() + "\n```\n")
        body = e.markdown()
        if body:
            lines.append(body + "\n")
    return found


def reference(protmm, manpage):
    page = open(manpage, encoding="utf-8").read()
    secs = man_sections(page)
    knobs = run_json(protmm, "knobs")["knobs"]
    oracles = run_json(protmm, "oracles")["oracles"]
    st = run_json(protmm, "statements")
    L = ["<!-- SPDX-License-Identifier: LGPL-2.1-or-later -->",
         "<!-- Generated by tools/docs/gendoc.py from `protmm knobs|oracles|"
         "statements --format json` and doc/protmm.1: do not edit; "
         "`ninja -C build reference-update` rewrites it, and the test "
         "doc-reference fails when it differs. -->",
         "",
         "# protmm reference",
         "",
         "What this build of `protmm` accepts, read from its own tables: "
         "the statements of the scenario language (by domain), the knobs, "
         "the oracles, and the other words of a scenario. Each statement is "
         "described by its entry in protmm(1) (`man protmm`); "
         "protmm-scenario(5) is the language alone. Start with "
         "[the tutorial](tutorial.md).",
         "",
         "## Contents",
         "",
         "- [Declarations](#declarations)",
         "- [Statements](#statements), by domain: " + ", ".join(
             f"[{d['name']}](#domain-{d['name']})" for d in st["domains"]),
         "- [Statement options](#statement-options)",
         "- [Conditions](#conditions)",
         "- [Knobs](#knobs)",
         "- [Oracles](#oracles)",
         "- [Machines, strategies, explore options](#machines-strategies-explore-options)",
         "",
         "## Declarations",
         "",
         "The lines of a scenario outside its blocks: "
         + ", ".join(f"`{w}`" for w in st["declarations"]) + ".",
         ""]
    decl_entries = secs.get("Declarations", [])
    for w in st["declarations"]:
        describe(L, decl_entries, w)
    L += ["## Statements", "",
          "Statements run in `init` (after `on P:` unless they declare an "
          "object) or in a `thread`'s block. *Options* are the words of "
          "[Statement options](#statement-options) the statement takes; "
          "*declares*: it makes an object in `init`; *no-mm*: it runs even "
          "for a killed thread; *as-pin*: `as NAME` names a pin; "
          "*expect-tag*: `expect` takes a tag.", ""]
    stmt_entries = secs.get("Statements", [])
    verbs = set()
    for d in st["domains"]:
        L += [f"### Domain {d['name']}", "",
              f"Statements of `src/scenario/dom_{d['name']}.c`.", "",
              "| statement | options | flags |", "|---|---|---|"]
        for v in d["verbs"]:
            L.append(f"| [`{v['name']}`](#{v['name']}) | "
                     + (" ".join(f"`{o}`" for o in v["options"]) or "\u2014")
                     + " | " + (", ".join(v["flags"]) or "\u2014") + " |")
        L.append("")
        for v in d["verbs"]:
            verbs.add(v["name"])
            describe(L, stmt_entries, v["name"], "####")
    other = [e for e in stmt_entries if not verbs.intersection(e.words())]
    if other:
        L += ["### Other statement forms", ""]
        for e in other:
            L.append("```\n" + e.syntax() + "\n```\n")
            body = e.markdown()
            if body:
                L.append(body + "\n")
    L += ["## Statement options", "",
          "The words that may follow a statement's operands (which statement "
          "takes which: the tables above): "
          + ", ".join(f"`{w}`" for w in st["options"]) + ".", "",
          "## Conditions", "",
          "Final conditions (`exists`, `forbid`) test registers, memory and "
          "these functions: "
          + ", ".join(f"`{w}()`" for w in st["functions"])
          + ". A register's status is one of "
          + ", ".join(f"`{w}`" for w in st["statuses"]) + ".", ""]
    for e in secs.get("Conditions", []):
        L.append("```\n" + e.syntax() + "\n```\n")
        body = e.markdown()
        if body:
            L.append(body + "\n")
    L += ["## Knobs", "",
          "`config KEY = VALUE` in a scenario, or `--config KEY=VALUE` on "
          "the command line. The default is what today's kernel does.", "",
          "| knob | default | values | selects |", "|---|---|---|---|"]
    for k in knobs:
        L.append(f"| `{k['name']}` | `{k['default']}` | "
                 + " ".join(f"`{v}`" for v in k["values"]) + " | "
                 + md_escape(k["description"]).replace("\n", " ") + " |")
    L += ["", "## Oracles", "",
          "What `expect violation NAME` may name.", "",
          "| oracle | fires when |", "|---|---|"]
    for o in oracles:
        L.append(f"| `{o['name']}` | "
                 + md_escape(o["description"]).replace("\n", " ") + " |")
    L += ["", "## Machines, strategies, explore options", "",
          "- machines (`machine NAME`): "
          + ", ".join(f"`{w}`" for w in st["machines"]),
          "- strategies (`explore STRATEGY`, `--strategy`): "
          + ", ".join(f"`{w}`" for w in st["strategies"]),
          "- options of the `explore` line: "
          + ", ".join(f"`{w}`" for w in st["explore_options"]), ""]
    return "\n".join(L)


def man5(manpage):
    page = open(manpage, encoding="utf-8").read().splitlines()
    th = next(l for l in page if l.startswith(".TH"))
    date, source, manual = split_args(th)[3:6]
    start = page.index(".SH SCENARIOS")
    end = next(i for i in range(start + 1, len(page))
               if page[i].startswith(".SH "))
    out = ['.\\" SPDX-License-Identifier: LGPL-2.1-or-later',
           '.\\" Generated by tools/docs/gendoc.py from the SCENARIOS section'
           ' of protmm.1: edit that.',
           f'.TH PROTMM-SCENARIO 5 {date} "{source}" "{manual}"',
           ".SH NAME",
           "protmm-scenario \\- the scenario language of protmm (.pmm files)",
           ".SH DESCRIPTION",
           "A",
           ".B .pmm",
           "file is a scenario that",
           ".BR protmm (1)",
           "runs, explores and replays. What follows is the SCENARIOS section"
           " of protmm(1).",
           ".PP"]
    out += page[start + 1:end]
    out += [".SH SEE ALSO", ".BR protmm (1)"]
    return "\n".join(out) + "\n"



# Words the parser compares with outside its tables (parser.c, dom_*.c).
EXTRA_KEYWORDS = ["on", "cpu", "violation"]
LOGICAL = ["and", "or", "not"]
EXTRA_OPTIONS = ["size", "synchronous", "sealing"]
WORD_END = r"(?![\w.-])"
WORD_START = r"(?<![\w.-])"


def alt(words):
    # Longest first: an alternation takes the first that matches.
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def editor_words(protmm):
    st = run_json(protmm, "statements")
    return {
        "decls": st["declarations"],
        "verbs": [v["name"] for d in st["domains"] for v in d["verbs"]],
        "options": st["options"] + st["explore_options"] + EXTRA_OPTIONS,
        "functions": st["functions"],
        "statuses": st["statuses"],
        "machines": st["machines"],
        "strategies": st["strategies"],
        "oracles": [o["name"] for o in run_json(protmm, "oracles")["oracles"]],
        "knobs": [k["name"] for k in run_json(protmm, "knobs")["knobs"]],
    }


def textmate(w):
    W = lambda words: WORD_START + "(?:" + alt(words) + ")" + WORD_END
    g = {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "protmm scenario",
        "scopeName": "source.pmm",
        "fileTypes": ["pmm"],
        "comment": "Generated by tools/docs/gendoc.py from protmm's tables: "
                   "do not edit; 'ninja -C build editors-update' rewrites it.",
        "patterns": [{"include": "#comment"}, {"include": "#description"},
                     {"include": "#string"}, {"include": "#header"},
                     {"include": "#statement"}, {"include": "#word"},
                     {"include": "#number"}, {"include": "#operator"},
                     {"include": "#identifier"}, {"include": "#invalid"}],
        "repository": {
            "comment": {
                "match": "(#).*$", "name": "comment.line.number-sign.pmm",
                "captures": {"1": {"name": "punctuation.definition.comment.pmm"}}},
            "description": {
                "begin": '"""', "end": '"""', "name": "string.quoted.triple.pmm",
                "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.pmm"}},
                "endCaptures": {"0": {"name": "punctuation.definition.string.end.pmm"}}},
            "string": {
                "begin": '"', "end": '"|$', "name": "string.quoted.double.pmm",
                "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.pmm"}},
                "endCaptures": {"0": {"name": "punctuation.definition.string.end.pmm"}},
                "patterns": [
                    {"match": r'\\(?:[nt0\\"]|x[0-9A-Fa-f]{2})',
                     "name": "constant.character.escape.pmm"},
                    {"match": r"\\.?", "name": "invalid.illegal.escape.pmm"}]},
            "header": {"patterns": [
                {"match": r"^\s*(config)\s+(" + alt(w["knobs"]) + r")" + WORD_END
                          + r"(?:\s*(=)\s*([\w.-]+))?",
                 "captures": {"1": {"name": "keyword.control.declaration.pmm"},
                              "2": {"name": "variable.other.knob.pmm"},
                              "3": {"name": "keyword.operator.assignment.pmm"},
                              "4": {"name": "constant.other.knob-value.pmm"}}},
                {"match": r"^\s*(machine)\s+(" + alt(w["machines"]) + r")" + WORD_END,
                 "captures": {"1": {"name": "keyword.control.declaration.pmm"},
                              "2": {"name": "support.constant.machine.pmm"}}},
                {"match": r"^\s*(expect)\s+(violation)\s+(" + alt(w["oracles"]) + r")"
                          + WORD_END,
                 "captures": {"1": {"name": "keyword.control.declaration.pmm"},
                              "2": {"name": "keyword.other.pmm"},
                              "3": {"name": "support.constant.oracle.pmm"}}},
                {"match": r"^\s*(explore)\s+(" + alt(w["strategies"]) + r")" + WORD_END,
                 "captures": {"1": {"name": "keyword.control.declaration.pmm"},
                              "2": {"name": "support.constant.strategy.pmm"}}},
                {"match": r"^\s*(" + alt(w["decls"]) + r")" + WORD_END,
                 "captures": {"1": {"name": "keyword.control.declaration.pmm"}}}]},
            "statement": {
                "match": r"(?:^|(?<=[{;:]))\s*(" + alt(w["verbs"]) + r")" + WORD_END,
                "captures": {"1": {"name": "keyword.other.statement.pmm"}}},
            "word": {"patterns": [
                {"match": W(w["functions"]) + r"(?=\s*\()",
                 "name": "support.function.condition.pmm"},
                {"match": W(w["statuses"]), "name": "constant.language.status.pmm"},
                {"match": W(w["options"]), "name": "variable.parameter.option.pmm"},
                {"match": W(EXTRA_KEYWORDS + ["expect"]), "name": "keyword.other.pmm"},
                {"match": W(LOGICAL), "name": "keyword.operator.logical.pmm"}]},
            "number": {"patterns": [
                {"match": WORD_START + r"0[xX][0-9A-Fa-f]+[KMG]?" + WORD_END,
                 "name": "constant.numeric.hex.pmm"},
                {"match": WORD_START + r"[0-9]+[KMG]?" + WORD_END,
                 "name": "constant.numeric.decimal.pmm"}]},
            "operator": {"patterns": [
                {"match": r"->|==|!=|<=|>=|[<>=+]", "name": "keyword.operator.pmm"},
                {"match": r"\{", "name": "punctuation.section.block.begin.pmm"},
                {"match": r"\}", "name": "punctuation.section.block.end.pmm"},
                {"match": r"\(", "name": "punctuation.section.parens.begin.pmm"},
                {"match": r"\)", "name": "punctuation.section.parens.end.pmm"},
                {"match": r"[;:,]", "name": "punctuation.separator.pmm"}]},
            "identifier": {"match": r"[A-Za-z_][\w.-]*", "name": "variable.other.pmm"},
            "invalid": {"match": r"[^\s]", "name": "invalid.illegal.character.pmm"},
        },
    }
    return json.dumps(g, indent=2) + "\n"


def vim_alt(words):
    words = sorted(set(words), key=lambda x: (-len(x), x))
    return r"\%(" + r"\|".join(x.replace(".", r"\.") for x in words) + r"\)"


def vim(w):
    V = lambda words: r"\<" + vim_alt(words) + r"\>"
    L = ['" SPDX-License-Identifier: LGPL-2.1-or-later',
         '" Vim syntax file for protmm scenarios (.pmm). Generated by',
         '" tools/docs/gendoc.py from protmm\'s tables: do not edit;',
         '" \'ninja -C build editors-update\' rewrites it.',
         'if exists("b:current_syntax")',
         '  finish',
         'endif',
         'let s:cpo_save = &cpo',
         'set cpo&vim',
         '',
         'syn case match',
         '" Names hold letters, digits, _ - and . (gup.fast_recheck, data-corruption).',
         'syn iskeyword @,48-57,_,-,.',
         '',
         'syn match pmmIdentifier "\\<\\h[[:alnum:]_.-]*\\>"',
         'syn match pmmOperator "->\\|==\\|!=\\|<=\\|>=\\|[<>=+]"',
         'syn match pmmNumber "\\<\\%(0[xX]\\x\\+\\|\\d\\+\\)[KMG]\\=\\>"',
         'syn match pmmOption "' + V(w["options"]) + '"',
         'syn match pmmFunction "' + V(w["functions"]) + '\\ze\\s*("',
         'syn match pmmStatus "' + V(w["statuses"]) + '"',
         'syn match pmmKeyword "' + V(EXTRA_KEYWORDS) + '"',
         'syn match pmmLogical "' + V(LOGICAL) + '"',
         'syn match pmmOracle "\\%(^\\s*expect\\s\\+violation\\s\\+\\)\\@<=' + V(w["oracles"]) + '"',
         'syn match pmmMachine "\\%(^\\s*machine\\s\\+\\)\\@<=' + V(w["machines"]) + '"',
         'syn match pmmStrategy "\\%(^\\s*explore\\s\\+\\)\\@<=' + V(w["strategies"]) + '"',
         'syn match pmmKnob "\\%(^\\s*config\\s\\+\\)\\@<=' + V(w["knobs"]) + '"',
         'syn match pmmDecl "\\%(^\\s*\\)\\@<=' + V(w["decls"]) + '"',
         'syn match pmmDecl "\\<expect\\>"',
         '" A statement begins a line or follows { ; or "on P:".',
         'syn match pmmStatement "\\%(\\%(^\\|[{;:]\\)\\s*\\)\\@<=' + V(w["verbs"]) + '"',
         'syn match pmmEscape contained +\\\\\\%([nt0\\\\"]\\|x\\x\\x\\)+',
         'syn match pmmBadEscape contained +\\\\\\%([nt0\\\\"]\\|x\\x\\x\\)\\@!.\\=+',
         'syn region pmmString start=+"+ skip=+\\\\\\\\\\|\\\\"+ end=+"+ end=+$+ oneline contains=pmmEscape,pmmBadEscape',
         'syn region pmmDescription start=+"""+ end=+"""+ contains=@Spell',
         'syn keyword pmmTodo contained TODO FIXME XXX',
         'syn match pmmComment "#.*$" contains=pmmTodo,@Spell',
         '',
         'hi def link pmmIdentifier Identifier',
         'hi def link pmmOperator Operator',
         'hi def link pmmNumber Number',
         'hi def link pmmOption Type',
         'hi def link pmmFunction Function',
         'hi def link pmmStatus Constant',
         'hi def link pmmKeyword Keyword',
         'hi def link pmmLogical Operator',
         'hi def link pmmOracle Constant',
         'hi def link pmmMachine Constant',
         'hi def link pmmStrategy Constant',
         'hi def link pmmKnob PreProc',
         'hi def link pmmDecl Keyword',
         'hi def link pmmStatement Statement',
         'hi def link pmmEscape SpecialChar',
         'hi def link pmmBadEscape Error',
         'hi def link pmmString String',
         'hi def link pmmDescription Comment',
         'hi def link pmmTodo Todo',
         'hi def link pmmComment Comment',
         '',
         'let b:current_syntax = "pmm"',
         'let &cpo = s:cpo_save',
         'unlet s:cpo_save']
    return "\n".join(L) + "\n"


def editors(protmm, root, check):
    w = editor_words(protmm)
    status = 0
    for rel, text in (("editors/textmate/pmm.tmLanguage.json", textmate(w)),
                      ("editors/vim/syntax/pmm.vim", vim(w))):
        path = root + "/" + rel
        if not check:
            open(path, "w", encoding="utf-8").write(text)
            continue
        old = open(path, encoding="utf-8").read()
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), rel, "generated"))
            print(f"{rel} differs from what the tables say: "
                  "ninja -C BUILD editors-update rewrites it", file=sys.stderr)
            status = 1
    return status


BEGIN = "<!-- BEGIN GENERATED by tools/docs/gendoc.py seeds: do not edit below -->"
END = "<!-- END GENERATED -->"


def scenario_facts(path):
    text = open(path, encoding="utf-8").read()
    doc = re.search(r'"""(.*?)"""', text, re.S)
    head = text[:doc.start()] + text[doc.end():] if doc else text
    field = lambda k: [m.group(1).split("#")[0].strip()
                       for m in re.finditer(rf"^{k}\s+(.*)$", head, re.M)]
    return {
        "name": (field("scenario") or [os.path.basename(path)[:-4]])[0],
        "machine": (field("machine") or ["generic"])[0],
        "config": [re.sub(r"\s*=\s*", " = ", c) for c in field("config")],
        "expect": (field("expect") or ["?"])[0],
        "description": doc.group(1).strip("\n") if doc else "",
    }


def seed_section(root, folder):
    files = sorted(f for f in os.listdir(os.path.join(root, folder))
                   if f.endswith(".pmm"))
    L = [BEGIN, "",
         f"## The scenarios of `{folder}/`", "",
         f"`protmm run {folder}/` explores each and must print *as expected* "
         "for every one (the test `scenario-core` holds it to that): the "
         "verdict column is each scenario's `expect` line. A knob not set "
         "is at its default, today's kernel.", "",
         "| scenario | machine | knobs | verdict |", "|---|---|---|---|"]
    facts = [(f, scenario_facts(os.path.join(root, folder, f))) for f in files]
    for f, x in facts:
        verdict = x["expect"].replace("violation ", "violation `") + (
            "`" if x["expect"].startswith("violation") else "")
        L.append(f"| [{x['name']}](#{x['name']}) | `{x['machine']}` | "
                 + ("<br>".join(f"`{c}`" for c in x["config"]) or "defaults")
                 + f" | {verdict} |")
    L.append("")
    for f, x in facts:
        L += [f"### {x['name']}", "",
              f"[`{folder}/{f}`](../../{folder}/{f}): machine "
              f"`{x['machine']}`"
              + ("".join(f", `{c}`" for c in x["config"]))
              + f"; `expect {x['expect']}`.", "",
              "```text", x["description"], "```", ""]
    L.append(END)
    return "\n".join(L) + "\n"


def seeds(root, check):
    status = 0
    pages = sorted(glob.glob(os.path.join(root, "doc", "seeds", "*.md")))
    if not pages:
        print("no doc/seeds/*.md", file=sys.stderr)
        return 1
    for page in pages:
        text = open(page, encoding="utf-8").read()
        m = re.search(r"<!-- scenarios: (\S+) -->", text)
        if not m or BEGIN not in text or END not in text:
            print(f"{page}: needs '<!-- scenarios: FOLDER -->' and the "
                  "BEGIN/END GENERATED lines", file=sys.stderr)
            status = 1
            continue
        new = text[:text.index(BEGIN)] + seed_section(root, m.group(1)) + \
            text[text.index(END) + len(END) + 1:]
        if not check:
            open(page, "w", encoding="utf-8").write(new)
        elif new != text:
            sys.stdout.writelines(difflib.unified_diff(
                text.splitlines(True), new.splitlines(True), page, "generated"))
            print(f"{page} differs from its scenarios: ninja -C BUILD "
                  "seeds-update rewrites it", file=sys.stderr)
            status = 1
    return status

def main(argv):
    if len(argv) >= 5 and argv[1] == "reference":
        text = reference(argv[2], argv[3])
        if "--check" in argv[5:]:
            old = open(argv[4], encoding="utf-8").read()
            if old != text:
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True),
                    argv[4], "generated"))
                print(f"{argv[4]} differs from what the tables say: "
                      "ninja -C BUILD reference-update rewrites it",
                      file=sys.stderr)
                return 1
            return 0
        open(argv[4], "w", encoding="utf-8").write(text)
        return 0
    if len(argv) >= 3 and argv[1] == "seeds":
        return seeds(argv[2], "--check" in argv[3:])
    if len(argv) >= 4 and argv[1] == "editors":
        return editors(argv[2], argv[3], "--check" in argv[4:])
    if len(argv) == 4 and argv[1] == "man5":
        open(argv[3], "w", encoding="utf-8").write(man5(argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
