#include "audit_log.hpp"

#include <boost/json.hpp>
#include <chrono>

namespace intercom {

namespace json = boost::json;

namespace {

// At most `max` bytes of `s` as valid UTF-8 (invalid bytes become U+FFFD), so every record
// parses as JSON (RFC 8259 8.1) and a cut never splits a character.
std::string clean_utf8(std::string_view s, std::size_t max = 256)
{
    std::string out;
    std::size_t i = 0;
    while(i < s.size() && out.size() < max)
    {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        bool ok = len != 0 && i + len <= s.size();
        for(std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if(ok && len == 2)
            ok = c >= 0xc2; // no overlong forms
        if(ok && len == 3)
        {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0); // overlong, surrogates
        }
        if(ok && len == 4)
        {
            auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90) && c <= 0xf4;
        }
        if(!ok)
        {
            out += "\xef\xbf\xbd";
            ++i;
            continue;
        }
        out.append(s.substr(i, len));
        i += len;
    }
    return out;
}

} // namespace

std::string audit_record(beast_oauth::audit_event const& e)
{
    json::object o;
    o["audit"] = std::string(beast_oauth::audit_event_name(e.type));
    o["time"] = std::chrono::duration_cast<std::chrono::seconds>(e.time.time_since_epoch()).count();
    // Identifiers only: the library never puts a secret, code or token in an event.
    for(auto [key, value] : {std::pair<char const*, std::string_view>{"client_id", e.client_id},
                             {"subject", e.subject}, {"username", e.username},
                             {"remote_address", e.remote_address}, {"grant_id", e.grant_id}, {"detail", e.detail},
                             {"actor", beast_oauth::revocation_actor_name(e.actor)}})
        if(!value.empty())
            o[key] = clean_utf8(value);
    return json::serialize(o);
}

std::string log_record(beast_oauth::log_event const& e)
{
    return json::serialize(json::object{{"log", clean_utf8(e.name)}, {"detail", clean_utf8(e.detail, 1024)}});
}

} // namespace intercom
