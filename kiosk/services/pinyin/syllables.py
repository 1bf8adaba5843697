"""Pinyin syllables and how typed letters split into them.

Plain data and functions shared by the index's build (which keys each word by its syllables) and
its lookups (which split what was typed into pieces to look up). A piece is a whole syllable
(`chong`), an initial standing for any syllable it begins (`c`, `zh`), or, last of all, the
beginning of a syllable still being typed (`chongq`, `zhangwe`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

# Every syllable of Mandarin as pypinyin writes it in its NORMAL style (no tones, ü as v), as
# found in its readings of U+4E00-U+9FFF, less the interjections written with a lone nasal
# (hm, hng, m, n, ng: pypinyin's readings of 嗯, 呣, 哼 ...; the build reads n and ng as en)
# and ê.
_SYLLABLES = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao
ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die
ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai
gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei
hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu
ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la
lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo long lou lu luan lun luo
lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang
nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa pai
pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing
qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san
sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao
tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie
xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai
zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua
zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES: frozenset[str] = frozenset(_SYLLABLES.split())
# What people also type for a syllable: ü as u after l and n where it cannot be read as u.
TYPED_ALIASES: dict[str, str] = {"lue": "lve", "nue": "nve"}
# Readings the build takes for another syllable (the lone nasals are typed as en).
READING_ALIASES: dict[str, str] = {"n": "en", "ng": "en", "hng": "heng"}
# The consonants a piece may stand for alone, abbreviating a syllable (`cq` for 重庆).
_INITIALS = "b p m f d t n l g k h j q x zh ch sh r z c s y w"
INITIALS: frozenset[str] = frozenset(_INITIALS.split())
SEPARATOR = "'"
LONGEST = max(map(len, SYLLABLES | TYPED_ALIASES.keys()))
# Every beginning of a syllable (a piece still being typed).
_PREFIXES: frozenset[str] = frozenset(
    syllable[:end] for syllable in SYLLABLES | TYPED_ALIASES.keys() for end in range(1, len(syllable) + 1)
)


def initials_of(syllables: list[str] | tuple[str, ...]) -> str:
    """A word's index key of initials: the first letter of each syllable (`cq` for chong qing)."""
    return "".join(syllable[0] for syllable in syllables)


# Syllables that begin a longer one (xian: xiang), so that a last syllable typed in full may
# still be growing.
GROWING: frozenset[str] = frozenset(
    syllable for syllable in SYLLABLES if any(other.startswith(syllable) for other in SYLLABLES - {syllable})
)


class PieceKind(enum.Enum):
    SYLLABLE = "syllable"  # a whole syllable: matches exactly that syllable
    INITIAL = "initial"  # a consonant for any syllable it begins (only these may stand mid-word)
    PARTIAL = "partial"  # the last piece, a syllable still being typed: any syllable it begins


@dataclass(frozen=True)
class Piece:
    letters: str  # the syllable or its beginning, with TYPED_ALIASES applied
    kind: PieceKind
    end: int  # how many of the typed characters it and those before it cover, separators after it included

    @property
    def pattern(self) -> str:
        """This piece as a GLOB pattern over one syllable of a word's key."""
        return self.letters if self.kind is PieceKind.SYLLABLE else self.letters + "*"


@dataclass(frozen=True)
class Segmentation:
    pieces: tuple[Piece, ...]
    abbreviated: int  # pieces before the last that are initials, not whole syllables

    @property
    def complete(self) -> bool:
        return self.pieces[-1].kind is PieceKind.SYLLABLE


def is_typable(letters: str) -> bool:
    return bool(letters) and all("a" <= ch <= "z" or ch == SEPARATOR for ch in letters)


def segmentations(letters: str, *, keep: int = 12) -> list[Segmentation]:
    """The ways to read the typed letters as pieces, best first: fewest initials standing for
    syllables, then fewest pieces, then a last piece that is a whole syllable. A separator ends
    a piece where it stands. At most `keep` of them; none when the letters cannot be read
    (`vvvv`)."""
    if not is_typable(letters):
        return []
    found = _segment(letters, 0, keep)
    return [
        Segmentation(pieces, abbreviated)
        for abbreviated, _count, _incomplete, pieces in found
        if pieces  # separators alone are nothing to look up
    ]


@lru_cache(maxsize=512)
def _segment(letters: str, start: int, keep: int) -> list[tuple[int, int, int, tuple[Piece, ...]]]:
    """The best ways to read letters[start:], as (abbreviated, pieces, incomplete last, pieces)."""
    while start < len(letters) and letters[start] == SEPARATOR:
        start += 1
    if start == len(letters):
        return [(0, 0, 0, ())]
    found: list[tuple[int, int, int, tuple[Piece, ...]]] = []
    for length in range(1, LONGEST + 1):
        stop = start + length
        chunk = letters[start:stop]
        if len(chunk) < length or SEPARATOR in chunk:
            break
        if chunk not in _PREFIXES:
            break  # nothing longer begins with these letters either
        end = stop
        while end < len(letters) and letters[end] == SEPARATOR:
            end += 1
        last = end == len(letters)
        syllable = TYPED_ALIASES.get(chunk, chunk)
        if syllable in SYLLABLES:
            kind = PieceKind.SYLLABLE
        elif chunk in INITIALS or last:
            kind = PieceKind.INITIAL if chunk in INITIALS else PieceKind.PARTIAL
        else:
            continue  # the beginning of a syllable, but not last and no initial: `zho'ng`
        piece = Piece(syllable, kind, end)
        for abbreviated, count, incomplete, rest in _segment(letters, end, keep):
            cost = abbreviated + (kind is not PieceKind.SYLLABLE and not last)
            incomplete_last = incomplete if rest else int(kind is not PieceKind.SYLLABLE)
            found.append((cost, count + 1, incomplete_last, (piece, *rest)))
    found.sort(key=lambda way: way[:3])
    return found[:keep]
