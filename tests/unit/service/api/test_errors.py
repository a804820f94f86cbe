from service.api.errors import flatten_messages


def test_marshmallow_messages_become_one_message_per_field() -> None:
    messages = {"body": ["Too long.", "Other."], "author_ip": ["Not a valid IP address."]}
    assert flatten_messages(messages) == {
        "body": "Too long.",
        "author_ip": "Not a valid IP address.",
    }


def test_nested_and_schema_level_messages_are_flattened() -> None:
    assert flatten_messages({"meta": {"x": ["Bad."]}}) == {"meta": "Bad."}
    assert flatten_messages(["Invalid input type."]) == {"_schema": "Invalid input type."}
