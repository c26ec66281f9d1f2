from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NewUser")


@_attrs_define
class NewUser:
    """The body of ``POST /users``: the caller picks name and email, the service the id.

    Attributes:
        email (str): The new user's email address; no other user may have it.
        name (str): The new user's display name, not blank.
    """

    email: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "name": name,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        name = d.pop("name")

        new_user = cls(
            email=email,
            name=name,
        )

        return new_user
