// Top-level C declarations of a preamble, found with tree-sitter-c. Used for the //export preamble restriction
// (cgo-rules.md §7.2: external-linkage definitions collide at link time) and to know which C functions the
// preamble itself declares (variadic or not).
import type { Node, Parser } from './parser.js';
import type { PreambleCDecl } from './types.js';

/** A declaration with positions in the preamble text (0-based line, UTF-16 column); the model maps them to Go. */
export type RawCDecl = Omit<PreambleCDecl, 'cImport' | 'range' | 'nameRange'> & {
  start: { line: number; character: number };
  end: { line: number; character: number };
  nameStart: { line: number; character: number };
  nameEnd: { line: number; character: number };
};

/**
 * cmd/cgo ProcessCgoDirectives: every line whose TrimSpace form starts with `#cgo` + a whitespace byte is replaced
 * by an empty line (line numbers are kept). Those lines are not C.
 */
export function blankCgoDirectives(text: string): string {
  return text
    .split('\n')
    .map((line) => (isCgoDirectiveLine(line) ? '' : line))
    .join('\n');
}

/** Go's unicode.IsSpace. */
export function isGoSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's strings.TrimSpace (JS trim() also strips U+FEFF, Go does not). */
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

export function isCgoDirectiveLine(line: string): boolean {
  const l = goTrimSpace(line);
  // l[4] is a byte in Go: only ASCII whitespace can match unicode.IsSpace(rune(byte)) for a lead byte.
  return l.length >= 5 && l.startsWith('#cgo') && /[\t\n\v\f\r ]/.test(l[4]!);
}

function storageOf(node: Node): { storage: RawCDecl['storage']; inline: boolean; weak: boolean } {
  let storage: RawCDecl['storage'] = 'none';
  let inline = false;
  let weak = false;
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === 'storage_class_specifier') {
      const t = c.text.trim();
      if (t === 'static') storage = 'static';
      else if (t === 'extern' && storage !== 'static') storage = 'extern';
      else if (t === 'inline' || t === '__inline' || t === '__inline__') inline = true;
    } else if (c.type === 'attribute_specifier' || c.type === 'attribute_declaration' || c.type === 'ms_declspec_modifier') {
      if (/\bweak\b|__weak__/.test(c.text)) weak = true;
    }
  }
  return { storage, inline, weak };
}

/** Walks a declarator down to its identifier; reports whether the declared entity is a function. */
function analyzeDeclarator(decl: Node): { name: Node | null; isFunction: boolean; variadic: boolean; hasInit: boolean } {
  let hasInit = false;
  let d: Node | null = decl;
  let innermost: Node | null = null; // innermost pointer/function/array declarator seen so far
  while (d) {
    switch (d.type) {
      case 'init_declarator':
        hasInit = true;
        d = d.childForFieldName('declarator');
        continue;
      case 'pointer_declarator':
      case 'function_declarator':
      case 'array_declarator':
        innermost = d;
        d = d.childForFieldName('declarator');
        continue;
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        d = d.namedChildren.find((c) => c && /declarator|identifier/.test(c.type)) ?? null;
        continue;
      case 'identifier':
        break;
      default:
        return { name: null, isFunction: false, variadic: false, hasInit };
    }
    break;
  }
  const isFunction = innermost?.type === 'function_declarator';
  let variadic = false;
  if (isFunction) {
    const params = innermost!.childForFieldName('parameters');
    variadic = !!params?.namedChildren.some((c) => c?.type === 'variadic_parameter');
  }
  return { name: d && d.type === 'identifier' ? d : null, isFunction, variadic, hasInit };
}

function pos(p: { row: number; column: number }) {
  return { line: p.row, character: p.column };
}

/**
 * Preambles at least this long keep their declarations in a small memo (the last MEMO_SIZE texts): a keystroke
 * outside a generated file's 5 000-line preamble models the file again, and the tree-sitter-c parse of that preamble
 * (hundreds of ms) would run on every one. Shorter preambles parse in well under a millisecond and are not kept.
 */
const MEMO_MIN_CHARS = 8 * 1024;
const MEMO_SIZE = 4;
const memo = new Map<string, readonly RawCDecl[]>();

/**
 * Top-level C function/variable declarations of `text` (a preamble, #cgo lines are blanked here). Never throws.
 * The result depends on `text` alone (positions are preamble-relative); callers must not modify it.
 */
export function findCDeclarations(parser: Parser, text: string): readonly RawCDecl[] {
  if (text.length < MEMO_MIN_CHARS) return parseCDeclarations(parser, text);
  const hit = memo.get(text);
  if (hit) {
    memo.delete(text); // most recently used last
    memo.set(text, hit);
    return hit;
  }
  const out = parseCDeclarations(parser, text);
  memo.set(text, out);
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
  return out;
}

function parseCDeclarations(parser: Parser, text: string): RawCDecl[] {
  const out: RawCDecl[] = [];
  let tree;
  try {
    tree = parser.parse(blankCgoDirectives(text));
  } catch {
    return out;
  }
  if (!tree) return out;
  try {
    const visit = (container: Node) => {
      for (const node of container.namedChildren) {
        if (!node) continue;
        switch (node.type) {
          case 'function_definition': {
            const { storage, inline, weak } = storageOf(node);
            const dcl = node.childForFieldName('declarator');
            const a = dcl ? analyzeDeclarator(dcl) : null;
            if (!a?.name) break;
            out.push({
              name: a.name.text,
              kind: 'function',
              definition: true,
              storage,
              inline,
              variadic: a.variadic,
              // C99 6.7.4: a plain `inline` definition (no extern) is an inline definition, not an external one.
              externalDefinition: storage !== 'static' && !weak && !(inline && storage !== 'extern'),
              start: pos(node.startPosition),
              end: pos(node.endPosition),
              nameStart: pos(a.name.startPosition),
              nameEnd: pos(a.name.endPosition),
            });
            break;
          }
          case 'declaration': {
            const { storage, inline, weak } = storageOf(node);
            for (const dcl of node.childrenForFieldName('declarator')) {
              if (!dcl) continue;
              const a = analyzeDeclarator(dcl);
              if (!a.name) continue;
              const definition = !a.isFunction && (storage !== 'extern' || a.hasInit);
              out.push({
                name: a.name.text,
                kind: a.isFunction ? 'function' : 'variable',
                definition,
                storage,
                inline,
                variadic: a.variadic,
                externalDefinition: definition && storage !== 'static' && !weak,
                start: pos(node.startPosition),
                end: pos(node.endPosition),
                nameStart: pos(a.name.startPosition),
                nameEnd: pos(a.name.endPosition),
              });
            }
            break;
          }
          case 'preproc_if': {
            // `#if 0` blocks are never compiled; their #else branch is.
            const cond = node.childForFieldName('condition');
            const alt = node.childForFieldName('alternative');
            if (cond && cond.text.trim() === '0') {
              if (alt) visit(alt);
            } else {
              visit(node);
            }
            break;
          }
          case 'preproc_ifdef':
          case 'preproc_else':
          case 'preproc_elif':
          case 'preproc_elifdef':
          case 'linkage_specification':
          case 'declaration_list':
            visit(node);
            break;
          default:
            break;
        }
      }
    };
    visit(tree.rootNode);
  } catch {
    // a malformed tree: return what was found so far
  } finally {
    tree.delete();
  }
  return out;
}
