"""What the kiosk holds for the subscriber at the screen now; wiped when they walk away."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store import Store

log = logging.getLogger(__name__)
ORDER_QUERY_VISIT = "order_query"  # counted beside the businesses on the staff dashboard


@dataclass
class Session:
    subscriber_phone: str | None = None  # signed-in mobile (personal: never logged)
    order_id: str | None = None  # the draft being filled in, if any
    scratch: dict[str, object] = field(default_factory=dict)  # screen state worth keeping

    @property
    def is_empty(self) -> bool:
        return self.subscriber_phone is None and self.order_id is None and not self.scratch

    def wipe(self, store: Store | None) -> None:
        """Forget everything; an unsubmitted draft and its images leave the store too.
        A submitted order stays: it is safely queued, and it is the subscriber's."""
        from kiosk.store import StorageFull

        if store is not None and self.order_id is not None:
            try:
                store.orders.discard_draft(self.order_id)
            except StorageFull:  # the subscriber is forgotten all the same; the draft waits
                log.warning("storage full: a draft could not be discarded")
        self.subscriber_phone = None
        self.order_id = None
        self.scratch.clear()
