#include "base/malloc_tuning.h"

#include <malloc.h>

namespace base {

void KeepFreedMemoryForReuse() {
  // 32 MiB is glibc's largest mmap threshold on 64-bit (HEAP_MAX_SIZE / 2).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
}

}  // namespace base
