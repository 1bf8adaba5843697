"""What a business asks of the subscriber, read from the business table: the documents to
bring (stamped), the steps, whether the key goes in the slot, the fee rule, and what needs
the network. The flows themselves start from here (issues 8 and 9)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll

from kiosk.core.domain.businesses import Business
from kiosk.core.domain.documents import DOCUMENTS
from kiosk.core.domain.fees import fee_summary
from kiosk.core.domain.status import NEXT_ACTIONS, STATUS_TITLES
from kiosk.core.domain.steps import STEPS, Connectivity
from kiosk.core.i18n import Listing, Text
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine


class GuideScreen(KioskScreen):
    """A titled page of text with a way home."""

    def heading(self) -> str:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def start_label(self) -> Text | None:
        """The button that starts what the page explains; None when the kiosk cannot yet."""
        return None

    def start(self) -> None:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Horizontal(id="masthead"):
            yield Static(self.heading(), id="title")
        with VerticalScroll(id="guide"):
            yield from self.body()
        with Horizontal(id="actions"):
            label = self.start_label()
            if label is not None:
                yield Button(self.t(label), id="start", variant="success")
            yield Button(self.t(Text("返回首页")), id="back", variant="primary")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        if self.start_label() is not None:
            self.query_one("#start", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "back":
            self.dismiss()
        elif event.button.id == "start":
            self.start()


class BusinessGuideScreen(GuideScreen):
    def __init__(self, business: Business, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.business = business

    def heading(self) -> str:
        return f"{self.t(self.business.title)} · {self.t(self.business.summary)}"

    def start_label(self) -> Text | None:
        return Text("开始办理") if self.kiosk.can_start(self.business) else None

    def start(self) -> None:
        self.kiosk.start_business(self.business)

    def body(self) -> ComposeResult:
        t, business = self.t, self.business
        if business.prerequisite_note:
            yield Static(t(business.prerequisite_note), classes="warning")
        # The CA's catalog may ask for more documents, and fixes the fees: say what it says.
        runtime = self.kiosk.runtime
        catalog = runtime.catalog() if runtime is not None else None
        documents = (
            catalog.documents_for(business.code, business.documents) if catalog else business.documents
        )
        yield Static(t(Text("请准备以下资料（所有复印件一律加盖单位公章）：")), classes="section")
        for number, kind in enumerate(documents, start=1):
            spec = DOCUMENTS[kind]
            where = Text("本机打印") if spec.printed_by_kiosk else Text("自带")
            line = Text(
                "{number}. {title}（{where}）— {hint}",
                number=number,
                title=spec.title,
                where=where,
                hint=spec.hint,
            )
            yield Static(t(line), classes="item")
        if business.needs_token:
            yield Static(
                t(Text("请携带要办理的数字证书（USB Key），办理时插入读卡口，完成前请勿拔出")),
                classes="section",
            )
        yield Static(t(Text("办理步骤：")), classes="section")
        yield Static(" → ".join(t(STEPS[step].title) for step in business.steps), classes="item")
        if business.steps_after_approval:
            after = " → ".join(t(STEPS[step].title) for step in business.steps_after_approval)
            yield Static(t(Text("审核通过后（一般1个工作日）：{steps}", steps=after)), classes="item")
        yield Static(t(Text("费用：{rule}", rule=fee_summary(business, catalog))), classes="section")
        online = [STEPS[step] for step in (*business.steps, *business.steps_after_approval)]
        needs_network = [spec.title for spec in online if spec.connectivity is Connectivity.ONLINE]
        yield Static(
            t(Text("网络中断时：可以填写、打印、拍摄并提交，订单保存在本机，联网后自动上传")),
            classes="section",
        )
        if needs_network:
            yield Static(t(Text("需要联网的步骤：{steps}", steps=Listing(needs_network))), classes="item")
        yield Static(t(Text("登录需要短信验证码；网络中断时，请大厅工作人员当面核验身份")), classes="item")


class OrderQueryGuideScreen(GuideScreen):
    def heading(self) -> str:
        return self.t(Text("订单查询"))

    def start_label(self) -> Text | None:
        return Text("登录查询")

    def start(self) -> None:
        self.kiosk.start_order_query()

    def body(self) -> ComposeResult:
        yield Static(self.t(Text("登录后可查询本人的全部订单，并继续办理下一步：")), classes="section")
        for status, action in NEXT_ACTIONS.items():
            yield Static(f"{self.t(STATUS_TITLES[status])}：{self.t(action)}", classes="item")
