#ifndef BEAST_OAUTH_ENDPOINTS_IMPL_TOKEN_LOOKUP_IPP
#define BEAST_OAUTH_ENDPOINTS_IMPL_TOKEN_LOOKUP_IPP

// The shared start of RFC 7009 2.1 and RFC 7662 2.1.

#include <beast_oauth/endpoints/token_lookup.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL token_lookup_request::token_lookup_request(handler_base const& h, http_request const& req,
                                                            request_context const& ctx, bool confidential_only)
    : authenticated_request(h.core(), req, ctx, false)
    , tokens_(h.tokens())
    , confidential_only_(confidential_only)
{
}

BEAST_OAUTH_DECL store_op* token_lookup_request::step()
{
    BOOST_ASIO_CORO_REENTER(lookup_)
    {
        while((next_ = auth_.step()) != nullptr)
            BOOST_ASIO_CORO_YIELD return next_;
        if(!auth_.result())
            return answer_error(auth_.result().error());
        // RFC 7662 2.1: introspection is for authenticated callers; a public client cannot be.
        if(confidential_only_ && caller().is_public())
            return answer_error(fail(error::invalid_client, "introspection needs a confidential client"));
        {
            auto token = auth_.result()->params.get("token");
            if(!token)
                return answer_error(fail(error::invalid_request, "token is required"));
            // token_type_hint is only a hint (RFC 7009 2.1, RFC 7662 2.1): the prefix tells the kind.
            key_ = tokens_.lookup_key(*token);
        }
        if(key_)
        {
            op_.what = store_op::kind::find_token;
            op_.key = *key_;
            BOOST_ASIO_CORO_YIELD return &op_;
        }
        for(;;)
            BOOST_ASIO_CORO_YIELD return on_record();
    }
    return nullptr;
}

} // namespace beast_oauth

#endif
