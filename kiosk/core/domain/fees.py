"""How much a business costs: the business's fee rule applied to the catalog's prices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.core.domain.businesses import Business, FeeRule
from kiosk.core.domain.catalog import Catalog
from kiosk.core.i18n import Text


@dataclass(frozen=True)
class FeeLine:
    label: Text | str
    amount_fen: int


@dataclass(frozen=True)
class Quote:
    lines: tuple[FeeLine, ...]

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def costs_money(self) -> bool:
        return self.total_fen > 0


def format_yuan(amount_fen: int) -> str:
    """¥580 for whole yuan, ¥12.50 otherwise."""
    yuan, fen = divmod(amount_fen, 100)
    return f"¥{yuan}" if fen == 0 else f"¥{yuan}.{fen:02d}"


def quote(business: Business, catalog: Catalog, certificate_types: Sequence[str]) -> Quote:
    """The fee of `business` for these certificate types (those applied for, or on the token).

    Raises KeyError for a certificate type the catalog does not know.
    """
    rule = business.fee_rule
    if rule is FeeRule.RENEWAL_PRICE and not certificate_types:
        certificate_types = catalog.renewal_types  # the key's types are not named: the catalog's
    types = [catalog.certificate_types[code] for code in certificate_types]
    if rule is FeeRule.CERTIFICATE_PRICE:
        lines = [FeeLine(cert.title, cert.price_fen) for cert in types]
    elif rule is FeeRule.RENEWAL_PRICE:
        lines = [FeeLine(cert.title, cert.renewal_fen) for cert in types]
    elif rule is FeeRule.MEDIA_FEE:
        lines = [
            FeeLine(Text("{certificate}：USB介质费", certificate=cert.title), catalog.media_fee_fen)
            for cert in types
        ]
    elif rule is FeeRule.SERVICE_FEE:
        lines = [FeeLine(business.title, catalog.service_fees_fen.get(business.code, 0))]
    else:
        lines = []
    return Quote(tuple(lines))


FEE_RULE_TITLES = {
    FeeRule.CERTIFICATE_PRICE: Text("按所选证书类型收费"),
    FeeRule.RENEWAL_PRICE: Text("按证书类型收取更新费用"),
    FeeRule.MEDIA_FEE: Text("只收取USB介质费用"),
    FeeRule.SERVICE_FEE: Text("按目录收取服务费"),
    FeeRule.FREE: Text("免费"),
}


def fee_summary(business: Business, catalog: Catalog | None) -> Text:
    """What the business costs, as its guide page says it before anything is chosen: an
    amount where the catalog fixes one, else the rule (a new certificate's depends on the
    certificate types the project asks for). Without the catalog, the rule."""
    rule = business.fee_rule
    if catalog is None or rule in (FeeRule.CERTIFICATE_PRICE, FeeRule.FREE):
        return FEE_RULE_TITLES[rule]
    if rule is FeeRule.MEDIA_FEE:
        return Text("每张证书{amount}（只收取USB介质费用）", amount=format_yuan(catalog.media_fee_fen))
    total = quote(business, catalog, ()).total_fen
    if total == 0:
        return FEE_RULE_TITLES[FeeRule.FREE]
    if rule is FeeRule.RENEWAL_PRICE:
        return Text("{amount}（按证书类型收取更新费用）", amount=format_yuan(total))
    return Text("{amount}（服务费）", amount=format_yuan(total))
