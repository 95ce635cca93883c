#ifndef BEAST_OAUTH_DETAIL_REDIRECT_PARAMS_HPP
#define BEAST_OAUTH_DETAIL_REDIRECT_PARAMS_HPP

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace beast_oauth { namespace detail {

// Sets a query parameter, replacing any of the same name. Everything but RFC 3986
// unreserved characters is percent-encoded, so '+' stays '+' for form decoders too
// (Boost.URL's params().set() leaves '+' bare, which they would read as a space).
// RFC 6749 4.1.2 / 4.1.2.1: the redirect URI with response parameters added to its query,
// keeping the parameters it was registered with. A registered parameter with one of the
// response's names is removed first, so the URI can never carry two codes or states.
// Values are percent-encoded down to unreserved characters; one Boost.URL edit appends all.
// A pair with an empty key is skipped (an optional parameter that is absent).
inline std::string with_query_params(std::string_view redirect_uri,
                                     std::initializer_list<std::pair<std::string_view, std::string_view>> params)
{
    std::string_view keys[4];
    std::string values[4]; // percent-encoded
    std::size_t n = 0;
    for(auto const& [key, value] : params)
    {
        if(key.empty())
            continue;
        if(n == 4)
            throw std::logic_error("beast_oauth: with_query_params takes at most 4 parameters");
        keys[n] = key; // our own names: unreserved characters only
        values[n++] = boost::urls::encode(boost::urls::string_view(value.data(), value.size()),
                                          boost::urls::unreserved_chars);
    }
    // Fast path: a redirect URI without a query (Seam's) or fragment (never accepted) takes the
    // parameters appended as text.
    if(redirect_uri.find_first_of("?#") == std::string_view::npos)
    {
        std::string out;
        out.reserve(redirect_uri.size() + 256);
        out.append(redirect_uri);
        for(std::size_t i = 0; i < n; ++i)
        {
            out.push_back(i == 0 ? '?' : '&');
            out.append(keys[i]);
            out.push_back('=');
            out.append(values[i]);
        }
        return out;
    }
    boost::urls::url u(boost::urls::string_view(redirect_uri.data(), redirect_uri.size()));
    auto query = u.encoded_params();
    boost::urls::param_pct_view views[4];
    for(std::size_t i = 0; i < n; ++i)
    {
        auto k = boost::urls::string_view(keys[i].data(), keys[i].size());
        if(u.has_query() && query.contains(k))
            query.erase(k);
        views[i] = boost::urls::param_pct_view(boost::urls::pct_string_view(k), boost::urls::pct_string_view(values[i]));
    }
    query.append(views, views + n);
    return std::string(u.buffer());
}

}} // namespace beast_oauth::detail

#endif
