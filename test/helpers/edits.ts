// Applying LSP text edits in tests, the way an editor does.
export interface Pos {
  line: number;
  character: number;
}
export interface Edit {
  range: { start: Pos; end: Pos };
  newText: string;
}

/** Applies LSP text edits to a string (edits are applied from the end so offsets stay valid). */
export function applyEdits(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  const offset = (p: Pos) => {
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += lines[i]!.length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
