"""The steps a business is made of; the seven businesses share them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.i18n import Text


class Step(StrEnum):
    SIGN_IN = "sign_in"
    INSERT_TOKEN = "insert_token"
    SELECT_ORDER = "select_order"
    SELECT_CERTIFICATE = "select_certificate"
    SELECT_PROJECT = "select_project"
    ENTER_INFO = "enter_info"
    REVIEW = "review"
    PRINT_FORMS = "print_forms"
    CAPTURE_DOCUMENTS = "capture_documents"
    SUBMIT = "submit"
    RECEIPT = "receipt"
    # Steps taken when the subscriber comes back after approval (订单查询 resumes them).
    PAY = "pay"
    DOWNLOAD_CERT = "download_cert"
    UNLOCK_TOKEN = "unlock_token"


class Connectivity(StrEnum):
    """What a step needs from the CA backend."""

    LOCAL = "local"  # works with no network at all
    QUEUED = "queued"  # works offline: the result waits in the outbox
    STAFF_FALLBACK = "staff_fallback"  # online normally; offline, hall staff stand in
    ONLINE = "online"  # cannot be done without the backend


@dataclass(frozen=True)
class StepSpec:
    step: Step
    title: Text
    connectivity: Connectivity
    offline_note: Text | None = None  # what the screen says when the backend is unreachable

    @property
    def needs_backend(self) -> bool:
        return self.connectivity is Connectivity.ONLINE


STEPS: dict[Step, StepSpec] = {
    spec.step: spec
    for spec in (
        StepSpec(
            Step.SIGN_IN,
            Text("登录"),
            Connectivity.STAFF_FALLBACK,
            Text("网络不通，无法发送短信验证码：请联系大厅工作人员当面核验身份"),
        ),
        StepSpec(Step.INSERT_TOKEN, Text("插入证书"), Connectivity.LOCAL),
        StepSpec(
            Step.SELECT_ORDER,
            Text("选择订单"),
            Connectivity.ONLINE,
            Text("网络不通，只能选择在本机办理的订单"),
        ),
        StepSpec(
            Step.SELECT_CERTIFICATE,
            Text("选择证书"),
            Connectivity.ONLINE,
            Text("网络不通，暂时无法查询该单位的证书，请稍后再办理"),
        ),
        StepSpec(Step.SELECT_PROJECT, Text("项目选择"), Connectivity.LOCAL),
        StepSpec(Step.ENTER_INFO, Text("录入信息"), Connectivity.LOCAL),
        StepSpec(Step.REVIEW, Text("核对信息"), Connectivity.LOCAL),
        StepSpec(Step.PRINT_FORMS, Text("打印表格"), Connectivity.LOCAL),
        StepSpec(Step.CAPTURE_DOCUMENTS, Text("拍摄资料"), Connectivity.LOCAL),
        StepSpec(
            Step.SUBMIT,
            Text("提交"),
            Connectivity.QUEUED,
            Text("网络不通：订单已保存在本机，联网后自动提交，不会丢失"),
        ),
        StepSpec(Step.RECEIPT, Text("打印回执"), Connectivity.LOCAL),
        StepSpec(
            Step.PAY,
            Text("付款"),
            Connectivity.ONLINE,
            Text("网络不通，暂时无法付款，请稍后在“订单查询”中付款"),
        ),
        StepSpec(
            Step.DOWNLOAD_CERT,
            Text("下载证书"),
            Connectivity.ONLINE,
            Text("网络不通，暂时无法下载证书，请稍后在“订单查询”中下载"),
        ),
        StepSpec(
            Step.UNLOCK_TOKEN,
            Text("解锁"),
            Connectivity.ONLINE,
            Text("网络不通，暂时无法解锁，请稍后在“订单查询”中解锁"),
        ),
    )
}
