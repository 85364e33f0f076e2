"""Benchmark: the cross-report rules and aggregation on a generated multi-year corpus.

Not a test.  Organs report for four years (2021 to 2024); every tenth organ is a parent of five units;
each report has generated prose for sections 一 and 五.  Prints the seconds of ``cross_check`` with and
without prose, of ``aggregate`` over the units, and peak memory.

    .venv/bin/python bench/bench_cross.py              # 2,500 organs: 10,000 reports
    .venv/bin/python bench/bench_cross.py --organs 250
"""

from __future__ import annotations

import argparse
import random
import resource
import time

from nianbao.aggregate import aggregate
from nianbao.history import cross_check
from nianbao.synth import random_report

_WORDS = (
    "深入贯彻 条例要求 加强组织领导 完善制度建设 推进重点领域 信息公开 政策解读 回应关切 平台建设 门户网站 依申请公开 "
    "办理质量 监督保障 培训考核 社会评议 责任追究 基层政务 标准化规范化 数据开放 便民服务 专栏建设 新闻发布会 主动公开"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--organs", type=int, default=2500)
    args = ap.parse_args()
    rng = random.Random(1)
    words = _WORDS.split()
    reports, parents = [], {}
    for o in range(args.organs):
        organ = f"第{o}县" if o % 10 == 0 else f"第{o - o % 10}县第{o % 10}局"
        if o % 10:
            parents[organ] = f"第{o - o % 10}县"
        reports += [random_report(rng, "2021", year=y, organ=organ) for y in (2021, 2022, 2023, 2024)]
    prose = {i: {n: "，".join(rng.choice(words) for _ in range(60)) for n in ("一", "五")} for i in range(len(reports))}
    print(f"{len(reports)} reports, {len(parents)} units under {args.organs // 10} parents")
    for label, kwargs in (("without prose", {}), ("with prose", {"prose": prose})):
        t = time.perf_counter()
        found = cross_check(reports, parents, **kwargs)
        print(f"cross_check {label}: {time.perf_counter() - t:.2f} s, {len(found)} findings")
    units = [r for r in reports if r.meta.year == 2023][:1000]
    t = time.perf_counter()
    aggregate(units, "全省", 2023)
    print(f"aggregate of {len(units)} units: {time.perf_counter() - t:.2f} s")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
