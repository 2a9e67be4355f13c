"""Invented vocabulary for the synthetic corpus: places, units, projects and their indicators.

Every unit and project is made up. A unit's name is a real prefecture (so that
:func:`jixiao.rules.profile.profile_for` picks the province's rule profile) plus
an invented county and a department type; units of the national profile live in
invented places only. Indicator templates cover every shape RULES.md §2.4–2.6
describes: counts, percentages, equal-to targets, costs, deadlines, durations,
lower-is-better counts, qualitative tiers and satisfaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["count", "pct", "pct_eq", "cost", "unit_cost", "days", "date", "reverse", "qual", "satisfaction"]

# prefecture-level cities whose name maps to each profile (a subset of rules/profile.py's table)
CITIES: Final[dict[str, tuple[str, ...]]] = {
    "anhui": ("合肥市", "芜湖市", "安庆市", "滁州市", "六安市", "宣城市"),
    "jiangxi": ("南昌市", "九江市", "赣州市", "宜春市", "抚州市", "上饶市"),
    "hubei": ("武汉市", "宜昌市", "襄阳市", "荆州市", "孝感市", "咸宁市"),
    "zhejiang": ("杭州市", "宁波市", "温州市", "嘉兴市", "绍兴市", "衢州市"),
    "sichuan": ("成都市", "绵阳市", "乐山市", "南充市", "宜宾市", "达州市"),
    "shanxi": ("太原市", "大同市", "长治市", "晋中市", "运城市", "临汾市"),
    "gansu": ("兰州市", "天水市", "武威市", "张掖市", "酒泉市", "庆阳市"),
    "guizhou": ("贵阳市", "遵义市", "安顺市", "毕节市", "铜仁市"),
    "hebei": ("石家庄市", "唐山市", "邯郸市", "保定市", "沧州市", "衡水市"),
    "national": ("云岭市", "青川市", "澄江市", "临溪市", "望川市"),
}

# invented counties (checked at generation time not to name a real prefecture of another profile)
COUNTIES: Final = (
    "青禾县",
    "桐溪县",
    "枫林县",
    "柏川县",
    "禾丰县",
    "清源县",
    "梧冈县",
    "松岚县",
    "兰汀县",
    "石溪县",
    "云杉县",
    "槐阴县",
    "柳渡县",
    "芷江口县",
    "鹤鸣县",
    "棠湾县",
    "竹坪县",
    "玉泉坝县",
    "杉木县",
    "莲塘县",
)

IMPLEMENTERS: Final = ("办公室", "计划财务股", "业务股", "项目办公室", "综合股", "机关服务中心")


@dataclass(frozen=True, slots=True)
class Tpl:
    """One indicator template: level-2 group, level-3 name, and how its target is written."""

    level2: str
    name: str
    kind: Kind
    unit: str = ""
    low: int = 0
    high: int = 0


@dataclass(frozen=True, slots=True)
class Archetype:
    """A kind of project a unit runs, with the indicators its form reports."""

    name: str
    goal: str  # what the project sets out to do, a phrase
    outputs: tuple[Tpl, ...]  # 产出: 数量 / 质量 / 时效 / 成本
    benefits: tuple[Tpl, ...]  # 效益
    satisfaction: Tpl


@dataclass(frozen=True, slots=True)
class UnitType:
    suffix: str  # 总工会, 农业农村局 …
    duties: str  # one sentence of its functions
    projects: tuple[Archetype, ...]


def _sat(who: str) -> Tpl:
    return Tpl("服务对象满意度指标", f"{who}满意度", "satisfaction", "%", 85, 95)


_ON_TIME = Tpl("时效指标", "任务按期完成率", "pct", "%", 90, 98)
_DEADLINE = Tpl("时效指标", "项目完成时间", "date")
_ACCIDENTS = Tpl("质量指标", "安全责任事故发生次数", "reverse", "次", 0, 2)
_SUSTAIN = Tpl("可持续影响指标", "长效管理机制运行情况", "qual")

UNIT_TYPES: Final[tuple[UnitType, ...]] = (
    UnitType(
        "总工会",
        "主要职责是维护职工合法权益，组织开展劳动和技能竞赛，做好困难职工帮扶和职工服务工作",
        (
            Archetype(
                "困难职工帮扶专项",
                "走访慰问困难职工，落实生活救助、助学和医疗帮扶",
                (
                    Tpl("数量指标", "走访慰问困难职工户数", "count", "户", 300, 1500),
                    Tpl("数量指标", "发放助学金人数", "count", "人", 40, 200),
                    Tpl("质量指标", "帮扶对象识别准确率", "pct_eq", "%", 100, 100),
                    _ON_TIME,
                    Tpl("成本指标", "户均帮扶标准", "unit_cost", "元/户", 1500, 3000),
                ),
                (Tpl("社会效益指标", "困难职工生活状况", "qual"), _SUSTAIN),
                _sat("帮扶对象"),
            ),
            Archetype(
                "职工技能提升培训专项",
                "举办职工技能培训班和岗位技能比武，提升一线职工技能水平",
                (
                    Tpl("数量指标", "举办技能培训班期数", "count", "期", 6, 20),
                    Tpl("数量指标", "培训一线职工人次", "count", "人次", 400, 2000),
                    Tpl("质量指标", "培训考核合格率", "pct", "%", 85, 95),
                    _DEADLINE,
                    Tpl("成本指标", "人均培训成本", "unit_cost", "元/人", 600, 1500),
                ),
                (Tpl("社会效益指标", "参训职工岗位技能水平", "qual"), _SUSTAIN),
                _sat("参训职工"),
            ),
            Archetype(
                "基层工会阵地建设补助",
                "改造提升基层职工之家和户外劳动者服务站点",
                (
                    Tpl("数量指标", "改造职工之家个数", "count", "个", 5, 30),
                    Tpl("数量指标", "新建户外劳动者服务站点", "count", "个", 3, 15),
                    Tpl("质量指标", "建设项目验收合格率", "pct_eq", "%", 100, 100),
                    Tpl("时效指标", "站点建设周期", "days", "天", 60, 120),
                ),
                (
                    Tpl("社会效益指标", "职工服务阵地覆盖面", "qual"),
                    Tpl("可持续影响指标", "站点持续开放率", "pct", "%", 85, 95),
                ),
                _sat("服务职工"),
            ),
        ),
    ),
    UnitType(
        "农业农村局",
        "主要职责是统筹推进农业农村发展，负责农田建设、农技推广和农村人居环境整治",
        (
            Archetype(
                "高标准农田建设工程",
                "新建高标准农田，完善灌排和田间道路设施",
                (
                    Tpl("数量指标", "新建高标准农田面积", "count", "亩", 3000, 20000),
                    Tpl("数量指标", "新修田间道路长度", "count", "公里", 10, 60),
                    Tpl("质量指标", "工程验收合格率", "pct_eq", "%", 100, 100),
                    _DEADLINE,
                    Tpl("成本指标", "亩均建设成本", "unit_cost", "元/亩", 1500, 3000),
                ),
                (Tpl("经济效益指标", "项目区粮食亩产增加量", "count", "公斤", 20, 60), _SUSTAIN),
                _sat("项目区农户"),
            ),
            Archetype(
                "农作物病虫害统防统治",
                "开展主要农作物重大病虫害统防统治和监测预警",
                (
                    Tpl("数量指标", "统防统治面积", "count", "万亩", 5, 40),
                    Tpl("数量指标", "设立监测点个数", "count", "个", 10, 60),
                    Tpl("质量指标", "重大病虫害防治处置率", "pct", "%", 90, 95),
                    _ON_TIME,
                ),
                (
                    Tpl("经济效益指标", "挽回粮食损失率", "pct", "%", 85, 92),
                    Tpl("生态效益指标", "化学农药使用量", "qual"),
                ),
                _sat("种植户"),
            ),
            Archetype(
                "农村人居环境整治",
                "推进农村厕所改造和生活垃圾收运处置",
                (
                    Tpl("数量指标", "完成农村户厕改造户数", "count", "户", 500, 3000),
                    Tpl("数量指标", "配置垃圾收运车辆", "count", "辆", 5, 30),
                    Tpl("质量指标", "改厕验收合格率", "pct", "%", 90, 98),
                    Tpl("时效指标", "垃圾日产日清率", "pct", "%", 90, 98),
                    _ACCIDENTS,
                ),
                (Tpl("生态效益指标", "村容村貌", "qual"), _SUSTAIN),
                _sat("村民"),
            ),
        ),
    ),
    UnitType(
        "教育局",
        "主要职责是管理全县基础教育，负责学校建设、教师队伍建设和学生资助工作",
        (
            Archetype(
                "学生营养改善计划",
                "为农村义务教育学生提供营养膳食补助",
                (
                    Tpl("数量指标", "受益学生人数", "count", "人", 3000, 20000),
                    Tpl("质量指标", "食品安全抽检合格率", "pct_eq", "%", 100, 100),
                    Tpl("时效指标", "补助资金按月拨付率", "pct", "%", 95, 98),
                    Tpl("成本指标", "生均每天补助标准", "unit_cost", "元/人", 4, 5),
                    Tpl("质量指标", "食品安全事故发生次数", "reverse", "次", 0, 1),
                ),
                (Tpl("社会效益指标", "学生营养健康状况", "qual"), _SUSTAIN),
                _sat("学生家长"),
            ),
            Archetype(
                "校舍维修改造工程",
                "维修改造中小学危旧校舍和运动场地",
                (
                    Tpl("数量指标", "维修改造校舍面积", "count", "平方米", 2000, 15000),
                    Tpl("数量指标", "改造运动场所数", "count", "所", 2, 12),
                    Tpl("质量指标", "工程验收合格率", "pct_eq", "%", 100, 100),
                    Tpl("时效指标", "工程完工周期", "days", "天", 90, 180),
                ),
                (Tpl("社会效益指标", "学校办学条件", "qual"), _SUSTAIN),
                _sat("师生"),
            ),
            Archetype(
                "中小学教师培训专项",
                "组织中小学教师全员培训和骨干教师研修",
                (
                    Tpl("数量指标", "培训教师人次", "count", "人次", 500, 3000),
                    Tpl("数量指标", "举办研修班期数", "count", "期", 4, 16),
                    Tpl("质量指标", "培训结业率", "pct", "%", 90, 96),
                    _DEADLINE,
                    Tpl("成本指标", "人均培训费用", "unit_cost", "元/人", 300, 900),
                ),
                (Tpl("社会效益指标", "教师教学能力", "qual"),),
                _sat("参训教师"),
            ),
        ),
    ),
    UnitType(
        "卫生健康委员会",
        "主要职责是组织实施基本公共卫生服务，负责疾病预防控制和妇幼健康工作",
        (
            Archetype(
                "基本公共卫生服务补助",
                "为城乡居民免费提供基本公共卫生服务",
                (
                    Tpl("数量指标", "居民电子健康档案建档人数", "count", "人", 50000, 300000),
                    Tpl("数量指标", "老年人健康管理人数", "count", "人", 5000, 40000),
                    Tpl("质量指标", "高血压患者规范管理率", "pct", "%", 60, 70),
                    _ON_TIME,
                ),
                (Tpl("社会效益指标", "居民健康素养水平", "pct", "%", 20, 30), _SUSTAIN),
                _sat("城乡居民"),
            ),
            Archetype(
                "妇幼健康服务专项",
                "开展孕产妇健康管理、儿童保健和两癌筛查",
                (
                    Tpl("数量指标", "农村妇女两癌筛查人数", "count", "人", 2000, 12000),
                    Tpl("质量指标", "孕产妇系统管理率", "pct", "%", 85, 92),
                    Tpl("质量指标", "孕产妇死亡例数", "reverse", "例", 0, 1),
                    _DEADLINE,
                ),
                (Tpl("社会效益指标", "妇女儿童健康水平", "qual"),),
                _sat("服务对象"),
            ),
        ),
    ),
    UnitType(
        "交通运输局",
        "主要职责是负责农村公路建设养护和道路运输管理",
        (
            Archetype(
                "农村公路养护工程",
                "开展农村公路日常养护和危桥改造",
                (
                    Tpl("数量指标", "日常养护农村公路里程", "count", "公里", 200, 1500),
                    Tpl("数量指标", "改造危桥座数", "count", "座", 2, 10),
                    Tpl("质量指标", "农村公路优良路率", "pct", "%", 70, 85),
                    Tpl("时效指标", "路面病害处置时限", "days", "天", 5, 15),
                    Tpl("成本指标", "每公里养护成本", "unit_cost", "元/公里", 5000, 12000),
                ),
                (Tpl("社会效益指标", "群众出行条件", "qual"), _SUSTAIN),
                _sat("沿线群众"),
            ),
            Archetype(
                "城乡客运运营补贴",
                "保障城乡客运班线正常运营",
                (
                    Tpl("数量指标", "补贴客运班线条数", "count", "条", 10, 60),
                    Tpl("质量指标", "班线正常运营率", "pct", "%", 90, 97),
                    Tpl("质量指标", "较大以上道路运输事故次数", "reverse", "次", 0, 1),
                    _ON_TIME,
                ),
                (Tpl("社会效益指标", "城乡居民出行便利程度", "qual"),),
                _sat("乘客"),
            ),
        ),
    ),
    UnitType(
        "民政局",
        "主要职责是负责社会救助、养老服务和基层社会治理工作",
        (
            Archetype(
                "困难群众救助补助",
                "保障城乡低保、特困人员和临时救助对象基本生活",
                (
                    Tpl("数量指标", "城乡低保保障人数", "count", "人", 2000, 15000),
                    Tpl("数量指标", "临时救助人次", "count", "人次", 300, 3000),
                    Tpl("质量指标", "救助资金社会化发放率", "pct_eq", "%", 100, 100),
                    Tpl("时效指标", "临时救助审批时限", "days", "天", 5, 15),
                ),
                (Tpl("社会效益指标", "困难群众基本生活", "qual"), _SUSTAIN),
                _sat("救助对象"),
            ),
            Archetype(
                "居家养老服务补助",
                "建设社区养老服务站点，为老年人提供居家养老服务",
                (
                    Tpl("数量指标", "新建社区养老服务站点", "count", "个", 4, 20),
                    Tpl("数量指标", "提供上门服务人次", "count", "人次", 2000, 20000),
                    Tpl("质量指标", "服务站点验收合格率", "pct_eq", "%", 100, 100),
                    _DEADLINE,
                    Tpl("成本指标", "人均服务补助标准", "unit_cost", "元/人", 200, 600),
                ),
                (Tpl("社会效益指标", "老年人生活质量", "qual"),),
                _sat("服务老人"),
            ),
        ),
    ),
    UnitType(
        "水利局",
        "主要职责是负责水利工程建设管理、农村供水和水旱灾害防御",
        (
            Archetype(
                "小型水库除险加固工程",
                "对病险小型水库实施除险加固",
                (
                    Tpl("数量指标", "完成除险加固水库座数", "count", "座", 2, 10),
                    Tpl("质量指标", "工程质量合格率", "pct_eq", "%", 100, 100),
                    _DEADLINE,
                    _ACCIDENTS,
                ),
                (Tpl("社会效益指标", "下游群众防洪安全", "qual"), _SUSTAIN),
                _sat("受益群众"),
            ),
            Archetype(
                "农村饮水安全巩固提升",
                "改造农村供水管网，提高农村自来水普及率",
                (
                    Tpl("数量指标", "改造供水管网长度", "count", "公里", 20, 150),
                    Tpl("数量指标", "受益人口", "count", "人", 5000, 40000),
                    Tpl("质量指标", "水质检测达标率", "pct", "%", 90, 96),
                    Tpl("时效指标", "管网维修响应时限", "days", "天", 2, 5),
                ),
                (Tpl("社会效益指标", "农村自来水普及率", "pct", "%", 85, 92),),
                _sat("受益群众"),
            ),
        ),
    ),
    UnitType(
        "生态环境局",
        "主要职责是负责生态环境监测、污染防治和环境执法",
        (
            Archetype(
                "大气污染防治专项",
                "开展扬尘治理、餐饮油烟整治和空气质量监测",
                (
                    Tpl("数量指标", "整治餐饮油烟点位", "count", "个", 50, 300),
                    Tpl("数量指标", "新建空气质量监测站", "count", "个", 2, 8),
                    Tpl("质量指标", "监测数据有效率", "pct", "%", 90, 96),
                    _ON_TIME,
                ),
                (
                    Tpl("生态效益指标", "空气质量优良天数比例", "pct", "%", 80, 90),
                    _SUSTAIN,
                ),
                _sat("周边群众"),
            ),
            Archetype(
                "农村生活污水治理",
                "建设农村生活污水处理设施和配套管网",
                (
                    Tpl("数量指标", "完成污水治理行政村个数", "count", "个", 5, 30),
                    Tpl("质量指标", "处理设施出水达标率", "pct", "%", 85, 95),
                    Tpl("时效指标", "设施建设周期", "days", "天", 90, 180),
                    Tpl("成本指标", "每村建设成本", "unit_cost", "元/村", 200000, 600000),
                ),
                (Tpl("生态效益指标", "农村水环境质量", "qual"), _SUSTAIN),
                _sat("村民"),
            ),
        ),
    ),
    UnitType(
        "人力资源和社会保障局",
        "主要职责是负责促进就业创业、职业技能培训和社会保险工作",
        (
            Archetype(
                "就业创业补助",
                "落实就业创业扶持政策，开展公益性岗位托底安置",
                (
                    Tpl("数量指标", "城镇新增就业人数", "count", "人", 1000, 6000),
                    Tpl("数量指标", "开发公益性岗位个数", "count", "个", 50, 400),
                    Tpl("质量指标", "补贴资金发放准确率", "pct_eq", "%", 100, 100),
                    _ON_TIME,
                ),
                (Tpl("社会效益指标", "城镇调查失业率", "qual"), _SUSTAIN),
                _sat("服务对象"),
            ),
            Archetype(
                "职业技能培训补贴",
                "组织重点群体职业技能培训和技能评价",
                (
                    Tpl("数量指标", "补贴性职业技能培训人次", "count", "人次", 800, 5000),
                    Tpl("质量指标", "培训合格率", "pct", "%", 85, 92),
                    _DEADLINE,
                    Tpl("成本指标", "人均培训补贴", "unit_cost", "元/人", 800, 1800),
                ),
                (Tpl("社会效益指标", "参训人员就业率", "pct", "%", 60, 75),),
                _sat("参训人员"),
            ),
        ),
    ),
)

# the framework indicators of a 部门整体 form (财预〔2013〕53号): (level-1, level-2, name, kind)
FRAMEWORK: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("投入", "目标设定", "绩效目标合理性", "check"),
    ("投入", "目标设定", "绩效指标明确性", "check"),
    ("投入", "预算配置", "在职人员控制率", "staff"),
    ("投入", "预算配置", "“三公经费”变动率", "three_public"),
    ("过程", "预算执行", "预算完成率", "completion"),
    ("过程", "预算执行", "预算调整率", "adjustment"),
    ("过程", "预算执行", "支付进度率", "check"),
    ("过程", "预算执行", "结转结余率", "balance"),
    ("过程", "预算执行", "政府采购执行率", "procurement"),
    ("过程", "预算管理", "管理制度健全性", "check"),
    ("过程", "预算管理", "资金使用合规性", "check"),
    ("过程", "预算管理", "预决算信息公开性", "check"),
    ("过程", "资产管理", "资产管理安全性", "check"),
    ("过程", "资产管理", "固定资产利用率", "assets"),
    ("产出", "职责履行", "重点工作完成率", "duty"),
    ("产出", "职责履行", "重点工作办结及时率", "duty"),
    ("效果", "履职效益", "社会效益", "effect"),
    ("效果", "履职效益", "可持续影响", "effect"),
    ("效果", "社会公众或服务对象满意度", "社会公众或服务对象满意度", "satisfaction"),
)

# what a passed checklist row says, by indicator (计算分析情况)
CHECK_BASIS: Final[dict[str, str]] = {
    "绩效目标合理性": "绩效目标与部门职责和年度工作计划相符",
    "绩效指标明确性": "绩效指标细化分解，与预算相匹配",
    "支付进度率": "各季度支付进度符合序时要求",
    "管理制度健全性": "财务、采购、资产管理制度健全并有效执行",
    "资金使用合规性": "资金使用符合财经法规和专款专用要求",
    "预决算信息公开性": "部门预决算按规定时限和内容公开",
    "资产管理安全性": "资产保存完整，使用和处置规范",
}
CHECK_DEDUCTED: Final[dict[str, str]] = {
    "绩效目标合理性": "个别绩效目标与年度工作重点衔接不够",
    "绩效指标明确性": "部分产出指标细化量化不够",
    "支付进度率": "三季度末支付进度低于序时要求",
    "管理制度健全性": "内部控制制度个别环节执行不到位",
    "资金使用合规性": "个别支出报销手续不够完备",
    "预决算信息公开性": "部门决算公开时间稍晚于规定时限",
    "资产管理安全性": "个别办公设备账实不符",
}
