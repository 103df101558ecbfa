package broken

// #include <stdio.h>
import "C"

import "unsafe"

// Names uses C names the preamble does not declare.
func Names(s string) {
	cs := C.Cstring(s)
	C.free(unsafe.Pointer(cs))
	_ = C.errno
}
