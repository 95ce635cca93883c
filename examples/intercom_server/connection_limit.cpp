#include "connection_limit.hpp"

#include <utility>

namespace intercom {

connection_slot::connection_slot(connection_limit* limit, std::string address)
    : limit_(limit)
    , address_(std::move(address))
{
}

connection_slot::connection_slot(connection_slot&& other) noexcept
    : limit_(std::exchange(other.limit_, nullptr))
    , address_(std::move(other.address_))
{
}

connection_slot& connection_slot::operator=(connection_slot&& other) noexcept
{
    if(this != &other)
    {
        if(limit_)
            limit_->release(address_);
        limit_ = std::exchange(other.limit_, nullptr);
        address_ = std::move(other.address_);
    }
    return *this;
}

connection_slot::~connection_slot()
{
    if(limit_)
        limit_->release(address_);
}

connection_limit::connection_limit(unsigned max_per_address)
    : max_(max_per_address)
{
}

connection_slot connection_limit::acquire(std::string const& address)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto& n = open_[address];
    if(n >= max_)
        return {};
    ++n;
    return connection_slot(this, address);
}

unsigned connection_limit::open(std::string const& address)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = open_.find(address);
    return it == open_.end() ? 0 : it->second;
}

void connection_limit::release(std::string const& address)
{
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = open_.find(address);
    if(it != open_.end() && --it->second == 0)
        open_.erase(it); // the map holds only addresses with open connections
}

} // namespace intercom
