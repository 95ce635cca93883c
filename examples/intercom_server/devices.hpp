// The example's device data: intercoms and access codes, each belonging to one owner.
#pragma once

#include <string>
#include <vector>

namespace intercom {

/// The owner of the built-in demo data (the shipped config's owner@example.com).
inline constexpr char const* demo_owner_id = "usr_7d3f9a2c41b8";

struct intercom_device
{
    std::string intercom_id, owner_id, name, model, address;
    bool connected = true;
};

struct access_code
{
    std::string access_code_id, intercom_id, owner_id, code, name;
    bool removable = true;
};

/// Every device and access code; each route shows an owner only their own.
struct device_data
{
    std::vector<intercom_device> intercoms;
    std::vector<access_code> access_codes;
};

/// Three intercoms and three access codes of the demo owner (used when the config has none).
device_data demo_device_data();

} // namespace intercom
