package broken

// #include <stdlib.h>
import c "C"

// Abs calls C abs through a renamed import, which cgo rejects.
func Abs(x int) int { return int(c.abs(c.int(x))) }
