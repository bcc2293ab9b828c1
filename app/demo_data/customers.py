"""Customers (客户): profile of each demo customer and its sites (站点).

The first twelve codes are the original demo customers (tests and accounts rely on
them); their names stay in ``app.demo.CUSTOMERS``. ``NEW_CUSTOMERS`` are added beside
them. Contacts are drawn from the name pools in ``people.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VIP, GOLD, STANDARD = "VIP", "GOLD", "STANDARD"  # ServiceTier member names


@dataclass(frozen=True)
class SiteSpec:
    name: str
    address: str
    region: str | None = None  # region code; None: the customer's region


@dataclass(frozen=True)
class CustomerProfile:
    code: str
    short_name: str
    industry: str
    region: str
    tier: str
    address: str
    phone: str
    domain: str  # contacts' e-mail domain
    sites: list[SiteSpec] = field(default_factory=list)
    english: bool = False  # an international company: some contacts prefer English
    name: str | None = None  # only for NEW_CUSTOMERS


def _s(name: str, address: str, region: str | None = None) -> SiteSpec:
    return SiteSpec(name, address, region)


PROFILES: list[CustomerProfile] = [
    # --- the original twelve (names in app.demo.CUSTOMERS) ---
    CustomerProfile(
        "C-HZXH", "西湖数码", "科技", "HD", GOLD, "浙江省杭州市西湖区文三路398号", "0571-88236610", "xhdigital.cn",
        [_s("文三路总部", "浙江省杭州市西湖区文三路398号"), _s("滨江研发中心", "浙江省杭州市滨江区江南大道3850号")],
    ),
    CustomerProfile(
        "C-SZLH", "蓝海物流", "物流", "HN", STANDARD, "广东省深圳市南山区前海大道1688号", "0755-26603188",
        "lanhai-logistics.cn",
        [
            _s("前海总部", "广东省深圳市南山区前海大道1688号"),
            _s("平湖分拨中心", "广东省深圳市龙岗区平湖街道华南大道1号"),
            _s("东莞仓储中心", "广东省东莞市长安镇锦厦路88号"),
        ],
    ),
    CustomerProfile(
        "C-GZZJ", "珠江电力", "能源", "HN", GOLD, "广东省广州市黄埔区科学大道182号", "020-32295500", "zjpower.cn",
        [_s("黄埔生产基地", "广东省广州市黄埔区科学大道182号"), _s("集控中心", "广东省广州市天河区华夏路16号")],
    ),
    CustomerProfile(
        "C-CDJJ", "锦江酒店管理", "酒店", "XN", STANDARD, "四川省成都市锦江区红星路三段1号", "028-86661888",
        "jjhotels.cn",
        [
            _s("春熙路酒店", "四川省成都市锦江区红星路三段1号"),
            _s("天府大道酒店", "四川省成都市双流区天府大道南段2001号"),
        ],
    ),
    CustomerProfile(
        "C-SZJJ", "金鸡湖医院", "医疗", "HD", VIP, "江苏省苏州市工业园区星湖街242号", "0512-62957120",
        "jjhhospital.cn",
        [
            _s("门诊楼", "江苏省苏州市工业园区星湖街242号1号楼"),
            _s("住院部", "江苏省苏州市工业园区星湖街242号3号楼"),
            _s("信息中心机房", "江苏省苏州市工业园区星湖街242号行政楼B1"),
        ],
    ),
    CustomerProfile(
        "C-NJZJ", "紫金农商行", "金融", "HD", VIP, "江苏省南京市建邺区江东中路381号", "025-88689999", "zjrcb.cn",
        [
            _s("总行大楼", "江苏省南京市建邺区江东中路381号"),
            _s("仙林数据中心", "江苏省南京市栖霞区仙林大道10号"),
            _s("新街口支行", "江苏省南京市秦淮区中山南路1号"),
        ],
    ),
    CustomerProfile(
        "C-WHCJ", "长江轨交", "交通", "HZ", GOLD, "湖北省武汉市江岸区金桥大道68号", "027-85326000", "cjmetro.cn",
        [_s("运营控制中心", "湖北省武汉市江岸区金桥大道68号"), _s("常青车辆段", "湖北省武汉市东西湖区常青花园路1号")],
    ),
    CustomerProfile(
        "C-TJBH", "滨海港务", "物流", "HB", STANDARD, "天津市滨海新区新港二号路35号", "022-25706000", "bhport.cn",
        [_s("港务大楼", "天津市滨海新区新港二号路35号"), _s("集装箱码头", "天津市滨海新区东疆港区亚洲路6号")],
    ),
    CustomerProfile(
        "C-CQSC", "山城制药", "制造", "XN", STANDARD, "重庆市北碚区蔡家岗镇嘉德大道99号", "023-68253366",
        "scpharma.cn",
        [_s("蔡家生产基地", "重庆市北碚区蔡家岗镇嘉德大道99号"), _s("质检中心", "重庆市北碚区蔡家岗镇嘉德大道99号C栋")],
    ),
    CustomerProfile(
        "C-SEL", "Sino-Euro", "物流", "HD", GOLD, "上海市浦东新区富特北路211号", "021-58682200", "sino-euro.com",
        [
            _s("Waigaoqiao Hub 外高桥仓库", "上海市浦东新区富特北路211号"),
            _s("Nansha Office 南沙办公室", "广东省广州市南沙区港前大道南162号", "HN"),
        ],
        english=True,
    ),
    CustomerProfile(
        "C-PRH", "Pacific Rim Hotels", "酒店", "HD", VIP, "上海市静安区南京西路1266号", "021-62798888",
        "pacificrimhotels.com",
        [
            _s("Jing'an Hotel 静安酒店", "上海市静安区南京西路1266号"),
            _s("Sanya Resort 三亚度假酒店", "海南省三亚市海棠区海棠北路88号", "HN"),
        ],
        english=True,
    ),
    CustomerProfile(
        "C-XAQC", "秦川机床", "制造", "XB", STANDARD, "陕西省西安市灞桥区纺织城正街100号", "029-83561200", "qcmt.cn",
        [_s("灞桥厂区", "陕西省西安市灞桥区纺织城正街100号")],
    ),
    # --- added customers ---
    CustomerProfile(
        "C-BJYH", "燕华医院", "医疗", "HB", VIP, "北京市海淀区复兴路28号", "010-68861000", "yhhospital.cn",
        [
            _s("门诊医技楼", "北京市海淀区复兴路28号门诊楼"),
            _s("住院楼", "北京市海淀区复兴路28号住院楼"),
            _s("信息中心机房", "北京市海淀区复兴路28号科研楼B1"),
        ],
        name="北京燕华医院",
    ),
    CustomerProfile(
        "C-SHPJ", "浦江证券", "金融", "HD", VIP, "上海市浦东新区世纪大道100号", "021-68880518", "pjsec.cn",
        [_s("陆家嘴总部", "上海市浦东新区世纪大道100号"), _s("张江数据中心", "上海市浦东新区张江路665号")],
        name="上海浦江证券股份有限公司",
    ),
    CustomerProfile(
        "C-SHJQ", "嘉青精密", "制造", "HD", STANDARD, "上海市嘉定区安亭镇墨玉路185号", "021-69502233",
        "jqprecision.cn",
        [_s("安亭工厂", "上海市嘉定区安亭镇墨玉路185号"), _s("青浦仓库", "上海市青浦区华新镇华志路1200号")],
        name="上海嘉青精密制造有限公司",
    ),
    CustomerProfile(
        "C-HZQT", "钱塘医院", "医疗", "HD", GOLD, "浙江省杭州市钱塘区学林街1100号", "0571-86912120", "qthospital.cn",
        [_s("门诊楼", "浙江省杭州市钱塘区学林街1100号"), _s("住院部", "浙江省杭州市钱塘区学林街1100号2号楼")],
        name="杭州钱塘人民医院",
    ),
    CustomerProfile(
        "C-GZBY", "白云物流", "物流", "HN", STANDARD, "广东省广州市白云区机场路1888号", "020-86137000",
        "bylogistics.cn",
        [_s("空港物流园", "广东省广州市白云区机场路1888号"), _s("花都分拨中心", "广东省广州市花都区迎宾大道128号")],
        name="广州白云国际物流有限公司",
    ),
    CustomerProfile(
        "C-SZNS", "南山智造", "制造", "HN", GOLD, "广东省深圳市南山区留仙大道3370号", "0755-86027788", "nsim.cn",
        [
            _s("西丽工厂", "广东省深圳市南山区留仙大道3370号"),
            _s("光明新厂", "广东省深圳市光明区光侨路2号"),
            _s("研发中心", "广东省深圳市南山区科技南十二路18号"),
        ],
        name="深圳南山智能制造有限公司",
    ),
    CustomerProfile(
        "C-XMLJ", "鹭江酒店", "酒店", "HD", GOLD, "福建省厦门市思明区鹭江道54号", "0592-2022922", "lujianghotel.cn",
        [_s("鹭江道酒店", "福建省厦门市思明区鹭江道54号")],
        name="厦门鹭江大酒店有限公司",
    ),
    CustomerProfile(
        "C-CDTF", "天府政务中心", "政府", "XN", GOLD, "四川省成都市天府新区天府大道南段888号", "028-68012345",
        "tfzw.gov.cn",
        [
            _s("政务服务大厅", "四川省成都市天府新区天府大道南段888号"),
            _s("数据机房", "四川省成都市天府新区天府大道南段888号B2"),
        ],
        name="成都天府新区政务服务中心",
    ),
    CustomerProfile(
        "C-KMDC", "滇池学院", "教育", "XN", STANDARD, "云南省昆明市呈贡区雨花路1号", "0871-65920001", "dcxy.edu.cn",
        [
            _s("呈贡校区图书馆", "云南省昆明市呈贡区雨花路1号图书馆"),
            _s("信息网络中心", "云南省昆明市呈贡区雨花路1号实验楼"),
        ],
        name="昆明滇池学院",
    ),
    CustomerProfile(
        "C-CSXJ", "湘江能源", "能源", "HZ", STANDARD, "湖南省长沙市岳麓区潇湘北路328号", "0731-88880369",
        "xjenergy.cn",
        [_s("集团总部", "湖南省长沙市岳麓区潇湘北路328号"), _s("望城调度中心", "湖南省长沙市望城区雷锋大道88号")],
        name="长沙湘江能源集团有限公司",
    ),
    CustomerProfile(
        "C-ZZZY", "中原一院", "医疗", "HZ", GOLD, "河南省郑州市郑东新区商务外环路20号", "0371-65668120",
        "zyhospital.cn",
        [
            _s("门诊楼", "河南省郑州市郑东新区商务外环路20号"),
            _s("住院部", "河南省郑州市郑东新区商务外环路20号2号楼"),
            _s("急诊中心", "河南省郑州市郑东新区商务外环路22号"),
        ],
        name="郑州中原第一人民医院",
    ),
    CustomerProfile(
        "C-XAGX", "高新区信息中心", "政府", "XB", STANDARD, "陕西省西安市雁塔区锦业路1号", "029-88321000",
        "xagx.gov.cn",
        [_s("管委会大楼", "陕西省西安市雁塔区锦业路1号")],
        name="西安高新区管委会信息中心",
    ),
    CustomerProfile(
        "C-LZHH", "黄河石化", "能源", "XB", STANDARD, "甘肃省兰州市西固区玉门街10号", "0931-7932100", "hhpetro.cn",
        [_s("西固炼化厂区", "甘肃省兰州市西固区玉门街10号"), _s("生产调度楼", "甘肃省兰州市西固区玉门街12号")],
        name="兰州黄河石化有限公司",
    ),
    CustomerProfile(
        "C-SYHY", "浑河重机", "制造", "DB", STANDARD, "辽宁省沈阳市铁西区北一西路52号", "024-25816000", "hhheavy.cn",
        [_s("铁西厂区", "辽宁省沈阳市铁西区北一西路52号")],
        name="沈阳浑河重型机械有限公司",
    ),
    CustomerProfile(
        "C-HEBB", "冰城学院", "教育", "DB", STANDARD, "黑龙江省哈尔滨市南岗区学府路52号", "0451-86390000",
        "bcxy.edu.cn",
        [_s("主校区信息中心", "黑龙江省哈尔滨市南岗区学府路52号"), _s("松北校区", "黑龙江省哈尔滨市松北区创新一路1号")],
        name="哈尔滨冰城学院",
    ),
    CustomerProfile(
        "C-DLHW", "海湾港口物流", "物流", "DB", STANDARD, "辽宁省大连市甘井子区革镇堡街道96号", "0411-82625000",
        "hwport.cn",
        [
            _s("大窑湾码头", "辽宁省大连市金州区大窑湾港区港兴大道1号"),
            _s("甘井子仓库", "辽宁省大连市甘井子区革镇堡街道96号"),
        ],
        name="大连海湾港口物流有限公司",
    ),
    CustomerProfile(
        "C-HKVH", "Victoria Harbour", "零售", "GA", GOLD, "香港九龙尖沙咀广东道30号", "+852 2735 6600",
        "vhtrading.com.hk",
        [
            _s("Tsim Sha Tsui Flagship 尖沙咀旗舰店", "香港九龙尖沙咀广东道30号"),
            _s("Kwai Chung Warehouse 葵涌仓库", "香港新界葵涌货柜码头路77号"),
        ],
        english=True,
        name="Victoria Harbour Trading Co., Ltd.",
    ),
    CustomerProfile(
        "C-MOLT", "莲花度假酒店", "酒店", "GA", VIP, "澳门路氹连贯公路88号", "+853 2888 6688", "lotusresort.com.mo",
        [_s("路氹酒店主楼", "澳门路氹连贯公路88号"), _s("会展中心", "澳门路氹连贯公路90号")],
        english=True,
        name="澳门莲花度假酒店有限公司",
    ),
]  # fmt: skip

# Contacts that are also demo accounts: same person, same e-mail (customer code → contacts).
# (name, e-mail, job title, preferred language)
ACCOUNT_CONTACTS: dict[str, list[tuple[str, str, str, str]]] = {
    "C-HZXH": [("陈静", "customer1@demo.servicedesk.cn", "IT主管", "zh")],
    "C-SEL": [("Emma Schulz", "customer2@demo.servicedesk.cn", "IT Manager", "en")],
}

MEDICAL_INDUSTRY = "医疗"
