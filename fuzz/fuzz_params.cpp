// Fuzz target: parse_form (form bodies and query strings) and parse_json_params (Seam's JSON
// token body).
//
// Input: byte 0 picks the limits (default, or small ones so the limit paths are reached),
// the rest is the text, given to both parsers.
//
// Invariants:
// - parse_form agrees with an independent decoder written from RFC 3986 (query grammar),
//   WHATWG application/x-www-form-urlencoded ('+' is a space) and RFC 6749 3.1 (empty values
//   are omitted, repeated parameters are an error), plus the library's documented limits;
//   on success the lists are equal, and re-encoding then re-parsing gives the same list.
// - parse_json_params on success returns the non-empty string members of the object Boost.JSON's
//   DOM parser reads from the same text (duplicates aside), every value within the limits.
#include "common.hpp"

#include <boost/json.hpp>

namespace {

using beast_oauth::param_error;
using beast_oauth::param_limits;
using beast_oauth::param_list;

int hexval(char c)
{
    if(c >= '0' && c <= '9') return c - '0';
    if(c >= 'a' && c <= 'f') return c - 'a' + 10;
    if(c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 3.4: query = *( pchar / "/" / "?" ); pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
bool is_query_char(unsigned char c)
{
    if((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    switch(c)
    {
    case '-': case '.': case '_': case '~':                                  // unreserved
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*':  // sub-delims
    case '+': case ',': case ';': case '=':
    case ':': case '@': case '/': case '?':
        return true;
    default:
        return false;
    }
}

bool decode(std::string_view s, std::string& out)
{
    out.clear();
    for(std::size_t i = 0; i < s.size(); ++i)
    {
        char c = s[i];
        if(c == '+')
            out += ' ';
        else if(c == '%')
        {
            if(i + 2 >= s.size())
                return false;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if(h < 0 || l < 0)
                return false;
            out += static_cast<char>(h * 16 + l);
            i += 2;
        }
        else
            out += c;
    }
    return true;
}

// The reference: returns false where the library must fail.
bool reference_form(std::string_view text, param_limits const& limits, std::vector<std::pair<std::string, std::string>>& out)
{
    out.clear();
    if(text.empty())
        return true;
    for(std::size_t i = 0; i < text.size(); ++i)
    {
        auto c = static_cast<unsigned char>(text[i]);
        if(c == '%')
        {
            if(i + 2 >= text.size() || hexval(text[i + 1]) < 0 || hexval(text[i + 2]) < 0)
                return false;
        }
        else if(!is_query_char(c))
            return false;
    }
    std::size_t start = 0;
    while(start <= text.size())
    {
        auto amp = text.find('&', start);
        if(amp == std::string_view::npos)
            amp = text.size();
        auto pair = text.substr(start, amp - start);
        auto eq = pair.find('=');
        std::string key, value;
        if(!decode(pair.substr(0, eq), key))
            return false;
        if(eq != std::string_view::npos && !decode(pair.substr(eq + 1), value))
            return false;
        if(key.size() > limits.max_size || value.size() > limits.max_size)
            return false;
        if(key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
            return false;
        if(!key.empty() && !value.empty())
        {
            for(auto const& p : out)
                if(p.first == key)
                    return false;
            if(out.size() >= limits.max_count)
                return false;
            out.emplace_back(std::move(key), std::move(value));
        }
        start = amp + 1;
    }
    return true;
}

void check_list_invariants(param_list const& list, param_limits const& limits, std::string_view text)
{
    FUZZ_CHECK(list.size() <= limits.max_count, text);
    for(auto it = list.begin(); it != list.end(); ++it)
    {
        FUZZ_CHECK(!it->first.empty() && !it->second.empty(), text);
        FUZZ_CHECK(it->first.size() <= limits.max_size && it->second.size() <= limits.max_size, text);
        FUZZ_CHECK(it->first.find('\0') == std::string::npos && it->second.find('\0') == std::string::npos, text);
        for(auto jt = list.begin(); jt != it; ++jt)
            FUZZ_CHECK(jt->first != it->first, text);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if(size < 1 || size > 64 * 1024)
        return 0;
    param_limits limits;
    switch(data[0] % 4)
    {
    case 1: limits.max_count = 3; limits.max_size = 8; break;
    case 2: limits.max_count = 1; limits.max_size = 64; break;
    default: break;
    }
    std::string_view text(reinterpret_cast<char const*>(data) + 1, size - 1);

    // --- form ---
    {
        param_list list;
        param_error err;
        auto ec = beast_oauth::parse_form(text, list, err, limits);
        std::vector<std::pair<std::string, std::string>> expected;
        bool const ref_ok = reference_form(text, limits, expected);
        FUZZ_CHECK(!ec == ref_ok, text);
        if(!ec)
        {
            check_list_invariants(list, limits, text);
            FUZZ_CHECK(list.size() == expected.size(), text);
            std::size_t i = 0;
            for(auto const& p : list)
            {
                FUZZ_CHECK(p == expected[i], text);
                ++i;
            }
            // Round trip: encode, parse again, same list.
            std::string encoded;
            for(auto const& p : list)
                encoded += (encoded.empty() ? "" : "&") + fuzz::pct(p.first) + "=" + fuzz::pct(p.second);
            param_list again;
            FUZZ_CHECK(!beast_oauth::parse_form(encoded, again, err, limits), encoded);
            FUZZ_CHECK(again.size() == list.size(), encoded);
            auto a = again.begin();
            for(auto const& p : list)
                FUZZ_CHECK(*a++ == p, encoded);
        }
        else
        {
            FUZZ_CHECK(ec == beast_oauth::error::invalid_request, text);
            FUZZ_CHECK(!err.description.empty(), text);
        }
    }

    // --- JSON ---
    {
        param_list list;
        param_error err;
        auto ec = beast_oauth::parse_json_params(text, list, err, limits);
        if(!ec)
        {
            check_list_invariants(list, limits, text);
            boost::system::error_code jec;
            auto v = boost::json::parse(boost::json::string_view(text.data(), text.size()), jec);
            FUZZ_CHECK(!jec && v.is_object(), text);
            // The DOM keeps the last of duplicate keys; the library, like RFC 6749 3.1, drops
            // empty values before it looks for repeats, so {"a":"x","a":""} is a=x for it.
            std::size_t non_empty = 0;
            for(auto const& m : v.as_object())
            {
                FUZZ_CHECK(m.value().is_string(), text);
                std::string key(m.key()), value(m.value().as_string());
                if(key.empty() || value.empty())
                    continue;
                ++non_empty;
                auto got = list.get(key);
                FUZZ_CHECK(got && *got == value, text);
            }
            for(auto const& p : list)
                FUZZ_CHECK(v.as_object().contains(p.first), text);
            FUZZ_CHECK(non_empty <= list.size(), text);
        }
        else
        {
            FUZZ_CHECK(ec == beast_oauth::error::invalid_request, text);
            FUZZ_CHECK(!err.description.empty(), text);
        }
    }
    return 0;
}
