// Process-wide allocator settings for the write-heavy commands (serve, simulate).
#pragma once

namespace base {

// Makes glibc keep large freed blocks (up to 32 MiB, e.g. RocksDB memtable arena
// blocks and multi-MiB write batches) in the heap for reuse instead of unmapping
// them. Every block unmapped and mapped again costs a page fault per 4 KiB on
// first touch: about a tenth of serve's apply CPU before this. Call once, early,
// from main's thread; idempotent. Costs: freed memory is returned to the system
// later (the heap is trimmed only above 512 MiB free at its top).
void KeepFreedMemoryForReuse();

}  // namespace base
