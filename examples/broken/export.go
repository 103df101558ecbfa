package broken

/*
#include <stdint.h>
int32_t counter = 0;
int32_t bump(void) { return ++counter; }
*/
import "C"

//export Bump
func bump() C.int32_t { return C.bump() }

// export Ignored
func Ignored() {}
