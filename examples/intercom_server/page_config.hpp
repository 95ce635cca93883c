// The "sign_in_page" section of the example's config: product name, colours, logo, the
// account field and the words per language (see docs/branding.md).
#pragma once

#include <beast_oauth/sign_in_page.hpp>
#include <boost/json/object.hpp>

namespace intercom {

/** Reads `"sign_in_page"` of the config's top level into `out` (absent: the defaults).
    A language entry overrides fields of the built-in table of that tag (English for a tag
    without one). @throws std::runtime_error naming the bad value */
void load_sign_in_page(boost::json::object const& top, beast_oauth::sign_in_page_options& out);

} // namespace intercom
