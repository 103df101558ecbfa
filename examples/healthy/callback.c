#include <stdint.h>
#include "_cgo_export.h"

int64_t callback_total(int64_t v) { return GoCallback(v) * 2; }
