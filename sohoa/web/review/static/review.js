/* sohoa review UI: keyboard shortcuts and box highlighting. Plain JavaScript, no build step.
   Everything works without it (plain forms); this only makes the work fast. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typingIn(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") return true;
    return tag === "input" && !target.readOnly && target.type !== "hidden";
  }

  function submitWith(form, selector) {
    if (!form || form.dataset.sent) return;
    form.dataset.sent = "1";
    var button = selector ? form.querySelector(selector) : null;
    if (form.requestSubmit) form.requestSubmit(button || undefined);
    else form.submit();
  }

  function documentPage(main) {
    var fields = Array.prototype.slice.call(document.querySelectorAll(".field[data-field]"));
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".field-box"));
    var current = -1;

    fields.forEach(function (li) {
      var input = li.querySelector("input.value");
      if (input) { input.readOnly = true; input.dataset.original = input.value; }
    });

    function select(index, scroll) {
      if (!fields.length) return;
      current = Math.max(0, Math.min(fields.length - 1, index));
      var li = fields[current];
      var name = li.dataset.field;
      fields.forEach(function (f) { f.classList.toggle("selected", f === li); });
      boxes.forEach(function (b) {
        var on = b.getAttribute("data-field") === name;
        b.classList.toggle("selected", on);
        if (on && b.parentNode) b.parentNode.appendChild(b);  // drawn on top
      });
      if (scroll !== false) {
        li.scrollIntoView({ block: "nearest" });
        var box = boxes.filter(function (b) { return b.getAttribute("data-field") === name; })[0];
        if (box) box.scrollIntoView({ block: "center", inline: "nearest" });
      }
    }

    function selected() { return current >= 0 ? fields[current] : null; }

    function startEdit() {
      var li = selected(); if (!li) return;
      var input = li.querySelector("input.value");
      li.classList.add("editing"); li.classList.remove("rejecting");
      input.readOnly = false; input.focus(); input.select();
    }

    function stopEdit(li) {
      var input = li.querySelector("input.value");
      input.value = input.dataset.original; input.readOnly = true;
      li.classList.remove("editing"); input.blur();
    }

    function startReject() {
      var li = selected(); if (!li) return;
      li.classList.add("rejecting");
      li.querySelector(".reason-row input").focus();
    }

    fields.forEach(function (li, i) {
      li.addEventListener("click", function () { if (current !== i) select(i, false); });
      var input = li.querySelector("input.value");
      input.addEventListener("keydown", function (ev) {
        if (input.readOnly) return;
        if (ev.key === "Enter") { ev.preventDefault(); submitWith(li.querySelector("form"), "button[value=correct]"); }
        else if (ev.key === "Escape") { ev.preventDefault(); stopEdit(li); }
        ev.stopPropagation();
      });
      var reason = li.querySelector(".reason-row input");
      reason.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") {
          ev.preventDefault();
          if (reason.value.trim()) submitWith(li.querySelector("form"), "button[value=reject]");
        } else if (ev.key === "Escape") { ev.preventDefault(); li.classList.remove("rejecting"); reason.blur(); }
        ev.stopPropagation();
      });
      li.querySelector("form").addEventListener("submit", function (ev) {
        if (ev.submitter && ev.submitter.value === "correct") drafts.keep(li.dataset.field, input.value);
      });
      li.querySelector("button[value=correct]").addEventListener("click", function (ev) {
        if (input.readOnly) { ev.preventDefault(); select(i, false); startEdit(); }
      });
      li.querySelector("button[value=reject]").addEventListener("click", function (ev) {
        if (!reason.value.trim()) { ev.preventDefault(); select(i, false); startReject(); }
      });
    });

    boxes.forEach(function (box) {
      box.addEventListener("click", function () {
        var name = box.getAttribute("data-field");
        for (var i = 0; i < fields.length; i++) if (fields[i].dataset.field === name) select(i);
      });
    });

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typingIn(ev.target)) return;
      var k = ev.key;
      var handled = true;
      if (k === "j" || k === "ArrowDown") select(current + 1);
      else if (k === "k" || k === "ArrowUp") select(current - 1);
      else if (k === "a" || k === "Enter") {
        var li = selected();
        if (li) submitWith(li.querySelector("form"), "button[value=accept]"); else handled = false;
      }
      else if (k === "e" || k === "F2") startEdit();
      else if (k === "r") startReject();
      else if (k === "A") submitWith(document.getElementById("accept-document"));
      else if (k === "R") { var r = document.getElementById("document-reason"); if (r) { r.focus(); r.scrollIntoView({ block: "center" }); } }
      else if (k === "n") window.location.href = main.dataset.next;
      else if (k === "q") window.location.href = document.querySelector(".nav-links a").href;
      else handled = false;
      if (handled) ev.preventDefault();
    });

    var start = 0;
    for (var i = 0; i < fields.length; i++) if (fields[i].dataset.field === main.dataset.selected) start = i;
    select(start, !document.getElementById("action-error"));

    var restored = drafts.take();
    if (restored) {
      for (var j = 0; j < fields.length; j++) if (fields[j].dataset.field === restored.name) {
        select(j); startEdit();
        var typed = fields[j].querySelector("input.value");
        typed.value = restored.value; typed.setSelectionRange(typed.value.length, typed.value.length);
        var note = document.createElement("div");
        note.id = "draft-restored"; note.className = "alert ok"; note.setAttribute("role", "status");
        note.textContent = "Phiên làm việc đã hết hạn trước khi giá trị bạn nhập được lưu. Giá trị đó " +
          "được giữ lại ở đây nhưng chưa được lưu: kiểm tra rồi nhấn Enter để lưu, Esc để bỏ.";
        fields[j].insertBefore(note, fields[j].firstChild);
      }
    }
  }

  /* A correction outlives a session that ended meanwhile: kept in this tab's sessionStorage when
     sent (by document and field), put back once when the sign-in returns with draft=<field>
     (routing.way_back), never saved until the steward submits it again. Any other visit to the
     document means the server answered: its drafts are forgotten. */
  var drafts = (function () {
    var match = window.location.pathname.match(/^\/review\/documents\/(\d+)/);
    var prefix = "sohoa.review.draft:" + (match ? match[1] : "") + ":";
    function store() { try { return window.sessionStorage; } catch (e) { return null; } }
    return {
      keep: function (name, value) {
        var s = store(); if (!s || !match) return;
        try { s.setItem(prefix + name, value); } catch (e) { /* full or refused: nothing kept */ }
      },
      take: function () {
        var s = store(); if (!s || !match) return null;
        var params = new URLSearchParams(window.location.search);
        var name = params.get("draft");
        var value = name ? s.getItem(prefix + name) : null;
        for (var k = s.length - 1; k >= 0; k--) {
          var key = s.key(k);
          if (key && key.indexOf(prefix) === 0) s.removeItem(key);
        }
        if (name) {
          params.delete("draft");
          var query = params.toString();
          window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
        }
        return value === null ? null : { name: name, value: value };
      }
    };
  })();

  function queuePage() {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
    var current = -1;
    function select(i) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("selected", j === current); });
      rows[current].scrollIntoView({ block: "nearest" });
    }
    rows.forEach(function (row) {
      row.addEventListener("click", function (ev) {
        if (ev.target.tagName.toLowerCase() !== "a") window.location.href = row.dataset.href;
      });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typingIn(ev.target)) return;
      var k = ev.key, handled = true;
      if (k === "j" || k === "ArrowDown") select(current + 1);
      else if (k === "k" || k === "ArrowUp") select(current - 1);
      else if (k === "Enter" && current >= 0) window.location.href = rows[current].dataset.href;
      else if (k === "n") window.location.href = document.getElementById("open-next").href;
      else handled = false;
      if (handled) ev.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("main");
    if (!main) return;
    if (main.dataset.page === "document") documentPage(main);
    else if (main.dataset.page === "queue") queuePage();
  });
})();
