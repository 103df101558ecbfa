//go:build !cgo

package healthy

// Twice is the pure-Go fallback used when cgo is disabled.
func Twice(x int) int { return 2 * x }

// Add is the pure-Go fallback used when cgo is disabled.
func Add(a, b int) int { return a + b }

// Limit mirrors MATHX_LIMIT.
const Limit = 42

// Len is the pure-Go fallback used when cgo is disabled.
func Len(s string) int { return len(s) }
