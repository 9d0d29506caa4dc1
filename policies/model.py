"""The typed policy of an EPN: one declared schema, in one place.

Every field has a type, a default, a range and a one-line description. Models are frozen:
a policy in force never changes under the feet of a running session; a new one replaces it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from policies.languages import Language


class LoginMode(StrEnum):
    """How a visitor may start a session."""

    WALK_IN = "walk_in"  # anonymous, nothing asked
    TICKET = "ticket"  # a single-use code handed out by staff
    MEMBER = "member"  # a member card number and a PIN


PICTOGRAMS = frozenset(
    {"respect", "equipment", "legal", "content", "privacy", "time", "printing", "help"}
)
"""Pictograms shipped in ``policies/pictograms/<name>.svg`` that a house rule may use."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


Minutes = Annotated[int, Field(ge=1, le=24 * 60)]


class SessionRules(_Model):
    """How long visitors may stay, and how they are warned."""

    length_minutes: int = Field(
        60, ge=5, le=24 * 60, description="Longest single session, in minutes."
    )
    daily_allowance_minutes: int = Field(
        120,
        ge=5,
        le=24 * 60,
        description="Most minutes a member may use in one day, all sessions together.",
    )
    warnings_minutes: tuple[Minutes, ...] = Field(
        (10, 5, 1),
        min_length=1,
        max_length=6,
        description="Warn the visitor this many minutes before the end; the last one starts "
        "the final countdown.",
    )
    idle_timeout_minutes: int = Field(
        10,
        ge=1,
        le=240,
        description="Minutes without input before the visitor is asked if they are still there.",
    )
    idle_warning_seconds: int = Field(
        60,
        ge=10,
        le=600,
        description="Seconds the 'are you still there?' warning lasts before the session ends.",
    )
    max_extension_minutes: int = Field(
        120, ge=1, le=24 * 60, description="Most minutes one extension by staff may add."
    )

    @model_validator(mode="after")
    def _warnings_fit(self) -> Self:
        if len(set(self.warnings_minutes)) != len(self.warnings_minutes):
            raise ValueError("warnings_minutes: each warning must be given once")
        if max(self.warnings_minutes) >= self.length_minutes:
            raise ValueError(
                "warnings_minutes: every warning must come before the end of a session "
                f"of length_minutes={self.length_minutes}"
            )
        # Stored largest first whatever the order in the file: escalation reads top-down.
        object.__setattr__(
            self, "warnings_minutes", tuple(sorted(self.warnings_minutes, reverse=True))
        )
        return self

    @property
    def final_countdown_minutes(self) -> int:
        """The last warning: from then on the visitor sees a countdown."""
        return self.warnings_minutes[-1]


def _not_a_number(value: object) -> object:
    # Pydantic would read a number as seconds after midnight UTC; YAML 1.1 turns an
    # unquoted 10:00 into the number 600. Either way the room would open at 00:10.
    if isinstance(value, int | float):
        raise ValueError('write a time of day as "HH:MM"')
    return value


def _local(value: dt.time) -> dt.time:
    # Opening hours are compared with the kiosk's local wall time, which has no offset here.
    if value.tzinfo is not None:
        raise ValueError("a local time of day, without a time zone")
    return value


LocalTime = Annotated[dt.time, BeforeValidator(_not_a_number), AfterValidator(_local)]


class TimeRange(_Model):
    """One opening period of a day, e.g. 10:00-18:00."""

    opens: LocalTime = Field(description="Opening time, local time.")
    closes: LocalTime = Field(description="Closing time, local time, later than opens.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.closes <= self.opens:
            raise ValueError(f"closes: {self.closes} must be later than opens ({self.opens})")
        return self


def _hours(*ranges: tuple[str, str]) -> tuple[TimeRange, ...]:
    return tuple(
        TimeRange(opens=dt.time.fromisoformat(a), closes=dt.time.fromisoformat(b))
        for a, b in ranges
    )


class Closure(_Model):
    """A day or period when the EPN is closed although the weekly hours say open."""

    start: dt.date = Field(description="First closed day.")
    end: dt.date | None = Field(None, description="Last closed day; the start day alone if empty.")
    reason: str = Field("", max_length=200, description="Shown to staff, e.g. 'public holiday'.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end: {self.end} is before start ({self.start})")
        return self

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` falls within this closure."""
        return self.start <= day <= (self.end or self.start)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class OpeningHours(_Model):
    """When the room is open, per weekday, with exceptional closures."""

    monday: tuple[TimeRange, ...] = Field(_hours(("10:00", "18:00")))
    tuesday: tuple[TimeRange, ...] = Field(_hours(("10:00", "18:00")))
    wednesday: tuple[TimeRange, ...] = Field(_hours(("10:00", "18:00")))
    thursday: tuple[TimeRange, ...] = Field(_hours(("10:00", "18:00")))
    friday: tuple[TimeRange, ...] = Field(_hours(("10:00", "18:00")))
    saturday: tuple[TimeRange, ...] = Field(_hours(("09:30", "12:30")))
    sunday: tuple[TimeRange, ...] = Field(())
    closures: tuple[Closure, ...] = Field((), description="Exceptional closures.")

    @model_validator(mode="after")
    def _no_overlap(self) -> Self:
        for name in WEEKDAYS:
            ranges = sorted(getattr(self, name), key=lambda r: r.opens)
            for before, after in itertools.pairwise(ranges):
                if after.opens < before.closes:
                    raise ValueError(f"{name}: periods {before.opens} and {after.opens} overlap")
        return self

    def ranges_on(self, day: dt.date) -> tuple[TimeRange, ...]:
        """The opening periods of ``day`` (none on a closure day), earliest first."""
        if any(c.covers(day) for c in self.closures):
            return ()
        ranges: tuple[TimeRange, ...] = getattr(self, WEEKDAYS[day.weekday()])
        return tuple(sorted(ranges, key=lambda r: r.opens))


PRINTER_SCHEMES = ("ipp", "ipps", "http", "https", "socket", "lpd", "usb", "dnssd")
"""The CUPS backends (Debian 12's ``cups-daemon``) a room's printer may be reached through.
Not ``file`` (pages written to a file on the PC), nor ``parallel``, ``serial`` or ``cups-brf``,
whose URIs are paths on the PC too, nor the wrappers ``beh`` and ``driverless``. The kiosk's
gate backend refuses any other (``kiosk.agent.printing.gate_backend.PRINTER_SCHEMES``)."""
PRINTER_URI_PATTERN = (
    rf"^({'|'.join(PRINTER_SCHEMES)})://(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{{2}})+$"
)
"""A printer URI as RFC 3986 writes it (ASCII, ``%`` before two hex digits: CUPS refuses
others, measured), with one of :data:`PRINTER_SCHEMES`."""


_PRINTER_URI = re.compile(PRINTER_URI_PATTERN)


def check_printer_uri(value: str) -> str:
    """``value`` if it is a printer of the room as CUPS names it; ValueError saying why not
    (the policy's field, and the installer's ``--printer-uri``)."""
    # Messages start with the value (see _host_pattern).
    shown = repr(value[:80])
    scheme = value.partition(":")[0].lower()
    if scheme not in PRINTER_SCHEMES:
        raise ValueError(
            f"{shown} is not a printer of the room: write the address CUPS gives a network "
            f"or USB printer ({', '.join(s + '://' for s in PRINTER_SCHEMES)}); never a "
            "file or a port of the PC"
        )
    if not _PRINTER_URI.fullmatch(value):
        raise ValueError(
            f"{shown} is not an address CUPS accepts: {scheme}:// then ASCII letters, digits "
            "and URI signs only, a space or other sign written %XX"
        )
    return value


PrinterUri = Annotated[str, AfterValidator(check_printer_uri)]


class PrintRules(_Model):
    """What printing costs and how much a visitor may print."""

    pages_per_session: int = Field(20, ge=0, le=10_000, description="Pages one session may print.")
    pages_per_day: int = Field(
        50, ge=0, le=10_000, description="Pages one member may print in a day."
    )
    price_per_page_cents: int = Field(
        10, ge=0, le=10_000, description="Price of a black-and-white page, in cents."
    )
    colour_price_per_page_cents: int = Field(
        50, ge=0, le=10_000, description="Price of a colour page, in cents."
    )
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    printer_uri: PrinterUri | None = Field(
        None,
        max_length=1024,
        json_schema_extra={"pattern": PRINTER_URI_PATTERN},
        description="The room's printer, as CUPS names it (`lpinfo -v`), chosen at the console: "
        "each PC's held queue sends the pages it releases there. A network or USB printer "
        f"only ({', '.join(PRINTER_SCHEMES)}): never a file or a port on the PC. Empty: "
        "each PC keeps the printer it was installed with.",
    )


ShortText = Annotated[str, StringConstraints(min_length=1, max_length=140)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=1200)]


class RuleText(_Model):
    """A house rule in one language."""

    short: ShortText = Field(description="One plain sentence shown next to the pictogram.")
    long: LongText = Field(description="The explanation shown on demand.")


class HouseRule(_Model):
    """One rule of the house rules (ROI)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$", description="Stable identifier.")
    pictogram: str = Field(description="Name of a shipped pictogram (see PICTOGRAMS).")
    texts: dict[Language, RuleText] = Field(min_length=1, description="The rule per language.")

    @model_validator(mode="after")
    def _known_pictogram(self) -> Self:
        if self.pictogram not in PICTOGRAMS:
            raise ValueError(
                f"pictogram: {self.pictogram!r} is not shipped; choose one of "
                + ", ".join(sorted(PICTOGRAMS))
            )
        return self


class HouseRules(_Model):
    """The house rules (ROI) a visitor accepts before a session starts."""

    rules: tuple[HouseRule, ...] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("rules: two rules have the same id")
        return self

    @property
    def version(self) -> str:
        """A version derived from the content: any change to any text changes it."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def in_language(self, language: Language) -> tuple[tuple[HouseRule, RuleText], ...]:
        """Each rule with its text in ``language``."""
        return tuple((rule, rule.texts[language]) for rule in self.rules)


class MemberOffline(StrEnum):
    """What a kiosk does with a member login while the console cannot be reached."""

    REFUSE = "refuse"  # "the member service cannot be reached, ask an animator"
    LAST_KNOWN = "last_known"  # a card + PIN this PC checked online before, with its time


class MemberRules(_Model):
    """How members log in when the console (which keeps the accounts) is unreachable."""

    offline: MemberOffline = Field(
        MemberOffline.LAST_KNOWN,
        description="Console unreachable: 'refuse' member logins, or let in a member whose "
        "card and PIN this PC checked online before ('last_known'), with the time it knew.",
    )


class StaffLanguage(StrEnum):
    """A language the staff menu at a PC is written in: staff read one of the room's
    working languages, whatever language the visitor reads."""

    FR = "fr"
    NL = "nl"
    EN = "en"

    @property
    def language(self) -> Language:
        """The same as a :class:`Language`."""
        return Language(self.value)

    @property
    def native_name(self) -> str:
        """The language's name written in that language (``Nederlands``)."""
        return self.language.native_name


class StaffRules(_Model):
    """What the room's staff see at a PC."""

    language: StaffLanguage = Field(
        StaffLanguage.FR,
        description="Language of the staff menu at the PCs ('fr', 'nl' or 'en'), whatever "
        "the visitor's language; the animator can switch it on the menu.",
    )


class App(StrEnum):
    """An application the visitor's launcher may offer, from a fixed catalogue."""

    FIREFOX = "firefox"
    CHROMIUM = "chromium"
    WRITER = "libreoffice-writer"
    CALC = "libreoffice-calc"
    IMPRESS = "libreoffice-impress"
    PDF_VIEWER = "pdf-viewer"
    IMAGE_VIEWER = "image-viewer"
    FILE_MANAGER = "file-manager"


@dataclass(frozen=True)
class AppCandidate:
    """One program that can fill a catalogue entry, as a Debian package installs it."""

    name: str  # what the launcher shows
    desktop_file: str  # its entry in /usr/share/applications
    command: str  # the program on PATH; with the entry, it shows the program is installed
    exec_line: str  # how the launcher starts it
    icon: str  # icon name in the desktop's icon theme


@dataclass(frozen=True)
class AppInfo:
    """A catalogue entry: the programs that can fill it, the preferred one first."""

    candidates: tuple[AppCandidate, ...]


APP_CATALOGUE: dict[App, AppInfo] = {
    App.FIREFOX: AppInfo(
        (
            AppCandidate(
                "Firefox", "firefox-esr.desktop", "firefox-esr", "firefox-esr", "firefox-esr"
            ),
            AppCandidate("Firefox", "firefox.desktop", "firefox", "firefox", "firefox"),
        )
    ),
    App.CHROMIUM: AppInfo(
        (AppCandidate("Chromium", "chromium.desktop", "chromium", "chromium", "chromium"),)
    ),
    App.WRITER: AppInfo(
        (
            AppCandidate(
                "LibreOffice Writer",
                "libreoffice-writer.desktop",
                "libreoffice",
                "libreoffice --writer",
                "libreoffice-writer",
            ),
        )
    ),
    App.CALC: AppInfo(
        (
            AppCandidate(
                "LibreOffice Calc",
                "libreoffice-calc.desktop",
                "libreoffice",
                "libreoffice --calc",
                "libreoffice-calc",
            ),
        )
    ),
    App.IMPRESS: AppInfo(
        (
            AppCandidate(
                "LibreOffice Impress",
                "libreoffice-impress.desktop",
                "libreoffice",
                "libreoffice --impress",
                "libreoffice-impress",
            ),
        )
    ),
    App.PDF_VIEWER: AppInfo(
        (
            AppCandidate(
                "Evince", "org.gnome.Evince.desktop", "evince", "evince", "org.gnome.Evince"
            ),
            AppCandidate("Okular", "org.kde.okular.desktop", "okular", "okular", "okular"),
            AppCandidate("Atril", "atril.desktop", "atril", "atril", "atril"),
        )
    ),
    App.IMAGE_VIEWER: AppInfo(
        (
            AppCandidate("Eye of GNOME", "org.gnome.eog.desktop", "eog", "eog", "org.gnome.eog"),
            AppCandidate(
                "Ristretto",
                "org.xfce.ristretto.desktop",
                "ristretto",
                "ristretto",
                "org.xfce.ristretto",
            ),
            AppCandidate(
                "Gwenview", "org.kde.gwenview.desktop", "gwenview", "gwenview", "gwenview"
            ),
        )
    ),
    App.FILE_MANAGER: AppInfo(
        (
            # Opens the folder it is started in: the shell's, the visitor's home.
            AppCandidate("PCManFM", "pcmanfm.desktop", "pcmanfm", "pcmanfm", "system-file-manager"),
            AppCandidate("Thunar", "thunar.desktop", "thunar", "thunar", "org.xfce.thunar"),
        )
    ),
}
"""What each launcher application can be, and how to tell it is installed."""


class LauncherRules(_Model):
    """What the visitor's launcher offers."""

    apps: tuple[App, ...] = Field(
        (App.FIREFOX, App.WRITER, App.CALC, App.IMPRESS, App.PDF_VIEWER, App.IMAGE_VIEWER),
        max_length=len(App),
        description="Applications the launcher offers, in this order, when installed.",
    )

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        seen: set[App] = set()
        for app in self.apps:
            if app in seen:
                raise ValueError(f"apps: {app.value} is listed twice")
            seen.add(app)
        return self


_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _host_pattern(value: str) -> str:
    # Messages start with the value, never with "word: ", which the loader would read as
    # the name of a field inside the model.
    text = value.strip().lower()
    shown = repr(value)
    if not text:
        raise ValueError("an empty entry: write a host name such as example.com")
    if any(c in text for c in "/:?#@ \t\\"):
        raise ValueError(
            f"{shown} is not a host name: write it as example.com, without http://, "
            "a port or a path"
        )
    wildcard = text.startswith("*.")
    host = text.removeprefix("*.").removesuffix(".")
    if "*" in host:
        raise ValueError(f"{shown}: a * may only start the name, as in *.example.com")
    if _IPV4.fullmatch(host):
        if any(int(part) > 255 for part in host.split(".")):
            raise ValueError(f"{shown} is not an IP address")
        if wildcard:
            raise ValueError(f"{shown}: an IP address has no subdomains, write it alone")
        return host
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{shown} is not a valid host name") from None
    labels = ascii_host.split(".")
    if len(labels) < 2:
        raise ValueError(f"{shown}: write the whole domain name, such as example.com")
    if (
        len(ascii_host) > 253
        or not all(_HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(f"{shown} is not a valid host name")
    return ascii_host


def _exact_host(value: str) -> str:
    if value.strip().startswith("*."):
        raise ValueError(
            f"{value!r}: write each host alone (meet.example.com); Firefox grants the camera "
            "and microphone to one host, not to its subdomains"
        )
    return _host_pattern(value)


HostPattern = Annotated[str, AfterValidator(_host_pattern)]
"""A site: ``example.com`` (or ``*.example.com``) means it and every subdomain; an IPv4
address means that address. Stored lower-case, international names in their ASCII form."""

MAX_HOSTS = 1000
"""Most entries in a block or allow list: both browsers ignore entries past 1000."""

HostList = Annotated[tuple[HostPattern, ...], Field(max_length=MAX_HOSTS)]
"""Sites, each with its subdomains; at most :data:`MAX_HOSTS` of them."""

ExactHost = Annotated[str, AfterValidator(_exact_host)]
"""One host (``meet.example.com``) or IPv4 address, without its subdomains. Stored
lower-case, international names in their ASCII form."""

ExactHostList = Annotated[tuple[ExactHost, ...], Field(max_length=MAX_HOSTS)]
"""Exact hosts; at most :data:`MAX_HOSTS` of them."""


class WebRules(_Model):
    """What the browsers let visitors reach and keep."""

    block: HostList = Field(
        (),
        description="Sites blocked, each with its subdomains: example.com, *.example.com or an "
        "IPv4 address.",
    )
    allow: HostList = Field(
        (),
        description="Sites always reachable, each with its subdomains, even when the block list "
        "(or only_allowed) covers them.",
    )
    only_allowed: bool = Field(
        False, description="Block every site that is not in the allow list (a workshop, a test)."
    )
    safe_search: bool = Field(
        True,
        description="Force safe search on Google and restricted mode on YouTube (fully in "
        "Chromium; Firefox gets a safe-search default engine).",
    )
    downloads: bool = Field(
        True,
        description="Let visitors download files into their session's Downloads folder "
        "(wiped at the end); Chromium blocks all downloads when off.",
    )
    camera_and_microphone: bool = Field(
        False,
        description="Let any site ask the visitor for the camera and microphone (video calls, "
        "job interviews); when off, only the sites in camera_and_microphone_sites may use them.",
    )
    camera_and_microphone_sites: ExactHostList = Field(
        (),
        description="Sites that may use the camera and microphone without asking, each as its "
        "exact host (meet.jit.si), over https; what a visitor allows goes with the wipe.",
    )

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        for name in ("block", "allow", "camera_and_microphone_sites"):
            seen: set[str] = set()
            for host in getattr(self, name):
                if host in seen:
                    raise ValueError(f"{name}: {host} is listed twice")
                seen.add(host)
        if self.only_allowed and not self.allow:
            raise ValueError("allow: only_allowed blocks every site, list at least one here")
        return self


class Policy(_Model):
    """Everything an EPN decides about its public PCs."""

    name: str = Field("EPN", min_length=1, max_length=80, description="Name of the room.")
    languages: tuple[Language, ...] = Field(
        tuple(Language), min_length=1, description="Languages offered, first one is the default."
    )
    login_modes: tuple[LoginMode, ...] = Field(
        tuple(LoginMode), min_length=1, description="How visitors may start a session."
    )
    session: SessionRules = Field(SessionRules())
    opening_hours: OpeningHours = Field(OpeningHours())
    printing: PrintRules = Field(PrintRules())
    members: MemberRules = Field(MemberRules())
    staff: StaffRules = Field(StaffRules())
    launcher: LauncherRules = Field(LauncherRules())
    web: WebRules = Field(WebRules())
    house_rules: HouseRules

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages: a language is listed twice")
        if len(set(self.login_modes)) != len(self.login_modes):
            raise ValueError("login_modes: a login mode is listed twice")
        for index, rule in enumerate(self.house_rules.rules):
            missing = [lang.value for lang in self.languages if lang not in rule.texts]
            if missing:
                raise ValueError(
                    f"house_rules.rules[{index}].texts: rule {rule.id!r} has no text in "
                    + ", ".join(missing)
                )
        return self

    @property
    def version(self) -> str:
        """A version derived from the whole policy."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]
