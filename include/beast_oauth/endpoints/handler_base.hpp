#ifndef BEAST_OAUTH_ENDPOINTS_HANDLER_BASE_HPP
#define BEAST_OAUTH_ENDPOINTS_HANDLER_BASE_HPP

#include <beast_oauth/config.hpp>
#include <memory>
#include <utility>

namespace beast_oauth {

class server_core;
class token_strategy;

/** What the handler objects that read tokens share: the immutable @ref server_core and the
    @ref token_strategy (opaque or JWT, chosen once). Base of @ref authorize_handler,
    @ref bearer_validator, @ref introspection_handler and @ref revocation_handler.

    Every handler keeps one contract, written once as the Doxygen aliases `handler_contract`
    and `handler_exception_safety` (docs/Doxyfile.in): it is immutable and safe to call
    concurrently; protocol failures are responses, never exceptions; what a store throws
    becomes a 500/503 response (`handle`) or reaches the async completion as that response.

    @par Thread Safety
    Immutable after construction; safe to use concurrently.
*/
class handler_base
{
public:
    /// A handler over `core`, reading tokens with `tokens` (the handlers inherit this constructor).
    handler_base(std::shared_ptr<server_core const> core, std::shared_ptr<token_strategy const> tokens) noexcept
        : core_(std::move(core))
        , tokens_(std::move(tokens))
    {
    }

    /// The shared core: options, stores, keys, clock, throttle, hooks.
    server_core const& core() const noexcept { return *core_; }
    /// The token strategy: opaque or JWT access tokens and codes.
    token_strategy const& tokens() const noexcept { return *tokens_; }

protected:

    std::shared_ptr<server_core const> core_;
    std::shared_ptr<token_strategy const> tokens_;
};

} // namespace beast_oauth

#endif
