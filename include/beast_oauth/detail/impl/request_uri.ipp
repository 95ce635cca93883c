#ifndef BEAST_OAUTH_DETAIL_IMPL_REQUEST_URI_IPP
#define BEAST_OAUTH_DETAIL_IMPL_REQUEST_URI_IPP

#include <beast_oauth/detail/request_uri.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>

namespace beast_oauth { namespace detail {

namespace request_uri_detail {

// Bound into every tag with the client_id: a value sealed for another purpose, format version or
// client never opens.
constexpr std::string_view purpose = "beast_oauth par v1";
constexpr std::size_t max_request_uri = 16 * 1024;

inline std::string associated_data(std::string_view client_id)
{
    std::string aad(purpose);
    aad.push_back('\n');
    aad.append(client_id);
    return aad;
}

} // namespace request_uri_detail

BEAST_OAUTH_DECL std::string seal_request_uri(aead_key const& key, std::string_view client_id, param_list const& params,
                                              time_point expires_at)
{
    namespace d = request_uri_detail;
    boost::json::array p;
    for(auto name : authorization_params)
        if(auto v = params.get(name))
            p.emplace_back(boost::json::array{boost::json::string_view(name.data(), name.size()),
                                              boost::json::string_view(v->data(), v->size())});
    boost::json::object o;
    o["id"] = random_base64url(16);
    o["exp"] = std::chrono::duration_cast<std::chrono::seconds>(expires_at.time_since_epoch()).count();
    o["p"] = std::move(p);
    return std::string(request_uri_prefix) + key.seal(boost::json::serialize(o), d::associated_data(client_id));
}

BEAST_OAUTH_DECL std::optional<pushed_request> open_request_uri(aead_key const& key, std::string_view client_id,
                                                                std::string_view request_uri)
{
    namespace d = request_uri_detail;
    if(request_uri.substr(0, request_uri_prefix.size()) != request_uri_prefix)
        return std::nullopt;
    request_uri.remove_prefix(request_uri_prefix.size());
    auto plain = key.open(request_uri, d::associated_data(client_id), d::max_request_uri);
    if(!plain)
        return std::nullopt;
    // Sealed by this server: well-formed unless the key was reused elsewhere; checked anyway.
    boost::system::error_code ec;
    auto v = boost::json::parse(*plain, ec);
    auto const* o = ec ? nullptr : v.if_object();
    auto const* id = o ? o->if_contains("id") : nullptr;
    auto const* exp = o ? o->if_contains("exp") : nullptr;
    auto const* p = o ? o->if_contains("p") : nullptr;
    if(!id || !id->is_string() || !exp || !exp->is_int64() || !p || !p->is_array())
        return std::nullopt;
    pushed_request out;
    out.id = std::string(id->get_string());
    out.expires_at = time_point(std::chrono::seconds(exp->get_int64()));
    for(auto const& item : p->get_array())
    {
        auto const* kv = item.if_array();
        if(!kv || kv->size() != 2 || !(*kv)[0].is_string() || !(*kv)[1].is_string())
            return std::nullopt;
        out.params.add(std::string((*kv)[0].get_string()), std::string((*kv)[1].get_string()));
    }
    return out;
}

}} // namespace beast_oauth::detail

#endif
