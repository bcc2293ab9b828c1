"""Demo escalation rules (升级规则): a functional chain L1 → L2 → L3 → vendor for overdue resolutions,
a hierarchical one (assignee → group lead → managers → the service director) and vendor OLA watchers.

Each entry: (name, target, trigger, value, level, actions), actions being keyword values of
``EscalationRule`` with users, groups and roles named (resolved by app/demo.py).
"""

from __future__ import annotations

from app.demo_data.support import L2, L3

ESCALATION_RULES: list[tuple[str, str, str, int, int, dict]] = [
    ("响应时限已过 80% · 提醒处理人", "REQUEST_RESPONSE", "PERCENT_ELAPSED", 80, 1,
     {"notify_assignee": True, "description": "响应目标已用去 80% 的工作时间，提醒当前处理人尽快响应。"}),
    ("响应超时 · 通知组长", "REQUEST_RESPONSE", "AFTER_DUE", 0, 2,
     {"notify_assignee": True, "notify_group_lead": True, "repeat_minutes": 30, "max_repeats": 2}),
    ("P1 解决时限过半 · 通知经理", "REQUEST_RESOLUTION", "PERCENT_ELAPSED", 50, 1,
     {"priorities": ["P1"], "notify_assignee": True, "notify_role": "Manager"}),
    ("解决超时 · 升级到二线", "REQUEST_RESOLUTION", "AFTER_DUE", 0, 2,
     {"notify_assignee": True, "notify_group_lead": True, "reassign_group": L2,
      "description": "职能升级第一步：一线未按时解决，转二线支持组队列。"}),
    ("解决超时 4 小时 · 升级到三线", "REQUEST_RESOLUTION", "AFTER_DUE", 240, 3,
     {"notify_group_lead": True, "notify_account_manager": True, "reassign_group": L3,
      "repeat_minutes": 120, "max_repeats": 3}),
    ("解决超时 1 天 · 通知服务总监", "REQUEST_RESOLUTION", "AFTER_DUE", 1440, 4,
     {"notify_role": "Manager", "notify_users": ["manager"], "raise_priority": True,
      "description": "层级升级最后一步：经理角色与服务总监（王建国）收到通知，优先级提高一级。"}),
    ("服务商接单超时", "WORK_ORDER_RESPONSE", "AFTER_DUE", 0, 1,
     {"notify_assignee": True, "notify_users": ["dispatcher"], "repeat_minutes": 30, "max_repeats": 2}),
    ("服务商完工超时", "WORK_ORDER_RESOLUTION", "AFTER_DUE", 0, 2,
     {"notify_assignee": True, "notify_users": ["dispatcher"], "notify_role": "Manager"}),
]  # fmt: skip
