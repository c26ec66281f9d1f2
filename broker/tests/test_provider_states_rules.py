"""Rules of ``domain.provider_states``: what ``provider-states list`` shows (issue #9, S158)."""

from collections.abc import Mapping

from local_pact_broker.domain.provider_states import provider_states, states_in_pact


def _pact(*states: Mapping[str, object]) -> dict[str, object]:
    return {"interactions": [{"description": "d", "providerStates": list(states)}]}


def test_same_state_and_params_lists_each_consumer_once_in_pick_order() -> None:
    exists = {"name": "a user exists", "params": {"id": 1}}
    listed = provider_states([("web-app", _pact(exists)), ("notifications", _pact(exists, exists))])
    assert listed == [
        {"name": "a user exists", "params": {"id": 1}, "consumers": ["web-app", "notifications"]}
    ]


def test_different_params_are_different_states_sorted_by_name() -> None:
    listed = provider_states(
        [
            ("a", _pact({"name": "z state"}, {"name": "m state", "params": {"id": 1}})),
            ("b", _pact({"name": "m state", "params": {"id": 2}})),
        ]
    )
    assert [(s["name"], s.get("params"), s["consumers"]) for s in listed] == [
        ("m state", {"id": 1}, ["a"]),
        ("m state", {"id": 2}, ["b"]),
        ("z state", None, ["a"]),
    ]
    assert "params" not in listed[2], "a state without params has no params key"


def test_v2_provider_state_string_and_messages_count() -> None:
    pact = {
        "interactions": [{"providerState": "legacy"}],
        "messages": [{"providerStates": [{"name": "queued"}]}],
    }
    assert states_in_pact(pact) == [("legacy", None), ("queued", None)]


def test_malformed_content_has_no_states() -> None:
    assert states_in_pact("not a pact") == []
    assert states_in_pact({"interactions": "nope"}) == []
    assert states_in_pact({"interactions": [1, {"providerStates": ["x"]}]}) == []
