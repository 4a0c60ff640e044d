/* Zensical's search dialog in Chinese (the Zensical build only: `volunteers generate --for
 * zensical` adds it to extra_javascript).
 *
 * Zensical 0.0.73 writes its Chinese strings (theme.language: zh) into the page's __config
 * translations, but its search dialog (an open shadow root under <body>) does not read them: its
 * placeholder, result count ("50 results"), labels and messages are English literals in its
 * bundle. This script watches that shadow root and puts the Chinese strings in their place:
 * Zensical's own ones from __config where it has them, ours where it has none. Result titles
 * and excerpts (the listbox) are left alone. */
(function () {
  "use strict";
  var given = {};
  try {
    given = JSON.parse(document.getElementById("__config").textContent).translations || {};
  } catch (e) {
    given = {};
  }
  function zh(key, fallback) {
    var value = given[key];
    return value && value !== key && !/^[\x00-\x7f]*$/.test(value) ? value : fallback;
  }
  var ONE = zh("search.result.one", "找到 1 个符合条件的结果");
  var OTHER = zh("search.result.other", "# 个符合条件的结果");
  var STRINGS = {
    "Search": zh("search.placeholder", "搜索"),
    "Search results": "搜索结果",
    "Close search": "关闭搜索",
    "Filters": "筛选",
    "Tags": "标签",
    "No results": zh("search.result.none", "没有找到符合条件的结果"),
    "Loading search\u2026": "正在初始化搜索引擎",
    "Search is unavailable. Reload the page to try again.": "搜索暂不可用，请刷新页面重试。",
    "Use Up and Down arrow keys to move between tags. Press Space or Enter to toggle a tag.":
      "用上下方向键在标签之间移动，按空格键或回车键选中或取消标签。"
  };
  var COUNT = /^([\d,]+) results?$/;
  var ATTRIBUTES = ["placeholder", "aria-label", "title"];

  function chinese(text) {
    var trimmed = text.trim();
    var count = COUNT.exec(trimmed);
    if (count) {
      var n = count[1].replace(/,/g, "");
      return n === "1" ? ONE : OTHER.replace("#", n);
    }
    return Object.prototype.hasOwnProperty.call(STRINGS, trimmed) ? STRINGS[trimmed] : null;
  }

  function localise(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        // The results' own text (titles, excerpts) is the site's: never touched.
        return node.nodeType === 1 && node.getAttribute("role") === "listbox"
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT;
      }
    });
    var node;
    while ((node = walker.nextNode())) {
      if (node.nodeType === 3) {
        var text = chinese(node.data);
        if (text !== null && node.data !== text) node.data = text;
        continue;
      }
      for (var i = 0; i < ATTRIBUTES.length; i++) {
        var value = node.getAttribute(ATTRIBUTES[i]);
        var translated = value === null ? null : chinese(value);
        if (translated !== null && value !== translated) {
          node.setAttribute(ATTRIBUTES[i], translated);
        }
      }
    }
    var listbox = root.querySelector("[role=listbox]");
    if (listbox && listbox.getAttribute("aria-label") === "Search results") {
      listbox.setAttribute("aria-label", STRINGS["Search results"]);
    }
  }

  var watched = [];
  function watch() {
    var children = document.body ? document.body.children : [];
    for (var i = 0; i < children.length; i++) {
      var root = children[i].shadowRoot;
      if (!root || watched.indexOf(root) >= 0) continue;
      watched.push(root);
      localise(root);
      new MutationObserver(function (records) {
        localise(records[0].target.getRootNode());
      }).observe(root, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ATTRIBUTES
      });
    }
  }

  watch();
  if (document.body) new MutationObserver(watch).observe(document.body, { childList: true });
  // The dialog's host may get its shadow root after it joins <body>: look again when search opens.
  document.addEventListener("click", watch, true);
  document.addEventListener("keydown", watch, true);
  document.addEventListener("focusin", watch, true);
})();
