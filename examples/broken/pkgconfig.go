package broken

// #cgo pkg-config: no-such-library-1.0
// #cgo LDFLAGS: -lno_such_lib
// #include <stdlib.h>
import "C"

// Missing needs a pkg-config package and a library that are not installed.
func Missing() { C.free(nil) }
