#!/usr/bin/env python3
"""Generate a synthetic Chinese tech-tutorial blog for benchmarking yan.

    bench/gen_corpus.py --n 1000 --out bench/.corpus/yan-1000
    bench/gen_corpus.py --n 1000 --out bench/.corpus/hugo-1000 --layout hugo

The default layout (``--layout yan``) is a yan site::

    OUT/config.yaml
    OUT/content/posts/post-00001.md ...     Hexo-style front matter
    OUT/content/posts/images/*.png          every image the posts reference

``--layout hugo`` writes the same posts as a Hugo site (``hugo.toml``,
``content/posts/*.md``, ``layouts/``, ``static/``) that renders the same kinds of
pages: posts, a home index paginated by 10 with summaries, an archive, tag and
category lists, paginated term pages and one RSS feed of the 20 newest posts.
``--layout hexo`` writes the same again as a Hexo site (``_config.yml``,
``package.json``, ``source/_posts/*.md`` with exactly the yan front matter, and an
EJS theme in ``themes/bench``); link or install ``node_modules`` to build it.

Every post is about 2,200 CJK characters of tutorial prose in 2-4 sections, with
a ``<!-- more -->`` after the introduction, 1-3 fenced code blocks (rust, python,
go, js, bash, yaml, sql, java), a table in roughly one post of three, lists,
inline code, links and one relative image.  Each post has 2-5 of 200 tags and
1-2 of 20 categories.  A thousand posts come to about 9 MB of Markdown.

Determinism: post i is drawn from its own ``random.Random`` seeded with
``(seed, i)`` and nothing else, so the 1,000-post corpus is exactly the first
1,000 posts of the 10,000-post corpus, and a run with the same arguments always
writes the same bytes.  Standard library only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import struct
import sys
import zlib

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

SITE_TITLE = "砚台技术笔记"
SITE_URL = "https://bench.example.com"

CATEGORIES = [
    "编程语言", "后端开发", "前端工程", "数据库", "运维与部署", "云原生", "分布式系统",
    "性能调优", "开发工具", "操作系统", "网络协议", "安全", "算法", "架构设计", "测试",
    "数据工程", "机器学习", "移动端", "开源社区", "随笔",
]

# 50 subjects x 4 qualifiers = 200 tags
SUBJECTS = [
    "Rust", "Go", "Python", "Java", "Kotlin", "TypeScript", "JavaScript", "C++", "Node.js",
    "Deno", "React", "Vue", "Svelte", "Webpack", "Vite", "Docker", "Kubernetes", "Helm",
    "Istio", "Linux", "Nginx", "Envoy", "MySQL", "PostgreSQL", "Redis", "MongoDB",
    "ClickHouse", "SQLite", "Kafka", "RabbitMQ", "etcd", "gRPC", "GraphQL", "Tokio",
    "Actix", "Axum", "Django", "FastAPI", "Spring Boot", "Flink", "Spark", "PyTorch",
    "Pandas", "Git", "Neovim", "Terraform", "Ansible", "Prometheus", "Grafana",
    "WebAssembly",
]
QUALIFIERS = ["", "教程", "进阶", "踩坑"]
TAGS = [s + q for s in SUBJECTS for q in QUALIFIERS]
assert len(TAGS) == 200 and len(CATEGORIES) == 20

CONCEPTS = [
    "所有权", "生命周期", "借用检查", "协程", "事件循环", "线程池", "连接池", "零拷贝",
    "内存屏障", "垃圾回收", "逃逸分析", "泛型", "宏", "反射", "依赖注入", "中间件",
    "消息队列", "分布式锁", "一致性哈希", "服务发现", "负载均衡", "限流", "熔断",
    "灰度发布", "蓝绿部署", "索引", "事务隔离级别", "主从复制", "分库分表", "缓存穿透",
    "序列化", "日志采集", "链路追踪", "容器镜像", "配置中心", "单元测试", "基准测试",
    "火焰图", "内存泄漏", "死锁",
]
ASCII_TERMS = [
    "async/await", "trait object", "Pin", "Send + Sync", "goroutine", "channel", "context",
    "epoll", "io_uring", "mmap", "B+Tree", "LSM-Tree", "WAL", "MVCC", "TCP", "QUIC",
    "HTTP/2", "TLS 1.3", "JWT", "OAuth 2.0", "CRD", "Operator", "sidecar", "DaemonSet",
    "JIT", "SIMD", "cache line", "false sharing", "RAII", "CAS",
]
INLINE_CODE = [
    "cargo build --release", "cargo test", "go test ./...", "go mod tidy", "pip install -e .",
    "npm run build", "pnpm install", "docker build -t app .", "kubectl apply -f deploy.yaml",
    "kubectl logs -f", "git bisect", "git rebase -i HEAD~3", "systemctl status nginx",
    "journalctl -u app", "strace -f", "perf record -g", "EXPLAIN ANALYZE", "VACUUM",
    "Arc<Mutex<T>>", "Box<dyn Error>", "Option<T>", "impl Iterator", "sync.WaitGroup",
    "context.WithTimeout", "asyncio.gather", "useEffect", "Promise.all", "RUST_BACKTRACE=1",
    "ulimit -n 65535", "config.yaml", "Cargo.toml", "go.mod", "__init__.py", "max_connections",
]
LINKS = [
    ("Rust 程序设计语言", "https://doc.rust-lang.org/book/"),
    ("Go 官方文档", "https://go.dev/doc/"),
    ("Python 官方文档", "https://docs.python.org/zh-cn/3/"),
    ("MDN Web 文档", "https://developer.mozilla.org/zh-CN/"),
    ("Kubernetes 中文文档", "https://kubernetes.io/zh-cn/docs/"),
    ("PostgreSQL 文档", "https://www.postgresql.org/docs/"),
    ("Redis 文档", "https://redis.io/docs/"),
    ("Linux man pages", "https://man7.org/linux/man-pages/"),
    ("Nginx 文档", "https://nginx.org/en/docs/"),
    ("项目的 issue 讨论", "https://github.com/example/project/issues/42"),
]

TITLES = [
    "{s} {c}入门：从零到上手",
    "深入浅出 {s} 的{c}",
    "{s} 实战笔记：{c}与 {a}",
    "一次线上事故复盘：{s} {c}问题排查",
    "{s} 进阶（{n}）：理解{c}",
    "用 {s} 实现{c}的完整过程",
    "{s} 与 {s2}：{c}方案对比",
    "聊聊 {s} 里的 {a}",
    "{s} 源码解读：{c}是如何工作的",
    "生产环境下的 {s} {c}最佳实践",
    "我为什么在项目中放弃了 {s2}，改用 {s}",
    "{s} 性能调优手记：{a} 篇",
]

SECTION_HEADINGS = [
    "写在前面", "问题背景", "环境准备", "核心概念", "原理剖析", "动手实践", "代码实现",
    "测试与验证", "性能对比", "踩过的坑", "进阶技巧", "生产部署", "监控告警", "常见问题",
]
CLOSING_HEADINGS = ["总结", "小结与展望", "参考资料"]

# Sentences are assembled from an optional opener and two or three clauses.
OPENERS = [
    "", "", "", "其实", "一般来说，", "在实际项目中，", "说到这里，", "值得注意的是，",
    "换句话说，", "举个例子，", "根据我的经验，", "从结果来看，", "坦白讲，", "与此同时，",
]
CLAUSES = [
    "{s} 的{c}机制设计得相当精巧",
    "很多同学第一次接触{c}时都会觉得无从下手",
    "我们先用最简单的方式把流程跑通",
    "这一步通常只需要执行 {code} 就可以完成",
    "后面再逐步补上错误处理和日志",
    "{a} 在这里扮演了非常关键的角色",
    "官方文档对这部分的描述相当简略",
    "所以我花了一个周末去读相关的源码",
    "线上的延迟曲线出现了周期性的尖刺",
    "排查之后发现问题出在{c}的配置上",
    "把超时时间从三十秒调整到五秒之后情况明显好转",
    "这种写法牺牲了一点灵活性",
    "换来的是编译期就能发现的大量错误",
    "与 {s2} 相比它的内存占用要低得多",
    "但是生态和周边工具还不够成熟",
    "团队里的新人也能在一周之内上手",
    "单元测试覆盖了绝大部分的边界条件",
    "压测时吞吐量大约提升了百分之三十",
    "平均延迟则下降到了原来的一半左右",
    "数据量到了千万级别以后原来的方案就扛不住了",
    "我们最终选择了基于{c}的实现",
    "需要特别小心并发场景下的数据竞争",
    "{s} 的类型系统帮我们挡住了大部分这类问题",
    "部署脚本被整理成了几个可以复用的模块",
    "每次发布前都会在预发环境完整地回归一遍",
    "监控面板上可以清楚地看到每个阶段的耗时",
    "日志里最关键的信息往往就是最后几行",
    "很多性能问题并不在算法本身",
    "而是在不必要的内存分配和系统调用上",
    "如果缓存的过期时间设置得太短命中率就会下降",
    "设置得太长又可能读到过期的数据",
    "这个坑我前前后后踩了不下三次",
    "{code} 的输出里包含了排查所需的全部信息",
    "接口的设计要尽量保持简单和一致",
    "不要为了追求通用而引入过多的可选参数",
    "社区里已经有不少成熟的第三方库可以直接使用",
    "升级到新版本之后增量编译快了不少",
    "整个模块的代码量减少了将近三分之一",
    "这样做的好处是每一层都可以单独测试",
    "{a} 的语义和大多数人的直觉并不一致",
]
TAIL_SENTENCES = [
    "详细的讨论可以参考[{lt}]({lu})。",
    "完整的参数说明见[{lt}]({lu})。",
    "这一点在[{lt}]({lu})里也有提到。",
]
LIST_ITEMS = [
    "安装 {s} 的最新稳定版本", "执行 {code} 检查环境", "为{c}编写单元测试",
    "在配置文件中打开 {a} 相关的选项", "准备一份可以复现问题的最小示例",
    "在预发环境做一次完整的压测", "对比 {s} 和 {s2} 的基准测试数据",
    "把公共逻辑抽取成独立的模块", "给关键接口加上限流和超时", "整理变更记录并通知相关同事",
    "检查日志中是否有异常堆栈", "根据监控指标调整{c}的参数", "清理不再使用的依赖",
    "使用 {code} 观察运行状态", "阅读官方文档中关于{c}的章节",
]
TIPS = [
    "**提示**：{s} 的不同版本在{c}上的行为并不完全一致，升级前请先阅读变更日志。",
    "**注意**：不要在生产环境直接执行 {code}，先在测试环境验证。",
    "**经验**：遇到{c}相关的问题时，先写一个最小的复现示例，往往能事半功倍。",
]

# ---------------------------------------------------------------------------
# Code snippets: per language a header and a pool of chunks; a block is the
# header plus shuffled chunks until it reaches its target length.
# {fn} / {Type} are replaced by an identifier and a type name.
# ---------------------------------------------------------------------------

SNIPPETS: dict[str, tuple[list[str], list[list[str]]]] = {
    "rust": (["use std::collections::BTreeMap;", "use std::path::Path;", ""], [
        ["#[derive(Debug, Default, Clone)]", "pub struct {Type} {", "    pub name: String,",
         "    pub weight: u32,", "    pub children: Vec<{Type}>,", "}", ""],
        ["pub fn {fn}(root: &Path) -> std::io::Result<BTreeMap<String, u64>> {",
         "    let mut sizes = BTreeMap::new();", "    for entry in std::fs::read_dir(root)? {",
         "        let entry = entry?;", "        let len = entry.metadata()?.len();",
         "        sizes.insert(entry.file_name().to_string_lossy().into_owned(), len);",
         "    }", "    Ok(sizes)", "}", ""],
        ["impl {Type} {", "    /// 计算整棵树的总权重", "    pub fn total(&self) -> u32 {",
         "        self.weight + self.children.iter().map(|c| c.total()).sum::<u32>()",
         "    }", "}", ""],
        ["fn parse_line(line: &str) -> Option<(&str, i64)> {",
         "    let (key, value) = line.split_once('=')?;",
         "    Some((key.trim(), value.trim().parse().ok()?))", "}", ""],
        ["#[cfg(test)]", "mod tests {", "    use super::*;", "", "    #[test]",
         "    fn parses_pairs() {", "        assert_eq!(parse_line(\"a = 1\"), Some((\"a\", 1)));",
         "        assert_eq!(parse_line(\"broken\"), None);", "    }", "}", ""],
        ["async fn serve(addr: &str) -> anyhow::Result<()> {",
         "    let listener = tokio::net::TcpListener::bind(addr).await?;", "    loop {",
         "        let (socket, peer) = listener.accept().await?;",
         "        tokio::spawn(async move {",
         "            if let Err(e) = handle(socket).await {",
         "                eprintln!(\"连接 {peer} 出错: {e}\");", "            }", "        });",
         "    }", "}", ""],
    ]),
    "python": (["import logging", "from dataclasses import dataclass, field", ""], [
        ["@dataclass", "class {Type}:", "    name: str", "    weight: int = 0",
         "    children: list = field(default_factory=list)", ""],
        ["def {fn}(path):", "    \"\"\"逐行读取配置，忽略注释和空行\"\"\"", "    result = {}",
         "    with open(path, encoding=\"utf-8\") as f:", "        for line in f:",
         "            line = line.strip()", "            if not line or line.startswith(\"#\"):",
         "                continue", "            key, _, value = line.partition(\"=\")",
         "            result[key.strip()] = value.strip()", "    return result", ""],
        ["async def crawl(session, urls, limit=8):", "    sem = asyncio.Semaphore(limit)", "",
         "    async def one(url):", "        async with sem, session.get(url) as resp:",
         "            return url, resp.status", "",
         "    return await asyncio.gather(*(one(u) for u in urls))", ""],
        ["log = logging.getLogger(__name__)", "", "def retry(times=3):",
         "    def wrap(fn):", "        def inner(*args, **kwargs):",
         "            for i in range(times):", "                try:",
         "                    return fn(*args, **kwargs)",
         "                except OSError as exc:",
         "                    log.warning(\"第 %d 次重试: %s\", i + 1, exc)",
         "            raise RuntimeError(\"重试次数用尽\")", "        return inner",
         "    return wrap", ""],
        ["if __name__ == \"__main__\":", "    logging.basicConfig(level=logging.INFO)",
         "    print({fn}(\"app.conf\"))", ""],
    ]),
    "go": (["package main", "", "import (", "\t\"context\"", "\t\"fmt\"", "\t\"time\"", ")", ""], [
        ["type {Type} struct {", "\tName    string", "\tWeight  int",
         "\tCreated time.Time", "}", ""],
        ["func {fn}(ctx context.Context, jobs <-chan {Type}) error {", "\tfor {",
         "\t\tselect {", "\t\tcase <-ctx.Done():", "\t\t\treturn ctx.Err()",
         "\t\tcase j, ok := <-jobs:", "\t\t\tif !ok {", "\t\t\t\treturn nil", "\t\t\t}",
         "\t\t\tfmt.Printf(\"处理任务 %s\\n\", j.Name)", "\t\t}", "\t}", "}", ""],
        ["func main() {",
         "\tctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)",
         "\tdefer cancel()", "\tjobs := make(chan {Type}, 16)",
         "\tgo func() {", "\t\tdefer close(jobs)", "\t\tfor i := 0; i < 10; i++ {",
         "\t\t\tjobs <- {Type}{Name: fmt.Sprint(i), Created: time.Now()}", "\t\t}", "\t}()",
         "\tif err := {fn}(ctx, jobs); err != nil {", "\t\tfmt.Println(\"出错:\", err)", "\t}",
         "}", ""],
        ["func (t *{Type}) String() string {",
         "\treturn fmt.Sprintf(\"%s(%d)\", t.Name, t.Weight)", "}", ""],
    ]),
    "js": (["'use strict';", ""], [
        ["export function {fn}(items, key) {", "  // 按 key 分组，保持原有顺序",
         "  const groups = new Map();", "  for (const item of items) {",
         "    const k = item[key];", "    if (!groups.has(k)) groups.set(k, []);",
         "    groups.get(k).push(item);", "  }", "  return groups;", "}", ""],
        ["export class {Type}Cache {", "  constructor(ttl = 60_000) {",
         "    this.ttl = ttl;", "    this.store = new Map();", "  }", "",
         "  get(key) {", "    const hit = this.store.get(key);",
         "    if (!hit || hit.expires < Date.now()) return undefined;",
         "    return hit.value;", "  }", "",
         "  set(key, value) {",
         "    this.store.set(key, { value, expires: Date.now() + this.ttl });", "  }", "}", ""],
        ["async function loadAll(urls) {",
         "  const res = await Promise.all(urls.map((u) => fetch(u)));",
         "  const failed = res.filter((r) => !r.ok);", "  if (failed.length) {",
         "    throw new Error(`有 ${failed.length} 个请求失败`);", "  }",
         "  return Promise.all(res.map((r) => r.json()));", "}", ""],
        ["const throttle = (fn, wait = 200) => {", "  let last = 0;",
         "  return (...args) => {", "    const now = Date.now();",
         "    if (now - last >= wait) {", "      last = now;", "      fn(...args);", "    }",
         "  };", "};", ""],
    ]),
    "bash": (["#!/usr/bin/env bash", "set -euo pipefail", ""], [
        ["# 安装构建依赖", "sudo apt-get update",
         "sudo apt-get install -y build-essential pkg-config libssl-dev", ""],
        ["{fn}() {", "  local url=\"$1\"",
         "  if curl -fsS --max-time 3 \"$url/healthz\" >/dev/null; then",
         "    echo \"$url 正常\"", "  else", "    echo \"$url 异常\" >&2", "    return 1", "  fi",
         "}", ""],
        ["for f in /var/log/app/*.log; do", "  size=$(stat -c %s \"$f\")",
         "  if (( size > 100 * 1024 * 1024 )); then", "    gzip -9 \"$f\"", "  fi", "done", ""],
        ["docker build -t registry.example.com/app:\"$VERSION\" .",
         "docker push registry.example.com/app:\"$VERSION\"",
         "kubectl set image deploy/app app=registry.example.com/app:\"$VERSION\"", ""],
        ["git fetch --all --prune", "git switch -c fix/{fn} origin/main",
         "cargo fmt --check && cargo clippy -- -D warnings", ""],
    ]),
    "yaml": (["# 示例配置", ""], [
        ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: {fn}", "spec:",
         "  replicas: 3", "  template:", "    spec:", "      containers:",
         "        - name: app", "          image: registry.example.com/app:1.4.2",
         "          resources:", "            limits:", "              memory: 512Mi", ""],
        ["server:", "  listen: 0.0.0.0:8080", "  read_timeout: 5s", "  write_timeout: 10s",
         "database:", "  dsn: postgres://app@localhost:5432/{fn}", "  max_open_conns: 32", ""],
        ["on:", "  push:", "    branches: [main]", "jobs:", "  test:",
         "    runs-on: ubuntu-latest", "    steps:", "      - uses: actions/checkout@v4",
         "      - run: make test", ""],
        ["logging:", "  level: info", "  format: json", "  rotate:", "    max_size_mb: 100",
         "    keep: 7", ""],
    ]),
    "sql": (["-- 示例 SQL", ""], [
        ["CREATE TABLE {fn} (", "    id         BIGSERIAL PRIMARY KEY,",
         "    user_id    BIGINT      NOT NULL,", "    title      TEXT        NOT NULL,",
         "    created_at TIMESTAMPTZ NOT NULL DEFAULT now()", ");", ""],
        ["CREATE INDEX idx_{fn}_user ON {fn} (user_id, created_at DESC);", ""],
        ["SELECT user_id, count(*) AS n, max(created_at) AS last_seen", "FROM {fn}",
         "WHERE created_at > now() - interval '7 days'", "GROUP BY user_id",
         "HAVING count(*) > 10", "ORDER BY n DESC", "LIMIT 20;", ""],
        ["EXPLAIN ANALYZE", "SELECT * FROM {fn} WHERE user_id = 42 ORDER BY created_at DESC LIMIT 10;",
         ""],
        ["BEGIN;", "UPDATE {fn} SET title = '新的标题' WHERE id = 1001;",
         "DELETE FROM {fn} WHERE created_at < now() - interval '1 year';", "COMMIT;", ""],
    ]),
    "java": (["import java.util.*;", ""], [
        ["public record {Type}(String name, int weight) {", "    public {Type} {",
         "        Objects.requireNonNull(name, \"name 不能为空\");", "    }", "}", ""],
        ["public static Map<String, Integer> {fn}(List<String> words) {",
         "    Map<String, Integer> counts = new HashMap<>();", "    for (String w : words) {",
         "        counts.merge(w, 1, Integer::sum);", "    }", "    return counts;", "}", ""],
        ["ExecutorService pool = Executors.newFixedThreadPool(4);", "try {",
         "    List<Future<Integer>> futures = new ArrayList<>();",
         "    for (int i = 0; i < 8; i++) {", "        final int n = i;",
         "        futures.add(pool.submit(() -> n * n));", "    }",
         "    for (Future<Integer> f : futures) {", "        System.out.println(f.get());", "    }",
         "} finally {", "    pool.shutdown();", "}", ""],
    ]),
}
LANGUAGES = list(SNIPPETS)
IDENTIFIERS = ["load_config", "sync_users", "build_index", "collect_metrics", "render_posts",
               "check_health", "flush_queue", "merge_tags", "scan_files", "rotate_logs"]
TYPE_NAMES = ["Article", "Account", "Job", "Node", "Session", "Metric", "Order", "Entry"]

IMAGE_KINDS = ["architecture", "flow", "benchmark", "screenshot", "timeline", "topology"]
IMAGES_PER_KIND = 8  # 48 image files in all

CJK = re.compile(r"[\u4e00-\u9fff]")
FENCE_OPEN = re.compile(r"^```[a-z]+$", re.M)
TABLE_HEADER = "| 方案 | QPS |"


# ---------------------------------------------------------------------------
# One post
# ---------------------------------------------------------------------------

class Post:
    """Everything about post i, drawn from its own RNG."""

    def __init__(self, seed: str, i: int):
        self.rng = r = random.Random(f"yan-bench:{seed}:{i}")
        self.slug = f"post-{i:05d}"
        self.subject = r.choice(SUBJECTS)
        self.subject2 = r.choice([s for s in SUBJECTS if s != self.subject])
        self.title = r.choice(TITLES).format(
            s=self.subject, s2=self.subject2, c=r.choice(CONCEPTS), a=r.choice(ASCII_TERMS),
            n=r.randint(1, 24))
        start = dt.datetime(2017, 1, 1)
        self.date = start + dt.timedelta(seconds=r.randrange(8 * 365 * 86400))
        if r.random() < 0.35:
            self.updated = self.date
        else:
            self.updated = self.date + dt.timedelta(seconds=r.randrange(3600, 300 * 86400))
        self.categories = r.sample(CATEGORIES, 2 if r.random() < 0.3 else 1)
        self.tags = r.sample(TAGS, r.randint(2, 5))
        self.body = self._body()

    # -- prose ---------------------------------------------------------------

    def _fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            s=r.choice([self.subject, self.subject, r.choice(SUBJECTS)]),
            s2=self.subject2, c=r.choice(CONCEPTS), a=r.choice(ASCII_TERMS),
            code="`%s`" % r.choice(INLINE_CODE))

    def _sentence(self) -> str:
        r = self.rng
        clauses = [self._fill(c) for c in r.sample(CLAUSES, r.choice((2, 2, 3)))]
        return r.choice(OPENERS) + "，".join(clauses) + r.choice("。。。！")

    def _paragraph(self) -> str:
        r = self.rng
        text = "".join(self._sentence() for _ in range(r.randint(2, 5)))
        if r.random() < 0.15:
            lt, lu = r.choice(LINKS)
            text += r.choice(TAIL_SENTENCES).format(lt=lt, lu=lu)
        return text

    def _list(self) -> str:
        r = self.rng
        items = [self._fill(x) for x in r.sample(LIST_ITEMS, r.randint(3, 6))]
        if r.random() < 0.5:
            return "\n".join(f"{k}. {x}" for k, x in enumerate(items, 1))
        return "\n".join(f"- {x}" for x in items)

    def _table(self) -> str:
        r = self.rng
        rows = [TABLE_HEADER + " P99 延迟 | 内存 | 结论 |", "| :--- | ---: | ---: | ---: | :--- |"]
        for s in r.sample(SUBJECTS, r.randint(3, 6)):
            rows.append("| %s | %d | %.1f ms | %d MB | %s |" % (
                s, r.randint(500, 120000), r.uniform(0.3, 80), r.randint(6, 2048),
                r.choice(["推荐", "可以接受", "不推荐", "需要调优", "适合小规模"])))
        return "\n".join(rows)

    def _code(self) -> str:
        r = self.rng
        lang = r.choice(LANGUAGES)
        head, chunks = SNIPPETS[lang]
        chunks = chunks[:]
        r.shuffle(chunks)
        target = r.randint(8, 36)
        lines = list(head)
        k = 0
        while len(lines) < target:
            lines.extend(chunks[k % len(chunks)])
            k += 1
        while lines and lines[-1] == "":
            lines.pop()
        fn = r.choice(IDENTIFIERS)
        if lang in ("js", "java", "go"):
            first, *rest = fn.split("_")
            fn = first + "".join(w.title() for w in rest)
        text = "\n".join(lines).replace("{fn}", fn).replace("{Type}", r.choice(TYPE_NAMES))
        return f"```{lang}\n{text}\n```"

    def _image(self) -> str:
        r = self.rng
        name = "%s-%d.png" % (r.choice(IMAGE_KINDS), r.randint(1, IMAGES_PER_KIND))
        alt = r.choice(["示意图", "架构图", "流程图", "压测结果", "运行截图"])
        return f"![{alt}](./images/{name})"

    # -- body ----------------------------------------------------------------

    def _body(self) -> str:
        r = self.rng
        target = r.randint(1450, 2550)           # CJK characters of prose, before overshoot
        n_sections = r.randint(2, 4)
        headings = r.sample(SECTION_HEADINGS, n_sections - 1) + [r.choice(CLOSING_HEADINGS)]
        intro = self._paragraph()
        per_section = max(150, (target - len(CJK.findall(intro))) // n_sections)
        sections: list[list[str]] = []
        for _ in headings:
            blocks: list[str] = []
            count = 0
            while count < per_section:
                roll = r.random()
                if blocks and roll < 0.12:
                    b = self._list()
                elif blocks and roll < 0.16:
                    b = "> " + self._fill(r.choice(TIPS))
                else:
                    b = self._paragraph()
                blocks.append(b)
                count += len(CJK.findall(b))
            sections.append(blocks)
        # place code, maybe a table, and the image after a random block of a random section
        extras = [self._code() for _ in range(r.randint(1, 3))]
        if r.random() < 0.33:
            extras.append(self._table())
        extras.append(self._image())
        for x in extras:
            sec = r.choice(sections)
            sec.insert(r.randint(1, len(sec)), x)
        out = [intro, "<!-- more -->"]
        for h, sec in zip(headings, sections):
            out.append("## " + h)
            if len(sec) > 4 and r.random() < 0.4:    # an occasional sub-heading
                sec.insert(len(sec) // 2, "### " + self._fill("{c}的细节"))
            out.extend(sec)
        return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------

def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter_yan(p: Post) -> str:
    """Hexo front matter. Two categories are written as ``[[a], [b]]``: in Hexo's
    semantics (which yan follows) a plain list ``[a, b]`` would make b a child of a."""
    fmt = "%Y-%m-%d %H:%M:%S"
    lines = ["---", "title: " + yaml_str(p.title), "date: " + p.date.strftime(fmt),
             "updated: " + p.updated.strftime(fmt), "tags:"]
    lines += ["  - " + yaml_str(t) for t in p.tags]
    lines.append("categories:")
    if len(p.categories) == 1:
        lines.append("  - " + yaml_str(p.categories[0]))
    else:
        lines += ["  - [%s]" % yaml_str(c) for c in p.categories]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def front_matter_hugo(p: Post) -> str:
    """The same metadata as Hugo reads it: RFC 3339 dates in Asia/Shanghai,
    ``lastmod`` for ``updated``, flat ``tags`` and ``categories`` taxonomies."""
    fmt = "%Y-%m-%dT%H:%M:%S+08:00"
    lines = ["---", "title: " + yaml_str(p.title), "date: " + p.date.strftime(fmt),
             "lastmod: " + p.updated.strftime(fmt), "tags:"]
    lines += ["  - " + yaml_str(t) for t in p.tags]
    lines.append("categories:")
    lines += ["  - " + yaml_str(c) for c in p.categories]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


# ---------------------------------------------------------------------------
# Site skeletons
# ---------------------------------------------------------------------------

YAN_CONFIG = f"""# yan benchmark site (generated by bench/gen_corpus.py)
title: {SITE_TITLE}
url: {SITE_URL}
language: zh-CN
timezone: Asia/Shanghai
per_page: 10
feed:
  limit: 20
"""

HUGO_CONFIG = f"""# Hugo site equivalent to the yan benchmark site (generated by bench/gen_corpus.py)
baseURL = "{SITE_URL}/"
title = "{SITE_TITLE}"
locale = "zh-CN"
defaultContentLanguage = "zh"
hasCJKLanguage = true
timeZone = "Asia/Shanghai"
summaryLength = 70
enableRobotsTXT = false

[pagination]
pagerSize = 10

[taxonomies]
tag = "tags"
category = "categories"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]

[services.rss]
limit = 20

[markup.highlight]
codeFences = true
guessSyntax = false
noClasses = false
lineNos = false
"""

HUGO_LIST_ITEM = ('<li><time>{{ .Date.Format "2006-01-02" }}</time> '
                  '<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>')
HUGO_PAGER = ('<nav class="pager">{{ with $p.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }}'
              ' {{ $p.PageNumber }} / {{ $p.TotalPages }} '
              '{{ with $p.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}</nav>')

HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
{{ with site.Home.OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ site.Title }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/posts/" | relURL }}">归档</a> <a href="{{ "/tags/" | relURL }}">标签</a> <a href="{{ "/categories/" | relURL }}">分类</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    # The home page pages through every post, newest first, with its summary.
    # site.RegularPages is used directly: wrapping it in `where ... "Section" "posts"`
    # would re-run the filter for every pager.
    "home.html": """{{ define "main" }}
{{ $p := .Paginate site.RegularPages }}
{{ range $p.Pages }}<article class="summary">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<div class="meta"><time>{{ .Date.Format "2006-01-02" }}</time></div>
<div class="excerpt">{{ .Summary }}</div>
</article>
{{ end }}
""" + HUGO_PAGER + """
{{ end }}
""",
    "single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<div class="meta">发表于 <time>{{ .Date.Format "2006-01-02 15:04" }}</time>，更新于 <time>{{ .Lastmod.Format "2006-01-02 15:04" }}</time>，约 {{ .WordCount }} 字</div>
<div class="categories">{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</div>
<div class="content">{{ .Content }}</div>
<div class="tags">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">#{{ .LinkTitle }}</a> {{ end }}</div>
<nav class="prevnext">{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>
{{ end }}
""",
    # /posts/: the archive, every post on one page.
    "section.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="archive">
{{ range .Pages }}""" + HUGO_LIST_ITEM + """
{{ end }}</ul>
{{ end }}
""",
    # /tags/ and /categories/: every term with its post count.
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="terms">
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
    # /tags/<t>/ and /categories/<c>/: that term's posts, paginated by 10 like the index.
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages }}
<ul class="posts">
{{ range $p.Pages }}""" + HUGO_LIST_ITEM + """
{{ end }}</ul>
""" + HUGO_PAGER + """
{{ end }}
""",
}

CSS = """body{max-width:48rem;margin:0 auto;padding:1rem;line-height:1.75;
font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
pre{background:#f6f8fa;padding:.75rem;overflow:auto}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:.25rem .5rem}img{max-width:100%}
"""


HEXO_CONFIG = f"""# Hexo site equivalent to the yan benchmark site (generated by bench/gen_corpus.py)
title: {SITE_TITLE}
language: zh-CN
timezone: Asia/Shanghai
url: {SITE_URL}
permalink: posts/:title/
source_dir: source
public_dir: public
tag_dir: tags
category_dir: categories
archive_dir: archives
per_page: 10
pagination_dir: page
theme: bench
future: true
updated_option: date
syntax_highlighter: highlight.js
highlight:
  line_number: false
  auto_detect: false
  wrap: true
  hljs: false
index_generator:
  path: ''
  per_page: 10
  order_by: -date
archive_generator:
  per_page: 0
  yearly: false
  monthly: false
tag_generator:
  per_page: 10
category_generator:
  per_page: 10
feed:
  type: rss2
  path: rss.xml
  limit: 20
"""

HEXO_PACKAGE = """{
  "name": "yan-bench-hexo",
  "version": "0.0.0",
  "private": true,
  "hexo": { "version": "7.0.0" },
  "dependencies": {
    "hexo": "*",
    "hexo-generator-archive": "*",
    "hexo-generator-category": "*",
    "hexo-generator-feed": "*",
    "hexo-generator-index": "*",
    "hexo-generator-tag": "*",
    "hexo-renderer-ejs": "*",
    "hexo-renderer-marked": "*"
  }
}
"""

HEXO_POST_LIST = """<ul class="posts">
<% page.posts.each(function (p) { %><li><time><%= date(p.date, 'YYYY-MM-DD') %></time> <a href="<%- url_for(p.path) %>"><%= p.title %></a></li>
<% }) %></ul>
<%- partial('_partial/pager') %>
"""

HEXO_THEME = {
    "layout/layout.ejs": """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><% if (page.title) { %><%= page.title %> - <% } %><%= config.title %></title>
<link rel="stylesheet" href="<%- url_for('/css/site.css') %>">
<link rel="alternate" type="application/rss+xml" href="<%- url_for('/rss.xml') %>" title="<%= config.title %>">
</head>
<body>
<header><a href="<%- url_for('/') %>"><%= config.title %></a>
<nav><a href="<%- url_for('/archives/') %>">归档</a> <a href="<%- url_for('/tags/') %>">标签</a> <a href="<%- url_for('/categories/') %>">分类</a></nav></header>
<main><%- body %></main>
<footer><%= config.title %></footer>
</body>
</html>
""",
    "layout/_partial/pager.ejs": """<nav class="pager"><% if (page.prev) { %><a href="<%- url_for(page.prev_link) %>">上一页</a><% } %> <%= page.current %> / <%= page.total %> <% if (page.next) { %><a href="<%- url_for(page.next_link) %>">下一页</a><% } %></nav>
""",
    "layout/index.ejs": """<% page.posts.each(function (p) { %><article class="summary">
<h2><a href="<%- url_for(p.path) %>"><%= p.title %></a></h2>
<div class="meta"><time><%= date(p.date, 'YYYY-MM-DD') %></time></div>
<div class="excerpt"><%- p.excerpt %></div>
</article>
<% }) %><%- partial('_partial/pager') %>
""",
    "layout/post.ejs": """<article>
<h1><%= page.title %></h1>
<div class="meta">发表于 <time><%= date(page.date, 'YYYY-MM-DD HH:mm') %></time>，更新于 <time><%= date(page.updated, 'YYYY-MM-DD HH:mm') %></time></div>
<div class="categories"><% page.categories.each(function (c) { %><a href="<%- url_for(c.path) %>"><%= c.name %></a> <% }) %></div>
<div class="content"><%- page.content %></div>
<div class="tags"><% page.tags.each(function (t) { %><a href="<%- url_for(t.path) %>">#<%= t.name %></a> <% }) %></div>
<nav class="prevnext"><% if (page.prev) { %><a href="<%- url_for(page.prev.path) %>"><%= page.prev.title %></a><% } %> <% if (page.next) { %><a href="<%- url_for(page.next.path) %>"><%= page.next.title %></a><% } %></nav>
</article>
""",
    "layout/page.ejs": """<article><h1><%= page.title %></h1><%- page.content %></article>
""",
    "layout/archive.ejs": """<h1>归档</h1>
""" + HEXO_POST_LIST,
    "layout/tag.ejs": """<h1><%= page.tag %></h1>
""" + HEXO_POST_LIST,
    "layout/category.ejs": """<h1><%= page.category %></h1>
""" + HEXO_POST_LIST,
    "layout/terms.ejs": """<h1><%= page.title %></h1>
<ul class="terms">
<% site[page.kind].sort('length', -1).each(function (t) { %><li><a href="<%- url_for(t.path) %>"><%= t.name %></a> (<%= t.length %>)</li>
<% }) %></ul>
""",
    "_config.yml": "# bench theme: no options\n",
}


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour RGB PNG, encoded by hand (no Pillow needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 9))
            + chunk(b"IEND", b""))


def write(path: str, data, mode: str = "w") -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if mode == "wb":
        with open(path, "wb") as f:
            f.write(data)
    else:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)


def write_images(folder: str) -> None:
    for k, kind in enumerate(IMAGE_KINDS):
        for n in range(1, IMAGES_PER_KIND + 1):
            colour = (40 * k % 256, 30 * n % 256, 200 - 20 * k)
            write(os.path.join(folder, f"{kind}-{n}.png"), png(32, 24, colour), "wb")


def write_skeleton(out: str, layout: str) -> str:
    """Write the site around the posts; return the folder posts go into."""
    if layout == "yan":
        write(os.path.join(out, "config.yaml"), YAN_CONFIG)
        posts = os.path.join(out, "content", "posts")
        write_images(os.path.join(posts, "images"))
        return posts
    if layout == "hexo":
        write(os.path.join(out, "_config.yml"), HEXO_CONFIG)
        write(os.path.join(out, "package.json"), HEXO_PACKAGE)
        for kind, title in (("tags", "标签"), ("categories", "分类")):
            write(os.path.join(out, "source", kind, "index.md"),
                  f'---\ntitle: "{title}"\nlayout: terms\nkind: {kind}\n---\n')
        for name, text in HEXO_THEME.items():
            write(os.path.join(out, "themes", "bench", name), text)
        write(os.path.join(out, "themes", "bench", "source", "css", "site.css"), CSS)
        write_images(os.path.join(out, "source", "images"))
        return os.path.join(out, "source", "_posts")
    write(os.path.join(out, "hugo.toml"), HUGO_CONFIG)
    write(os.path.join(out, "content", "posts", "_index.md"), '---\ntitle: "归档"\n---\n')
    write(os.path.join(out, "content", "tags", "_index.md"), '---\ntitle: "标签"\n---\n')
    write(os.path.join(out, "content", "categories", "_index.md"), '---\ntitle: "分类"\n---\n')
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(out, "layouts", name), text)
    write(os.path.join(out, "static", "css", "site.css"), CSS)
    # posts link ./images/x.png; Hugo copies static/ as is, so the files ship with the site
    write_images(os.path.join(out, "static", "images"))
    return os.path.join(out, "content", "posts")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See the module docstring (or bench/README.md) for the corpus shape.")
    ap.add_argument("--n", type=int, required=True, help="number of posts")
    ap.add_argument("--out", required=True, help="site folder to (re)create")
    ap.add_argument("--seed", default="42", help="corpus seed (default 42)")
    ap.add_argument("--layout", choices=("yan", "hugo", "hexo"), default="yan",
                    help="site layout to write (default yan)")
    ap.add_argument("--quiet", action="store_true", help="no summary line")
    a = ap.parse_args(argv)
    if a.n < 0:
        ap.error("--n must be >= 0")

    out = os.path.abspath(a.out)
    # only ever remove what this script writes
    for sub in ("content", "layouts", "static", "config.yaml", "hugo.toml",
                "source", "themes", "_config.yml", "package.json"):
        path = os.path.join(out, sub)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    posts_dir = write_skeleton(out, a.layout)

    total_bytes = total_cjk = code_blocks = tables = 0
    for i in range(1, a.n + 1):
        p = Post(a.seed, i)
        if a.layout in ("yan", "hexo"):
            text = front_matter_yan(p) + p.body
        else:
            # Hugo's summary divider is <!--more--> without spaces
            text = front_matter_hugo(p) + p.body.replace("<!-- more -->", "<!--more-->")
        write(os.path.join(posts_dir, p.slug + ".md"), text)
        total_bytes += len(text.encode("utf-8"))
        total_cjk += len(CJK.findall(p.body))
        code_blocks += len(FENCE_OPEN.findall(p.body))
        tables += p.body.count(TABLE_HEADER)
    if not a.quiet:
        print(f"{a.layout} site, {a.n} posts -> {out}: {total_bytes / 1e6:.2f} MB Markdown, "
              f"{total_cjk / max(a.n, 1):.0f} CJK chars/post, {code_blocks} code blocks, "
              f"{tables} tables", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
