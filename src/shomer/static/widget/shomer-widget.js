/*
 * Shomer contact widget: one script tag on any website.
 *
 *   <script src="https://HOST/static/widget/shomer-widget.js"
 *           data-shomer-url="https://HOST" async></script>
 *
 * Optional attributes: data-lang="he|en" (default: the page's <html lang>, else Hebrew).
 * Adds a floating button that opens Shomer's /widget/ page in an iframe ("send a message",
 * "call me back"). Everything lives in a shadow root, so the host page's CSS cannot break it
 * and ours cannot leak out. No cookies, no tracking; the labels come from Shomer, translated.
 */
(function () {
  "use strict";
  if (window.__shomerWidget) { return; }
  window.__shomerWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[data-shomer-url]");
    return all[all.length - 1] || null;
  })();
  if (!script) { return; }

  var base = (script.getAttribute("data-shomer-url") || new URL(script.src).origin).replace(/\/+$/, "");
  var pageLang = (document.documentElement.getAttribute("lang") || "").slice(0, 2).toLowerCase();
  var lang = script.getAttribute("data-lang") || (pageLang === "en" ? "en" : "he");

  // Shown until the translated labels arrive (or if they never do).
  var fallback = {
    he: { lang: "he", dir: "rtl", open_label: "צרו קשר", close_label: "סגירה", title: "צרו קשר" },
    en: { lang: "en", dir: "ltr", open_label: "Contact us", close_label: "Close", title: "Contact us" }
  };
  var config = fallback[lang] || fallback.he;
  config.frame = "/widget/?lang=" + encodeURIComponent(lang);

  var STYLE = [
    ":host { all: initial; }",
    ".launcher { position: fixed; inset-block-end: 20px; inset-inline-end: 20px; z-index: 2147483000;",
    "  display: flex; align-items: center; gap: 8px; padding: 12px 18px; border: 0; border-radius: 999px;",
    "  background: #1f5fbf; color: #fff; font: 600 15px/1.2 'Noto Sans Hebrew', 'Noto Sans', Arial, sans-serif;",
    "  box-shadow: 0 6px 20px rgba(16, 24, 40, 0.25); cursor: pointer; }",
    ".launcher:focus-visible { outline: 3px solid #8fb4ff; outline-offset: 2px; }",
    ".panel { position: fixed; inset-block-end: 80px; inset-inline-end: 20px; z-index: 2147483000;",
    "  inline-size: min(380px, calc(100vw - 40px)); block-size: min(600px, calc(100vh - 110px));",
    "  border: 1px solid #dde2ea; border-radius: 12px; overflow: hidden; background: #fff;",
    "  box-shadow: 0 12px 32px rgba(16, 24, 40, 0.28); }",
    ".panel[hidden] { display: none; }",
    "iframe { inline-size: 100%; block-size: 100%; border: 0; display: block; }",
    "svg { inline-size: 18px; block-size: 18px; fill: currentColor; }"
  ].join("\n");

  var host = document.createElement("div");
  host.setAttribute("data-shomer-widget", "");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = document.createElement("style");
  style.textContent = STYLE;
  root.appendChild(style);

  var wrapper = document.createElement("div");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "launcher";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-testid", "shomer-widget-button");
  var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z");
  icon.appendChild(path);
  var label = document.createElement("span");
  button.appendChild(icon);
  button.appendChild(label);

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  var frame = null;

  function applyConfig() {
    wrapper.setAttribute("dir", config.dir);
    wrapper.setAttribute("lang", config.lang);
    label.textContent = panel.hidden ? config.open_label : config.close_label;
    panel.setAttribute("aria-label", config.title);
  }

  function toggle() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = base + config.frame;
      frame.title = config.title;
      frame.setAttribute("data-testid", "shomer-widget-frame");
      panel.appendChild(frame);
    }
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
    applyConfig();
  }

  button.addEventListener("click", toggle);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) { toggle(); button.focus(); }
  });

  wrapper.appendChild(panel);
  wrapper.appendChild(button);
  root.appendChild(wrapper);
  applyConfig();

  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  if (window.fetch) {
    fetch(base + "/widget/config.json?lang=" + encodeURIComponent(lang), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.open_label) { config = data; applyConfig(); }
      })
      .catch(function () { /* keep the built-in labels */ });
  }
})();
