"""Reading a policy: the bundled default, partial files over it, and bad files named precisely."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from policies import (
    InvalidPolicy,
    Language,
    LoginMode,
    MemberOffline,
    Policy,
    StaffLanguage,
    default_policy,
    load_policy,
    parse_policy,
    policy_from_data,
)
from policies.loading import default_policy_data

DEFAULT = default_policy()


def changed_fields(policy: Policy) -> dict[str, object]:
    """Dotted paths of the values that differ from the default policy."""
    found: dict[str, object] = {}

    def walk(path: str, left: object, right: object) -> None:
        if isinstance(left, dict) and isinstance(right, dict):
            for key in left.keys() | right.keys():
                walk(f"{path}.{key}" if path else key, left.get(key), right.get(key))
        elif left != right:
            found[path] = left

    walk("", policy.model_dump(mode="json"), DEFAULT.model_dump(mode="json"))
    return found


# -- the bundled default -----------------------------------------------------------------


def test_the_bundled_default_loads() -> None:
    policy = default_policy()
    # Brussels' working languages first, then the visitors' others, each translated whole.
    assert policy.languages == tuple(Language)
    assert policy.languages[:3] == (Language.FR, Language.NL, Language.EN)
    assert policy.login_modes == (LoginMode.WALK_IN, LoginMode.TICKET, LoginMode.MEMBER)
    assert policy.session.length_minutes == 60
    assert policy.session.warnings_minutes == (10, 5, 1)
    assert policy.session.final_countdown_minutes == 1
    assert policy.opening_hours.sunday == ()
    assert policy.printing.currency == "EUR"


def test_the_bundled_file_says_what_the_model_declares() -> None:
    # One schema in one place: the default file and the model's defaults never drift apart.
    declared = Policy(house_rules=DEFAULT.house_rules)
    assert declared == DEFAULT
    assert declared.version == DEFAULT.version


def test_the_default_is_the_same_each_time() -> None:
    assert default_policy() == DEFAULT
    assert default_policy().version == DEFAULT.version


def test_a_policy_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        DEFAULT.session.length_minutes = 600  # type: ignore[misc]


def test_the_policy_version_follows_its_content() -> None:
    longer = parse_policy("[session]\nlength_minutes = 90\n", "toml")
    assert longer.version != DEFAULT.version
    assert parse_policy("", "toml").version == DEFAULT.version


# -- partial files -----------------------------------------------------------------------


def test_an_empty_file_is_the_default() -> None:
    assert parse_policy("", "toml") == DEFAULT
    assert parse_policy("", "yaml") == DEFAULT
    assert parse_policy("# nothing to change\n", "yaml") == DEFAULT


def test_a_partial_toml_file_overrides_only_what_it_says() -> None:
    policy = parse_policy(
        """
        name = "EPN Saint-Gilles"
        [session]
        length_minutes = 45
        warnings_minutes = [5, 1]
        [printing]
        price_per_page_cents = 15
        """,
        "toml",
    )
    assert changed_fields(policy) == {
        "name": "EPN Saint-Gilles",
        "session.length_minutes": 45,
        "session.warnings_minutes": [5, 1],
        "printing.price_per_page_cents": 15,
    }


def test_a_partial_yaml_file_overrides_only_what_it_says() -> None:
    policy = parse_policy(
        """
        languages: [nl, fr, en]
        session:
          idle_timeout_minutes: 5
        opening_hours:
          sunday:
            - {opens: "13:00", closes: "17:00"}
        """,
        "yaml",
    )
    assert changed_fields(policy) == {
        "languages": ["nl", "fr", "en"],
        "session.idle_timeout_minutes": 5,
        "opening_hours.sunday": [{"opens": "13:00:00", "closes": "17:00:00"}],
    }


def test_yaml_times_written_without_quotes_are_times_of_day() -> None:
    # YAML 1.1 reads 10:00 as the base-60 number 600; a site writing it means ten o'clock.
    policy = parse_policy(
        """
        opening_hours:
          monday:
            - opens: 10:00
              closes: 12:30
            - opens: 13:30:00
              closes: 18:00
        """,
        "yaml",
    )
    assert [(r.opens, r.closes) for r in policy.opening_hours.monday] == [
        (dt.time(10, 0), dt.time(12, 30)),
        (dt.time(13, 30), dt.time(18, 0)),
    ]


def test_toml_times_of_day_are_accepted() -> None:
    policy = parse_policy(
        "[opening_hours]\nmonday = [{opens = 09:00:00, closes = 17:00:00}]", "toml"
    )
    assert policy.opening_hours.monday[0].opens == dt.time(9, 0)


def test_house_rules_in_a_file_replace_the_default_rules_whole() -> None:
    policy = parse_policy(
        """
        languages = ["fr"]
        [[house_rules.rules]]
        id = "calme"
        pictogram = "respect"
        texts.fr = { short = "Restez calme", long = "Parlez doucement, merci." }
        """,
        "toml",
    )
    assert [rule.id for rule in policy.house_rules.rules] == ["calme"]
    assert policy.house_rules.version != DEFAULT.house_rules.version


def test_warnings_are_kept_largest_first_whatever_the_order_written() -> None:
    policy = parse_policy("[session]\nwarnings_minutes = [1, 15, 5]\n", "toml")
    assert policy.session.warnings_minutes == (15, 5, 1)
    assert policy.session.final_countdown_minutes == 1


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".yml"])
def test_load_a_policy_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"policy{suffix}"
    if suffix == ".toml":
        path.write_text("[session]\nlength_minutes = 30\n", encoding="utf-8")
    else:
        path.write_text("session:\n  length_minutes: 30\n", encoding="utf-8")
    policy = load_policy(path)
    assert changed_fields(policy) == {"session.length_minutes": 30}


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidPolicy) as raised:
        load_policy(path)
    assert raised.value.source == str(path)
    assert raised.value.problems[0].field == "(file)"


@pytest.mark.parametrize("content", [None, b'name = "\xff\xfe"\n'], ids=["missing", "not utf-8"])
def test_a_file_that_cannot_be_read_is_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "policy.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidPolicy) as raised:
        load_policy(path)
    assert raised.value.problems[0].field == "(file)"
    assert "cannot be read" in raised.value.problems[0].reason


# -- bad fields --------------------------------------------------------------------------

BAD = [
    # (id, format, text, field, words of the reason)
    (
        "negative length",
        "toml",
        "[session]\nlength_minutes = -5",
        "session.length_minutes",
        "greater than or equal to 5",
    ),
    (
        "warning after the end",
        "toml",
        "[session]\nwarnings_minutes = [90]\nlength_minutes = 60",
        "session.warnings_minutes",
        "before the end",
    ),
    (
        "warning given twice",
        "toml",
        "[session]\nwarnings_minutes = [5, 5]",
        "session.warnings_minutes",
        "once",
    ),
    (
        "no warning",
        "toml",
        "[session]\nwarnings_minutes = []",
        "session.warnings_minutes",
        "1 item",
    ),
    ("typo", "toml", "[session]\nlenght_minutes = 30", "session.lenght_minutes", "not permitted"),
    ("unknown table", "toml", "[sesion]\nlength_minutes = 30", "sesion", "not permitted"),
    (
        "wrong type",
        "toml",
        '[session]\nlength_minutes = "an hour"',
        "session.length_minutes",
        "integer",
    ),
    (
        "wrong type yaml",
        "yaml",
        "session:\n  idle_timeout_minutes: [1]",
        "session.idle_timeout_minutes",
        "integer",
    ),
    ("unknown language", "toml", 'languages = ["fr", "de"]', "languages[1]", "'fr'"),
    ("language twice", "toml", 'languages = ["fr", "fr"]', "languages", "twice"),
    ("no language", "toml", "languages = []", "languages", "1 item"),
    ("unknown mode", "yaml", "login_modes: [walk_in, guest]", "login_modes[1]", "walk_in"),
    ("bad currency", "toml", '[printing]\ncurrency = "euro"', "printing.currency", "pattern"),
    (
        "unknown pictogram",
        "toml",
        '[[house_rules.rules]]\nid = "x"\npictogram = "skull"\n'
        'texts.fr = { short = "a", long = "b" }',
        "house_rules.rules[0].pictogram",
        "not shipped",
    ),
    (
        "rule missing a language",
        "toml",
        '[[house_rules.rules]]\nid = "x"\npictogram = "time"\n'
        'texts.fr = { short = "a", long = "b" }',
        "house_rules.rules[0].texts",
        "nl, en, ar, tr, es",
    ),
    (
        "rule in an unknown language",
        "toml",
        'languages = ["fr"]\n[[house_rules.rules]]\nid = "x"\npictogram = "time"\n'
        'texts.fr = { short = "a", long = "b" }\ntexts.de = { short = "a", long = "b" }',
        "house_rules.rules[0].texts.de",
        "'fr'",
    ),
    (
        "two rules with one id",
        "yaml",
        "languages: [fr]\nhouse_rules:\n  rules:\n"
        "    - {id: a, pictogram: time, texts: {fr: {short: s, long: l}}}\n"
        "    - {id: a, pictogram: help, texts: {fr: {short: s, long: l}}}\n",
        "house_rules.rules",
        "same id",
    ),
    (
        "overlapping hours",
        "toml",
        '[opening_hours]\nmonday = [{opens = "10:00", closes = "12:00"}, '
        '{opens = "11:00", closes = "13:00"}]',
        "opening_hours.monday",
        "overlap",
    ),
    (
        "closes before opens",
        "toml",
        '[opening_hours]\ntuesday = [{opens = "18:00", closes = "10:00"}]',
        "opening_hours.tuesday[0].closes",
        "later than opens",
    ),
    (
        "not a time",
        "yaml",
        "opening_hours:\n  friday:\n    - {opens: '25:00', closes: '26:00'}",
        "opening_hours.friday[0].opens",
        "time",
    ),
    (
        "a time with a time zone",
        "toml",
        '[opening_hours]\nfriday = [{opens = "10:00+02:00", closes = "18:00"}]',
        "opening_hours.friday[0].opens",
        "time zone",
    ),
    (
        "a number for a time",
        "toml",
        "[opening_hours]\nfriday = [{opens = 600, closes = 1080}]",
        "opening_hours.friday[0].opens",
        "HH:MM",
    ),
    (
        "closure ends before it starts",
        "toml",
        "[opening_hours]\nclosures = [{start = 2024-12-31, end = 2024-12-24}]",
        "opening_hours.closures[0].end",
        "before start",
    ),
    (
        "unknown offline rule for members",
        "toml",
        '[members]\noffline = "allow"',
        "members.offline",
        "'refuse' or 'last_known'",
    ),
    (
        "staff menu in a language staff do not read",
        "toml",
        '[staff]\nlanguage = "ar"',
        "staff.language",
        "'fr', 'nl' or 'en'",
    ),
    ("invalid toml", "toml", "[session\nlength_minutes = 30", "(file)", "not valid TOML"),
    ("invalid yaml", "yaml", "session: [length_minutes: 30", "(file)", "not valid YAML"),
    ("top level list", "yaml", "- session", "(file)", "table"),
]


@pytest.mark.parametrize(
    ("fmt", "text", "field", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_field_is_named_with_the_reason(fmt, text: str, field: str, reason: str) -> None:
    with pytest.raises(InvalidPolicy) as raised:
        parse_policy(text, fmt, source="site.policy")
    problems = raised.value.problems
    assert problems[0].field == field, problems
    assert reason in problems[0].reason, problems
    message = str(raised.value)
    assert "site.policy" in message
    assert f"{field}: " in message


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(InvalidPolicy) as raised:
        parse_policy(
            '[session]\nlength_minutes = 0\nidle_timeout_minutes = 0\n[printing]\ncurrency = "e"',
            "toml",
        )
    assert {p.field for p in raised.value.problems} == {
        "session.length_minutes",
        "session.idle_timeout_minutes",
        "printing.currency",
    }


def test_a_bad_policy_in_data_is_named_too() -> None:
    data = default_policy_data()
    data["session"]["max_extension_minutes"] = 0
    with pytest.raises(InvalidPolicy) as raised:
        policy_from_data(data, source="console")
    assert raised.value.source == "console"
    assert raised.value.problems[0].field == "session.max_extension_minutes"


def test_members_are_let_in_offline_with_what_the_pc_last_knew_unless_the_site_refuses() -> None:
    assert default_policy().members.offline is MemberOffline.LAST_KNOWN
    strict = parse_policy('[members]\noffline = "refuse"', "toml", source="site.policy")
    assert strict.members.offline is MemberOffline.REFUSE


def test_the_staff_menu_is_in_french_unless_the_site_says_dutch_or_english() -> None:
    assert default_policy().staff.language is StaffLanguage.FR
    dutch = parse_policy('[staff]\nlanguage = "nl"', "toml", source="site.policy")
    assert dutch.staff.language.language is Language.NL


@pytest.mark.parametrize(
    "uri",
    [
        # As `lpinfo -v` names the printers of a room (CUPS 2.4, Debian 12).
        "ipp://192.168.1.20/ipp/print",
        "ipps://printer.local:631/ipp/print",
        "socket://192.168.1.21:9100",
        "lpd://192.168.1.22/queue",
        "usb://HP/LaserJet%20Pro%20M404?serial=PHB123",
        "dnssd://HP%20LaserJet%20M404%20%5B4F2A1B%5D._ipp._tcp.local/?uuid=1c8a-22f",
    ],
)
def test_the_rooms_printer_is_named_as_cups_names_it(uri: str) -> None:
    policy = parse_policy(f'[printing]\nprinter_uri = "{uri}"', "toml")
    assert policy.printing.printer_uri == uri
    assert default_policy().printing.printer_uri is None, "by default each PC keeps its own"


@pytest.mark.parametrize(
    ("uri", "reason"),
    [
        # The visitors' pages written to a file of the PC, or to a device path on it.
        ("file:/etc/cron.d/epn", "not a printer of the room"),
        ("file:///etc/cron.d/epn", "not a printer of the room"),
        ("FILE:///etc/cron.d/epn", "not a printer of the room"),
        ("parallel:/etc/cron.d/epn", "not a printer of the room"),
        ("serial:/dev/ttyS0?baud=9600", "not a printer of the room"),
        ("cups-brf:/", "not a printer of the room"),
        ("beh:/1/3/5/file:/etc/cron.d/epn", "not a printer of the room"),
        ("epn-gate:ipp://192.168.1.20/ipp/print", "not a printer of the room"),
        # Addresses CUPS refuses (measured).
        ("ipp://192.168.1.20/imprimante-%zz", "not an address CUPS accepts"),
        ("ipp://192.168.1.20/imprimante-é", "not an address CUPS accepts"),
        ("ipp://192.168.1.20/ipp print", "not an address CUPS accepts"),
        ("ipp://192.168.1.20/ipp\nprint", "not an address CUPS accepts"),
    ],
)
def test_a_printer_that_is_a_file_or_a_port_of_the_pc_is_refused(uri: str, reason: str) -> None:
    data = default_policy_data()
    data["printing"]["printer_uri"] = uri
    with pytest.raises(InvalidPolicy) as raised:
        policy_from_data(data, source="console")
    [problem] = raised.value.problems
    assert problem.field == "printing.printer_uri"
    assert reason in problem.reason
