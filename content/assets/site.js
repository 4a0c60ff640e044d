/* Keyboard and small-screen help on top of the theme: the menu button (a label in the theme)
   can be reached and used with the keyboard, and tables wider than the screen say so. */
(function () {
  "use strict";
  var drawer = document.getElementById("__drawer");
  var button = document.querySelector('label.md-header__button[for="__drawer"]');
  if (drawer && button) {
    button.setAttribute("tabindex", "0");
    button.setAttribute("role", "button");
    button.setAttribute("aria-label", "打开菜单");
    button.setAttribute("aria-expanded", String(drawer.checked));
    drawer.addEventListener("change", function () {
      button.setAttribute("aria-expanded", String(drawer.checked));
      if (drawer.checked) {
        setTimeout(function () {
          var links = document.querySelectorAll(".md-sidebar--primary a.md-nav__link");
          for (var i = 0; i < links.length; i++) {
            if (links[i].getClientRects().length) { links[i].focus(); break; }
          }
        }, 50);
      }
    });
    button.addEventListener("keydown", function (event) {
      // Enter and Space, as on any button. (The theme's own Enter handler for labels is not
      // relied on: it lives in a keyboard stream that the site's search replaces.)
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        drawer.checked = !drawer.checked;
        drawer.dispatchEvent(new Event("change"));
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.checked) {
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change"));
        button.focus();
      }
    });
  }
  function hints() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i], before = wrap.previousElementSibling;
      var has = before && before.classList.contains("scroll-hint");
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !has) {
        var hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.textContent = "表格较宽，可左右滑动查看 →";
        wrap.parentNode.insertBefore(hint, wrap);
      } else if (!scrolls && has) {
        before.remove();
      }
    }
  }
  hints();
  window.addEventListener("resize", hints);
})();
