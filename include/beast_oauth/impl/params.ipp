#ifndef BEAST_OAUTH_IMPL_PARAMS_IPP
#define BEAST_OAUTH_IMPL_PARAMS_IPP

#include <beast_oauth/params.hpp>
#include <beast_oauth/error.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/url/parse_query.hpp>
#include <algorithm>

namespace beast_oauth {

namespace detail {

inline boost::system::error_code fail_params(param_error& err, std::string description,
                                             std::string repeated = {})
{
    err.description = std::move(description);
    err.repeated_key = std::move(repeated);
    return error::invalid_request;
}

// Adds one decoded pair, enforcing the RFC 6749 3.1 rules and the limits.
inline boost::system::error_code add_param(param_list& out, std::string key, std::string value,
                                           param_error& err, param_limits const& limits)
{
    if(key.size() > limits.max_size || value.size() > limits.max_size)
        return fail_params(err, "parameter too long");
    if(key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
        return fail_params(err, "parameter contains a NUL byte");
    if(key.empty() || value.empty())
        return {}; // RFC 6749 3.1: empty means omitted
    if(out.contains(key))
        return fail_params(err, "parameter '" + key + "' is repeated", key);
    if(out.size() >= limits.max_count)
        return fail_params(err, "too many parameters");
    out.add(std::move(key), std::move(value));
    return {};
}

// SAX handler accepting exactly one flat JSON object of string members.
struct flat_string_object_handler
{
    static constexpr std::size_t max_array_size = 0;
    static constexpr std::size_t max_object_size = 256;
    static constexpr std::size_t max_string_size = 8192;
    static constexpr std::size_t max_key_size = 8192;

    flat_string_object_handler(param_list* o, param_error* e, param_limits const* l) noexcept
        : out(o), err(e), limits(l)
    {
    }

    param_list* out;
    param_error* err;
    param_limits const* limits;
    int depth = 0;
    std::string key, value;
    boost::system::error_code failure;

    bool reject(boost::system::error_code& ec, char const* why)
    {
        if(!failure)
            failure = fail_params(*err, why);
        ec = failure;
        return false;
    }

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_array_begin(boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code& ec)
    {
        if(++depth > 1)
            return reject(ec, "JSON body members must be strings");
        return true;
    }
    bool on_object_end(std::size_t, boost::system::error_code&) { --depth; return true; }
    bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&)
    {
        value.append(s.data(), s.size());
        return true;
    }
    bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec)
    {
        if(depth != 1)
            return reject(ec, "JSON body must be an object");
        value.append(s.data(), s.size());
        if(auto e = add_param(*out, std::move(key), std::move(value), *err, *limits))
        {
            failure = e;
            ec = e;
            return false;
        }
        key.clear();
        value.clear();
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&)
    {
        key.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code&)
    {
        key.append(s.data(), s.size());
        return true;
    }
    bool on_number_part(boost::json::string_view, boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_int64(std::int64_t, boost::json::string_view, boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_double(double, boost::json::string_view, boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_bool(bool, boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_null(boost::system::error_code& ec) { return reject(ec, "JSON body members must be strings"); }
    bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }
};

} // namespace detail

BEAST_OAUTH_DECL boost::system::error_code parse_form(
    std::string_view text, param_list& out, param_error& err, param_limits const& limits)
{
    out.clear();
    if(text.empty())
        return {};
    // Boost.URL 1.81's parse_query reads past the end of a view that is not
    // NUL-terminated (its buffer() runs to the terminator): parse a copy.
    std::string const copy(text);
    auto rv = boost::urls::parse_query(copy);
    if(!rv)
        return detail::fail_params(err, "malformed percent-encoding");
    boost::urls::encoding_opts form_opts(true /* '+' is a space */);
    out.reserve(std::min<std::size_t>(rv->size(), limits.max_count));
    for(auto p : *rv)
    {
        std::string value;
        if(p.has_value)
            value = p.value.decode(form_opts);
        if(auto ec = detail::add_param(out, p.key.decode(form_opts), std::move(value), err, limits))
            return ec;
    }
    return {};
}

BEAST_OAUTH_DECL boost::system::error_code parse_json_params(
    std::string_view text, param_list& out, param_error& err, param_limits const& limits)
{
    out.clear();
    boost::json::basic_parser<detail::flat_string_object_handler> parser(
        boost::json::parse_options{}, &out, &err, &limits);
    boost::system::error_code ec;
    auto n = parser.write_some(false, text.data(), text.size(), ec);
    if(auto const& failure = parser.handler().failure)
        return failure;
    if(ec || n != text.size() || !parser.done())
        return detail::fail_params(err, "malformed JSON body");
    return {};
}

} // namespace beast_oauth

#endif
