"""The GET form of pacts-for-verification reads its selectors from the query, as Rack nests
them (issue #9: it ignored ``consumer_version_selectors[]``; transcript S067)."""

from local_pact_broker.api.routes.for_verification import selectors_from_query


def test_repeated_key_starts_the_next_selector() -> None:
    pairs = [
        ("consumer_version_selectors[][tag]", "dev"),
        ("consumer_version_selectors[][latest]", "true"),
        ("consumer_version_selectors[][tag]", "prod"),
        ("consumer_version_selectors[][consumer]", "web"),
    ]
    assert selectors_from_query(pairs) == [
        {"tag": "dev", "latest": True},
        {"tag": "prod", "consumer": "web"},
    ]


def test_camel_case_names_and_flags_are_read_too() -> None:
    pairs = [
        ("consumerVersionSelectors[][mainBranch]", "true"),
        ("consumer_version_selectors[][deployed_or_released]", "false"),
        ("providerVersionBranch", "main"),
    ]
    assert selectors_from_query(pairs) == [{"mainBranch": True, "deployedOrReleased": False}]


def test_no_selector_parameters_means_none_given() -> None:
    assert selectors_from_query([("providerVersionTags[]", "dev")]) is None
