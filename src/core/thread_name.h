#pragma once
// Names the calling thread as `top -H`, `perf report --sort pid`, gdb and /proc show it, so
// an operator (or a profile) tells the io threads from the record writer, the checkpointer
// from a pump worker. Linux keeps 15 characters; longer names are cut.

namespace nextra {

void name_this_thread(const char* name);

}  // namespace nextra
