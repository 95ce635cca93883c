#ifndef BEAST_OAUTH_PARAMS_HPP
#define BEAST_OAUTH_PARAMS_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/error.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beast_oauth {

/** Decoded request parameters (query, form or JSON body), in arrival order.

    Parameters with an empty value are dropped when parsed: RFC 6749 3.1 says
    they "MUST be treated as if they were omitted from the request".

    @par Thread Safety
    Distinct objects: safe. Shared objects: safe for const access only.
*/
class param_list
{
public:
    using value_type = std::pair<std::string, std::string>;

    /// The value of `key`, or nullopt when absent.
    std::optional<std::string_view> get(std::string_view key) const noexcept
    {
        for(auto const& p : items_)
            if(p.first == key)
                return std::string_view(p.second);
        return std::nullopt;
    }

    /// The value of `key`, or an empty view when absent.
    std::string_view get_or_empty(std::string_view key) const noexcept
    {
        auto v = get(key);
        return v ? *v : std::string_view();
    }

    /// Whether `key` is present.
    bool contains(std::string_view key) const noexcept { return get(key).has_value(); }

    /// Appends a parameter (no duplicate check).
    void add(std::string key, std::string value) { items_.emplace_back(std::move(key), std::move(value)); }

    /// Reserves room for `n` parameters.
    void reserve(std::size_t n) { items_.reserve(n); }

    std::size_t size() const noexcept { return items_.size(); }
    bool empty() const noexcept { return items_.empty(); }
    auto begin() const noexcept { return items_.begin(); }
    auto end() const noexcept { return items_.end(); }
    void clear() noexcept { items_.clear(); }

private:
    std::vector<value_type> items_;
};

/// Bounds on what a parameter parser accepts; exceeding one is `invalid_request`.
struct param_limits
{
    /// Most parameters in one request.
    std::size_t max_count = 64;
    /// Longest decoded key or value, in bytes.
    std::size_t max_size = 4096;
};

/// Why a parameter parser failed (for a specific error_description).
struct param_error
{
    /// Human-readable, client-safe reason ("parameter 'state' is repeated").
    std::string description;
    /// The repeated key, when the failure is a repeated parameter.
    std::string repeated_key;
};

/** Parses `application/x-www-form-urlencoded` text (a form body or a URL query).

    Percent-decoding and syntax checks use Boost.URL; `+` decodes to a space
    (WHATWG application/x-www-form-urlencoded). A repeated key is an error
    (RFC 6749 3.1: "Request and response parameters MUST NOT be included more
    than once"); so is a decoded NUL byte.

    @return `error::invalid_request` on failure, with `err` filled in.
*/
BEAST_OAUTH_DECL boost::system::error_code parse_form(
    std::string_view text, param_list& out, param_error& err, param_limits const& limits = {});

/** Parses a JSON object whose members are all strings (the Seam profile's token body).

    Strict: any other shape (arrays, numbers, nesting), a repeated key or
    trailing text is an error. Uses Boost.JSON's SAX parser.

    @return `error::invalid_request` on failure, with `err` filled in.
*/
BEAST_OAUTH_DECL boost::system::error_code parse_json_params(
    std::string_view text, param_list& out, param_error& err, param_limits const& limits = {});

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/params.ipp>
#endif

#endif
