// A cap on the connections one TCP peer address holds open at once.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

namespace intercom {

class connection_limit;

/// One open connection counted against its address; released when destroyed. Move-only.
class connection_slot
{
public:
    connection_slot() = default;
    connection_slot(connection_slot&& other) noexcept;
    connection_slot& operator=(connection_slot&& other) noexcept;
    ~connection_slot();

    /// False when the address already held its maximum (the connection must be closed).
    explicit operator bool() const noexcept { return limit_ != nullptr; }

private:
    friend class connection_limit;
    connection_slot(connection_limit* limit, std::string address);
    connection_limit* limit_ = nullptr;
    std::string address_;
};

/** Counts open connections per TCP peer address (never a forwarded address: those are not
    the peer's to spend). Thread-safe: one mutex over one map, touched once at accept and once
    when a session ends. */
class connection_limit
{
public:
    explicit connection_limit(unsigned max_per_address);

    /// A slot for one more connection from `address`, or an empty one when it holds the maximum.
    connection_slot acquire(std::string const& address);

    /// Connections `address` holds now (for tests and logs).
    unsigned open(std::string const& address);

private:
    friend class connection_slot;
    void release(std::string const& address);

    unsigned max_;
    std::mutex mutex_;
    std::unordered_map<std::string, unsigned> open_; // no entry: zero
};

} // namespace intercom
