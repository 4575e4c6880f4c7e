"""A keyed line of a paper sheet, and the rule for when two keyings of it agree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callingtime.petitions.normalise import email_normalise, name_normalise


@dataclass(frozen=True)
class KeyedLine:
    """One signed line as keyed: name, postcode, optional e-mail and the opt-in that counts.

    `opt_in_dropped` records a ticked updates box without an e-mail: updates need an e-mail,
    so it is kept as no opt-in and the keying screen says so.
    """

    line: int
    name: str
    postcode: str
    email: str = ""
    opt_in: bool = False
    opt_in_dropped: bool = False

    @classmethod
    def from_keyed(
        cls, *, line: int, name: str, postcode: str, email: str, ticked: bool
    ) -> KeyedLine:
        """Return the line with the opt-in rule applied."""
        return cls(
            line=line,
            name=name,
            postcode=postcode,
            email=email,
            opt_in=ticked and bool(email),
            opt_in_dropped=ticked and not email,
        )

    @property
    def name_normalised(self) -> str:
        return name_normalise(self.name)

    @property
    def email_normalised(self) -> str:
        return email_normalise(self.email) if self.email else ""

    def agrees_with(self, other: KeyedLine) -> bool:
        """Return whether two keyings of the line say the same (case and spacing aside)."""
        return (
            self.name_normalised == other.name_normalised
            and self.postcode == other.postcode
            and self.email_normalised == other.email_normalised
            and self.opt_in == other.opt_in
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "name": self.name,
            "postcode": self.postcode,
            "email": self.email,
            "opt_in": self.opt_in,
            "opt_in_dropped": self.opt_in_dropped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyedLine:
        return cls(
            line=int(data["line"]),
            name=str(data["name"]),
            postcode=str(data["postcode"]),
            email=str(data.get("email", "")),
            opt_in=bool(data.get("opt_in", False)),
            opt_in_dropped=bool(data.get("opt_in_dropped", False)),
        )
