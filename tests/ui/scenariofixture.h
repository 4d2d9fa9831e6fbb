#pragma once

// What the Scenarios panel's tests (tst_ui_scenarios, tst_ui_scenariomodels) share.

#include "scenario.h"

#include <variant>

namespace testsupport {

// Three steps, 10 ms apart; the second has an event type.
inline sse::Scenario threeSteps()
{
    return std::get<sse::Scenario>(
        sse::parseScenario("{\"data\": \"one\"}\n"
                           "{\"delay\": 10, \"event\": \"tick\", \"data\": \"two\"}\n"
                           "{\"delay\": 10, \"data\": \"three\"}\n"));
}

} // namespace testsupport
