"""The scenarios every installation starts with: three Vietnamese audiences of rising difficulty.

Their texts are content (what the simulated buyers say, in Vietnamese), not interface strings:
they are stored as written, whatever the language of the page that seeds them.

:func:`scenario_seed_defaults` creates them once (by title; idempotent) and never touches
one an instructor has since edited. Each is checked by ``scenario_problems`` like any
scenario authored in the admin.

* **Dễ — Buổi live đầu tiên**: two friendly buyers ask the price and the shipping, one
  orders. Expectations: answer within 60 s, accept the order.
* **Vừa — Khách hỏi nhiều, chốt nhiều**: four personas, questions typed without
  diacritics, two products, a hesitant buyer who changes her quantity, a pin expected.
* **Khó — Sỉ, khách khó tính và kẻ phá rối**: six personas including a troll (insult at
  2:00, to be muted or deleted within 30 s), a wholesale buyer, an unhappy customer, a
  flash-sale purchase at 3:00, a busy chat.
"""

from __future__ import annotations

from django.db import transaction

from practice_market.models import Beat, Persona, Scenario
from practice_market.scenarios import scenario_problems

C, ORD, INS, S = Beat.Action.COMMENT, Beat.Action.ORDER, Beat.Action.INSULT, Beat.Action.SALE_BUY
ANSWER, PIN, ACCEPT, MODERATE, NONE = (
    Beat.Expect.ANSWER,
    Beat.Expect.PIN,
    Beat.Expect.ACCEPT,
    Beat.Expect.MODERATE,
    Beat.Expect.NOTHING,
)
M = Persona.Manner
#: what each tuple of a library beat holds, in order
_BEAT_FIELDS = ("at_seconds", "persona_key", "action", "text", "expect", "expect_within_seconds")


def _library() -> list[dict]:
    return [
        {
            "title": "Dễ — Buổi live đầu tiên",
            "description": (
                "Hai khách thân thiện: một người hỏi giá, một người hỏi giao hàng rồi chốt đơn. "
                "Trả lời trong 60 giây và nhận đơn."
            ),
            "difficulty": Scenario.Difficulty.EASY,
            "no_diacritics_percent": 20,
            "duration_seconds": 180,
            "personas": [
                ("chi-lan", "Chị Lan Cầu Giấy", M.ASKS_PRICE),
                ("anh-tuan", "Anh Tuấn Hà Đông", M.ASKS_SHIPPING),
            ],
            "beats": [
                (10, "chi-lan", C, "Chào shop, em mới vào ạ", NONE, 60),
                (40, "chi-lan", C, "{code} giá bao nhiêu ạ?", ANSWER, 60),
                (70, "anh-tuan", C, "Shop có ship về Hà Đông không ạ? Mấy ngày thì tới?", ANSWER, 60),
                (100, "chi-lan", ORD, "chốt {code} 2", ACCEPT, 120),
                (140, "anh-tuan", C, "{name} dùng được bao lâu vậy shop?", ANSWER, 60),
            ],
        },
        {
            "title": "Vừa — Khách hỏi nhiều, chốt nhiều",
            "description": (
                "Bốn khách hỏi dồn dập, nhiều người gõ không dấu, hai sản phẩm. Ghim sản phẩm được hỏi, "
                "trả lời kịp và nhận đúng đơn, kể cả khi khách đổi số lượng."
            ),
            "difficulty": Scenario.Difficulty.MEDIUM,
            "no_diacritics_percent": 40,
            "duration_seconds": 240,
            "personas": [
                ("co-hoa", "Cô Hoa Long Biên", M.ASKS_PRICE),
                ("ban-minh", "Minh Thanh Xuân", M.ASKS_SHIPPING),
                ("chi-thu", "Chị Thu Gia Lâm", M.HESITANT),
                ("anh-duc", "Anh Đức Đông Anh", M.ASKS_PRICE),
            ],
            "beats": [
                (15, "co-hoa", C, "Shop cho cô xem {name} gần hơn được không?", PIN, 45),
                (40, "anh-duc", C, "{code} giá bao nhiêu ạ?", ANSWER, 60),
                (55, "ban-minh", C, "Ship về Thanh Xuân mất bao lâu shop ơi?", ANSWER, 60),
                (70, "co-hoa", ORD, "chốt {code} 1", ACCEPT, 120),
                (90, "chi-thu", C, "{code2} với {code} cái nào ngon hơn ạ?", ANSWER, 60),
                (110, "anh-duc", C, "{code2} còn hàng không shop?", PIN, 45),
                (130, "chi-thu", ORD, "em lấy 2 hộp {code2}", ACCEPT, 120),
                (150, "ban-minh", ORD, "chốt {code} 3", ACCEPT, 120),
                (170, "chi-thu", ORD, "à thôi em lấy 3 {code2} nha", ACCEPT, 120),
                (200, "anh-duc", C, "Giá {price} đã gồm phí ship chưa ạ?", ANSWER, 60),
            ],
        },
        {
            "title": "Khó — Sỉ, khách khó tính và kẻ phá rối",
            "description": (
                "Sáu khách: một khách sỉ, một khách không hài lòng, một kẻ phá rối lúc 2:00 (tắt tiếng hoặc xoá "
                "trong 30 giây), flash sale lúc 3:00, chat dồn dập và nửa số bình luận gõ không dấu."
            ),
            "difficulty": Scenario.Difficulty.HARD,
            "no_diacritics_percent": 50,
            "duration_seconds": 300,
            "personas": [
                ("chi-mai", "Chị Mai Hoàng Mai", M.ASKS_PRICE),
                ("anh-si", "Anh Sĩ đại lý Bắc Ninh", M.WHOLESALE),
                ("co-nga", "Cô Nga Ba Đình", M.UNHAPPY),
                ("em-vy", "Vy Cầu Giấy", M.HESITANT),
                ("bac-ha", "Bác Hà Sóc Sơn", M.ASKS_SHIPPING),
                ("phaxxx", "Hùng phá đám", M.TROLL),
            ],
            "beats": [
                (5, "bac-ha", C, "Chào cháu, bác vào xem đây", NONE, 60),
                (20, "co-nga", C, "Lần trước mua {name} giao chậm cả tuần, lần này có nhanh không?", ANSWER, 60),
                (40, "chi-mai", C, "{code} giá bao nhiêu ạ?", ANSWER, 60),
                (50, "em-vy", C, "Cho em xem {name} với ạ", PIN, 45),
                (70, "chi-mai", ORD, "chốt {code} 2", ACCEPT, 120),
                (80, "anh-si", C, "Lấy sỉ 50 hộp {code} thì giá thế nào shop?", ANSWER, 60),
                (95, "bac-ha", C, "Ship về Sóc Sơn mất mấy ngày cháu?", ANSWER, 60),
                (110, "em-vy", ORD, "em lấy 1 {code2}", ACCEPT, 120),
                (120, "phaxxx", INS, "Hàng dỏm, toàn đồ chợ mà bán giá cắt cổ, đừng ai mua!", MODERATE, 30),
                (130, "co-nga", C, "Sao không ai trả lời tôi vậy?", ANSWER, 60),
                (140, "anh-si", ORD, "chốt {code} 20", ACCEPT, 120),
                (150, "phaxxx", INS, "Shop lừa người ta, bán hàng giả!", MODERATE, 30),
                (165, "em-vy", ORD, "thôi em lấy 2 {code2} nha shop", ACCEPT, 120),
                (180, "chi-mai", S, "2", ACCEPT, 120),
                (182, "em-vy", S, "1", ACCEPT, 120),
                (200, "bac-ha", ORD, "bác lấy 1 {code} nhé", ACCEPT, 120),
                (220, "co-nga", C, "{code2} có giấy chứng nhận OCOP không?", ANSWER, 60),
                (240, "anh-si", C, "Có xuất hoá đơn cho đại lý không shop?", ANSWER, 60),
                (260, "chi-mai", C, "{price} mà được 2 hộp thì hời quá", NONE, 60),
            ],
        },
    ]


@transaction.atomic
def scenario_seed_defaults(*, created_by=None) -> list[Scenario]:
    """Create the default scenarios that do not exist yet (by title); every default scenario, easiest first."""
    result = []
    for spec in _library():
        scenario = Scenario.objects.filter(title=spec["title"]).first()
        if scenario is None:
            beats = [dict(zip(_BEAT_FIELDS, beat, strict=True)) for beat in spec["beats"]]
            problems = scenario_problems(
                personas=[{"key": key} for key, _name, _manner in spec["personas"]],
                beats=beats,
                duration_seconds=spec["duration_seconds"],
            )
            if problems:  # a mistake in this file: say it loudly rather than seed a broken scenario
                raise ValueError(f"default scenario {spec['title']!r}: {problems}")
            scenario = Scenario(
                title=spec["title"],
                description=spec["description"],
                difficulty=spec["difficulty"],
                no_diacritics_percent=spec["no_diacritics_percent"],
                duration_seconds=spec["duration_seconds"],
                is_published=True,
                created_by=created_by,
            )
            scenario.personas = [Persona(key=key, name=name, manner=manner) for key, name, manner in spec["personas"]]
            scenario.beats = [Beat(**beat) for beat in beats]
            scenario.save()
        result.append(scenario)
    return result
