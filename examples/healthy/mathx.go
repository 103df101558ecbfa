// Package healthy is cgo code that builds cleanly: cgo-ls reports nothing here.
package healthy

/*
#cgo CFLAGS: -I${SRCDIR}/include -DMATHX_FAST=1
#cgo linux LDFLAGS: -lm
#cgo windows LDFLAGS: -lws2_32
#cgo darwin LDFLAGS: -framework CoreFoundation
#include <stdlib.h>
#include <string.h>
#include "mathx.h"

static inline int add(int a, int b) { return a + b; }
*/
import "C"

import "unsafe"

// Twice doubles x in C.
func Twice(x int) int { return int(C.mathx_twice(C.int(x))) }

// Add adds in C.
func Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }

// Limit is a C macro constant.
const Limit = C.MATHX_LIMIT

// Len measures a Go string with C strlen.
func Len(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.strlen(cs))
}
