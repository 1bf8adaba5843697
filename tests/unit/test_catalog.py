"""The project catalog: a real tree, the Chongqing bidder rules, and clear errors for a bad file."""

from __future__ import annotations

import copy
import json

import pytest

from kiosk.core.domain.catalog import LEVELS, CatalogError, ProjectSelection, load_catalog, parse_catalog
from kiosk.core.i18n import Bilingual
from kiosk.core.shipped_data import SHIPPED_DATA

CQ_BIDDER = ("cq", "cq-ggzy", "cq-ggzy-web", "cq-ggzy-center", "bidder")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_selection_is_a_real_tree(catalog) -> None:
    assert [r.title for r in catalog.regions] == ["重庆", "四川"]
    chongqing = catalog.regions[0]
    assert [p.title for p in chongqing.children] == ["公共资源交易", "政府采购", "公共基础设施"]
    roles = list(catalog.roles())
    assert len(roles) >= 5
    assert all(len(path) == len(LEVELS) for path, _ in roles)


def test_chongqing_bidder_path_as_in_the_manual(catalog) -> None:
    titles = [node.title for node in catalog.walk(CQ_BIDDER)]
    assert titles == ["重庆", "公共资源交易", "重庆市公共资源交易网", "重庆市公共资源交易中心", "投标人"]
    role = catalog.role(CQ_BIDDER)
    assert "三个证书必须办理" in role.explanation


def test_chongqing_bidder_requires_three_certificates(catalog) -> None:
    selection = catalog.default_selection(CQ_BIDDER)
    assert selection.certificate_types == ("unit_seal", "legal_rep_seal", "bidder_seal")
    assert catalog.check_selection(selection) == []


def test_dropping_a_required_certificate_is_refused(catalog) -> None:
    selection = ProjectSelection(CQ_BIDDER, ("unit_seal", "bidder_seal"))
    assert catalog.check_selection(selection) == ["“法人代表证书带签章”必须办理"]


def test_authorised_bidder_may_be_dropped_when_the_legal_rep_bids(catalog) -> None:
    without_bidder = ("unit_seal", "legal_rep_seal")
    refused = catalog.check_selection(ProjectSelection(CQ_BIDDER, without_bidder))
    assert refused == ["“授权投标人（委托代理人）证书带签章”必须办理（法人代表本人投标吗？如是，可不办理）"]
    in_person = ProjectSelection(CQ_BIDDER, without_bidder, {"legal_rep_bids_in_person": True})
    assert catalog.check_selection(in_person) == []
    assert (
        catalog.default_selection(CQ_BIDDER, {"legal_rep_bids_in_person": True}).certificate_types
        == without_bidder
    )


def test_cost_engineer_certificate_is_optional(catalog) -> None:
    chosen = ("unit_seal", "legal_rep_seal", "bidder_seal", "cost_engineer_seal")
    assert catalog.check_selection(ProjectSelection(CQ_BIDDER, chosen)) == []


def test_certificate_not_offered_to_the_role(catalog) -> None:
    selection = ProjectSelection(
        CQ_BIDDER, ("unit_seal", "legal_rep_seal", "bidder_seal", "unit_procurement")
    )
    assert catalog.check_selection(selection) == ["“政府采购单位证书带签章”不属于“投标人”可办理的证书"]


def test_incomplete_path_and_empty_choice(catalog) -> None:
    assert catalog.check_selection(ProjectSelection(("cq", "cq-ggzy"), ("unit_seal",))) == [
        "请选择完整的项目：区域、平台、项目大类、子项目和市场主体"
    ]
    tenderer = ("cq", "cq-ggzy", "cq-ggzy-web", "cq-ggzy-center", "tenderer")
    assert "请至少选择一种证书" in catalog.check_selection(ProjectSelection(tenderer, ()))


def test_selection_round_trips_through_json(catalog) -> None:
    selection = catalog.default_selection(CQ_BIDDER, {"legal_rep_bids_in_person": True})
    assert ProjectSelection.from_json(json.loads(json.dumps(selection.to_json()))) == selection


@pytest.mark.parametrize(
    ("damage", "complaint"),
    [
        (lambda raw: raw["certificate_types"][0].pop("price_fen"), "'price_fen' must be a whole number"),
        (
            lambda raw: raw["regions"][0]["platforms"][0]["categories"][0]["subprojects"][0]["roles"][0][
                "certificates"
            ][0].update(type="nope"),
            "unknown certificate type 'nope'",
        ),
        (lambda raw: raw["regions"].append(copy.deepcopy(raw["regions"][0])), "codes repeat"),
        (
            lambda raw: raw["regions"][0]["platforms"][0]["categories"][0]["subprojects"][0]["roles"][0][
                "certificates"
            ][2].update(unless="maybe"),
            "unknown condition 'maybe'",
        ),
        (lambda raw: raw.update(regions=[]), "'regions' must be a non-empty list"),
    ],
)
def test_bad_catalog_names_the_problem(damage, complaint) -> None:
    raw = json.loads((SHIPPED_DATA / "catalog.json").read_text(encoding="utf-8"))
    damage(raw)
    with pytest.raises(CatalogError, match=complaint):
        parse_catalog(raw)


def test_unreadable_catalog(tmp_path) -> None:
    broken = tmp_path / "catalog.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot read the catalog"):
        load_catalog(broken)


def test_every_text_of_the_shipped_catalog_has_english() -> None:
    catalog = load_catalog()
    texts: list[object] = [kind.title for kind in catalog.certificate_types.values()]
    for _, role in catalog.roles():
        texts += [role.explanation, *(condition.question for condition in role.conditions)]
    stack = list(catalog.regions)
    while stack:
        node = stack.pop()
        texts += [node.title, *([node.note] if node.note else [])]
        stack += node.children
    untranslated = [
        str(text) for text in texts if not isinstance(text, Bilingual) or text.english == str(text)
    ]
    assert len(texts) > 30 and untranslated == []
