"""The platform's lists the content checks read: forbidden words, wrong official expressions, allowed hosts.

The bureau edits them on the console (/platform/security/words and
/platform/security/hosts). Until it first saves a list, the defaults below
are in effect: they come from what the inspections of government websites
(政府网站抽查) report most often — gambling and fraud spam planted by an
attacker, and the names of the highest bodies and meetings written wrong
(严重表述错误), each with its correct form.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from core.security.models import AllowedHost, SecurityWord
from tenants.provisioning import get_setting

#: PlatformSetting keys: set once the bureau has saved the list (an emptied list then stays empty).
WORDS_SAVED = "security_words_saved"
HOSTS_SAVED = "security_hosts_saved"

DEFAULT_FORBIDDEN = (
    "博彩", "赌场", "网上赌博", "百家乐", "六合彩", "时时彩", "老虎机", "代开发票", "办证刻章", "私服",
    "色情", "裸聊", "代孕", "枪支出售", "迷药",
)
#: (wrong, correct): the way inspections list them.
DEFAULT_WRONG = (
    ("国务院办公室", "国务院办公厅"),
    ("中共中央办公室", "中共中央办公厅"),
    ("全国人大常务委员会", "全国人民代表大会常务委员会（简称“全国人大常委会”）"),
    ("全国人民代表大会常委会", "全国人民代表大会常务委员会（简称“全国人大常委会”）"),
    ("全国人大常委员会", "全国人大常委会"),
    ("国务院常委会", "国务院常务会议"),
    ("第二十届全国代表大会", "第二十次全国代表大会"),
    ("第十九届全国代表大会", "第十九次全国代表大会"),
    ("二十次三中全会", "二十届三中全会"),
    ("十九次四中全会", "十九届四中全会"),
)
#: Hosts a department's items may link to (each with its subdomains), with why.
DEFAULT_HOSTS = (
    ("gov.cn", "政府网站（含中国政府网 www.gov.cn 及各级政府门户）"),
    ("people.com.cn", "人民网"),
    ("xinhuanet.com", "新华网"),
    ("news.cn", "新华网"),
    ("cctv.com", "央视网"),
    ("12377.cn", "中央网信办违法和不良信息举报中心"),
)


@dataclass(frozen=True)
class Phrase:
    phrase: str
    correct: str = ""


@dataclass(frozen=True)
class Host:
    host: str
    note: str = ""


def forbidden_words() -> list[Phrase]:
    """The forbidden words in effect: the bureau's list once saved, the defaults before."""
    if not get_setting(WORDS_SAVED):
        return [Phrase(p) for p in DEFAULT_FORBIDDEN]
    return [Phrase(w.phrase) for w in _words("forbidden")]


def wrong_expressions() -> list[Phrase]:
    """The wrong official expressions in effect, each with its correct form."""
    if not get_setting(WORDS_SAVED):
        return [Phrase(p, c) for p, c in DEFAULT_WRONG]
    return [Phrase(w.phrase, w.correct) for w in _words("wrong")]


def _words(kind: str) -> list[SecurityWord]:
    return list(db.session.execute(select(SecurityWord).where(SecurityWord.kind == kind)
                                   .order_by(SecurityWord.position, SecurityWord.id)).scalars())


def allowed_hosts() -> list[Host]:
    """The outside hosts items may link to, in effect: the bureau's list once saved, the defaults before."""
    if not get_setting(HOSTS_SAVED):
        return [Host(h, n) for h, n in DEFAULT_HOSTS]
    return [Host(h.host, h.note) for h in db.session.execute(
        select(AllowedHost).order_by(AllowedHost.position, AllowedHost.id)).scalars()]


def ascii_host(name: str) -> str | None:
    """A host name as the allow-list and the link check compare it: lower case, no final dot, a name in Chinese
    (or any other script) in its ASCII form ("政府.中国" -> "xn--mxtq1m.xn--fiqs8s"); None when it cannot be one.

    Browsers turn such names into their ASCII form before they look them up, so an item's link to 政府.中国 and
    the bureau's entry xn--mxtq1m.xn--fiqs8s are the same host.
    """
    name = (name or "").strip().lower().rstrip(".")
    if not name or name.isascii():
        return name or None
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def readable_host(name: str) -> str:
    """An ASCII host name as a person reads it: each "xn--" part in its own script ("xn--mxtq1m.xn--fiqs8s" ->
    "政府.中国"); a name that is not such a form is left as it is."""
    if "xn--" not in name:
        return name
    try:
        return name.encode("ascii").decode("idna")
    except UnicodeError:
        return name


def host_allowed(host: str, allowed: list[Host]) -> bool:
    """Whether `host` is an allowed host or a subdomain of one ("www.gov.cn" of "gov.cn"; not "evilgov.cn")."""
    host = host.lower().rstrip(".")
    return any(host == entry.host or host.endswith("." + entry.host) for entry in allowed)


def words_as_text() -> tuple[str, str]:
    """The two word lists as the console's text boxes show them: one entry a line, "wrong => correct"."""
    return ("\n".join(p.phrase for p in forbidden_words()),
            "\n".join(f"{p.phrase} => {p.correct}" for p in wrong_expressions()))


def hosts_as_text() -> str:
    """The allow-list as the console's text box shows it: one host a line (as a person reads it), its note."""
    return "\n".join(f"{readable_host(h.host)} {h.note}".strip() for h in allowed_hosts())
