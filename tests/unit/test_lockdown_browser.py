"""Browser policies from the EPN's policy: only documented keys, block lists each browser
reads as meant, and nothing that lets a visitor slip past the lockdown or keep data."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest

from kiosk.lockdown import (
    blocked_hosts,
    chromium_policies,
    chromium_url_filter,
    firefox_match_pattern,
    firefox_policies,
)
from kiosk.lockdown.browser import to_json
from kiosk.lockdown.smartcard import opensc_module
from policies import InvalidPolicy, Policy, default_policy, parse_policy

HOME = PurePosixPath("/home/epn-visitor")
DEFAULT = default_policy()

# -- the vendors' documented keys ---------------------------------------------------------

# Firefox: every top-level policy of policies-schema.json, the schema Firefox validates
# policies.json against, as published with the templates:
# https://github.com/mozilla/policy-templates/blob/master/.schema-watch/policies-schema.json
# (reference pages: https://mozilla.github.io/enterprise-admin-reference/reference/policies/)
FIREFOX_DOCUMENTED = frozenset(
    [
        "3rdparty",
        "AIControls",
        "AllowedDomainsForApps",
        "AllowFileSelectionDialogs",
        "AppAutoUpdate",
        "AppUpdatePin",
        "AppUpdateURL",
        "Authentication",
        "AutofillAddressEnabled",
        "AutofillCreditCardEnabled",
        "AutoLaunchProtocolsFromOrigins",
        "BackgroundAppUpdate",
        "BlockAboutAddons",
        "BlockAboutConfig",
        "BlockAboutProfiles",
        "BlockAboutSupport",
        "Bookmarks",
        "BrowserDataBackup",
        "CaptivePortal",
        "Certificates",
        "CNSA2KeyAgreementEnabled",
        "Containers",
        "ContentAnalysis",
        "Cookies",
        "DefaultBrowserSettingEnabled",
        "DefaultDownloadDirectory",
        "DefaultSerialGuardSetting",
        "DisableAccounts",
        "DisableAppUpdate",
        "DisableBuiltinPDFViewer",
        "DisabledCiphers",
        "DisableDefaultBrowserAgent",
        "DisableDeveloperTools",
        "DisableEncryptedClientHello",
        "DisableFeedbackCommands",
        "DisableFirefoxAccounts",
        "DisableFirefoxScreenshots",
        "DisableFirefoxStudies",
        "DisableForgetButton",
        "DisableFormHistory",
        "DisableLaunchOnLogin",
        "DisableMasterPasswordCreation",
        "DisablePasswordReveal",
        "DisablePocket",
        "DisablePrivateBrowsing",
        "DisableProfileImport",
        "DisableProfileRefresh",
        "DisableRemoteImprovements",
        "DisableRemoteSettingsAndAcceptSecurityConsequences",
        "DisableSafeMode",
        "DisableSecurityBypass",
        "DisableSetDesktopBackground",
        "DisableSystemAddonUpdate",
        "DisableTelemetry",
        "DisableThirdPartyModuleBlocking",
        "DisplayBookmarksToolbar",
        "DisplayMenuBar",
        "DNSOverHTTPS",
        "DontCheckDefaultBrowser",
        "DownloadDirectory",
        "EnableTrackingProtection",
        "EncryptedMediaExtensions",
        "ExemptDomainFileTypePairsFromFileTypeDownloadWarnings",
        "Extensions",
        "ExtensionSettings",
        "ExtensionUpdate",
        "FirefoxHome",
        "FirefoxSuggest",
        "GenerativeAI",
        "GoToIntranetSiteForSingleWordEntryInAddressBar",
        "Handlers",
        "HardwareAcceleration",
        "Homepage",
        "HttpAllowlist",
        "HttpsOnlyMode",
        "InstallAddonsPermission",
        "IPProtectionAvailable",
        "LegacyProfiles",
        "LegacySameSiteCookieBehaviorEnabled",
        "LegacySameSiteCookieBehaviorEnabledForDomainList",
        "LocalFileLinks",
        "LocalNetworkAccess",
        "ManagedBookmarks",
        "ManualAppUpdateOnly",
        "MicrosoftEntraSSO",
        "NetworkPrediction",
        "NewTabPage",
        "NoDefaultBookmarks",
        "OfferToSaveLogins",
        "OfferToSaveLoginsDefault",
        "OverrideFirstRunPage",
        "OverridePostUpdatePage",
        "PasswordManagerEnabled",
        "PasswordManagerExceptions",
        "PDFjs",
        "Permissions",
        "PictureInPicture",
        "PopupBlocking",
        "PostQuantumKeyAgreementEnabled",
        "Preferences",
        "PrimaryPassword",
        "PrintingEnabled",
        "PrivateBrowsingModeAvailability",
        "PromptForDownloadLocation",
        "Proxy",
        "RelaunchRequired",
        "RequestedLocales",
        "SanitizeOnShutdown",
        "SearchBar",
        "SearchEngines",
        "SearchSuggestEnabled",
        "SecurityDevices",
        "ShowHomeButton",
        "SitePolicies",
        "SkipTermsOfUse",
        "SSLVersionMax",
        "SSLVersionMin",
        "StartDownloadsInTempDirectory",
        "SupportMenu",
        "TranslateEnabled",
        "UserMessaging",
        "UseSystemPrintDialog",
        "VisualSearchEnabled",
        "WebsiteFilter",
        "WindowsSSO",
        "XSLTEnabled",
    ]
)

# The same schema: the type of each policy the kiosk sets, and the properties of its objects.
FIREFOX_TYPES: dict[str, type] = {
    "AutofillAddressEnabled": bool,
    "AutofillCreditCardEnabled": bool,
    "BlockAboutAddons": bool,
    "BlockAboutConfig": bool,
    "BlockAboutProfiles": bool,
    "BlockAboutSupport": bool,
    "DisableAppUpdate": bool,
    "DisableDeveloperTools": bool,
    "DisableFirefoxAccounts": bool,
    "DisableFirefoxStudies": bool,
    "DisableFormHistory": bool,
    "DisableMasterPasswordCreation": bool,
    "DisablePrivateBrowsing": bool,
    "DisableProfileImport": bool,
    "DisableProfileRefresh": bool,
    "DisableSafeMode": bool,
    "DisableSetDesktopBackground": bool,
    "DisableTelemetry": bool,
    "DNSOverHTTPS": dict,
    "DontCheckDefaultBrowser": bool,
    "DownloadDirectory": str,
    "ExtensionSettings": dict,
    "InstallAddonsPermission": dict,
    "OfferToSaveLogins": bool,
    "OverrideFirstRunPage": str,
    "OverridePostUpdatePage": str,
    "PasswordManagerEnabled": bool,
    "Permissions": dict,
    "PrivateBrowsingModeAvailability": int,
    "PromptForDownloadLocation": bool,
    "SanitizeOnShutdown": dict,
    "SearchEngines": dict,
    "SecurityDevices": dict,
    "UserMessaging": dict,
    "WebsiteFilter": dict,
}
FIREFOX_PROPERTIES: dict[str, frozenset[str]] = {
    "DNSOverHTTPS": frozenset({"Enabled", "ProviderURL", "ExcludedDomains", "Fallback", "Locked"}),
    "ExtensionSettings": frozenset({"*"}),
    "InstallAddonsPermission": frozenset({"Allow", "Default"}),
    "Permissions": frozenset(
        {"Camera", "Microphone", "Autoplay", "Location", "Notifications", "VirtualReality"}
        | {"ScreenShare"}
    ),
    "SanitizeOnShutdown": frozenset(
        {"Cache", "Cookies", "Downloads", "FormData", "History", "Sessions", "SiteSettings"}
        | {"OfflineApps", "Locked", "Exceptions"}
    ),
    "SearchEngines": frozenset({"Add", "Default", "DefaultPrivate", "PreventInstalls", "Remove"}),
    "SecurityDevices": frozenset({"Add", "Delete"}),
    "UserMessaging": frozenset(
        {"WhatsNew", "ExtensionRecommendations", "FeatureRecommendations", "UrlbarInterventions"}
        | {"SkipOnboarding", "MoreFromMozilla", "FirefoxLabs", "Locked"}
    ),
    "WebsiteFilter": frozenset({"Block", "Exceptions"}),
}
FIREFOX_EXTENSION_DEFAULTS = frozenset(
    {"installation_mode", "allowed_types", "blocked_install_message", "install_sources"}
    | {"restricted_domains", "runtime_allowed_hosts", "runtime_blocked_hosts"}
    | {"temporarily_allow_weak_signatures", "blocked_permissions", "allowed_permissions"}
)
FIREFOX_PERMISSION = frozenset({"Allow", "Block", "BlockNewRequests", "Locked"})
"""The properties of Permissions.Camera and Permissions.Microphone."""
FIREFOX_SEARCH_ENGINE = frozenset(
    {"Name", "IconURL", "Alias", "Description", "Encoding", "Method", "URLTemplate"}
    | {"PostData", "SuggestURLTemplate"}
)

# Chromium: each policy the kiosk sets, with its type and, for the enumerations, the
# documented values, from the Chrome Enterprise policy list (Chromium reads the same
# names from /etc/chromium/policies/managed): https://chromeenterprise.google/policies/
# (ClearBrowsingDataOnExitList's data types, DnsOverHttpsMode's modes, the integer codes of
# IncognitoModeAvailability, DeveloperToolsAvailability, BrowserSignin,
# DownloadRestrictions, ForceYouTubeRestrict, SafeSitesFilterBehavior).
CHROMIUM_DATA_TYPES: frozenset[object] = frozenset(
    {"browsing_history", "download_history", "cookies_and_other_site_data"}
    | {"cached_images_and_files", "password_signin", "autofill", "site_settings"}
    | {"hosted_app_data"}
)
CHROMIUM_DOCUMENTED: dict[str, tuple[type, frozenset[object] | None]] = {
    "AudioCaptureAllowed": (bool, None),
    "AudioCaptureAllowedUrls": (list, None),
    "AutofillAddressEnabled": (bool, None),
    "AutofillCreditCardEnabled": (bool, None),
    "BackgroundModeEnabled": (bool, None),
    "BrowserAddPersonEnabled": (bool, None),
    "BrowserGuestModeEnabled": (bool, None),
    "BrowserSignin": (int, frozenset({0, 1, 2})),
    "ClearBrowsingDataOnExitList": (list, CHROMIUM_DATA_TYPES),
    "DefaultBrowserSettingEnabled": (bool, None),
    "DeveloperToolsAvailability": (int, frozenset({0, 1, 2})),
    "DnsOverHttpsMode": (str, frozenset({"off", "automatic", "secure"})),
    "DownloadDirectory": (str, None),
    "DownloadRestrictions": (int, frozenset({0, 1, 2, 3, 4})),
    "ExtensionInstallBlocklist": (list, None),
    "ForceEphemeralProfiles": (bool, None),
    "ForceGoogleSafeSearch": (bool, None),
    "ForceYouTubeRestrict": (int, frozenset({0, 1, 2})),
    "IncognitoModeAvailability": (int, frozenset({0, 1, 2})),
    "MetricsReportingEnabled": (bool, None),
    "PasswordManagerEnabled": (bool, None),
    "PromptForDownloadLocation": (bool, None),
    "SafeSitesFilterBehavior": (int, frozenset({0, 1})),
    "SyncDisabled": (bool, None),
    "URLAllowlist": (list, None),
    "URLBlocklist": (list, None),
    "VideoCaptureAllowed": (bool, None),
    "VideoCaptureAllowedUrls": (list, None),
}


def policy_with(text: str) -> Policy:
    return parse_policy(text, "toml")


EVERYTHING_ON = policy_with(
    '[web]\nblock = ["facebook.com", "forum.example.org"]\nallow = ["example.org"]\n'
    "safe_search = true\ndownloads = false\n"
)
VARIANTS = {
    "default": DEFAULT,
    "block and allow, downloads off": EVERYTHING_ON,
    "only allowed sites": policy_with('[web]\nonly_allowed = true\nallow = ["irisnet.be"]'),
    "safe search off": policy_with('[web]\nsafe_search = false\nblock = ["example.com"]'),
    "camera for every site": policy_with(
        '[web]\ncamera_and_microphone = true\ncamera_and_microphone_sites = ["meet.jit.si"]'
    ),
}


@pytest.mark.parametrize("policy", VARIANTS.values(), ids=VARIANTS.keys())
def test_firefox_reads_every_key_the_kiosk_writes(policy: Policy) -> None:
    data = json.loads(to_json(firefox_policies(policy, HOME)))
    assert set(data) == {"policies"}
    policies: dict[str, Any] = data["policies"]
    assert set(policies) <= FIREFOX_DOCUMENTED, set(policies) - FIREFOX_DOCUMENTED
    for key, value in policies.items():
        assert isinstance(value, FIREFOX_TYPES[key]), key
        if isinstance(value, dict):
            assert set(value) <= FIREFOX_PROPERTIES[key], key
    assert set(policies["ExtensionSettings"]["*"]) <= FIREFOX_EXTENSION_DEFAULTS
    for engine in policies.get("SearchEngines", {}).get("Add", []):
        assert set(engine) <= FIREFOX_SEARCH_ENGINE
    for device in ("Camera", "Microphone"):
        rule = policies["Permissions"][device]
        assert set(rule) <= FIREFOX_PERMISSION
        assert all(isinstance(rule[key], bool) for key in ("BlockNewRequests", "Locked"))
        assert all(isinstance(origin, str) for origin in rule.get("Allow", []))
    assert all(isinstance(path, str) for path in policies["SecurityDevices"]["Add"].values())
    assert policies["PrivateBrowsingModeAvailability"] in {0, 1, 2}


@pytest.mark.parametrize("policy", VARIANTS.values(), ids=VARIANTS.keys())
def test_chromium_reads_every_key_the_kiosk_writes(policy: Policy) -> None:
    policies: dict[str, Any] = json.loads(to_json(chromium_policies(policy, HOME)))
    assert set(policies) <= set(CHROMIUM_DOCUMENTED), set(policies) - set(CHROMIUM_DOCUMENTED)
    for key, value in policies.items():
        kind, values = CHROMIUM_DOCUMENTED[key]
        # bool is an int in Python: an integer policy must not be written as true/false.
        assert type(value) is kind, key
        if values is not None:
            items = value if isinstance(value, list) else [value]
            assert set(items) <= values, key


def test_the_policy_files_are_json_a_browser_can_read() -> None:
    for data in (firefox_policies(EVERYTHING_ON, HOME), chromium_policies(EVERYTHING_ON, HOME)):
        text = to_json(data)
        assert json.loads(text) == data
        assert text.endswith("\n")
    # Same input, same bytes: the installer's second run changes nothing.
    assert to_json(firefox_policies(DEFAULT, HOME)) == to_json(firefox_policies(DEFAULT, HOME))


# -- what a visitor cannot do ------------------------------------------------------------


def test_a_visitor_cannot_open_a_private_window() -> None:
    firefox = firefox_policies(DEFAULT, HOME)["policies"]
    assert firefox["DisablePrivateBrowsing"] is True
    assert firefox["PrivateBrowsingModeAvailability"] == 1  # 1 = not available
    chromium = chromium_policies(DEFAULT, HOME)
    assert chromium["IncognitoModeAvailability"] == 1  # 1 = disabled
    assert chromium["BrowserGuestModeEnabled"] is False
    assert chromium["BrowserAddPersonEnabled"] is False


def test_dns_over_https_cannot_bypass_the_block_list() -> None:
    firefox = firefox_policies(DEFAULT, HOME)["policies"]
    assert firefox["DNSOverHTTPS"] == {"Enabled": False, "Locked": True}
    assert chromium_policies(DEFAULT, HOME)["DnsOverHttpsMode"] == "off"


def test_a_visitor_cannot_add_extensions_or_open_developer_tools() -> None:
    firefox = firefox_policies(DEFAULT, HOME)["policies"]
    assert firefox["ExtensionSettings"] == {"*": {"installation_mode": "blocked"}}
    assert firefox["InstallAddonsPermission"] == {"Default": False}
    assert firefox["DisableDeveloperTools"] is True
    for page in ("BlockAboutConfig", "BlockAboutProfiles", "BlockAboutAddons"):
        assert firefox[page] is True, page
    # Troubleshoot mode starts Firefox without its add-ons and some settings.
    assert firefox["DisableSafeMode"] is True
    chromium = chromium_policies(DEFAULT, HOME)
    assert chromium["ExtensionInstallBlocklist"] == ["*"]
    assert chromium["DeveloperToolsAvailability"] == 2  # 2 = never


def test_nothing_a_visitor_typed_or_visited_stays_in_the_browser() -> None:
    firefox = firefox_policies(DEFAULT, HOME)["policies"]
    sanitize = firefox["SanitizeOnShutdown"]
    assert set(sanitize) == FIREFOX_PROPERTIES["SanitizeOnShutdown"] - {"Exceptions"}
    assert all(sanitize.values()), "every kind of data cleared, and locked"
    assert firefox["PasswordManagerEnabled"] is False
    assert firefox["OfferToSaveLogins"] is False
    assert firefox["AutofillCreditCardEnabled"] is False
    assert firefox["DisableFirefoxAccounts"] is True, "no sync of a visitor's data elsewhere"
    chromium = chromium_policies(DEFAULT, HOME)
    assert chromium["ForceEphemeralProfiles"] is True
    cleared = set(chromium["ClearBrowsingDataOnExitList"])
    assert cleared == CHROMIUM_DATA_TYPES, "every data type Chromium can clear"
    assert chromium["SyncDisabled"] is True
    assert chromium["BrowserSignin"] == 0
    assert chromium["PasswordManagerEnabled"] is False
    assert chromium["AutofillCreditCardEnabled"] is False


def test_downloads_land_in_the_session_home_that_the_wipe_takes() -> None:
    home = PurePosixPath("/srv/kiosk/visitor")
    firefox = firefox_policies(DEFAULT, home)["policies"]
    chromium = chromium_policies(DEFAULT, home)
    for policies in (firefox, chromium):
        assert policies["DownloadDirectory"] == "/srv/kiosk/visitor/Downloads"
        assert policies["PromptForDownloadLocation"] is False, "no saving elsewhere"
    assert chromium["DownloadRestrictions"] == 1, "dangerous files refused, others allowed"


def test_downloads_off_blocks_every_download_in_chromium() -> None:
    assert chromium_policies(EVERYTHING_ON, HOME)["DownloadRestrictions"] == 3


def test_safe_search_is_forced_by_default_and_can_be_turned_off() -> None:
    chromium = chromium_policies(DEFAULT, HOME)
    assert chromium["ForceGoogleSafeSearch"] is True
    assert chromium["ForceYouTubeRestrict"] == 1
    assert chromium["SafeSitesFilterBehavior"] == 1
    engines = firefox_policies(DEFAULT, HOME)["policies"]["SearchEngines"]
    (engine,) = engines["Add"]
    assert engines["Default"] == engine["Name"]
    assert "safe=active" in engine["URLTemplate"]
    assert "{searchTerms}" in engine["URLTemplate"]

    off = VARIANTS["safe search off"]
    chromium = chromium_policies(off, HOME)
    assert chromium["ForceGoogleSafeSearch"] is False
    assert chromium["ForceYouTubeRestrict"] == 0
    assert "SafeSitesFilterBehavior" not in chromium
    assert "SearchEngines" not in firefox_policies(off, HOME)["policies"]


# -- block lists -------------------------------------------------------------------------

TRANSLATIONS = [
    # (written in the policy, stored as, Firefox match pattern, Chromium filter)
    ("example.com", "example.com", "*://*.example.com/*", "example.com"),
    ("*.example.com", "example.com", "*://*.example.com/*", "example.com"),
    ("WWW.Example.COM.", "www.example.com", "*://*.www.example.com/*", "www.example.com"),
    ("bücher.de", "xn--bcher-kva.de", "*://*.xn--bcher-kva.de/*", "xn--bcher-kva.de"),
    ("192.168.1.10", "192.168.1.10", "*://192.168.1.10/*", "192.168.1.10"),
]


@pytest.mark.parametrize(("written", "stored", "firefox", "chromium"), TRANSLATIONS)
def test_a_blocked_site_is_written_in_each_browser_syntax(
    written: str, stored: str, firefox: str, chromium: str
) -> None:
    policy = policy_with(f'[web]\nblock = ["{written}"]')
    assert policy.web.block == (stored,)
    assert firefox_match_pattern(stored) == firefox
    assert chromium_url_filter(stored) == chromium
    assert firefox_policies(policy, HOME)["policies"]["WebsiteFilter"] == {"Block": [firefox]}
    assert chromium_policies(policy, HOME)["URLBlocklist"] == [chromium]


def firefox_blocks(pattern: str, host: str) -> bool:
    """The host part of a Firefox match pattern, as MDN documents it: ``*.`` matches the
    name and any subdomain."""
    pattern_host = pattern.removeprefix("*://").removesuffix("/*")
    if pattern_host.startswith("*."):
        base = pattern_host[2:]
        return host == base or host.endswith("." + base)
    return host == pattern_host


def chromium_blocks(entry: str, host: str) -> bool:
    """The host part of a Chromium URL filter as documented: a host without a leading dot
    matches it and its subdomains."""
    return host == entry or host.endswith("." + entry)


@pytest.mark.parametrize(
    ("host", "blocked"),
    [
        ("facebook.com", True),
        ("www.facebook.com", True),
        ("m.facebook.com", True),
        ("notfacebook.com", False),
        ("facebook.com.example.net", False),
    ],
)
def test_a_blocked_site_is_blocked_with_its_subdomains_and_nothing_else(
    host: str, blocked: bool
) -> None:
    policy = policy_with('[web]\nblock = ["facebook.com"]')
    (pattern,) = firefox_policies(policy, HOME)["policies"]["WebsiteFilter"]["Block"]
    (entry,) = chromium_policies(policy, HOME)["URLBlocklist"]
    assert firefox_blocks(pattern, host) is blocked
    assert chromium_blocks(entry, host) is blocked


def test_an_allowed_page_inside_a_blocked_site_stays_reachable() -> None:
    policy = policy_with('[web]\nblock = ["example.org"]\nallow = ["forum.example.org"]')
    website_filter = firefox_policies(policy, HOME)["policies"]["WebsiteFilter"]
    assert website_filter == {
        "Block": ["*://*.example.org/*"],
        "Exceptions": ["*://*.forum.example.org/*"],
    }
    chromium = chromium_policies(policy, HOME)
    # The more specific host wins in Chromium: forum.example.org is allowed.
    assert chromium["URLBlocklist"] == ["example.org"]
    assert chromium["URLAllowlist"] == ["forum.example.org"]


def test_an_allowed_site_wins_over_a_blocked_subdomain_in_both_browsers() -> None:
    # Firefox's exceptions always win; Chromium would let the blocked, more specific host
    # win. The entry is dropped so both browsers let forum.example.org through.
    assert blocked_hosts(EVERYTHING_ON) == ("facebook.com",)
    assert chromium_policies(EVERYTHING_ON, HOME)["URLBlocklist"] == ["facebook.com"]
    assert firefox_policies(EVERYTHING_ON, HOME)["policies"]["WebsiteFilter"]["Block"] == [
        "*://*.facebook.com/*"
    ]


def test_only_allowed_sites_blocks_everything_else() -> None:
    policy = VARIANTS["only allowed sites"]
    assert firefox_policies(policy, HOME)["policies"]["WebsiteFilter"] == {
        "Block": ["<all_urls>"],
        "Exceptions": ["*://*.irisnet.be/*"],
    }
    chromium = chromium_policies(policy, HOME)
    assert chromium["URLBlocklist"] == ["*"]
    assert chromium["URLAllowlist"] == ["irisnet.be"]


def test_with_no_block_list_nothing_is_filtered() -> None:
    policy = policy_with('[web]\nallow = ["example.org"]')
    assert "WebsiteFilter" not in firefox_policies(policy, HOME)["policies"]
    chromium = chromium_policies(policy, HOME)
    assert "URLBlocklist" not in chromium
    assert "URLAllowlist" not in chromium


def test_a_thousand_blocked_sites_fit_and_one_more_is_refused() -> None:
    hosts = [f"site{i}.example" for i in range(1000)]
    policy = policy_with(f"[web]\nblock = {json.dumps(hosts)}")
    assert len(chromium_policies(policy, HOME)["URLBlocklist"]) == 1000
    assert len(firefox_policies(policy, HOME)["policies"]["WebsiteFilter"]["Block"]) == 1000
    with pytest.raises(InvalidPolicy) as raised:
        policy_with(f"[web]\nblock = {json.dumps([*hosts, 'one.more'])}")
    assert raised.value.problems[0].field == "web.block"
    assert "1000" in raised.value.problems[0].reason


# -- camera and microphone (video calls) --------------------------------------------------


def _capture(policy: Policy) -> tuple[dict[str, Any], dict[str, Any]]:
    firefox = firefox_policies(policy, HOME)["policies"]["Permissions"]
    chromium = chromium_policies(policy, HOME)
    assert firefox["Camera"] == firefox["Microphone"], "both devices follow the same rule"
    assert chromium["VideoCaptureAllowed"] == chromium["AudioCaptureAllowed"]
    assert chromium.get("VideoCaptureAllowedUrls") == chromium.get("AudioCaptureAllowedUrls")
    return firefox["Camera"], chromium


def test_by_default_no_site_may_use_the_camera_or_the_microphone() -> None:
    assert DEFAULT.web.camera_and_microphone is False
    firefox, chromium = _capture(DEFAULT)
    # No site may even ask, and the visitor cannot change that in the settings.
    assert firefox == {"BlockNewRequests": True, "Locked": True}
    assert chromium["VideoCaptureAllowed"] is False
    assert "VideoCaptureAllowedUrls" not in chromium


def test_listed_sites_get_the_camera_for_a_video_call_while_others_cannot_ask() -> None:
    policy = policy_with(
        '[web]\ncamera_and_microphone_sites = ["meet.jit.si", "Teams.Microsoft.com"]'
    )
    firefox, chromium = _capture(policy)
    sites = ["https://meet.jit.si", "https://teams.microsoft.com"]
    assert firefox == {"BlockNewRequests": True, "Locked": True, "Allow": sites}
    assert chromium["VideoCaptureAllowed"] is False  # the others: no prompt, no camera
    assert chromium["VideoCaptureAllowedUrls"] == sites


def test_switched_on_any_site_may_ask_the_visitor() -> None:
    policy = policy_with("[web]\ncamera_and_microphone = true")
    firefox, chromium = _capture(policy)
    assert firefox == {"BlockNewRequests": False, "Locked": True}
    assert chromium["VideoCaptureAllowed"] is True


# -- the eID card ---------------------------------------------------------------------------


def test_firefox_loads_the_eid_card_module() -> None:
    module = PurePosixPath("/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so")
    firefox = firefox_policies(DEFAULT, HOME, smartcard_module=module)["policies"]
    assert firefox["SecurityDevices"] == {"Add": {"OpenSC smart card (eID)": str(module)}}
    # Without a path given, the module of this platform, where Debian's opensc-pkcs11 puts it.
    [path] = firefox_policies(DEFAULT, HOME)["policies"]["SecurityDevices"]["Add"].values()
    assert path == str(opensc_module())
    assert opensc_module("x86_64-linux-gnu") == PurePosixPath(
        "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
    )
    with pytest.raises(ValueError, match="multiarch"):
        opensc_module("../../tmp")


# -- bad entries are named ---------------------------------------------------------------

BAD = [
    # (id, TOML text, field named, words of the reason)
    (
        "a url",
        '[web]\nblock = ["ok.com", "a.be", "b.be", "https://x.com/page"]',
        "web.block[3]",
        "without http://",
    ),
    ("a port", '[web]\nallow = ["example.com:8080"]', "web.allow[0]", "a port"),
    ("one word", '[web]\nblock = ["facebook"]', "web.block[0]", "whole domain"),
    ("a star inside", '[web]\nblock = ["face*.com"]', "web.block[0]", "only start"),
    ("not a name", '[web]\nblock = ["-bad-.com"]', "web.block[0]", "not a valid host name"),
    ("a bad address", '[web]\nblock = ["10.0.0.300"]', "web.block[0]", "not an IP address"),
    ("empty", '[web]\nblock = [""]', "web.block[0]", "empty"),
    ("twice", '[web]\nblock = ["a.be", "A.be"]', "web.block", "listed twice"),
    ("not a list", '[web]\nblock = "facebook.com"', "web.block", "tuple"),
    ("only allowed, nothing allowed", "[web]\nonly_allowed = true", "web.allow", "at least one"),
    ("typo", "[web]\nsafesearch = false", "web.safesearch", "not permitted"),
    ("unknown app", '[launcher]\napps = ["firefox", "opera"]', "launcher.apps[1]", "chromium"),
    ("app twice", '[launcher]\napps = ["firefox", "firefox"]', "launcher.apps", "twice"),
    (
        "camera for subdomains",
        '[web]\ncamera_and_microphone_sites = ["*.jit.si"]',
        "web.camera_and_microphone_sites[0]",
        "each host alone",
    ),
    (
        "camera for a url",
        '[web]\ncamera_and_microphone_sites = ["meet.jit.si", "https://x.com/call"]',
        "web.camera_and_microphone_sites[1]",
        "without http://",
    ),
    (
        "camera site twice",
        '[web]\ncamera_and_microphone_sites = ["meet.jit.si", "MEET.jit.si"]',
        "web.camera_and_microphone_sites",
        "listed twice",
    ),
    (
        "camera switch not a yes/no",
        '[web]\ncamera_and_microphone = "maybe"',
        "web.camera_and_microphone",
        "bool",
    ),
]


@pytest.mark.parametrize(("text", "field", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_entry_names_its_field(text: str, field: str, reason: str) -> None:
    with pytest.raises(InvalidPolicy) as raised:
        parse_policy(text, "toml", source="site.toml")
    problem = raised.value.problems[0]
    assert (problem.field, reason in problem.reason) == (field, True), problem
    assert f"{field}: " in str(raised.value)
