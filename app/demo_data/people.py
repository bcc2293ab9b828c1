"""People: the extra engineer accounts and the name pools contacts are drawn from."""

from __future__ import annotations

# username, given name (名, first_name), family name (姓, last_name), preferred language.
# Same shape as app.demo.DemoAccount; all are Engineer-role staff with the demo password.
EXTRA_ENGINEERS: list[tuple[str, str, str, str]] = [
    ("engineer4", "芳", "黄", "zh"),
    ("engineer5", "磊", "杨", "zh"),
    ("engineer6", "敏", "何", "zh"),
    ("engineer7", "志强", "林", "zh"),
    ("engineer8", "秀英", "郭", "zh"),
    ("engineer9", "浩然", "马", "zh"),
    ("engineer10", "Ryan", "Lam", "en"),
]

# Family names (姓) and given names (名) with their pinyin, for contact names and e-mail addresses.
SURNAMES: list[tuple[str, str]] = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("罗", "luo"), ("高", "gao"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
]  # fmt: skip
GIVEN_NAMES: list[tuple[str, str]] = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
    ("军", "jun"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("秀英", "xiuying"),
    ("志强", "zhiqiang"), ("海燕", "haiyan"), ("建华", "jianhua"), ("晓东", "xiaodong"),
    ("丽娟", "lijuan"), ("文博", "wenbo"), ("思远", "siyuan"), ("雨婷", "yuting"), ("子轩", "zixuan"),
    ("嘉怡", "jiayi"), ("国庆", "guoqing"), ("红梅", "hongmei"), ("宏伟", "hongwei"),
]  # fmt: skip
ENGLISH_NAMES: list[tuple[str, str]] = [
    ("Michael", "Brown"), ("Sarah", "Miller"), ("Daniel", "Wright"), ("Laura", "Fischer"),
    ("James", "Lee"), ("Olivia", "Martin"), ("Kevin", "Ho"), ("Grace", "Lam"), ("Peter", "Wong"),
    ("Sophie", "Leung"),
]  # fmt: skip

JOB_TITLES_ZH = [
    "信息中心主任", "IT主管", "网络管理员", "系统管理员", "设备科工程师",
    "行政主管", "采购专员", "运维工程师", "总务科科长", "信息科科长",
]  # fmt: skip
JOB_TITLES_EN = ["IT Manager", "Facilities Manager", "Office Manager", "IT Support Lead", "Procurement Officer"]
