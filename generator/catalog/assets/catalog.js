/* github-pypi catalog: the index URL in install commands, copy buttons and the project filter. */
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
