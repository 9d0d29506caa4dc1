"""Browser policies generated from the EPN's policy: Firefox's ``policies.json`` and
Chromium's managed policy file.

Pure functions: a policy and the visitor's home in, plain JSON-ready data out. Every key is a
documented enterprise policy of its browser (the tests keep the vendors' lists):

- Firefox: https://github.com/mozilla/policy-templates (policies-schema.json) and
  https://mozilla.github.io/enterprise-admin-reference/
- Chromium: https://chromeenterprise.google/policies/ and the URL filter format,
  https://chromium.org/administrators/url-blocklist-filter-format
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from kiosk.lockdown.smartcard import firefox_security_devices, opensc_module
from policies.model import Policy

FIREFOX_BLOCK_ALL = "<all_urls>"
CHROMIUM_BLOCK_ALL = "*"

SAFE_SEARCH_ENGINE = "Google SafeSearch"
"""Firefox has no policy that forces safe search; its default engine asks for it instead."""

CHROMIUM_CLEARED_ON_EXIT = (
    "browsing_history",
    "download_history",
    "cookies_and_other_site_data",
    "cached_images_and_files",
    "password_signin",
    "autofill",
    "site_settings",
    "hosted_app_data",
)
"""Every data type Chromium can clear when its last window closes."""


def downloads_folder(home: PurePosixPath) -> str:
    """Where the browsers save downloads: inside the session's home, so the wipe takes them."""
    return str(home / "Downloads")


def firefox_match_pattern(host: str) -> str:
    """A host pattern of the policy as a Firefox match pattern (WebsiteFilter's syntax).

    ``example.com`` becomes ``*://*.example.com/*``, which matches example.com itself and
    every subdomain over any scheme; an IP address matches only itself.
    """
    if _is_ip(host):
        return f"*://{host}/*"
    return f"*://*.{host}/*"


def chromium_url_filter(host: str) -> str:
    """A host pattern of the policy as a Chromium URLBlocklist/URLAllowlist filter.

    A bare host (``example.com``) already matches the host and every subdomain on any scheme,
    port and path; an IP address matches only itself.
    """
    return host


def _is_ip(host: str) -> bool:
    return host.replace(".", "").isdigit()


def _covers(site: str, host: str) -> bool:
    if _is_ip(site) or _is_ip(host):
        return site == host
    return host == site or host.endswith("." + site)


def blocked_hosts(policy: Policy) -> tuple[str, ...]:
    """The block list without the entries an allowed site covers.

    An allowed site is always reachable, subdomains included. Firefox's exceptions already
    win over any block, but Chromium lets the more specific host decide (a blocked
    ``forum.example.com`` would beat an allowed ``example.com``): dropping those entries
    makes both browsers agree.
    """
    web = policy.web
    return tuple(h for h in web.block if not any(_covers(a, h) for a in web.allow))


def capture_origin(host: str) -> str:
    """A site of ``camera_and_microphone_sites`` as the origin both browsers grant: https
    (browsers give the camera only to secure pages), that exact host, its default port."""
    return f"https://{host}"


def _firefox_capture(policy: Policy) -> dict[str, Any]:
    web = policy.web
    rule: dict[str, Any] = {
        # 2 = block (permissions.default.camera): no site may even ask the visitor.
        "BlockNewRequests": not web.camera_and_microphone,
        # The visitor cannot change the default in the settings.
        "Locked": True,
    }
    if web.camera_and_microphone_sites:
        rule["Allow"] = [capture_origin(h) for h in web.camera_and_microphone_sites]
    return {"Camera": dict(rule), "Microphone": dict(rule)}


def firefox_policies(
    policy: Policy, home: PurePosixPath, *, smartcard_module: PurePosixPath | None = None
) -> dict[str, Any]:
    """Firefox's ``policies.json`` for the launcher's browser, as data.

    ``smartcard_module`` is the PKCS#11 module of the eID card (the platform's OpenSC module
    when not given)."""
    web = policy.web
    policies: dict[str, Any] = {
        # Private windows would escape the history and download rules; both keys because
        # DisablePrivateBrowsing is what Firefox ESR before 128.3 knows.
        "DisablePrivateBrowsing": True,
        "PrivateBrowsingModeAvailability": 1,
        "DisableDeveloperTools": True,
        "BlockAboutConfig": True,
        "BlockAboutProfiles": True,
        "BlockAboutAddons": True,
        "BlockAboutSupport": True,
        "DisableSafeMode": True,
        "DisableProfileRefresh": True,
        "DisableProfileImport": True,
        "ExtensionSettings": {"*": {"installation_mode": "blocked"}},
        "InstallAddonsPermission": {"Default": False},
        "PasswordManagerEnabled": False,
        "OfferToSaveLogins": False,
        "DisableMasterPasswordCreation": True,
        "AutofillAddressEnabled": False,
        "AutofillCreditCardEnabled": False,
        "DisableFormHistory": True,
        "DisableFirefoxAccounts": True,
        "SanitizeOnShutdown": {
            "Cache": True,
            "Cookies": True,
            "Downloads": True,
            "FormData": True,
            "History": True,
            "Sessions": True,
            "SiteSettings": True,
            "OfflineApps": True,
            "Locked": True,
        },
        "DownloadDirectory": downloads_folder(home),
        "PromptForDownloadLocation": False,
        # DNS over HTTPS would resolve names past the EPN's DNS filter.
        "DNSOverHTTPS": {"Enabled": False, "Locked": True},
        "DisableTelemetry": True,
        "DisableFirefoxStudies": True,
        "DisableAppUpdate": True,
        "DontCheckDefaultBrowser": True,
        "DisableSetDesktopBackground": True,
        "OverrideFirstRunPage": "",
        "OverridePostUpdatePage": "",
        "UserMessaging": {
            "ExtensionRecommendations": False,
            "FeatureRecommendations": False,
            "SkipOnboarding": True,
            "MoreFromMozilla": False,
            "Locked": True,
        },
        "Permissions": _firefox_capture(policy),
        "SecurityDevices": firefox_security_devices(smartcard_module or opensc_module()),
    }
    website_filter = _firefox_website_filter(policy)
    if website_filter:
        policies["WebsiteFilter"] = website_filter
    if web.safe_search:
        policies["SearchEngines"] = {
            "Add": [
                {
                    "Name": SAFE_SEARCH_ENGINE,
                    "URLTemplate": "https://www.google.com/search?safe=active&q={searchTerms}",
                    "Method": "GET",
                    "Alias": "@google",
                }
            ],
            "Default": SAFE_SEARCH_ENGINE,
            "PreventInstalls": True,
        }
    return {"policies": policies}


def _firefox_website_filter(policy: Policy) -> dict[str, list[str]]:
    web = policy.web
    found: dict[str, list[str]] = {}
    if web.only_allowed:
        found["Block"] = [FIREFOX_BLOCK_ALL]
    elif blocked := blocked_hosts(policy):
        found["Block"] = [firefox_match_pattern(h) for h in blocked]
    # Exceptions only lift blocks: without a block they would mean nothing.
    if found and web.allow:
        found["Exceptions"] = [firefox_match_pattern(h) for h in web.allow]
    return found


def chromium_policies(policy: Policy, home: PurePosixPath) -> dict[str, Any]:
    """Chromium's managed policy file for the launcher's browser, as data."""
    web = policy.web
    policies: dict[str, Any] = {
        "IncognitoModeAvailability": 1,  # 1 = incognito windows cannot be opened
        "BrowserGuestModeEnabled": False,
        "BrowserAddPersonEnabled": False,
        "DeveloperToolsAvailability": 2,  # 2 = never
        "ExtensionInstallBlocklist": ["*"],
        "BrowserSignin": 0,  # 0 = no sign-in to the browser
        "SyncDisabled": True,
        "PasswordManagerEnabled": False,
        "AutofillAddressEnabled": False,
        "AutofillCreditCardEnabled": False,
        # DNS over HTTPS would resolve names past the EPN's DNS filter.
        "DnsOverHttpsMode": "off",
        "ForceEphemeralProfiles": True,
        # Needs sync off (above); clears what an ephemeral profile could still leave.
        "ClearBrowsingDataOnExitList": list(CHROMIUM_CLEARED_ON_EXIT),
        "DownloadDirectory": downloads_folder(home),
        "PromptForDownloadLocation": False,
        # 3 = block every download; 1 = block the dangerous ones.
        "DownloadRestrictions": 1 if web.downloads else 3,
        "ForceGoogleSafeSearch": web.safe_search,
        # 1 = at least moderate restricted mode on YouTube; 0 = as the site decides.
        "ForceYouTubeRestrict": 1 if web.safe_search else 0,
        "MetricsReportingEnabled": False,
        "DefaultBrowserSettingEnabled": False,
        "BackgroundModeEnabled": False,
        # False: no prompt, only the listed sites get the camera and microphone.
        "VideoCaptureAllowed": web.camera_and_microphone,
        "AudioCaptureAllowed": web.camera_and_microphone,
    }
    if web.camera_and_microphone_sites:
        sites = [capture_origin(h) for h in web.camera_and_microphone_sites]
        policies["VideoCaptureAllowedUrls"] = sites
        policies["AudioCaptureAllowedUrls"] = list(sites)
    if web.safe_search:
        policies["SafeSitesFilterBehavior"] = 1  # 1 = filter adult top-level sites
    if web.only_allowed:
        policies["URLBlocklist"] = [CHROMIUM_BLOCK_ALL]
    elif blocked := blocked_hosts(policy):
        policies["URLBlocklist"] = [chromium_url_filter(h) for h in blocked]
    if "URLBlocklist" in policies and web.allow:
        policies["URLAllowlist"] = [chromium_url_filter(h) for h in web.allow]
    return policies


def to_json(data: dict[str, Any]) -> str:
    """The text of a browser policy file: stable key order, UTF-8, a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
