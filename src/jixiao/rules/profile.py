"""Rule profiles as dated parameters, in the manner of OpenFisca.

Each profile is a TOML file under ``profiles/``: every parameter maps the
dates it takes effect to a value and the reference (文号) it comes from. A
regional profile names its parent (``national``) and overrides only what
differs. ``Profile`` is a profile resolved for one year: the values in force
on 31 December of the evaluated year.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from jixiao.model import Severity

PROFILE_NAMES = (
    "national",
    "anhui",
    "jiangxi",
    "hubei",
    "zhejiang",
    "sichuan",
    "shanxi",
    "gansu",
    "guizhou",
    "hebei",
)

# place-name prefixes → the province whose profile applies
_PLACES: dict[str, tuple[str, ...]] = {
    "anhui": (
        "安徽",
        "合肥",
        "芜湖",
        "蚌埠",
        "淮南",
        "马鞍山",
        "淮北",
        "铜陵",
        "安庆",
        "黄山",
        "滁州",
        "阜阳",
        "宿州",
        "六安",
        "亳州",
        "池州",
        "宣城",
    ),
    "jiangxi": ("江西", "南昌", "景德镇", "萍乡", "九江", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州", "上饶"),
    "hubei": (
        "湖北",
        "武汉",
        "黄石",
        "十堰",
        "宜昌",
        "襄阳",
        "鄂州",
        "荆门",
        "孝感",
        "荆州",
        "黄冈",
        "咸宁",
        "随州",
        "恩施",
        "仙桃",
        "潜江",
        "天门",
        "神农架",
    ),
    "zhejiang": ("浙江", "杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"),
    "sichuan": (
        "四川",
        "成都",
        "自贡",
        "攀枝花",
        "泸州",
        "德阳",
        "绵阳",
        "广元",
        "遂宁",
        "内江",
        "乐山",
        "南充",
        "眉山",
        "宜宾",
        "广安",
        "达州",
        "雅安",
        "巴中",
        "资阳",
        "阿坝",
        "甘孜",
        "凉山",
    ),
    "shanxi": ("山西", "太原", "大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁"),
    "gansu": (
        "甘肃",
        "兰州",
        "嘉峪关",
        "金昌",
        "白银",
        "天水",
        "武威",
        "张掖",
        "平凉",
        "酒泉",
        "庆阳",
        "定西",
        "陇南",
        "临夏",
        "甘南",
    ),
    "guizhou": ("贵州", "贵阳", "六盘水", "遵义", "安顺", "毕节", "铜仁", "黔西南", "黔东南", "黔南"),
    "hebei": ("河北", "石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊", "衡水"),
}


@dataclass(slots=True, frozen=True)
class Value:
    """One parameter value in force, with where it comes from."""

    value: Any
    since: date
    reference: str


@dataclass(slots=True)
class Profile:
    name: str
    year: int | None
    values: dict[str, Value] = field(default_factory=dict)
    severities: dict[str, Severity] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        found = self.values.get(key)
        return default if found is None else found.value

    def reference(self, key: str) -> str | None:
        found = self.values.get(key)
        return None if found is None else found.reference

    def severity(self, check_id: str, default: Severity) -> Severity:
        return self.severities.get(check_id, default)


def _raw(name: str) -> dict[str, Any]:
    text = resources.files("jixiao.rules").joinpath("profiles").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _in_force(entries: dict[str, Any], on: date) -> Value | None:
    """The entry with the latest start date not after ``on`` (the earliest one when none is)."""
    dated = sorted((date.fromisoformat(key), entry) for key, entry in entries.items() if key[:1].isdigit())
    if not dated:
        return None
    chosen = dated[0]
    for since, entry in dated:
        if since <= on:
            chosen = (since, entry)
    since, entry = chosen
    reference = entry.get("reference", "") if isinstance(entry, dict) else ""
    value = entry.get("value", entry) if isinstance(entry, dict) else entry
    return Value(value=value, since=since, reference=reference)


@lru_cache(maxsize=64)
def load_profile(name: str, year: int | None = None) -> Profile:
    """A profile resolved for the evaluated year, its parent's values first."""
    if name not in PROFILE_NAMES:
        raise ValueError(f"未知的规则配置：{name}（可选：{'、'.join(PROFILE_NAMES)}）")
    raw = _raw(name)
    parent = raw.get("parent")
    profile = load_profile(parent, year) if parent else Profile(name=name, year=year)
    resolved = Profile(name=name, year=year, values=dict(profile.values), severities=dict(profile.severities))
    on = date(year, 12, 31) if year else date.today()
    for key, entries in raw.get("parameters", {}).items():
        value = _in_force(entries, on)
        if value is not None:
            resolved.values[key] = value
    for check_id, severity in raw.get("severity", {}).items():
        resolved.severities[check_id] = severity
    return resolved


@lru_cache(maxsize=64)
def profile_title(name: str) -> str:
    """What a profile is called in the interface: ``安徽省``, ``全国（财政部默认）``."""
    title = _raw(name).get("title")
    return title if isinstance(title, str) else name


def profile_name_for(department: str | None) -> str:
    """The province whose profile applies to a unit, from the place name in its name."""
    if department:
        for name, places in _PLACES.items():
            if any(place in department for place in places):
                return name
    return "national"


def profile_for(department: str | None, year: int | None, forced: str | None = None) -> Profile:
    return load_profile(forced or profile_name_for(department), year)
