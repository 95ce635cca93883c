#ifndef BEAST_OAUTH_IMPL_MEMORY_USER_STORE_IPP
#define BEAST_OAUTH_IMPL_MEMORY_USER_STORE_IPP

// memory_user_store: accounts in memory, for examples and tests.

#include <beast_oauth/memory_store.hpp>
#include <beast_oauth/secret_hash.hpp>
#include <beast_oauth/detail/http_util.hpp>

namespace beast_oauth {

BEAST_OAUTH_DECL void memory_user_store::add_user(std::string username, std::string password_hash,
                                                  user_identity identity)
{
    if(dummy_hash_.empty() || dummy_hash_.size() < password_hash.size())
        dummy_hash_ = password_hash; // same cost for unknown users
    accounts_[detail::lower_ascii(username)] = account{std::move(password_hash), std::move(identity)};
}

BEAST_OAUTH_DECL std::optional<user_identity> memory_user_store::authenticate(std::string_view username,
                                                                              std::string_view password) const
{
    auto it = accounts_.find(detail::lower_ascii(username));
    if(it == accounts_.end())
    {
        if(!dummy_hash_.empty())
            (void)verify_secret(password, dummy_hash_);
        return std::nullopt;
    }
    std::string hash;
    {
        std::lock_guard<std::mutex> lock(password_mutex_);
        hash = it->second.password_hash;
    }
    if(!verify_secret(password, hash)) // outside the lock: PBKDF2 is slow
        return std::nullopt;
    return it->second.identity;
}

BEAST_OAUTH_DECL bool memory_user_store::set_password(std::string_view username, std::string password_hash)
{
    auto it = accounts_.find(detail::lower_ascii(username));
    if(it == accounts_.end())
        return false;
    std::lock_guard<std::mutex> lock(password_mutex_);
    it->second.password_hash = std::move(password_hash);
    return true;
}

} // namespace beast_oauth

#endif
