"""How often a sign-in may be tried: per account name and per client address.

Five attempts for one name, twenty from one address, then each further attempt locks that name
(or address) for a minute, doubled per attempt up to fifteen minutes; an hour without attempts
starts the count again, and a right password starts its account's count again. A locked attempt
is refused before any password hash is computed. The counts live in the warehouse
(`loaders.principals`), so every server process sees the same ones, and are kept under keyed
digests: no typed name (someone may type their password there) and no address is stored.

Addresses are counted per IPv6 /64 (what one client usually holds) and per IPv4 address; behind
a reverse proxy, uvicorn must trust it (`FORWARDED_ALLOW_IPS`) so the client's own address is
counted.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request

from loaders.principals import AttemptLimit

ACCOUNT = AttemptLimit(
    free=5,
    first_lock=timedelta(minutes=1),
    max_lock=timedelta(minutes=15),
    quiet=timedelta(hours=1),
)
ADDRESS = AttemptLimit(
    free=20,
    first_lock=timedelta(minutes=1),
    max_lock=timedelta(minutes=15),
    quiet=timedelta(hours=1),
)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class AttemptKeys:
    account: str
    address: str

    @property
    def limits(self) -> dict[str, AttemptLimit]:
        return {self.account: ACCOUNT, self.address: ADDRESS}


def _digest(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str:
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def keys_of(request: Request, secret: str, name: str) -> AttemptKeys:
    account = unicodedata.normalize("NFC", name.strip()).casefold()
    return AttemptKeys(
        account=_digest(secret, f"sign-in account:{account}"),
        address=_digest(secret, f"sign-in address:{client_address(request)}"),
    )


def wait_seconds(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def message(until: datetime, now: datetime) -> str:
    """What a person reads: until when, in Vietnam's time, and roughly how long."""
    minutes = max(1, math.ceil(wait_seconds(until, now) / 60))
    at = until.astimezone(LOCAL_TZ).strftime("%H:%M:%S")
    return (
        f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {at} (khoảng {minutes} phút nữa). "
        "Nếu bạn quên mật khẩu, hãy nhờ quản trị viên đặt lại."
    )
