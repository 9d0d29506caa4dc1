"""The shell ↔ agent wire messages: every request round-trips; a bad line gets a precise code."""

from __future__ import annotations

import json

import pytest
from helpers.shell_scenes import PRINT_CONFIRM, sample_view
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import EndReason, State
from kiosk.core.protocol import (
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    REQUEST_TYPES,
    AcceptRules,
    Activity,
    AnimatorAction,
    ClearMessage,
    DeclineRules,
    DismissReceipt,
    EndSession,
    ErrorBody,
    FindConsoles,
    Hello,
    Login,
    MessageView,
    PairConsole,
    Ping,
    PrintAnswer,
    ProtocolError,
    ReceiptView,
    Reply,
    RequestHelp,
    RuleView,
    View,
    decode_push,
    decode_request,
    encode,
)
from policies import Language, LoginMode

REQUESTS = [
    Hello(id=1),
    Hello(id=2, client="shell 0.1"),
    Ping(id=3),
    Login(id=4, mode=LoginMode.WALK_IN, language=Language.AR),
    Login(id=5, mode=LoginMode.TICKET, language=Language.FR, code="K7-93QX"),
    Login(id=6, mode=LoginMode.MEMBER, language=Language.TR, card="0042", pin="1234"),
    AcceptRules(id=7, rules_version="46d370a236a8", language=Language.NL),
    DeclineRules(id=8),
    Activity(id=9),
    RequestHelp(id=10),
    EndSession(id=11),
    DismissReceipt(id=12),
    ClearMessage(id=13),
    AnimatorAction(id=14, pin="0000", action="extend", minutes=15),
    AnimatorAction(id=15, pin="0000", action="lock"),
    AnimatorAction(id=2**53, pin="0000", action="end"),
    PrintAnswer(id=16, job_id=7, print_it=True),
    PrintAnswer(id=17, job_id=8, print_it=False),
    FindConsoles(id=18, pin="2468"),
    PairConsole(id=19, pin="2468", address="192.168.1.10", code="ABCDE-FGHJK"),
]


def test_a_print_answer_must_say_yes_or_no_about_a_real_job() -> None:
    for bad in (
        {"job_id": 0, "print_it": True},
        {"job_id": 3, "print_it": "yes"},
        {"job_id": "3", "print_it": True},
    ):
        with pytest.raises(ProtocolError) as caught:
            decode_request(line(v=1, type="print_answer", id=1, **bad))
        assert caught.value.code == "bad_field"


def test_a_view_with_a_print_job_round_trips() -> None:
    # The shell's sample of a colour job, two of its pages free, as the agent holds it.
    view = sample_view(State.ACTIVE, pages_printed=4, print_job=PRINT_CONFIRM)
    assert decode_push(encode(view)) == view
    assert decode_push(encode(view)).print_job == PRINT_CONFIRM


def line(**fields: object) -> bytes:
    return json.dumps(fields).encode() + b"\n"


def error_of(data: bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as raised:
        decode_request(data)
    return raised.value


def test_every_request_type_has_a_sample() -> None:
    assert {request.type for request in REQUESTS} == REQUEST_TYPES


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.type}-{r.id}")
def test_a_request_round_trips(request_) -> None:
    encoded = encode(request_)
    assert encoded.endswith(b"\n")
    assert encoded.count(b"\n") == 1
    data = json.loads(encoded)
    assert data["v"] == PROTOCOL_VERSION
    assert data["type"] == request_.type
    decoded = decode_request(encoded)
    assert decoded == request_
    assert type(decoded) is type(request_)


def test_a_request_decodes_without_its_newline_and_with_defaults() -> None:
    assert decode_request(b'{"v": 1, "type": "ping", "id": 0}') == Ping(id=0)
    assert decode_request(b'{"v":1,"type":"hello","id":5}') == Hello(id=5, client="shell")


@settings(max_examples=200, deadline=None)
@given(
    request_id=st.integers(0, 2**53),
    version=st.text(max_size=64),
    pin=st.text(max_size=40),
    code=st.none() | st.text(max_size=40),
    language=st.sampled_from(Language),
)
def test_any_text_in_fields_stays_one_line_and_round_trips(
    request_id: int, version: str, pin: str, code: str | None, language: Language
) -> None:
    for request_ in (
        AcceptRules(id=request_id, rules_version=version, language=language),
        Login(id=request_id, mode=LoginMode.TICKET, language=language, code=code, pin=pin),
        AnimatorAction(id=request_id, pin=pin, action="unlock"),
    ):
        encoded = encode(request_)
        assert encoded.count(b"\n") == 1
        assert decode_request(encoded) == request_


# -- bad lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"{", b"not json", b'{"v": 1, "type": "ping", "id": 1', b"\xff\xfe{}", b"{'v': 1}"],
)
def test_malformed_json(data: bytes) -> None:
    error = error_of(data)
    assert error.code == "malformed"
    assert error.request_id is None


@pytest.mark.parametrize("data", [b"[]", b"1", b'"ping"', b"null", b"true", b'[{"v": 1}]'])
def test_json_that_is_not_an_object(data: bytes) -> None:
    assert error_of(data).code == "malformed"


def test_a_line_over_the_limit_is_too_large() -> None:
    ping = b'{"v": 1, "type": "ping", "id": 77}'
    at_limit = ping + b" " * (MAX_LINE_BYTES - len(ping))
    assert decode_request(at_limit) == Ping(id=77)
    error = error_of(at_limit + b" ")
    assert error.code == "too_large"
    assert error.request_id is None  # not read: too large to look at


@pytest.mark.parametrize("kind", ["sudo", "view", "reply", "", None, 3, "PING"])
def test_an_unknown_type(kind: object) -> None:
    error = error_of(line(v=1, type=kind, id=41))
    assert error.code == "unknown_type"
    assert error.request_id == 41


def test_a_missing_type() -> None:
    error = error_of(line(v=1, id=41))
    assert (error.code, error.request_id) == ("unknown_type", 41)


@pytest.mark.parametrize("version", [0, 2, "1", None, 1.5, True, 1.0, [1]])
def test_a_wrong_version(version: object) -> None:
    error = error_of(line(v=version, type="ping", id=9))
    assert error.code == "bad_version"
    assert error.request_id == 9


def test_a_missing_version() -> None:
    assert error_of(line(type="ping", id=9)).code == "bad_version"


def test_the_version_is_checked_before_the_type() -> None:
    # A newer shell's new message must be told "update", not "unknown".
    assert error_of(line(v=2, type="future_thing", id=1)).code == "bad_version"


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"type": "login", "language": "fr"}, "mode"),
        ({"type": "login", "mode": "walk_in"}, "language"),
        ({"type": "accept_rules", "language": "fr"}, "rules_version"),
        ({"type": "animator", "action": "lock"}, "pin"),
    ],
)
def test_a_missing_field(fields: dict, where: str) -> None:
    error = error_of(line(v=1, id=12, **fields))
    assert (error.code, error.request_id) == ("bad_field", 12)
    assert error.message.startswith(f"{where}:")


def test_a_missing_id() -> None:
    error = error_of(line(v=1, type="ping"))
    assert (error.code, error.request_id) == ("bad_field", None)
    assert error.message.startswith("id:")


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"type": "ping", "admin": True}, "admin"),
        ({"type": "activity", "minutes": 60}, "minutes"),
        ({"type": "login", "mode": "walk_in", "language": "fr", "uid": 0}, "uid"),
    ],
)
def test_an_extra_field(fields: dict, where: str) -> None:
    error = error_of(line(v=1, id=13, **fields))
    assert (error.code, error.request_id) == ("bad_field", 13)
    assert error.message.startswith(f"{where}:")


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"type": "login", "mode": "guest", "language": "fr"}, "mode"),
        ({"type": "login", "mode": "walk_in", "language": "de"}, "language"),
        ({"type": "login", "mode": "ticket", "language": "fr", "code": "x" * 41}, "code"),
        ({"type": "login", "mode": "member", "language": "fr", "pin": 1234}, "pin"),
        ({"type": "accept_rules", "rules_version": "v" * 65, "language": "fr"}, "rules_version"),
        ({"type": "animator", "pin": "0", "action": "reboot"}, "action"),
        ({"type": "animator", "pin": "0", "action": "extend", "minutes": 0}, "minutes"),
        ({"type": "animator", "pin": "0", "action": "extend", "minutes": 24 * 60 + 1}, "minutes"),
        ({"type": "animator", "pin": "0", "action": "extend", "minutes": "ten"}, "minutes"),
        ({"type": "hello", "client": "c" * 41}, "client"),
    ],
)
def test_a_bad_field(fields: dict, where: str) -> None:
    error = error_of(line(v=1, id=14, **fields))
    assert (error.code, error.request_id) == ("bad_field", 14)
    assert error.message.startswith(f"{where}:")


@pytest.mark.parametrize("request_id", [-1, 2**53 + 1, 1.5, "7", True, None])
def test_a_bad_id(request_id: object) -> None:
    error = error_of(line(v=1, type="ping", id=request_id))
    assert error.code == "bad_field"
    assert error.message.startswith("id:")
    # Only a readable id is sent back, so the shell can match the reply.
    expected = (
        request_id if isinstance(request_id, int) and not isinstance(request_id, bool) else None
    )
    assert error.request_id == expected


# -- pushes from the agent ---------------------------------------------------------------

VIEW = View(
    state=State.ACTIVE,
    pc_name="PC-03",
    languages=(Language.FR, Language.AR),
    login_modes=(LoginMode.WALK_IN,),
    is_open=True,
    language=Language.AR,
    rules_version="46d370a236a8",
    rules=(RuleView(id="respect", pictogram="respect", short="احترموا", long="كونوا هادئين"),),
    seconds_left=599,
    ends_at="11:00",
    warning_minutes=10,
    locked=False,
    message=MessageView(number=2, text="On ferme à 18 h"),
    help_requested=True,
)


@pytest.mark.parametrize(
    "push",
    [
        VIEW,
        View(
            state=State.WAITING,
            pc_name="PC-01",
            languages=tuple(Language),
            login_modes=tuple(LoginMode),
            is_open=False,
            opens_at="2024-03-11 10:00",
        ),
        View(
            state=State.DONE,
            pc_name="PC-01",
            languages=(Language.FR,),
            login_modes=(LoginMode.WALK_IN,),
            is_open=True,
            receipt=ReceiptView(erased={"files": 12, "downloads": 2}, bytes_erased=4096),
            end_reason=EndReason.IDLE,
        ),
        Reply(re=4, ok=True),
        Reply(re=None, ok=False, error=ErrorBody(code="malformed", message="not JSON")),
        Reply(re=5, ok=False, error=ErrorBody(code="too_many_tries", message="", retry_after=300)),
    ],
    ids=lambda p: p.type,
)
def test_a_push_round_trips(push) -> None:
    encoded = encode(push)
    assert encoded.count(b"\n") == 1
    assert decode_push(encoded) == push


def test_a_view_keeps_arabic_text() -> None:
    decoded = decode_push(encode(VIEW))
    assert isinstance(decoded, View)
    assert decoded.rules is not None
    assert decoded.rules[0].short == "احترموا"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"{", "malformed"),
        (b"[]", "malformed"),
        (line(v=1, type="ping", id=1), "bad_field"),  # a request is not a push
        (line(v=1, type="reply", ok=True), "bad_field"),  # re is required, even if null
        (line(v=1, type="view", state="active"), "bad_field"),
        (
            line(
                v=1,
                type="view",
                state="sleeping",
                pc_name="x",
                languages=[],
                login_modes=[],
                is_open=True,
            ),
            "bad_field",
        ),
        (line(v=2, type="reply", re=1, ok=True), "bad_field"),
        (b" " * (MAX_LINE_BYTES + 1), "too_large"),
    ],
)
def test_a_bad_push(data: bytes, code: str) -> None:
    with pytest.raises(ProtocolError) as raised:
        decode_push(data)
    assert raised.value.code == code


def test_the_admin_requests_are_known_on_the_admin_socket_only() -> None:
    from kiosk.core.protocol import (
        ADMIN_REQUEST_TYPES,
        HoldForUpdate,
        ReleaseUpdateHold,
        decode_admin_request,
    )

    for request_ in (Ping(id=1), HoldForUpdate(id=2), ReleaseUpdateHold(id=3, hold="ab" * 16)):
        assert decode_admin_request(encode(request_)) == request_
        if request_.type != "ping":
            # The visitor's shell cannot ask for an update hold.
            assert error_of(encode(request_)).code == "unknown_type"
    assert ADMIN_REQUEST_TYPES.isdisjoint(REQUEST_TYPES - {"ping"})
    with pytest.raises(ProtocolError) as raised:
        decode_admin_request(encode(Login(id=4, mode=LoginMode.WALK_IN, language=Language.FR)))
    assert raised.value.code == "unknown_type", "no login on root's socket"
    with pytest.raises(ProtocolError) as raised:
        decode_admin_request(line(v=1, type="release_update_hold", id=5, hold=""))
    assert raised.value.code == "bad_field"
