#ifndef BEAST_OAUTH_IMPL_THROTTLE_IPP
#define BEAST_OAUTH_IMPL_THROTTLE_IPP

#include <beast_oauth/throttle.hpp>
#include <beast_oauth/detail/crypto.hpp>
#include <beast_oauth/detail/http_util.hpp>
#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace beast_oauth {

namespace detail {

// A key part of bounded size: short values as they are, long ones as their SHA-256
// (an attacker's 10 kB username must not become a 10 kB map key).
inline std::string bounded_key_part(std::string_view s)
{
    if(s.size() <= 64)
        return std::string(s);
    auto d = sha256(s);
    return "#" + base64url_encode(d.data(), d.size());
}

} // namespace detail

BEAST_OAUTH_DECL authentication_throttle::authentication_throttle(std::shared_ptr<rate_limiter> limiter,
                                                                  throttle_policy policy)
    : limiter_(std::move(limiter))
    , policy_(policy)
{
    for(auto const* l : {&policy_.per_subject_and_address, &policy_.per_address, &policy_.per_subject})
        if(l->burst == 0 || l->refill.count() <= 0)
            throw std::invalid_argument("beast_oauth: every throttle_policy limit needs burst > 0 and refill > 0");
    if(policy_.ipv6_prefix == 0 || policy_.ipv6_prefix > 128)
        throw std::invalid_argument("beast_oauth: throttle_policy::ipv6_prefix must be 1 to 128");
}

BEAST_OAUTH_DECL std::string authentication_throttle::canonical_address(std::string_view address) const
{
    std::string text(address);
    if(text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(text, ec);
    if(ec)
        return detail::bounded_key_part(address); // not an IP literal: a vendor's own identifier
    if(a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).to_string();
    if(a.is_v4())
        return a.to_string();
    auto bytes = a.to_v6().to_bytes();
    for(unsigned bit = policy_.ipv6_prefix; bit < 128; ++bit)
        bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    return boost::asio::ip::make_address_v6(bytes).to_string() + "/" + std::to_string(policy_.ipv6_prefix);
}

BEAST_OAUTH_DECL throttle_attempt authentication_throttle::attempt_for(subject_kind kind,
                                                                       std::string_view subject,
                                                                       std::string_view address) const
{
    // Usernames compare case-insensitively (as the stores do); client_ids exactly.
    auto who = detail::bounded_key_part(kind == subject_kind::account ? detail::lower_ascii(subject)
                                                                       : std::string(subject));
    auto where = canonical_address(address);
    std::string const prefix = kind == subject_kind::account ? "user:" : "client:";
    throttle_attempt a;
    a.subject_key = prefix + who;
    a.address_key = "ip:" + where;
    a.pair_key = prefix + who + "|ip:" + where;
    return a;
}

BEAST_OAUTH_DECL std::optional<throttle_verdict> authentication_throttle::check(throttle_attempt const& a,
                                                                                time_point now) const
{
    if(auto wait = limiter_->check(a.address_key, policy_.per_address, now))
        return throttle_verdict{*wait, "address"};
    if(auto wait = limiter_->check(a.pair_key, policy_.per_subject_and_address, now))
        return throttle_verdict{*wait, "subject_and_address"};
    if(limiter_->check(a.subject_key, policy_.per_subject, now))
    {
        // The account is under attack from many addresses: slow, never refuse. This address
        // may try once its own count for the account is back to zero (one try per refill).
        rate_limit const one{1, policy_.per_subject_and_address.refill};
        if(auto wait = limiter_->check(a.pair_key, one, now))
            return throttle_verdict{*wait, "subject_slowed"};
    }
    return std::nullopt;
}

BEAST_OAUTH_DECL void authentication_throttle::failed(throttle_attempt const& a, time_point now) const
{
    limiter_->record_failure(a.address_key, policy_.per_address, now);
    limiter_->record_failure(a.pair_key, policy_.per_subject_and_address, now);
    limiter_->record_failure(a.subject_key, policy_.per_subject, now);
}

BEAST_OAUTH_DECL void authentication_throttle::succeeded(throttle_attempt const& a) const
{
    limiter_->reset(a.pair_key);
}

} // namespace beast_oauth

#endif
