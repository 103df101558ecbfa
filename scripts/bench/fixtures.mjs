// Workspaces the bench measures on, generated under .bench/ (gitignored) on every run so that each run
// starts from the same bytes.
import fs from 'node:fs';
import path from 'node:path';

export const MISSING_HEADER = 'bench_missing_header.h';

/** The missing-header cgo file: a realistic preamble (stdio, stdlib, a static function) plus one header that does not exist. */
export function missingHeaderSource(header = MISSING_HEADER, extraBody = '') {
  return `package missing

/*
#cgo CFLAGS: -O2
#include <stdio.h>
#include <stdlib.h>
#include <${header}>

static int twice(int x) { return 2 * x; }
*/
import "C"

import "unsafe"

// Hello prints a greeting through C and returns twice its length.
func Hello(name string) int {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	C.puts(cs)
	n := len(name)${extraBody}
	return int(C.twice(C.int(n)))
}
`;
}

/** Writes .bench/missing/{go.mod,missing.go}; returns paths and the preamble as cgo hands it to gcc. */
export function writeMissingModule(benchDir) {
  const dir = path.join(benchDir, 'missing');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/benchmissing\n\ngo 1.22\n');
  const file = path.join(dir, 'missing.go');
  fs.writeFileSync(file, missingHeaderSource());
  return { dir, file };
}

/**
 * The preamble of `source` as cmd/cgo writes it for the C compiler: a `#line N "file.go"` marker, then the
 * comment's lines (the `#cgo` line blanked as cgo does), so gcc reports positions on Go lines.
 */
export function preambleForGcc(source, goFile) {
  const lines = source.split('\n');
  const open = lines.indexOf('/*');
  const close = lines.indexOf('*/');
  const body = lines.slice(open + 1, close).map((l) => (/^\s*#cgo\s/.test(l) ? '' : l));
  return `#line ${open + 2} ${JSON.stringify(goFile)}\n${body.join('\n')}\n`;
}

const COMMON_H = `#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stddef.h>

typedef struct { int id; const char *name; } common_item;

static inline int common_add(int a, int b) { return a + b; }
static inline size_t common_len(const char *s) { size_t n = 0; while (s && s[n]) n++; return n; }
#endif
`;

/** common.h with a C error in it (an undeclared identifier), `n` makes each broken version distinct. */
export function brokenCommonH(n) {
  return COMMON_H.replace('#endif', `static inline int common_broken_${n}(void) { return common_undeclared_${n}; }\n#endif`);
}

export function commonH() {
  return COMMON_H;
}

function plainGoFile(pkg, i) {
  return `package ${pkg}

import (
	"fmt"
	"strings"
)

// Item${i} is a value of package ${pkg}.
type Item${i} struct {
	ID   int
	Name string
	Tags []string
}

// String formats the item.
func (it Item${i}) String() string {
	return fmt.Sprintf("%d:%s[%s]", it.ID, it.Name, strings.Join(it.Tags, ","))
}

// Sum${i} adds the IDs of items.
func Sum${i}(items []Item${i}) int {
	total := 0
	for _, it := range items {
		total += it.ID
	}
	return total
}
`;
}

/** The cgo file of kind k: 0 stdio, 1 stdlib+string, 2 the shared local header, 3 a missing header. */
function cgoGoFile(pkg, k, i) {
  const preambles = [
    `#include <stdio.h>\n\nstatic int say_${i}(const char *s) { return puts(s); }`,
    `#include <stdlib.h>\n#include <string.h>\n\nstatic size_t measure_${i}(const char *s) { return strlen(s); }`,
    `#cgo CFLAGS: -I\${SRCDIR}/../common\n#include "common.h"`,
    `#include <stdio.h>\n#include <scale_missing_${i}.h>`,
  ];
  const bodies = [
    `\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.say_${i}(cs))`,
    `\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.measure_${i}(cs))`,
    `\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.common_add(C.int(C.common_len(cs)), ${i}))`,
    `\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.puts(cs))`,
  ];
  // stdlib.h is needed for C.free in every kind; kind 2 gets it through the preamble below.
  const pre = `${preambles[k]}${k === 1 ? '' : '\n#include <stdlib.h>'}`;
  return `package ${pkg}

/*
${pre}
*/
import "C"

import "unsafe"

// Call${i} hands s to C.
func Call${i}(s string) int {
${bodies[k]}
}
`;
}

/**
 * Generates a workspace of `files` .go files in `packages` packages under one go.mod, of which `cgoFiles`
 * import "C" (spread evenly; kinds cycle stdio / stdlib+string / common.h / missing header).
 * Returns the cgo files grouped by kind.
 */
export function writeScaleWorkspace(root, { files, packages, cgoFiles }) {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'common'), { recursive: true });
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/benchscale\n\ngo 1.22\n');
  fs.writeFileSync(path.join(root, 'common', 'common.h'), COMMON_H);
  const perPkg = Math.ceil(files / packages);
  const cgoEvery = Math.max(1, Math.floor(packages / cgoFiles));
  const width = String(packages).length;
  const out = { all: [], byKind: [[], [], [], []], goFiles: 0 };
  let cgoCount = 0;
  let written = 0;
  for (let p = 0; p < packages && written < files; p++) {
    const pkg = `p${String(p).padStart(width, '0')}`;
    const dir = path.join(root, pkg);
    fs.mkdirSync(dir);
    for (let f = 0; f < perPkg && written < files; f++) {
      const i = p * perPkg + f;
      const isCgo = f === 0 && p % cgoEvery === 0 && cgoCount < cgoFiles;
      const file = path.join(dir, isCgo ? `cgo_${i}.go` : `f${f}.go`);
      if (isCgo) {
        const k = cgoCount % 4;
        fs.writeFileSync(file, cgoGoFile(pkg, k, i));
        out.all.push(file);
        out.byKind[k].push(file);
        cgoCount++;
      } else {
        fs.writeFileSync(file, plainGoFile(pkg, i));
      }
      written++;
    }
  }
  out.goFiles = written;
  return out;
}
