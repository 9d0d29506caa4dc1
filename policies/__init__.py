"""The policy of an EPN: typed model, validation, evaluation and the bundled default.

Qt-free and free of IO except reading the bundled files and a policy file on request.
"""

from policies.errors import FieldProblem, InvalidPolicy, PolicyError
from policies.evaluate import (
    Allowance,
    Limit,
    current_range_end,
    is_open,
    next_opening,
    session_allowance,
)
from policies.languages import About, Language
from policies.loading import (
    default_policy,
    load_policy,
    parse_policy,
    pictogram_svg,
    policy_from_data,
)
from policies.model import (
    PICTOGRAMS,
    PRINTER_SCHEMES,
    Closure,
    HouseRule,
    HouseRules,
    LoginMode,
    MemberOffline,
    MemberRules,
    OpeningHours,
    Policy,
    PrintRules,
    RuleText,
    SessionRules,
    StaffLanguage,
    StaffRules,
    TimeRange,
    check_printer_uri,
)

__all__ = [
    "PICTOGRAMS",
    "PRINTER_SCHEMES",
    "About",
    "Allowance",
    "Closure",
    "FieldProblem",
    "HouseRule",
    "HouseRules",
    "InvalidPolicy",
    "Language",
    "Limit",
    "LoginMode",
    "MemberOffline",
    "MemberRules",
    "OpeningHours",
    "Policy",
    "PolicyError",
    "PrintRules",
    "RuleText",
    "SessionRules",
    "StaffLanguage",
    "StaffRules",
    "TimeRange",
    "check_printer_uri",
    "current_range_end",
    "default_policy",
    "is_open",
    "load_policy",
    "next_opening",
    "parse_policy",
    "pictogram_svg",
    "policy_from_data",
    "session_allowance",
]
