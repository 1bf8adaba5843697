"""订单查询, walked from a worker: sign-in, the subscriber's orders (kiosk/screens/orders.py),
then whichever action they chose (pay, download, unlock, 改派, fix a rejection, reprint the
receipt), then the list again, read afresh, until they go home. An action that fails is said in
one plain sentence, and the list comes back."""

from __future__ import annotations

from kiosk.core.domain.businesses import BusinessCode, business
from kiosk.core.domain.status import NEXT_ACTIONS
from kiosk.core.i18n import Text
from kiosk.screens.orders import QUERY_TITLE, OrderAction, OrdersScreen
from kiosk.services.journey import Journey, Outcome, SignedIn
from kiosk.ui.journey_runner import Visit, print_receipt, walk

REDIRECT_BUSINESS = BusinessCode.REDIRECT  # what 改派 on a listed order starts


async def query_orders(visit: Visit) -> None:
    from kiosk.screens.sign_in import SignInScreen

    signed: SignedIn | None = await visit.show(SignInScreen(QUERY_TITLE))
    if signed is None:
        return
    visit.kiosk.session.subscriber_phone = signed.owner.phone
    while True:
        try:
            chosen: OrderAction | None = await visit.show(OrdersScreen(signed))
            if chosen is None:
                return
            await _act(visit, signed, chosen)
        except Exception as error:  # the net: the list comes back, or they leave
            if await visit.failed(error, during="order query") is Outcome.LEAVE:
                return


async def _act(visit: Visit, signed: SignedIn, chosen: OrderAction) -> None:
    entry = chosen.entry
    title = business(entry.business).title
    if chosen.action == "pay":
        from kiosk.screens.payment import PaymentScreen

        heading = Text("{business} · 付款", business=title)
        after = NEXT_ACTIONS[business(entry.business).fulfilled_as]
        await visit.show(
            PaymentScreen(heading, entry.order_id, entry.fee_fen, signed.session_token, after=after)
        )
    elif chosen.action == "download":
        from kiosk.screens.download import DownloadScreen

        heading = Text("{business} · 下载证书", business=title)
        await visit.show(DownloadScreen(heading, entry, signed.session_token))
    elif chosen.action == "unlock":
        from kiosk.screens.unlock import UnlockScreen

        heading = Text("{business} · 解锁", business=title)
        await visit.show(UnlockScreen(heading, entry, signed.session_token))
    elif chosen.action == "redirect":
        redirect = business(REDIRECT_BUSINESS)
        await walk(visit, Journey.redirecting(redirect, signed, entry.order_id))
    elif chosen.action == "fix":
        await walk(
            visit, Journey.resubmission(business(entry.business), signed, entry.order_id, entry.rejection)
        )
    else:
        await print_receipt(visit, entry.order_id, Text("{business} · 补打回执", business=title))
