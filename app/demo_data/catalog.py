"""Service categories (服务类别, a tree with ticket templates) and the priority matrix (优先级矩阵)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Impact (影响度) × urgency (紧急度), 1 = highest: a standard symmetric ITIL matrix.
PRIORITY_MATRIX: list[list[str]] = [
    # urgency 1, 2, 3, 4
    ["P1", "P1", "P2", "P3"],  # impact 1: whole organisation / critical service
    ["P1", "P2", "P3", "P3"],  # impact 2: a department or site
    ["P2", "P3", "P3", "P4"],  # impact 3: a few users
    ["P3", "P3", "P4", "P4"],  # impact 4: one user
]

L1, L2, L3 = "一线服务台", "二线技术支持", "三线专家组"  # support group names (support.py)


@dataclass(frozen=True)
class CategorySpec:
    name: str
    description: str  # 标准描述: the template a dispatcher fills in
    solution: str  # 标准解决方案
    impact: int = 3
    urgency: int = 3
    skill: str | None = None  # skill code
    group: str | None = None  # support group name
    children: list[CategorySpec] = field(default_factory=list)


_HW_DESC = "【故障现象】\n【设备型号/序列号】\n【所在站点及位置】\n【发生时间】\n【影响范围】\n【已尝试的处理】"

CATEGORIES: list[CategorySpec] = [
    CategorySpec(
        "硬件故障", _HW_DESC, "1. 电话或远程确认故障现象与设备序列号，核对保修状态；\n2. 判断是否需要上门并派工；\n"
        "3. 更换故障部件后做功能测试，请客户签字确认。", 3, 2, None, L1,
        [
            CategorySpec(
                "服务器", _HW_DESC + "\n【告警灯/管理口(iBMC/iDRAC/XCC)告警信息】",
                "1. 远程登录管理口收集日志与告警；\n2. 确认故障部件（硬盘、内存、电源、主板）；\n"
                "3. 备件出库并上门更换，热插拔部件不停机更换；\n4. 检查阵列重建与业务恢复，出具服务报告。",
                2, 2, "SRV", L2,
            ),
            CategorySpec(
                "打印机", _HW_DESC + "\n【报错代码/卡纸位置】",
                "1. 指导用户清除卡纸、重启打印机；\n2. 检查硒鼓、定影组件、搓纸轮等耗材与易损件；\n"
                "3. 需要时上门更换部件并打印测试页。", 3, 3, "PRN", L1,
            ),
            CategorySpec(
                "网络设备", _HW_DESC + "\n【受影响的网段/端口】",
                "1. 远程检查设备状态、端口与日志；\n2. 确认光模块、电源或整机故障；\n"
                "3. 按配置备份更换设备并恢复配置，验证业务连通。", 2, 2, "NET", L2,
            ),
            CategorySpec(
                "UPS电源", _HW_DESC + "\n【UPS面板告警/负载率/电池后备时间】",
                "1. 确认市电与旁路状态，评估停电风险；\n2. 检测电池组内阻与电压；\n"
                "3. 更换故障电池或功率模块，做放电测试。", 2, 1, "UPS", L2,
            ),
            CategorySpec(
                "监控设备", _HW_DESC + "\n【摄像机编号/录像机通道】",
                "1. 检查NVR通道状态与录像计划；\n2. 排查摄像机供电、网络与硬盘状态；\n"
                "3. 更换故障摄像机或硬盘，恢复录像并回放验证。", 3, 3, "CCTV", L2,
            ),
            CategorySpec(
                "台式机与笔记本", _HW_DESC,
                "1. 远程协助排查；\n2. 硬件故障时更换内存、硬盘或电源适配器；\n3. 必要时提供备用机并迁移数据。",
                4, 3, "DESK", L1,
            ),
        ],
    ),
    CategorySpec(
        "软件问题", "【系统/软件名称及版本】\n【问题现象与报错信息】\n【影响用户数】\n【最近的变更】",
        "1. 收集报错截图与日志；\n2. 对照知识库处理；\n3. 无法解决时升级二线并记录处理过程。", 3, 3, None, L1,
        [
            CategorySpec(
                "操作系统", "【服务器/终端名称】\n【操作系统及版本】\n【问题现象】",
                "1. 检查系统日志与资源占用；\n2. 修复系统服务或补丁；\n3. 必要时按变更流程重启。", 3, 2, "OS", L2,
            ),
            CategorySpec(
                "数据库", "【数据库类型/版本】\n【实例名】\n【问题现象（连接失败、慢查询、空间不足等）】",
                "1. 检查实例状态、告警日志与会话；\n2. 分析慢SQL与表空间；\n3. 实施优化或扩容并做好回退方案。",
                2, 2, "DB", L3,
            ),
            CategorySpec(
                "办公软件", "【软件名称及版本】\n【问题现象】",
                "1. 远程协助修复或重新安装；\n2. 恢复用户配置与文件。", 4, 4, "DESK", L1,
            ),
            CategorySpec(
                "病毒与安全", "【受影响终端/服务器】\n【告警来源及内容】\n【是否已断网隔离】",
                "1. 立即隔离受影响主机；\n2. 查杀病毒并排查横向传播；\n3. 修补漏洞、重置相关口令并出具安全事件报告。",
                2, 1, "SEC", L2,
            ),
        ],
    ),
    CategorySpec(
        "服务申请", "【申请内容】\n【申请人及部门】\n【期望完成时间】\n【审批人】",
        "1. 核实审批；\n2. 按标准流程实施；\n3. 通知申请人并确认完成。", 4, 4, None, L1,
        [
            CategorySpec(
                "账号开通", "【系统名称】\n【用户姓名/工号/部门】\n【所需权限】\n【审批人】",
                "1. 核对审批单；\n2. 创建账号并分配最小必要权限；\n3. 通过安全渠道发送初始密码并提醒首次登录修改。",
                4, 4, "DESK", L1,
            ),
            CategorySpec(
                "设备搬迁", "【设备清单（型号/序列号）】\n【原位置】\n【新位置】\n【计划时间与停机窗口】",
                "1. 现场勘察并制定搬迁方案；\n2. 关机、拆卸、标记线缆；\n"
                "3. 搬运、安装、上电测试并更新设备台账站点信息。",
                4, 4, "SRV", L2,
            ),
            CategorySpec(
                "设备安装", "【设备型号及数量】\n【安装位置】\n【网络与供电条件】",
                "1. 到货验收并登记序列号与保修；\n2. 上架安装与配置；\n3. 联调测试并移交客户。", 4, 3, "SRV", L2,
            ),
        ],
    ),
    CategorySpec(
        "投诉", "【投诉对象（工程师/服务商/服务单号）】\n【投诉内容】\n【客户期望】",
        "1. 24小时内致电客户致歉并了解详情；\n2. 调查原因并制定改进措施；\n3. 回访客户确认满意。", 3, 2, None, L1,
    ),
    CategorySpec(
        "巡检", "【巡检对象（站点/设备）】\n【巡检周期】\n【检查项清单】",
        "1. 按检查项逐项检查并拍照记录；\n2. 发现隐患即时处理或另开工单；\n3. 出具巡检报告。", 4, 4, None, L2,
        [
            CategorySpec(
                "机房巡检", "【机房位置】\n【温湿度/UPS/空调/消防检查项】",
                "1. 记录温湿度、UPS负载与电池状态；\n2. 检查空调、消防与门禁；\n3. 检查服务器与网络设备告警灯。",
                4, 4, "SRV", L2,
            ),
            CategorySpec(
                "网络巡检", "【网络设备清单】\n【检查项】",
                "1. 检查设备CPU、内存、端口错包与日志；\n2. 核对配置备份；\n3. 检查光模块收发光功率。",
                4, 4, "NET", L2,
            ),
        ],
    ),
    CategorySpec(
        "咨询", "【咨询内容】\n【联系人及联系方式】",
        "1. 直接答复或引用已发布的知识库文章；\n2. 需要进一步处理时转为服务申请。", 4, 4, None, L1,
    ),
]  # fmt: skip
