package broken

// #cgo CFLAGS: -fplugin=./evil.so
// #cgo linux && arm64 LDFLAGS: -lfoo
// #cgo CLFAGS: -O2
// #cgo CFLAGS: -DVERSION=\"1.0\"
// #include <stdlib.h>
import "C"

// Free is fine; the directives above are not.
func Free(p *C.char) { C.free(nil) }
