#include "devices.hpp"

namespace intercom {

device_data demo_device_data()
{
    device_data d;
    d.intercoms = {
        {"ic_lobby_01", demo_owner_id, "Lobby entrance", "BX-400", "1 Market St, San Francisco, CA", true},
        {"ic_garage_02", demo_owner_id, "Garage gate", "BX-200", "1 Market St, San Francisco, CA", true},
        {"ic_roof_03", demo_owner_id, "Roof access", "BX-200", "1 Market St, San Francisco, CA", false},
    };
    d.access_codes = {
        {"ac_1001", "ic_lobby_01", demo_owner_id, "4821", "Courier", true},
        {"ac_1002", "ic_lobby_01", demo_owner_id, "7730", "Cleaner", false},
        {"ac_2001", "ic_garage_02", demo_owner_id, "1357", "Guest", true},
    };
    return d;
}

} // namespace intercom
