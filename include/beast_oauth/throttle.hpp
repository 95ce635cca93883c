#ifndef BEAST_OAUTH_THROTTLE_HPP
#define BEAST_OAUTH_THROTTLE_HPP

#include <beast_oauth/config.hpp>
#include <beast_oauth/rate_limiter.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace beast_oauth {

/** How failed authentications (an owner's password, a client's secret) are throttled.

    Failures are charged to three counts: the account or client_id *from this
    address*, the address (whatever the account), and the account from every
    address together. Only the first two refuse (HTTP 429 + Retry-After): an
    attacker at one address can never stop the real owner or client at another
    address. The third only slows: once an account has failed `per_subject.burst`
    times across all addresses, each address may try it once per
    `per_subject_and_address.refill`, so guessing from many addresses is slowed
    while the owner's first attempt from a clean address always goes through.

    The defaults: 10 failures per account and address, then one per 30 s;
    30 failures per address, then one per 10 s; past 100 failures of one account
    from all addresses (earned back at one per 36 s), one attempt per address per 30 s.
*/
struct throttle_policy
{
    /// One account (or client_id) from one address: refuses when spent.
    rate_limit per_subject_and_address{10, std::chrono::seconds(30)};
    /// One address, all accounts and clients: refuses when spent.
    rate_limit per_address{30, std::chrono::seconds(10)};
    /// One account (or client_id), all addresses: when spent, slows every address to one attempt per refill.
    rate_limit per_subject{100, std::chrono::seconds(36)};
    /** IPv6 addresses are counted per network of this prefix length (a host can
        choose any address in its /64). 128: every address on its own. */
    unsigned ipv6_prefix = 64;
};

/** What a throttled attempt is charged to; made by @ref authentication_throttle::attempt_for. */
struct throttle_attempt
{
    std::string subject_key;
    std::string address_key;
    std::string pair_key;
};

/** Why an attempt was refused, and for how long. */
struct throttle_verdict
{
    std::chrono::seconds wait{0};
    /// "address", "subject_and_address" or "subject_slowed" (for the audit event).
    std::string_view reason;
};

/** Applies a @ref throttle_policy over a @ref rate_limiter.

    Keys never hold a secret: usernames are case-folded, long identifiers are
    replaced by their SHA-256, and addresses are canonical (IPv4-mapped IPv6
    as IPv4, IPv6 cut to `ipv6_prefix`).

    @par Thread Safety
    Immutable after construction; safe to share (the limiter synchronizes).
*/
class authentication_throttle
{
public:
    /// What is authenticating: an owner's account (sign-in page) or a client (token endpoint).
    enum class subject_kind
    {
        account,
        client
    };

    BEAST_OAUTH_DECL authentication_throttle(std::shared_ptr<rate_limiter> limiter, throttle_policy policy);

    /// The keys for `subject` (a username as typed, or a client_id) attempting from `address`.
    BEAST_OAUTH_DECL throttle_attempt attempt_for(subject_kind kind, std::string_view subject,
                                                  std::string_view address) const;

    /// nullopt when the attempt may be evaluated; otherwise the wait and its reason.
    BEAST_OAUTH_DECL std::optional<throttle_verdict> check(throttle_attempt const& a, time_point now) const;

    /// Charges a failed attempt to all three counts.
    BEAST_OAUTH_DECL void failed(throttle_attempt const& a, time_point now) const;

    /// Clears the account-and-address count after a success (the others keep decaying).
    BEAST_OAUTH_DECL void succeeded(throttle_attempt const& a) const;

    /// The canonical form of an address used in keys (exposed for tests and custom limiters).
    BEAST_OAUTH_DECL std::string canonical_address(std::string_view address) const;

    throttle_policy const& policy() const noexcept { return policy_; }

private:
    std::shared_ptr<rate_limiter> limiter_;
    throttle_policy policy_;
};

} // namespace beast_oauth

#ifdef BEAST_OAUTH_HEADER_ONLY
#include <beast_oauth/impl/throttle.ipp>
#endif

#endif
