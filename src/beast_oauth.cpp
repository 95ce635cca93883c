// Compiles every non-template body of beast-oauth once (separate compilation mode).
#include <beast_oauth/src.hpp>
