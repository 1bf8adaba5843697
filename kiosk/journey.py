"""A subscriber's way through one business: the business's steps in order, which one they are
at, who they are once signed in, and the order they are building. Plain Python: the app pushes
one screen per step from it, and a test or a script can walk it without Textual.

Each step's screen ends with an Outcome; the journey moves on, back, or ends. Going back from
the first step, or leaving, ends it (the idle wipe discards an unsubmitted draft)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.businesses import Business
from kiosk.domain.steps import Step
from kiosk.store import Owner, Store


class Outcome(StrEnum):
    NEXT = "next"
    BACK = "back"
    LEAVE = "leave"  # home, from any step


@dataclass
class SignedIn:
    """Who the subscriber is, as the kiosk verified them, and their backend session (None when
    staff confirmed them in person while the kiosk was offline). Never logged."""

    owner: Owner
    session_token: str | None = None
    phone_masked: str = ""


@dataclass
class Journey:
    business: Business
    steps: tuple[Step, ...]
    position: int = 0
    subscriber: SignedIn | None = None
    order_id: str | None = None
    ended: bool = False

    @classmethod
    def begin(cls, business: Business) -> Journey:
        return cls(business, business.steps)

    @property
    def step(self) -> Step | None:
        """The step to show now; None once the journey ended or ran past its last step."""
        if self.ended or self.position >= len(self.steps):
            return None
        return self.steps[self.position]

    @property
    def completed(self) -> bool:
        return not self.ended and self.position >= len(self.steps)

    def go(self, outcome: Outcome) -> Step | None:
        """Move by a step's outcome; returns the step to show next (None: the journey is over)."""
        if outcome is Outcome.NEXT:
            self.position += 1
        elif outcome is Outcome.BACK and self.position > 0:
            self.position -= 1
        else:
            self.ended = True
        return self.step

    def draft(self, store: Store) -> str:
        """The order this journey builds: created on first need, owned by the signed-in
        subscriber. Raises RuntimeError before sign-in (an order always has its owner)."""
        if self.subscriber is None:
            raise RuntimeError("no order before the subscriber is signed in")
        if self.order_id is None:
            self.order_id = store.create_order(self.business.code).id
            store.set_owner(self.order_id, self.subscriber.owner)
        return self.order_id
