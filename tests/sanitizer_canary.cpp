// Deliberate bugs that prove a sanitizer build really instruments and aborts:
// ctest expects each sanitizer's report in the output (tests/CMakeLists.txt).
#include <cstdio>
#include <cstring>
#include <climits>
#include <thread>

int main(int argc, char** argv)
{
    char const* what = argc > 1 ? argv[1] : "";
    volatile int sink = 0;
    if(std::strcmp(what, "heap-overflow") == 0)
    {
        int* volatile p = new int[4]; // volatile: only ASan, not UBSan's object-size check, sees it
        sink = p[argc + 2];           // one past the end (argc is 2)
        delete[] p;
    }
    else if(std::strcmp(what, "signed-overflow") == 0)
    {
        int x = INT_MAX - 2 + argc; // INT_MAX (argc is 2)
        sink = x + 1;
    }
    else if(std::strcmp(what, "data-race") == 0)
    {
        int shared = 0;
        std::thread a([&] { for(int i = 0; i < 100000; ++i) shared = shared + 1; });
        std::thread b([&] { for(int i = 0; i < 100000; ++i) shared = shared + 1; });
        a.join();
        b.join();
        sink = shared;
    }
    std::printf("canary %s survived (%d): the sanitizer is not active\n", what, sink);
    return 0;
}
