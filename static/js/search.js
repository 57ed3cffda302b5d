// yan default theme: client-side search. Fetches the search index (a JSON array of
// {title, url, date, tags, categories, text}) once, then filters by substring — which works
// for Chinese without word segmentation. Several words separated by spaces must all match.
(function () {
  "use strict";

  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !list) return;

  var MAX_RESULTS = 50;
  var SNIPPET = 60; // characters each side of the first match
  var index = null;

  function names(value) {
    // tags: ["Rust"] or [{name}]; categories: ["A"], [["A","B"]] or [[{name}]] — accept them all
    var out = [];
    (function walk(v) {
      if (v == null) return;
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object") walk(v.name);
      else out.push(String(v));
    })(value);
    return out;
  }

  function prepare(entries) {
    return entries.map(function (e) {
      var tags = names(e.tags);
      var cats = names(e.categories);
      return {
        title: e.title || "",
        url: e.url,
        date: e.date || "",
        tags: tags,
        categories: cats,
        text: e.text || "",
        lTitle: (e.title || "").toLowerCase(),
        lTags: tags.concat(cats).join(" ").toLowerCase(),
        lText: (e.text || "").toLowerCase()
      };
    });
  }

  function search(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!terms.length) return [];
    var results = [];
    index.forEach(function (e) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var t = terms[i];
        var s = 0;
        if (e.lTitle.indexOf(t) !== -1) s += 10;
        if (e.lTags.indexOf(t) !== -1) s += 5;
        if (e.lText.indexOf(t) !== -1) s += 1;
        if (!s) return; // every term must match somewhere
        score += s;
      }
      results.push({ entry: e, score: score });
    });
    results.sort(function (a, b) {
      return b.score - a.score || (a.entry.date < b.entry.date ? 1 : -1);
    });
    return results.slice(0, MAX_RESULTS).map(function (r) { return r.entry; });
  }

  // Append `text` to `parent`, wrapping every occurrence of a term in <mark>.
  function highlight(parent, text, terms) {
    var lower = text.toLowerCase();
    var pos = 0;
    while (pos < text.length) {
      var best = -1, len = 0;
      terms.forEach(function (t) {
        var i = lower.indexOf(t, pos);
        if (i !== -1 && (best === -1 || i < best)) { best = i; len = t.length; }
      });
      if (best === -1) break;
      parent.appendChild(document.createTextNode(text.slice(pos, best)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(best, best + len);
      parent.appendChild(mark);
      pos = best + len;
    }
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function snippet(e, terms) {
    var at = -1;
    terms.forEach(function (t) {
      var i = e.lText.indexOf(t);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    });
    if (at === -1) return e.text.slice(0, SNIPPET * 2) + (e.text.length > SNIPPET * 2 ? "…" : "");
    var start = Math.max(0, at - SNIPPET);
    var end = Math.min(e.text.length, at + SNIPPET);
    return (start > 0 ? "…" : "") + e.text.slice(start, end) + (end < e.text.length ? "…" : "");
  }

  function render(query) {
    list.textContent = "";
    var q = query.trim();
    if (!q) { status.textContent = "共 " + index.length + " 篇文章可供搜索。"; return; }
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    var found = search(q);
    status.textContent = found.length
      ? "找到 " + found.length + " 篇与「" + q + "」相关的文章" + (found.length === MAX_RESULTS ? "（只显示前 " + MAX_RESULTS + " 篇）" : "") + "。"
      : "没有找到与「" + q + "」相关的文章，换个关键词试试？";
    found.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.className = "result-title";
      a.href = e.url;
      highlight(a, e.title, terms);
      li.appendChild(a);

      var meta = document.createElement("div");
      meta.className = "result-meta";
      meta.textContent = [e.date.slice(0, 10)].concat(e.categories.length ? [e.categories.join(" › ")] : [])
        .concat(e.tags.map(function (t) { return "#" + t; })).join(" · ");
      li.appendChild(meta);

      var p = document.createElement("p");
      p.className = "result-snippet";
      highlight(p, snippet(e, terms), terms);
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  var timer;
  function onInput() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value;
      var url = new URL(window.location.href);
      if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
      if (index) render(q);
    }, 120);
  }

  // Chinese input methods fire input events while composing; wait for the final text.
  var composing = false;
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; onInput(); });
  input.addEventListener("input", function () { if (!composing) onInput(); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); onInput(); });

  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  status.textContent = "正在载入索引……";

  fetch(form.getAttribute("data-index"))
    .then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + r.statusText);
      return r.json();
    })
    .then(function (data) {
      index = prepare(Array.isArray(data) ? data : []);
      render(input.value);
    })
    .catch(function (err) {
      status.textContent = "搜索索引载入失败（" + err.message + "）。";
    });
})();
