#pragma once
// Names the calling thread as `top -H`, `perf report --sort pid`, gdb and /proc show it, so
// an operator (or a profile) tells the io threads from the record writer, the checkpointer
// from a pump worker. Linux keeps 15 characters; longer names are cut.

#include <thread>

namespace nextra {

void name_this_thread(const char* name);
// Names `thread` from outside, so the name is in place when this returns (a thread naming
// itself does so whenever it first runs).
void name_thread(std::thread& thread, const char* name);

}  // namespace nextra
