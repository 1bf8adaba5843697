"""Orders over real HTTP: permanent UUID dedupe (also under concurrent re-sends), visibility,
attachments, submission, review with reasons, resubmission, events, notifications, shipping,
self-pickup and redirection."""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from support.backend import Hub, form_for, image_bytes, new_order_body

from kiosk.core.domain.businesses import BusinessCode, Section
from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES
from kiosk.core.domain.forms import DELIVERY_PICKUP


def test_an_order_is_created_once_however_often_it_is_sent(hub: Hub) -> None:
    body = new_order_body(BusinessCode.NEW)
    with hub.client() as client:
        first = client.post("/v1/orders", json=body)
        again = client.post("/v1/orders", json=body)
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["order"] == first.json()["order"]
    assert first.json()["order"]["status"] == "draft"
    assert first.json()["order"]["fee_fen"] > 0


def test_concurrent_re_sends_make_one_order(hub: Hub) -> None:
    body = new_order_body(BusinessCode.REISSUE)

    def send(_: int) -> tuple[int, bool]:
        with hub.client() as client:
            answer = client.post("/v1/orders", json=body)
            return answer.status_code, answer.json()["created"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(16)))
    assert sorted(results).count((201, True)) == 1
    assert results.count((200, False)) == 15
    with hub.backend.db.connect() as conn:
        assert conn.execute("select count(*) from orders").fetchone()[0] == 1


def test_another_subscribers_order_answers_404(hub: Hub) -> None:
    alice, bob = hub.sign_in("13800000001"), hub.sign_in("13800000002")
    body = new_order_body(BusinessCode.NEW)
    with hub.client(subscriber=alice) as client:
        assert client.post("/v1/orders", json=body).status_code == 201
        assert client.get(f"/v1/orders/{body['order_id']}").status_code == 200
        assert [o["order_id"] for o in client.get("/v1/orders").json()["orders"]] == [body["order_id"]]
    with hub.client(subscriber=bob) as client:
        assert client.get(f"/v1/orders/{body['order_id']}").status_code == 404
        assert client.get(f"/v1/orders/{body['order_id']}/events").status_code == 404
        assert client.get("/v1/orders").json()["orders"] == []
        # Re-sending Alice's UUID does not reveal or touch her order.
        assert client.post("/v1/orders", json=body).status_code == 409
    with hub.client(hub.backend.devices.enroll("hall-02")) as client:  # another kiosk
        assert client.get(f"/v1/orders/{body['order_id']}").status_code == 404
        assert client.get("/v1/orders").json()["orders"] == []
    with hub.client() as client:  # the kiosk that took it, following it for its sync
        assert client.get(f"/v1/orders/{body['order_id']}").status_code == 200


def test_an_order_sent_after_the_session_names_its_owner(hub: Hub) -> None:
    """The outbox sends with the device's credentials only; the claim puts the order in the
    subscriber's account, which signing in later shows."""
    sent_by_sms = new_order_body(BusinessCode.NEW, subscriber={"phone": "13800000009", "verified_by": "sms"})
    staff_checked = new_order_body(
        BusinessCode.REISSUE, subscriber={"phone": "13800000009", "verified_by": "staff", "staff_id": "S01"}
    )
    with hub.client() as client:
        for body in (sent_by_sms, staff_checked):
            assert client.post("/v1/orders", json=body).status_code == 201
        notes = [
            event["note"]
            for event in client.get(f"/v1/orders/{staff_checked['order_id']}/events").json()["events"]
        ]
        assert notes == ["订单已接收（工作人员S01现场核验身份）"]
    token = hub.sign_in("13800000009")
    with hub.client(subscriber=token) as client:
        listed = {order["order_id"] for order in client.get("/v1/orders").json()["orders"]}
        assert listed == {sent_by_sms["order_id"], staff_checked["order_id"]}
    with hub.client(subscriber=hub.sign_in("13800000008")) as client:
        assert client.get("/v1/orders").json()["orders"] == []
        assert client.get(f"/v1/orders/{sent_by_sms['order_id']}").status_code == 404


def test_an_expired_session_answers_401(hub: Hub) -> None:
    with hub.client(subscriber="not-a-session") as client:
        answer = client.get("/v1/orders")
    assert answer.status_code == 401
    assert answer.json()["message"] == "登录已过期，请重新登录"


@pytest.mark.parametrize("kind", ["jpg", "png", "bmp", "gif"])
def test_each_accepted_image_format_is_stored(hub: Hub, kind: str) -> None:
    body = new_order_body(BusinessCode.NEW)
    data = image_bytes(kind)
    with hub.client() as client:
        client.post("/v1/orders", json=body)
        answer = client.put(
            f"/v1/orders/{body['order_id']}/attachments/handler_id",
            content=data,
            headers={"X-Content-Sha256": hashlib.sha256(data).hexdigest()},
        )
        assert answer.status_code == 200, answer.text
        receipt = answer.json()
        assert receipt["stored"] is True
        assert receipt["media_type"] == {"jpg": "image/jpeg"}.get(kind, f"image/{kind}")
        again = client.put(f"/v1/orders/{body['order_id']}/attachments/handler_id", content=data)
        assert again.json()["stored"] is False  # the same bytes again: nothing to do
    assert hub.backend.intake.read_attachment(receipt["sha256"]) == data
    stored = (hub.backend.settings.attachments_dir / receipt["sha256"]).read_bytes()
    assert data[:64] not in stored  # sealed at rest


def test_a_file_is_known_by_its_bytes_not_its_name(hub: Hub) -> None:
    body = new_order_body(BusinessCode.NEW)
    with hub.client() as client:
        client.post("/v1/orders", json=body)
        png_called_jpg = client.put(
            f"/v1/orders/{body['order_id']}/attachments/legal_rep_id",
            content=image_bytes("png"),
            headers={"Content-Type": "image/jpeg", "Content-Disposition": 'attachment; filename="id.jpg"'},
        )
        assert png_called_jpg.json()["media_type"] == "image/png"
        pdf_called_png = client.put(
            f"/v1/orders/{body['order_id']}/attachments/legal_rep_id",
            content=b"%PDF-1.4\n...",
            headers={"Content-Type": "image/png"},
        )
    assert pdf_called_png.status_code == 422
    assert pdf_called_png.json()["message"] == "只接受jpg、jpeg、bmp、gif、png格式的图片"
    assert pdf_called_png.json()["message_en"] == "Only jpg, jpeg, bmp, gif and png images are accepted"


def test_attachment_size_and_checksum_limits(hub: Hub) -> None:
    body = new_order_body(BusinessCode.NEW)
    jpeg = image_bytes("jpg")
    exactly = jpeg + b"\0" * (MAX_DOCUMENT_BYTES - len(jpeg))
    with hub.client() as client:
        client.post("/v1/orders", json=body)
        url = f"/v1/orders/{body['order_id']}/attachments/business_licence"
        assert client.put(url, content=exactly).status_code == 200
        over = client.put(url, content=exactly + b"\0")
        assert over.status_code == 422
        assert over.json()["message"] == "图片超过3MB，请重新拍摄或压缩后上传"
        wrong = client.put(url, content=jpeg, headers={"X-Content-Sha256": "0" * 64})
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "sha256_mismatch"
        empty = client.put(url, content=b"")
        assert empty.status_code == 422
        unknown_kind = client.put(f"/v1/orders/{body['order_id']}/attachments/selfie", content=jpeg)
        assert unknown_kind.status_code == 422


def test_submitting_an_incomplete_order_lists_what_is_missing(hub: Hub) -> None:
    body = new_order_body(
        BusinessCode.NEW, form=form_for(BusinessCode.NEW, unit={"uscc": "91350100M000100Y44"})
    )
    with hub.client() as client:
        client.post("/v1/orders", json=body)
        answer = client.post(f"/v1/orders/{body['order_id']}/submit", json={"revision": 1})
        assert answer.status_code == 422
        problem = answer.json()
        assert problem["message"] == "资料不完整，请按提示补充"
        assert "unit.uscc" in problem["fields"]
        assert problem["fields"]["handler_id"] == "请上传经办人身份证复印件"
        assert problem["fields_en"]["handler_id"].startswith("Please upload")
        assert client.get(f"/v1/orders/{body['order_id']}").json()["status"] == "draft"  # nothing lost


def test_review_reject_resubmit_approve_pay_ship(hub: Hub) -> None:
    reviewer = hub.reviewer()
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_review"
        queue = reviewer.get("/v1/review/orders").json()["orders"]
        assert [o["order_id"] for o in queue] == [order_id]

        rejection = {
            "reason": "营业执照复印件未盖章",
            "fields": {"handler.email": "邮箱无法接收"},
            "documents": {"business_licence": "请加盖公章后重新拍摄"},
        }
        rejected = reviewer.post(
            f"/v1/review/orders/{order_id}/decision", json={"approve": False, "rejection": rejection}
        )
        assert rejected.status_code == 200
        # The first submission again (its answer was lost on the way back): not taken twice.
        retry = client.post(f"/v1/orders/{order_id}/submit", json={"revision": 1}).json()
        assert retry["status"] == "rejected"
        gap = client.post(f"/v1/orders/{order_id}/submit", json={"revision": 3})
        assert gap.status_code == 409 and gap.json()["code"] == "revision_gap"
        view = client.get(f"/v1/orders/{order_id}").json()
        assert view["status"] == "rejected" and view["status_label"] == "审核驳回"
        assert view["rejection"]["documents"] == {"business_licence": "请加盖公章后重新拍摄"}

        form = form_for(BusinessCode.NEW, handler={"email": "li.si@example.cn"})
        assert client.put(f"/v1/orders/{order_id}/form", json={"form": form}).status_code == 200
        new_scan = image_bytes("png")
        assert client.put(f"/v1/orders/{order_id}/attachments/business_licence", content=new_scan).json()[
            "stored"
        ]
        resubmitted = client.post(f"/v1/orders/{order_id}/submit", json={"revision": 2}).json()
        assert resubmitted["status"] == "awaiting_review" and resubmitted["rejection"] is None

        approved = reviewer.post(f"/v1/review/orders/{order_id}/decision", json={"approve": True}).json()
        assert approved["status"] == "awaiting_payment"
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
        assert payment["amount_fen"] == approved["fee_fen"] and payment["status"] == "pending"
        assert payment["code_url"].startswith(hub.server.base_url)
        paid = client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]}).json()
        assert paid["status"] == "paid"
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_shipment"

        hub.backend.fulfilment.ship(order_id, "EMS", "1180000000000")
        done = client.get(f"/v1/orders/{order_id}").json()
        assert done["status"] == "completed"
        assert done["shipment"]["carrier"] == "EMS" and done["shipment"]["tracking_number"] == "1180000000000"
        assert done["shipment"]["address_masked"] == "重庆市渝北区****"

        events = client.get(f"/v1/orders/{order_id}/events").json()["events"]
    assert [e["status"] for e in events] == [
        "draft",
        "awaiting_review",
        "rejected",
        "awaiting_review",
        "awaiting_payment",
        "awaiting_shipment",
        "completed",
    ]
    assert "营业执照复印件未盖章" in events[2]["note"]
    texts = [note["text"] for note in hub.backend.orders.notifications()]
    assert any("审核驳回" in text for text in texts) and any("EMS" in text for text in texts)
    assert all("13600000000" not in note["recipient"] for note in hub.backend.orders.notifications())


def test_an_illegal_move_is_refused_with_the_states(hub: Hub) -> None:
    reviewer = hub.reviewer()
    body = new_order_body(BusinessCode.NEW)
    with hub.client() as client:
        client.post("/v1/orders", json=body)
    answer = reviewer.post(f"/v1/review/orders/{body['order_id']}/decision", json={"approve": True})
    assert answer.status_code == 409
    assert answer.json()["message"] == "订单状态不能从“草稿”变为“待付款”"


def test_a_rejection_needs_a_reason(hub: Hub) -> None:
    reviewer = hub.reviewer()
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
    answer = reviewer.post(f"/v1/review/orders/{order_id}/decision", json={"approve": False})
    assert answer.status_code == 422
    assert answer.json()["message"] == "驳回须写明原因"
    with hub.anonymous() as anonymous:
        assert anonymous.get("/v1/review/orders").status_code == 401


def test_self_pickup_and_redirect_to_mail(hub: Hub) -> None:
    reviewer = hub.reviewer()
    pickup_form = form_for(BusinessCode.REISSUE, delivery={"method": DELIVERY_PICKUP})
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.REISSUE, form=pickup_form)
        reviewer.post(f"/v1/review/orders/{order_id}/decision", json={"approve": True})
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
        client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]})
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_shipment"

        # 改派: self-pickup becomes mail to a new address; redirection is free.
        new_address = {
            "method": "mail",
            "recipient": "王五",
            "phone": "13700000000",
            "address": "四川省成都市高新区天府大道2号",
        }
        redirect_form = form_for(
            BusinessCode.REDIRECT, delivery=new_address, redirect_reason={"reason": "pickup_to_mail"}
        )
        redirect_id = hub.submitted_order(
            client, BusinessCode.REDIRECT, form=redirect_form, redirect_of=order_id
        )
        done = reviewer.post(f"/v1/review/orders/{redirect_id}/decision", json={"approve": True}).json()
        assert done["status"] == "completed" and done["fee_fen"] == 0
        target = client.get(f"/v1/orders/{order_id}").json()
        assert target["shipment"]["address_masked"] == "四川省成都市****"
        assert hub.backend.orders.form_of(order_id)["delivery"]["address"] == new_address["address"]
        notes = [e["note"] for e in client.get(f"/v1/orders/{order_id}/events").json()["events"]]
        assert any(note.startswith("改派（pickup_to_mail）") for note in notes)
        hub.backend.fulfilment.ship(order_id, "SF", "SF1234567890")
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "completed"


def test_a_redirect_of_an_unknown_order_answers_404(hub: Hub) -> None:
    body = new_order_body(BusinessCode.REDIRECT, redirect_of=str(uuid.uuid4()))
    with hub.client() as client:
        answer = client.post("/v1/orders", json=body)
    assert answer.status_code == 404
    assert answer.json()["message"] == "没有找到要改派的订单"


def test_pickup_is_refused_for_a_mailed_order(hub: Hub) -> None:
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
    from ca_backend.errors import ApiError

    with pytest.raises(ApiError) as refused:
        hub.backend.fulfilment.hand_over(order_id)
    assert refused.value.message == "该订单不是自提订单"


def test_form_personal_data_is_sealed_at_rest(hub: Hub) -> None:
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
    with hub.backend.db.connect() as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    raw = hub.backend.settings.database.read_bytes()
    for secret in ("11010519491231002X", "13600000000", "金开大道"):
        assert secret.encode() not in raw, secret
    assert hub.backend.orders.form_of(order_id)[Section.HANDLER]["id_number"] == "11010519491231002X"


def paid_order(hub: Hub, client, code: BusinessCode, **extra) -> str:
    order_id = hub.submitted_order(client, code, **extra)
    hub.backend.review.approve(order_id, "test")
    payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
    client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]})
    return order_id


def test_self_pickup_completes_at_the_hall(hub: Hub) -> None:
    pickup_form = form_for(BusinessCode.NEW, delivery={"method": DELIVERY_PICKUP})
    with hub.client() as client:
        order_id = paid_order(hub, client, BusinessCode.NEW, form=pickup_form)
        hub.backend.fulfilment.hand_over(order_id)
        view = client.get(f"/v1/orders/{order_id}").json()
    assert view["status"] == "completed"
    assert view["shipment"]["method"] == "pickup"


def test_a_returned_parcel_is_sent_again(hub: Hub) -> None:
    with hub.client() as client:
        order_id = paid_order(hub, client, BusinessCode.NEW)
        hub.backend.fulfilment.ship(order_id, "EMS", "1180000000002")
        # The parcel came back (nobody at the address): 改派, reason "returned".
        new_address = {
            "method": "mail",
            "recipient": "李四",
            "phone": "13600000000",
            "address": "重庆市江北区观音桥步行街8号",
        }
        form = form_for(BusinessCode.REDIRECT, delivery=new_address, redirect_reason={"reason": "returned"})
        redirect_id = hub.submitted_order(client, BusinessCode.REDIRECT, form=form, redirect_of=order_id)
        hub.backend.review.approve(redirect_id, "test")
        waiting = client.get(f"/v1/orders/{order_id}").json()
        assert waiting["shipment"]["tracking_number"] is None
        assert waiting["shipment"]["address_masked"] == "重庆市江北区****"
        hub.backend.fulfilment.ship(order_id, "SF", "SF0000000003")
        again = client.get(f"/v1/orders/{order_id}").json()
    assert again["status"] == "completed"
    assert again["shipment"]["tracking_number"] == "SF0000000003"
