#include <cstdio>
int main() { std::puts("nextra"); return 0; }
