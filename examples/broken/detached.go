// Package broken collects the cgo mistakes people make most; `npm start` shows what cgo-ls says about each.
package broken

// #include <stdio.h>
// static void hello(void) { puts("hello"); }

import "C"

// Hello fails to build: the blank line above `import "C"` detaches the preamble.
func Hello() { C.hello() }
