package broken

/*
#include <stdio.h>
#include <no_such_header.h>
*/
import "C"

// Print uses a header that is not installed.
func Print() { C.puts(nil) }
