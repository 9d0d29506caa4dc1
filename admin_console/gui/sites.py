"""Sites (the rooms of one console's network) as the window shows them: which sites the
staff member works at, who works at each, which PCs stand where, and each site's own
settings over the network's policy.

The pure functions here decide nothing the console does not check again: they turn the
API's answers into lines, ticks and the ``rules`` body of ``PUT /api/sites/{id}/rules``.
:class:`SitesDesk` only calls the console.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal

from admin_console.api.policy import PolicyState
from admin_console.api.room import KioskTile
from admin_console.api.sites import SiteModel, SiteRulesState, StaffSites
from admin_console.api.staff import Role, StaffAccount, StaffList
from admin_console.gui import calls, formats, i18n
from admin_console.gui.client import Reply
from admin_console.gui.policy import FieldKind, FieldSpec, get_path, model_specs
from admin_console.gui.tab_controller import Section, api_error, check_text
from policies import Language
from policies.model import Policy, PrintRules

PRINT_FIELDS: tuple[FieldSpec, ...] = tuple(
    spec
    for spec in model_specs("printing", PrintRules)
    if spec.path
    in (
        "printing.price_per_page_cents",
        "printing.colour_price_per_page_cents",
        "printing.pages_per_session",
        "printing.pages_per_day",
    )
)
"""The printing numbers a site may set for itself (the printer is chosen apart)."""
PRINTER_FIELD = "printing.printer_uri"
HOURS_FIELD = "opening_hours"
NAME_FIELD = FieldSpec("name", FieldKind.TEXT, Policy.model_fields["name"].description or "name")
"""The room's name the site's PCs show (the network's otherwise)."""
RULES_FIELD = "extra_house_rules"
"""The site's own house rules, shown on its PCs after the network's."""
FORM_SETTINGS = ("printing", HOURS_FIELD, NAME_FIELD.path, RULES_FIELD)
"""The settings of a site the form edits: sent as the form says, a setting left out going
back to the network's."""


def site_line(site: SiteModel, language: Language) -> str:
    """A site in the list of sites: its name, and under it ``4 PC``."""
    pcs = i18n.counted("sites.pcs", language, site.kiosks)
    return f"{site.name}\n{pcs}"


def site_name(sites: Sequence[SiteModel], site_id: int) -> str:
    """The name of site ``site_id`` among ``sites`` (its number when it is not one)."""
    for site in sites:
        if site.id == site_id:
            return site.name
    return f"#{site_id}"


def pcs_of_site(pcs: Mapping[int, KioskTile], site_id: int | None) -> dict[int, KioskTile]:
    """The PCs of one site (None: all of them)."""
    return {k: pc for k, pc in pcs.items() if site_id is None or pc.site_id == site_id}


@dataclass(frozen=True)
class RoomGrid:
    """Where the room's tiles go: each PC's (row, column), and with several sites a title
    row above each site's PCs."""

    cells: list[tuple[KioskTile, int, int]]
    titles: list[tuple[int, int]]
    """(site id, row) of each site's title."""
    rows: int
    """Rows of tiles (titles not counted)."""


def room_grid(
    pcs: Sequence[KioskTile], columns: int, sites: Sequence[SiteModel], grouped: bool
) -> RoomGrid:
    """The grid of ``pcs`` (in the room's order) over ``columns``: one run of tiles, or
    (``grouped``) site by site, by the sites' names, each under its title and starting on
    a row of its own."""
    if not grouped:
        cells = [(pc, *divmod(i, columns)) for i, pc in enumerate(pcs)]
        return RoomGrid(cells, [], -(-len(pcs) // columns))
    groups: dict[int, list[KioskTile]] = {}
    for pc in pcs:
        groups.setdefault(pc.site_id, []).append(pc)
    order = sorted(groups, key=lambda site_id: site_name(sites, site_id).lower())
    cells, titles, row, tile_rows = [], [], 0, 0
    for site_id in order:
        titles.append((site_id, row))
        row += 1
        for i, pc in enumerate(groups[site_id]):
            cells.append((pc, row + i // columns, i % columns))
        used = -(-len(groups[site_id]) // columns)
        row += used
        tile_rows += used
    return RoomGrid(cells, titles, tile_rows)


@dataclass(frozen=True)
class TeamTick:
    """One colleague's box for one site: ticked or not, and whether the caller may change
    it (with the reason shown beside when not)."""

    staff_id: int
    label: str
    ticked: bool
    may_change: bool
    why_not: str = ""


def team_ticks(
    staff: Sequence[StaffAccount], site_id: int, me: str | None, language: Language
) -> list[TeamTick]:
    """Who works at site ``site_id``, one box per account (disabled ones left out): an
    admin works everywhere and cannot be unticked; a manager does not change their own
    sites (an admin does)."""
    ticks = []
    for account in sorted(staff, key=lambda a: (a.display_name or a.username).lower()):
        if account.disabled:
            continue
        name = account.display_name or account.username
        role = i18n.text(f"sites.role.{account.role.value}", language)
        label = i18n.text("sites.team_line", language, name=name, role=role)
        if account.role is Role.ADMIN:
            why = i18n.text("sites.team_admin", language)
            ticks.append(TeamTick(account.id, label, True, False, why))
        elif account.username == me:
            why = i18n.text("sites.team_self", language)
            ticks.append(TeamTick(account.id, label, site_id in account.site_ids, False, why))
        else:
            ticks.append(TeamTick(account.id, label, site_id in account.site_ids, True))
    return ticks


def ticked_sites(account: StaffAccount, site_id: int, works_there: bool) -> list[int]:
    """The colleague's sites (those the caller sees) with ``site_id`` given or taken."""
    sites = set(account.site_ids)
    if works_there:
        sites.add(site_id)
    else:
        sites.discard(site_id)
    return sorted(sites)


def own_values(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a site holds itself, by dotted path (``printing.pages_per_session``,
    ``opening_hours``, ``name``, ``extra_house_rules``): what the form shows as the site's
    own."""
    found: dict[str, Any] = {}
    for spec in PRINT_FIELDS:
        value = get_path(rules, spec.path)
        if value is not None:
            found[spec.path] = value
    printing = rules.get("printing")
    if isinstance(printing, Mapping) and PRINTER_FIELD.split(".")[1] in printing:
        found[PRINTER_FIELD] = printing[PRINTER_FIELD.split(".")[1]]
    if isinstance(rules.get(HOURS_FIELD), Mapping):
        found[HOURS_FIELD] = rules[HOURS_FIELD]
    if isinstance(rules.get(NAME_FIELD.path), str):
        found[NAME_FIELD.path] = rules[NAME_FIELD.path]
    extra = rules.get(RULES_FIELD)
    if isinstance(extra, list) and extra:
        found[RULES_FIELD] = [r for r in extra if isinstance(r, Mapping)]
    return found


def rules_with(before: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """The site's ``rules`` with its printing, opening hours, name on the PCs and extra
    house rules as ``own`` says (a path left out, or no extra rule, goes back to the
    network's); any other setting of the site stays as it was."""
    rules = {k: copy.deepcopy(v) for k, v in before.items() if k not in FORM_SETTINGS}
    printing = {path.split(".", 1)[1]: v for path, v in own.items() if path.startswith("printing.")}
    if printing:
        rules["printing"] = printing
    for key in (HOURS_FIELD, NAME_FIELD.path):
        if key in own:
            rules[key] = copy.deepcopy(own[key])
    if own.get(RULES_FIELD):
        rules[RULES_FIELD] = copy.deepcopy(list(own[RULES_FIELD]))
    return rules


def new_rule_id(rules: Sequence[Mapping[str, Any]]) -> str:
    """An id for a site's new house rule that none of ``rules`` (the network's and the
    site's) has: ``site-1``, ``site-2``…"""
    taken = {str(rule.get("id", "")) for rule in rules}
    n = 1
    while f"site-{n}" in taken:
        n += 1
    return f"site-{n}"


def with_text(rule: Mapping[str, Any], language: str, short: str, long: str) -> dict[str, Any]:
    """``rule`` with its text in ``language`` as typed; nothing typed in that language
    leaves the language out (the console then says the rule lacks it)."""
    texts = {k: dict(v) for k, v in (rule.get("texts") or {}).items() if k != language}
    if short.strip() or long.strip():
        texts[language] = {"short": short.strip(), "long": long.strip()}
    return {**copy.deepcopy(dict(rule)), "texts": texts}


def language_name(code: str) -> str:
    """A language as its speakers name it (its code when this window does not know it)."""
    try:
        return Language(code).native_name
    except ValueError:
        return code


_MISSING_LANGUAGES = re.compile(r"has no text in ([a-z]+(?:, [a-z]+)*)$")
_RULE_ERROR = re.compile(r"^extra_house_rules\[(\d+)\](.*)$")


def rule_of_error(field: str) -> tuple[int, str] | None:
    """Which extra house rule a console error names, and the rest of the name:
    ``extra_house_rules[0].texts.nl.long`` → (0, ``.texts.nl.long``); None for another
    field."""
    found = _RULE_ERROR.match(field)
    return (int(found[1]), found[2]) if found else None


def site_check_text(field: str, message: str, language: Language) -> str:
    """A console error about one of the site's settings, in staff's words: a house rule
    without a text in some languages names them as their speakers do; a text that is too
    short or long says which language and which text; the rest as :func:`check_text`."""
    missing = _MISSING_LANGUAGES.search(message)
    if missing:
        names = [language_name(code) for code in missing[1].split(", ")]
        return i18n.text("sites.rule_missing", language, languages=formats.listed(names, language))
    reason = check_text(message, language)
    rule = rule_of_error(field)
    parts = rule[1].split(".") if rule else []
    if len(parts) == 4 and parts[1] == "texts" and parts[3] in ("short", "long"):
        name = language_name(parts[2])
        which = i18n.text(f"sites.rule_{parts[3]}", language)
        return i18n.text(
            "sites.rule_text_problem", language, language_name=name, text=which, reason=reason
        )
    return reason


def field_of_error(name: str) -> str:
    """The form's field a console error names: ``site.printing.pages_per_day`` →
    ``printing.pages_per_day``; ``body.rules.x`` → ``x``."""
    for prefix in ("site.", "body.rules.", "body."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


class SitesDesk(Section):
    """Loads the sites, the team, a site's settings; sends the changes."""

    sites_loaded = Signal()
    team_loaded = Signal()
    rules_loaded = Signal(int)
    """A site's settings (and the network's policy) arrived: the site's id."""
    site_saved = Signal(object)
    """A site was made or renamed: the :class:`SiteModel`."""
    site_refused = Signal(str)
    """A site was not made or renamed: the sentence to show."""
    pc_moved = Signal(object)
    """A PC's new tile (:class:`KioskTile`) after a move."""
    team_changed = Signal(str)
    """A colleague's sites were set: who (their name)."""
    rules_saved = Signal(int)
    rules_refused = Signal(dict)
    """A site's settings were refused: {form field path (or ""): sentence}."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites: list[SiteModel] = []
        self.team: list[StaffAccount] = []
        self.rules: dict[int, SiteRulesState] = {}
        self.network: PolicyState | None = None

    def forget(self) -> None:
        """Logged out: nothing of this login stays."""
        self.sites, self.team, self.rules, self.network = [], [], {}, None
        self.sites_loaded.emit()

    def load(self) -> None:
        """``GET /api/sites``; ``sites_loaded`` follows."""
        self.call(calls.SITES, self._sites)

    def _sites(self, sites: list[SiteModel]) -> None:
        self.sites = sorted(sites, key=lambda s: s.name.lower())
        self.sites_loaded.emit()

    def load_team(self) -> None:
        """``GET /api/staff`` (each account with the sites it works at)."""
        self.call(calls.STAFF, self._team)

    def _team(self, team: StaffList) -> None:
        self.team = team.staff
        self.team_loaded.emit()

    def load_rules(self, site_id: int) -> None:
        """The network's policy, then the site's own settings; ``rules_loaded`` follows."""

        def network(state: PolicyState) -> None:
            self.network = state
            self.call(calls.SITE_RULES, self._rules, site_id=site_id, latest="rules")

        self.call(calls.POLICY, network, latest="rules")

    def _rules(self, state: SiteRulesState) -> None:
        self.rules[state.site_id] = state
        self.rules_loaded.emit(state.site_id)

    def make_site(self, name: str, address: str) -> None:
        """``POST /api/sites`` (admins); ``site_saved`` or ``site_refused`` follows."""
        body = {"name": name.strip(), "address": address.strip()}
        self.call(calls.NEW_SITE, self._site_saved, body=body, refused=self._site_refused)

    def rename_site(self, site_id: int, name: str, address: str) -> None:
        """``PATCH /api/sites/{id}`` (admins)."""
        body = {"name": name.strip(), "address": address.strip()}
        self.call(
            calls.CHANGE_SITE,
            self._site_saved,
            body=body,
            refused=self._site_refused,
            site_id=site_id,
        )

    def _site_saved(self, site: SiteModel) -> None:
        self.site_saved.emit(site)
        self.load()

    def _site_refused(self, reply: Reply) -> bool:
        lang = self.language
        if reply.failure is None and reply.status == 409:
            self.site_refused.emit(i18n.text("sites.name_taken", lang))
        elif reply.failure is None and reply.status == 422 and reply.fields:
            self.site_refused.emit(
                "; ".join(
                    i18n.text(
                        "sites.field_problem",
                        lang,
                        field=i18n.text(f"sites.field.{field_of_error(f).split('.')[-1]}", lang),
                        reason=check_text(m, lang),
                    )
                    for f, m in reply.fields.items()
                )
            )
        elif reply.ok:
            self.site_refused.emit(i18n.text("net.bad_reply", lang))
        else:
            self.site_refused.emit(api_error(reply, lang))
        return True

    def set_works_at(self, account: StaffAccount, site_id: int, works_there: bool) -> None:
        """Give or take site ``site_id`` to a colleague; ``team_changed`` follows (then the
        team is loaded again, as the console now says it)."""

        def done(_sites: StaffSites) -> None:
            self.team_changed.emit(account.display_name or account.username)
            self.load_team()

        def refused(_reply: Reply) -> bool:
            self.load_team()  # the box goes back to what the console holds
            return False

        body = {"site_ids": ticked_sites(account, site_id, works_there)}
        self.call(calls.SET_STAFF_SITES, done, body=body, refused=refused, staff_id=account.id)

    def move_pc(self, pc_id: int, site_id: int) -> None:
        """``PUT /api/kiosks/{id}/site``; ``pc_moved`` follows, and the sites' counts."""

        def done(tile: KioskTile) -> None:
            self.pc_moved.emit(tile)
            self.load()

        self.call(calls.MOVE_PC, done, body={"site_id": site_id}, kiosk_id=pc_id)

    def save_rules(self, site_id: int, own: Mapping[str, Any]) -> None:
        """The site's settings as ``own`` says (by dotted path, as :func:`rules_with`
        reads it; a path left out follows the network); ``rules_saved`` or
        ``rules_refused`` follows."""
        state = self.rules.get(site_id)
        rules = rules_with(state.rules if state else {}, own)

        def done(saved: SiteRulesState) -> None:
            self.rules[site_id] = saved
            self.rules_loaded.emit(site_id)
            self.rules_saved.emit(site_id)

        def refused(reply: Reply) -> bool:
            if reply.failure is not None or reply.status != 422:
                return False
            found = {
                field_of_error(name): site_check_text(field_of_error(name), message, self.language)
                for name, message in reply.fields.items()
            }
            self.rules_refused.emit(found or {"": api_error(reply, self.language)})
            return True

        self.call(
            calls.CHANGE_SITE_RULES, done, body={"rules": rules}, refused=refused, site_id=site_id
        )
