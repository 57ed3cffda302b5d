// yan default theme: copy buttons on code blocks, and the TOC's open state and current heading.
// Loaded with `defer`; no dependencies, nothing fetched.
(function () {
  "use strict";

  // ---- code blocks: wrap each <pre class="code"> and add a language label and a copy button
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy") ? resolve() : reject(); } catch (e) { reject(e); }
      document.body.removeChild(area);
    });
  }

  document.querySelectorAll("pre.code, .prose pre").forEach(function (pre) {
    if (pre.parentNode.classList.contains("code-block")) return;
    var box = document.createElement("div");
    box.className = "code-block";
    pre.parentNode.insertBefore(box, pre);
    box.appendChild(pre);

    var lang = pre.getAttribute("data-lang");
    if (lang) {
      var label = document.createElement("span");
      label.className = "code-lang";
      label.textContent = lang;
      box.appendChild(label);
    }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "复制";
    button.setAttribute("aria-label", "复制代码");
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      copyText(code.innerText.replace(/\n$/, "")).then(function () {
        done("已复制");
      }, function () {
        done("复制失败");
      });
    });
    var timer;
    function done(text) {
      button.textContent = text;
      button.classList.add("is-done");
      clearTimeout(timer);
      timer = setTimeout(function () {
        button.textContent = "复制";
        button.classList.remove("is-done");
      }, 1600);
    }
    box.appendChild(button);
  });

  // ---- TOC: open beside the article on wide screens, folded above it on small ones
  var toc = document.querySelector(".toc details");
  if (!toc) return;
  var wide = window.matchMedia("(min-width: 68em)");
  function syncOpen() { toc.open = wide.matches; }
  syncOpen();
  if (wide.addEventListener) wide.addEventListener("change", syncOpen);

  // ---- TOC: mark the heading being read
  if (!("IntersectionObserver" in window)) return;
  var links = {};
  toc.querySelectorAll("a[href^='#']").forEach(function (a) {
    links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
  });
  var headings = Array.prototype.filter.call(
    document.querySelectorAll(".post-content h2[id], .post-content h3[id], .post-content h4[id]"),
    function (h) { return links[h.id]; }
  );
  var current;
  var observer = new IntersectionObserver(function () {
    var top = null;
    headings.forEach(function (h) {
      if (h.getBoundingClientRect().top < window.innerHeight * 0.3) top = h;
    });
    top = top || headings[0];
    if (top && links[top.id] !== current) {
      if (current) current.classList.remove("is-active");
      current = links[top.id];
      current.classList.add("is-active");
    }
  }, { rootMargin: "0px 0px -70% 0px" });
  headings.forEach(function (h) { observer.observe(h); });
})();
