#ifndef MATHX_H
#define MATHX_H
static inline int mathx_twice(int x) { return 2 * x; }
#define MATHX_LIMIT 42
#endif
