"""A subscriber's way through one business: the business's steps in order, which one they are
at, who they are once signed in, and the order they are building. Plain Python: the app pushes
one screen per step from it, and a test or a script can walk it without Textual.

Each step's screen ends with an Outcome; the journey moves on, back, or ends. Going back from
the first step, or leaving, ends it (the idle wipe discards an unsubmitted draft)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.core.domain.businesses import Business
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.forms import FormValues
from kiosk.core.domain.steps import STEPS, Step
from kiosk.core.i18n import Text
from kiosk.store import Owner, Store


class Outcome(StrEnum):
    NEXT = "next"
    BACK = "back"
    LEAVE = "leave"  # home, from any step
    AGAIN = "again"  # show this step once more (the business was switched under it)


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
    # Answering a rejection: "section.field" -> the reviewer's note, document -> note. Empty
    # for a new order. Only what the reviewer named may change.
    rejected_fields: Mapping[str, str] = field(default_factory=dict)
    rejected_documents: Mapping[DocumentKind, str] = field(default_factory=dict)
    token_serial: str | None = None  # the key in the slot, once the subscriber confirmed it
    unit_on_key: Mapping[str, str] = field(default_factory=dict)  # unit_name, uscc its certificate names
    key_expired: bool = False  # the key's certificate has expired
    redirect_of: str | None = None  # 改派: the order whose shipment changes, once chosen
    is_resubmission: bool = False  # answering a rejection of a submitted order (not a new draft)
    # What was typed at 录入信息 while saving it to the draft failed (a full disk): shown again.
    unsaved_form: FormValues | None = None

    @classmethod
    def begin(cls, business: Business) -> Journey:
        return cls(business, business.steps)

    @classmethod
    def resubmission(
        cls, business: Business, subscriber: SignedIn, order_id: str, rejection: Mapping[str, Any]
    ) -> Journey:
        """After a rejection: fix only the rejected fields, recapture only the rejected
        documents, then submit again. A rejection that names neither opens everything."""
        fields = dict(rejection.get("fields") or {})
        documents = {DocumentKind(kind): note for kind, note in (rejection.get("documents") or {}).items()}
        everything = not fields and not documents
        steps = [Step.ENTER_INFO] if fields or everything else []
        if documents or everything:
            steps.append(Step.CAPTURE_DOCUMENTS)
        steps += [Step.REVIEW, Step.SUBMIT, Step.RECEIPT]
        return cls(
            business,
            tuple(steps),
            subscriber=subscriber,
            order_id=order_id,
            rejected_fields=fields,
            rejected_documents=documents,
            is_resubmission=True,
        )

    @classmethod
    def redirecting(cls, business: Business, subscriber: SignedIn, order_id: str) -> Journey:
        """改派 from 订单查询: signed in already, and the order to redirect already chosen."""
        skipped = (Step.SIGN_IN, Step.SELECT_ORDER)
        steps = tuple(step for step in business.steps if step not in skipped)
        return cls(business, steps, subscriber=subscriber, redirect_of=order_id)

    def heading(self) -> Text:
        """What the masthead says: the business, how far along, and this step."""
        step = self.step
        return Text(
            "{business} · 第{number}步/共{total}步 · {step}",
            business=self.business.title,
            number=min(self.position + 1, len(self.steps)),
            total=len(self.steps),
            step=STEPS[step].title if step is not None else "",
        )

    @property
    def step(self) -> Step | None:
        """The step to show now; None once the journey ended or ran past its last step."""
        if self.ended or self.position >= len(self.steps):
            return None
        return self.steps[self.position]

    @property
    def signed_in(self) -> SignedIn:
        """Who the subscriber is; raises RuntimeError before sign-in (every step after it has one)."""
        if self.subscriber is None:
            raise RuntimeError("the subscriber is not signed in yet")
        return self.subscriber

    @property
    def completed(self) -> bool:
        return not self.ended and self.position >= len(self.steps)

    def go(self, outcome: Outcome) -> Step | None:
        """Move by a step's outcome; returns the step to show next (None: the journey is over)."""
        if outcome is Outcome.AGAIN:
            pass
        elif outcome is Outcome.NEXT:
            self.position += 1
        elif outcome is Outcome.BACK and self.position > 0:
            self.position -= 1
        else:
            self.ended = True
        return self.step

    def switch(self, business: Business, store: Store | None = None) -> None:
        """Go on as `business` instead, at the same step (the key's check suggested it, or a
        renewal found the unit changed). A draft made so far is discarded: its business is
        fixed; what was typed is carried over into the new one."""
        step = self.step
        form = None
        if self.order_id is not None and store is not None:
            form = store.orders.get(self.order_id).form
            store.orders.discard_draft(self.order_id)
        self.order_id = None
        self.business, self.steps = business, business.steps
        self.position = business.steps.index(step) if step in business.steps else 0
        if form and store is not None:
            self.draft(store)
            assert self.order_id is not None
            store.orders.update_draft(self.order_id, form=form)  # the new draft has the key's serial already

    def draft(self, store: Store) -> str:
        """The order this journey builds: created on first need, owned by the signed-in
        subscriber. Raises RuntimeError before sign-in (an order always has its owner)."""
        if self.subscriber is None:
            raise RuntimeError("no order before the subscriber is signed in")
        if self.order_id is None:
            self.order_id = store.orders.create(
                self.business.code, token_serial=self.token_serial, redirect_of=self.redirect_of
            ).id
            store.orders.set_owner(self.order_id, self.subscriber.owner)
        return self.order_id
