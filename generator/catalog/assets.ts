/**
 * The catalog's shared stylesheet, script and icon, written to `assets/catalog.css`,
 * `assets/catalog.js` and `assets/favicon.svg`. No external fonts, no CDNs, nothing inline (the
 * pages' CSP forbids it).
 *
 * Colours meet WCAG AA (4.5:1) for text in both schemes; the pairs were checked:
 * light text #1f2328 on #ffffff/#f6f8fa/#eff2f5 >= 14:1, muted #59636e on #f6f8fa 5.7:1 (on #eff2f5 5.4:1),
 * links #0550ae on #eff2f5 6.8:1, badges >= 6.6:1; dark text #e6edf3 on #0d1117/#161b22 >= 14:1,
 * muted #9198a1 on #1f2630 5.2:1, links #58a6ff on #1f2630 6.0:1, badges >= 7.5:1.
 */

export const CATALOG_CSS = String.raw`/* github-pypi catalog */
:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --surface: #f6f8fa;
  --code-bg: #eff2f5;
  --border: #d0d7de;
  --text: #1f2328;
  --muted: #59636e;
  --link: #0550ae;
  --focus: #0969da;
  --button-bg: #ffffff;
  --button-hover: #eaeef2;
  --ok: #116329;
  --pre-bg: #fff1c2;
  --pre-text: #6b4400;
  --yanked-bg: #ffe1e1;
  --yanked-text: #8f1d1d;
  --latest-bg: #dafbe1;
  --latest-text: #116329;
  --radius: 0.5rem;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117;
    --surface: #161b22;
    --code-bg: #1f2630;
    --border: #30363d;
    --text: #e6edf3;
    --muted: #9198a1;
    --link: #58a6ff;
    --focus: #58a6ff;
    --button-bg: #21262d;
    --button-hover: #30363d;
    --ok: #56d364;
    --pre-bg: #3b2e00;
    --pre-text: #f2cc60;
    --yanked-bg: #3d1418;
    --yanked-text: #ff9492;
    --latest-bg: #0f2d1a;
    --latest-text: #56d364;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 1rem;
  line-height: 1.55;
  overflow-wrap: break-word;
}
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
code, pre, kbd, samp { font-family: var(--mono); font-size: 0.875em; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.5em 0 0.5em; }
h1 { font-size: clamp(1.6rem, 1.2rem + 2vw, 2.25rem); margin-top: 0; overflow-wrap: anywhere; }
h2 { font-size: 1.35rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--border); }
.skip {
  position: absolute; left: 0.5rem; top: -3rem; z-index: 10;
  padding: 0.5rem 1rem; border-radius: var(--radius);
  background: var(--bg); color: var(--link); border: 2px solid var(--focus);
}
.skip:focus { top: 0.5rem; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
main { display: block; max-width: 72rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
.site-header {
  max-width: 72rem; margin: 0 auto; padding: 0.75rem 1rem;
  display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: baseline; justify-content: space-between;
  border-bottom: 1px solid var(--border);
}
.site-header nav a { font-weight: 600; text-decoration: none; }
.site-header nav a::before { content: "\2190\00a0"; }
.site-header nav a:hover { text-decoration: underline; }
.site-name { color: var(--muted); font-size: 0.9rem; overflow-wrap: anywhere; }
.page-head { margin-bottom: 1.5rem; }
.lede, .note { color: var(--muted); }
.lede { margin: 0.25rem 0 0; font-size: 1.05rem; }
.note { margin: 0 0 0.75rem; font-size: 0.9rem; }
.empty { color: var(--muted); font-style: italic; }
.page-head .summary { font-size: 1.15rem; margin: 0.25rem 0 0; overflow-wrap: anywhere; }

/* Install commands */
.index-url { margin: 0 0 1rem; }
.index-url code { background: var(--code-bg); padding: 0.15rem 0.4rem; border-radius: 0.3rem; overflow-wrap: anywhere; }
.commands { display: grid; gap: 0.9rem; max-width: 60rem; }
/* Caption and button on one row, the command full width below: it stays readable on a phone. */
.command {
  margin: 0; min-width: 0;
  display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "caption button" "code code";
  gap: 0.3rem 0.5rem; align-items: end;
}
.command figcaption { grid-area: caption; font-size: 0.85rem; font-weight: 600; color: var(--muted); }
.command .copy { grid-area: button; }
.command pre {
  grid-area: code; margin: 0; padding: 0.6rem 0.75rem; min-width: 0;
  background: var(--code-bg); border: 1px solid var(--border); border-radius: var(--radius);
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.command code { font-size: 0.85rem; }
.copy {
  font: inherit; font-size: 0.85rem; font-weight: 600; line-height: 1.2;
  padding: 0.35rem 0.8rem; min-width: 5.25rem; min-height: 2rem; cursor: pointer;
  color: var(--text); background: var(--button-bg);
  border: 1px solid var(--border); border-radius: var(--radius);
}
.copy:hover { background: var(--button-hover); }
.copy.copied { color: var(--ok); border-color: var(--ok); }

/* Landing page */
.catalog h2 { margin-bottom: 0; }
.search {
  position: sticky; top: 0; z-index: 2;
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem;
  padding: 0.75rem 0; background: var(--bg); border-bottom: 1px solid var(--border);
}
.search label { font-weight: 600; }
.search input {
  flex: 1 1 16rem; min-width: 0; font: inherit; padding: 0.5rem 0.75rem;
  color: var(--text); background: var(--bg);
  border: 1px solid var(--muted); border-radius: var(--radius);
}
.search input::placeholder { color: var(--muted); opacity: 1; }
.search input:focus-visible { outline-offset: 0; }
#result-count { margin: 0; color: var(--muted); font-size: 0.9rem; }
#projects {
  list-style: none; margin: 1rem 0 0; padding: 0;
  display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 20rem), 1fr));
}
.project {
  min-width: 0; padding: 0.75rem 1rem;
  background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  /* No content-visibility or contain here: with 5,000 rows they make hiding rows seconds slower. */
}
.project-name { font-weight: 650; font-size: 1.05rem; overflow-wrap: anywhere; margin-right: 0.25rem; }
.version { font-family: var(--mono); font-size: 0.85rem; color: var(--muted); }
.project .summary { margin: 0.35rem 0 0; overflow-wrap: anywhere; }
.project-meta {
  margin: 0.5rem 0 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem;
  font-size: 0.85rem; color: var(--muted);
}
.project-meta > * { overflow-wrap: anywhere; }
.requires-python::before { content: "Python "; }

/* Project page */
.facts {
  display: grid; gap: 0.75rem; margin: 0 0 1rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 9.5rem), 1fr));
}
.facts > div { min-width: 0; padding: 0.6rem 0.85rem; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); }
.facts dt { font-size: 0.8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.facts dd { margin: 0.15rem 0 0; overflow-wrap: anywhere; }
.facts .version { font-size: 1rem; color: var(--text); }
.links { list-style: none; margin: 0; padding: 0; }
.dependencies { padding-left: 1.25rem; }
.dependency { margin: 0.2rem 0; overflow-wrap: anywhere; }
.dependency a, .dependency-name { font-weight: 600; }
.requirement { font-family: var(--mono); font-size: 0.875em; color: var(--muted); }
.badge {
  display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px;
  font-size: 0.75rem; font-weight: 650; line-height: 1.5; vertical-align: 0.1em; white-space: nowrap;
}
.badge.pre { background: var(--pre-bg); color: var(--pre-text); }
.badge.yanked { background: var(--yanked-bg); color: var(--yanked-text); }
.badge.latest { background: var(--latest-bg); color: var(--latest-text); }
.yank-reason { color: var(--yanked-text); font-size: 0.9rem; font-weight: 400; }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: var(--radius); }
.versions { width: 100%; min-width: 46rem; border-collapse: collapse; font-size: 0.9rem; }
.versions th, .versions td { padding: 0.45rem 0.75rem; text-align: left; vertical-align: top; border-top: 1px solid var(--border); }
.versions thead th { border-top: 0; font-size: 0.8rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.03em; }
.release-head th { background: var(--surface); font-weight: 400; }
.release-head th > * { margin-right: 0.35rem; }
.release-version { font-family: var(--mono); font-weight: 700; font-size: 0.95rem; }
.release-head time { color: var(--muted); font-size: 0.85rem; }
.versions .filename { overflow-wrap: anywhere; }
.versions .size { white-space: nowrap; }
.sha256 { font-size: 0.75rem; word-break: break-all; color: var(--muted); }
.is-yanked .filename { text-decoration: line-through; text-decoration-thickness: 1px; }

/* Long descriptions (sanitised Markdown, or preformatted text) */
.description { overflow-wrap: break-word; }
.description img { max-width: 100%; height: auto; }
.description pre, .plain-description {
  overflow-x: auto; padding: 0.75rem 1rem; background: var(--code-bg);
  border: 1px solid var(--border); border-radius: var(--radius);
}
.plain-description { white-space: pre-wrap; overflow-wrap: anywhere; }
.description :not(pre) > code { background: var(--code-bg); padding: 0.1rem 0.3rem; border-radius: 0.3rem; }
.description table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
.description th, .description td { border: 1px solid var(--border); padding: 0.35rem 0.6rem; }
.description blockquote { margin: 1rem 0; padding: 0 1rem; color: var(--muted); border-left: 0.25rem solid var(--border); }
.description h3, .description h4, .description h5, .description h6 { margin-top: 1.25em; }

@media (max-width: 30rem) {
  main { padding-top: 1.25rem; }
  .project { padding: 0.65rem 0.75rem; }
}
@media (forced-colors: active) {
  .badge { border: 1px solid; }
  .copy { border: 1px solid; }
}
`;

/** A package (a cube) on the link colour: the browser tab's icon. */
export const CATALOG_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0550ae"/><path d="M16 5.5 26 10.5v11l-10 5-10-5v-11zM6 10.5l10 5 10-5M16 15.5v11" fill="none" stroke="#fff" stroke-width="2.2" stroke-linejoin="round"/></svg>
`;

export const CATALOG_JS = String.raw`/* github-pypi catalog: the index URL in install commands, copy buttons and the project filter. */
(function () {
  "use strict";
  var doc = document;

  /** The simple index's absolute URL, from the page's relative github-pypi:index meta tag. */
  function indexUrl() {
    var meta = doc.querySelector('meta[name="github-pypi:index"]');
    if (!meta) return null;
    try {
      return new URL(meta.getAttribute("content") || "", location.href).href;
    } catch (e) {
      return null;
    }
  }

  function fillIndexUrl() {
    var url = indexUrl();
    if (!url) return;
    var els = doc.querySelectorAll("[data-index-url]");
    for (var i = 0; i < els.length; i++) els[i].textContent = url;
  }

  var announcer = null;
  var announceTimer = 0;
  function announce(text) {
    announcer = announcer || doc.getElementById("announcer");
    if (!announcer) return;
    announcer.textContent = "";
    clearTimeout(announceTimer);
    // Set after a tick so that the same message twice is announced twice.
    announceTimer = setTimeout(function () {
      announcer.textContent = text;
    }, 60);
  }

  function selectContents(el) {
    var selection = window.getSelection && window.getSelection();
    if (!selection) return;
    var range = doc.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  var resetTimers = new WeakMap();
  function showCopied(button) {
    button.textContent = "Copied";
    button.classList.add("copied");
    clearTimeout(resetTimers.get(button));
    resetTimers.set(
      button,
      setTimeout(function () {
        button.textContent = "Copy";
        button.classList.remove("copied");
      }, 2000)
    );
    announce("Copied to clipboard");
  }

  function copyFrom(button) {
    var target = doc.getElementById(button.getAttribute("data-copy-target") || "");
    if (!target) return;
    var text = target.textContent || "";
    function fallback() {
      selectContents(target);
      var ok = false;
      try {
        ok = doc.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      if (ok) showCopied(button);
      else announce("Text selected: press Control+C or Command+C to copy");
    }
    if (navigator.clipboard && typeof navigator.clipboard.writeText === "function") {
      navigator.clipboard.writeText(text).then(function () {
        showCopied(button);
      }, fallback);
    } else {
      fallback();
    }
  }

  function setupCopy() {
    doc.addEventListener("click", function (event) {
      var el = event.target;
      var button = el && el.closest ? el.closest("button.copy[data-copy-target]") : null;
      if (button) copyFrom(button);
    });
  }

  function setupSearch() {
    var input = doc.getElementById("search");
    var list = doc.getElementById("projects");
    var count = doc.getElementById("result-count");
    if (!input || !list || !count) return;

    // Read everything once: filtering then only compares strings and writes changed rows.
    var rows = list.querySelectorAll("li[data-search]");
    var total = rows.length;
    var keys = new Array(total);
    var shown = new Array(total);
    for (var i = 0; i < total; i++) {
      keys[i] = (rows[i].getAttribute("data-search") || "").toLowerCase();
      shown[i] = !rows[i].hidden;
    }
    var noun = total === 1 ? " project" : " projects";
    var frame = 0;
    var applied = null;

    function syncUrl(query) {
      if (!window.history || typeof history.replaceState !== "function") return;
      try {
        var url = new URL(location.href);
        if (query) url.searchParams.set("q", query);
        else url.searchParams.delete("q");
        if (url.href !== location.href) history.replaceState(history.state, "", url.href);
      } catch (e) {
        /* an opaque or sandboxed origin: the filter still works */
      }
    }

    function apply() {
      frame = 0;
      var query = input.value.trim();
      if (query === applied) return;
      applied = query;
      var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
      var termCount = terms.length;
      var matches = 0;
      for (var r = 0; r < total; r++) {
        var key = keys[r];
        var ok = true;
        for (var t = 0; t < termCount; t++) {
          if (key.indexOf(terms[t]) === -1) {
            ok = false;
            break;
          }
        }
        if (ok) matches++;
        if (ok !== shown[r]) {
          shown[r] = ok;
          rows[r].hidden = !ok;
        }
      }
      if (termCount === 0) count.textContent = total + noun;
      else if (matches === 0) count.textContent = 'No project matches "' + query + '"';
      else count.textContent = matches + " of " + total + noun;
      syncUrl(query);
    }

    function schedule() {
      if (!frame) frame = requestAnimationFrame(apply);
    }

    input.addEventListener("input", schedule);
    input.addEventListener("search", schedule);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && input.value !== "") {
        event.preventDefault();
        input.value = "";
        schedule();
      }
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      input.focus();
      input.select();
    });

    var initial = "";
    try {
      initial = new URL(location.href).searchParams.get("q") || "";
    } catch (e) {
      initial = "";
    }
    if (initial) input.value = initial;
    if (input.value.trim() !== "") apply();
  }

  function init() {
    fillIndexUrl();
    setupCopy();
    setupSearch();
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init);
  else init();
})();
`;
