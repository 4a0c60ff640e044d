/* The site's search: answers a citizen's question (怎么报名, 电话, 登记表) with the right page.
 *
 * 1. The intent table (search/intents.json, from generator/site/intents.py): a question that
 *    contains one of an intent's words puts that page first; a longer matched word counts more.
 * 2. Full text over the search index the build writes (search/search_index.json, cut into
 *    words by jieba): the question's Chinese runs are matched as pairs of characters, so
 *    怎么报名 still finds 报名 and a word from the middle of a title is found.
 *    Real pages come before example data (entries marked "example": true).
 * It searches on `input` and `compositionend` (a paste from the long-press menu, an input
 * method), not only on key events. No request leaves the site. */
(function () {
  "use strict";
  var FILLERS = /请问|我想|我要|想要|怎么样|怎么|怎样|如何|哪里|哪儿|什么|是否|可以|能否|需要|一下|吗|呢|吧|啊|的|了|么/g;
  var PUNCT = /[\s\u200b\u3000!-\/:-@\[-`{-~，。、？！；：“”‘’（）《》【】…—·]+/g;
  var MAX_RESULTS = 20;

  var root = document.getElementById("volunteers-search");
  if (!root) return;
  var input = root.querySelector(".md-search__input");
  var form = root.querySelector("form");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");
  var base = ".";
  try {
    base = JSON.parse(document.getElementById("__config").textContent).base || ".";
  } catch (e) { /* the theme always writes __config; "." keeps the search working without */ }

  var loaded = null;
  function load() {
    if (!loaded) {
      var get = function (path) {
        return fetch(base + "/" + path).then(function (r) {
          if (!r.ok) throw new Error(path + ": HTTP " + r.status);
          return r.json();
        });
      };
      loaded = Promise.all([get("search/intents.json"), get("search/search_index.json")])
        .then(function (parts) { return prepare(parts[0].intents, parts[1].docs); });
      loaded.catch(function () { loaded = null; });
    }
    return loaded;
  }

  function plain(text) { return (text || "").replace(/\u200b/g, ""); }
  function normal(text) {
    return plain(text).normalize("NFKC").toLowerCase();
  }
  function decode(text) {
    return new DOMParser().parseFromString(text, "text/html").documentElement.textContent;
  }

  function prepare(intents, docs) {
    var pages = [];
    docs.forEach(function (doc) {
      pages.push({
        location: doc.location,
        page: doc.location.split("#")[0],
        title: plain(doc.title),
        text: plain(doc.text),
        t: normal(doc.title),
        x: normal(doc.text),
        example: doc.example === true
      });
    });
    return { intents: intents, docs: pages };
  }

  /* The question's terms: runs of letters and digits, Chinese runs cut into character pairs. */
  function terms(query) {
    var q = normal(query).replace(PUNCT, " ");
    var words = q.replace(FILLERS, " ").split(" ").filter(Boolean);
    if (!words.length) words = q.split(" ").filter(Boolean);
    var out = { whole: words, pairs: [] };
    words.forEach(function (w) {
      if (w.length < 2 || !/[\u3400-\u9fff]/.test(w)) { out.pairs.push(w); return; }
      for (var i = 0; i + 2 <= w.length; i++) out.pairs.push(w.slice(i, i + 2));
    });
    return out;
  }

  function intentScore(intent, q) {
    var matched = intent.words.filter(function (w) { return q.indexOf(w.toLowerCase()) >= 0; });
    return matched
      .filter(function (w) {  /* 报名 inside 怎么报名 counts once */
        return !matched.some(function (o) { return o !== w && o.indexOf(w) >= 0; });
      })
      .reduce(function (sum, w) { return sum + w.length; }, 0);
  }

  function count(hay, needle) {
    var n = 0, at = hay.indexOf(needle);
    while (at >= 0 && n < 5) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  function textScore(doc, q) {
    var score = 0, hits = 0;
    q.whole.forEach(function (w) {
      if (doc.t.indexOf(w) >= 0) score += 30;
      else if (doc.x.indexOf(w) >= 0) score += 6;
    });
    q.pairs.forEach(function (p) {
      var inTitle = doc.t.indexOf(p) >= 0, inText = count(doc.x, p);
      if (inTitle || inText) hits++;
      score += (inTitle ? 8 : 0) + inText;
    });
    /* most of the question must be there: a page with one stray pair is noise */
    return hits * 2 >= q.pairs.length ? score : 0;
  }

  function search(data, query) {
    var q = terms(query);
    var question = normal(query).replace(PUNCT, "");
    if (!question) return [];
    var results = [], seen = {};
    data.intents
      .map(function (intent, order) {
        return { intent: intent, order: order, score: intentScore(intent, question) };
      })
      .filter(function (r) { return r.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.order - b.order; })
      .slice(0, 3)
      .forEach(function (r) {
        seen[r.intent.location.split("#")[0]] = true;
        results.push({ location: r.intent.location, title: r.intent.title, text: r.intent.summary,
                       example: false, answer: true });
      });
    if (!q.pairs.length) return results;
    var best = {};
    data.docs.forEach(function (doc) {
      var score = textScore(doc, q);
      if (score <= 0 || seen[doc.page]) return;
      if (!best[doc.page] || best[doc.page].score < score) best[doc.page] = { doc: doc, score: score };
    });
    Object.keys(best)
      .map(function (k) { return best[k]; })
      .sort(function (a, b) {
        return (a.doc.example - b.doc.example) || (b.score - a.score);
      })
      .forEach(function (r) {
        results.push({ location: r.doc.location, title: r.doc.title, text: r.doc.text,
                       example: r.doc.example, pairs: q.pairs });
      });
    return results.slice(0, MAX_RESULTS);
  }

  /* About 80 characters of the text around the first matched pair, the pairs marked. */
  function snippet(text, pairs, into) {
    var plainText = decode(text);
    var lower = plainText.toLowerCase(), first = -1;
    (pairs || []).forEach(function (p) {
      var at = lower.indexOf(p);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - 20);
    var cut = plainText.slice(start, start + 80);
    if (start > 0) cut = "…" + cut;
    if (start + 80 < plainText.length) cut += "…";
    var low = cut.toLowerCase(), marked = [];
    (pairs || []).forEach(function (p) {
      if (p.length < 2) return;
      for (var at = low.indexOf(p); at >= 0; at = low.indexOf(p, at + 1)) {
        for (var m = at; m < at + p.length; m++) marked[m] = true;
      }
    });
    for (var i = 0; i < cut.length;) {
      var j = i;
      while (j < cut.length && !!marked[j] === !!marked[i]) j++;
      if (marked[i]) {
        var mark = document.createElement("mark");
        mark.textContent = cut.slice(i, j);
        into.appendChild(mark);
      } else {
        into.appendChild(document.createTextNode(cut.slice(i, j)));
      }
      i = j;
    }
  }

  function render(results, query) {
    list.textContent = "";
    if (!normal(query).replace(PUNCT, "")) {
      meta.textContent = "输入问题或词语，如：怎么报名、电话、登记表";
      return;
    }
    meta.textContent = results.length
      ? "找到 " + results.length + " 个结果"
      : "没有找到“" + query.slice(0, 20) + "”。可以试试：报名、电话、登记表、名额、截止";
    results.forEach(function (r) {
      var item = document.createElement("li");
      item.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = base + "/" + r.location;
      if (r.answer) link.setAttribute("data-answer", "");
      if (r.example) link.setAttribute("data-example", "");
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var heading = document.createElement("h1");
      heading.textContent = r.answer ? r.title : decode(r.title);  /* index titles are escaped */
      if (r.example) {
        var badge = document.createElement("span");
        badge.className = "badge badge-example";
        badge.textContent = "示例";
        heading.appendChild(document.createTextNode(" "));
        heading.appendChild(badge);
      }
      var text = document.createElement("p");
      if (r.answer) text.textContent = r.text; else snippet(r.text, r.pairs, text);
      article.appendChild(heading);
      article.appendChild(text);
      link.appendChild(article);
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  var pending = 0;
  function run() {
    var query = input.value;
    var ticket = ++pending;
    load().then(function (data) {
      if (ticket === pending) render(search(data, query), query);
    }, function () {
      meta.textContent = "搜索暂时无法使用，请稍后再试，或查看“联系我们”页面。";
    });
  }

  input.addEventListener("input", function (event) {
    if (!event.isComposing) run();  /* mid-composition pinyin is not a question yet */
  });
  input.addEventListener("compositionend", run);
  input.addEventListener("focus", function () {
    if (toggle && !toggle.checked) toggle.checked = true;  /* the desktop's box opens the results */
    load();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle) {
      toggle.checked = false;
      input.blur();
    }
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) setTimeout(function () { input.focus(); }, 50);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || !toggle || toggle.checked) return;
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return;
    toggle.checked = true;
    event.preventDefault();
    input.focus();
  });
  document.querySelectorAll("label[for='__search']").forEach(function (label) {
    label.addEventListener("click", function () {
      setTimeout(function () { if (toggle && toggle.checked) input.focus(); }, 50);
    });
  });
  // A question in the address (?q=…, as the 404 page's search box sends it) opens the search.
  var asked = null;
  try { asked = new URLSearchParams(window.location.search).get("q"); } catch (e) { /* old browsers */ }
  if (asked) {
    input.value = asked;
    if (toggle) toggle.checked = true;
  }
  if (input.value) run();
})();
