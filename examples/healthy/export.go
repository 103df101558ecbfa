package healthy

// Only declarations in an exporting file's preamble: definitions live in mathx.go or a .c file.

// #include <stdint.h>
// extern int64_t callback_total(int64_t);
import "C"

//export GoCallback
func GoCallback(v C.int64_t) C.int64_t { return v + 1 }
