/* sohoa review UI: keyboard shortcuts, decisions in place, zoom and pan on the scan, words
   clicked to fill a missing field. Plain JavaScript, no build step. Everything works without it
   (plain forms, one page per decision); this only makes the work fast. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function typingIn(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea") return !target.readOnly;
    if (tag === "select") return true;
    return tag === "input" && !target.readOnly && target.type !== "hidden";
  }

  /* Enter or Space on a focused button or link does what the browser does with it. */
  function nativeKey(ev) {
    var tag = ev.target && ev.target.tagName ? ev.target.tagName.toLowerCase() : "";
    return (tag === "button" || tag === "a") && (ev.key === "Enter" || ev.key === " ");
  }

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function fitHeight(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
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
      forget: function (name) {
        var s = store(); if (!s || !match) return;
        try { s.removeItem(prefix + name); } catch (e) { /* nothing to forget */ }
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

  /* Zoom and pan on the scan: the wheel and +/− zoom (about the pointer, or the middle), 0 fits
     the pages to the width, z zooms to the selected field's box; dragging pans. */
  function scanZoom(scan) {
    var pages = all(scan, ".page");
    var label = scan.querySelector(".zoom-level");
    var level = 1;  // 1: a page as wide as the scan area
    function fitWidth() {
      var style = window.getComputedStyle(scan);
      return Math.max(200, scan.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    }
    function apply(next, anchor) {
      var old = level;
      level = Math.max(0.25, Math.min(8, next));
      var width = fitWidth() * level;
      var ax = anchor ? anchor.x : scan.clientWidth / 2, ay = anchor ? anchor.y : scan.clientHeight / 2;
      var x = scan.scrollLeft + ax, y = scan.scrollTop + ay;
      pages.forEach(function (p) { p.style.width = width + "px"; });
      scan.scrollLeft = x * level / old - ax;
      scan.scrollTop = y * level / old - ay;
      if (label) label.textContent = Math.round(level * 100) + "%";
      scan.dataset.zoom = level.toFixed(3);
    }
    function toBox(rect) {
      if (!rect) return;
      var page = rect.closest(".page"), svg = rect.ownerSVGElement;
      var natural = parseFloat(page.dataset.width) || svg.viewBox.baseVal.width;
      var x = parseFloat(rect.getAttribute("x")), y = parseFloat(rect.getAttribute("y"));
      var w = parseFloat(rect.getAttribute("width")), h = parseFloat(rect.getAttribute("height"));
      // The box about a third of the area wide, its lines around it readable; at most 4×.
      var scale = Math.min(0.4 * scan.clientWidth / w, 0.3 * scan.clientHeight / h);
      apply(Math.min(4, Math.max(1, scale * natural / fitWidth())));
      var shown = page.querySelector(".page-frame").getBoundingClientRect();
      var area = scan.getBoundingClientRect();
      var factor = shown.width / natural;
      scan.scrollLeft += shown.left - area.left + (x + w / 2) * factor - scan.clientWidth / 2;
      scan.scrollTop += shown.top - area.top + (y + h / 2) * factor - scan.clientHeight / 2;
    }
    apply(1);
    window.addEventListener("resize", function () { apply(level); });
    scan.addEventListener("wheel", function (ev) {
      if (ev.ctrlKey) return;  // the browser's own zoom
      ev.preventDefault();
      var area = scan.getBoundingClientRect();
      apply(level * (ev.deltaY < 0 ? 1.2 : 1 / 1.2), { x: ev.clientX - area.left, y: ev.clientY - area.top });
    }, { passive: false });
    var drag = null;
    scan.addEventListener("mousedown", function (ev) {
      if (ev.button !== 0 || ev.target.closest(".scan-tools") || scan.classList.contains("picking")) return;
      if (ev.target.classList && ev.target.classList.contains("field-box")) return;
      drag = { x: ev.clientX, y: ev.clientY, left: scan.scrollLeft, top: scan.scrollTop, moved: false };
      scan.classList.add("dragging");
      ev.preventDefault();
    });
    window.addEventListener("mousemove", function (ev) {
      if (!drag) return;
      drag.moved = true;
      scan.scrollLeft = drag.left - (ev.clientX - drag.x);
      scan.scrollTop = drag.top - (ev.clientY - drag.y);
    });
    window.addEventListener("mouseup", function () { drag = null; scan.classList.remove("dragging"); });
    all(scan, "[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { command(button.dataset.zoom); });
    });
    var selectedBox = function () { return null; };
    function command(what) {
      if (what === "in") apply(level * 1.25);
      else if (what === "out") apply(level / 1.25);
      else if (what === "fit") { apply(1); scan.scrollLeft = 0; }
      else if (what === "field") toBox(selectedBox());
    }
    return {
      command: command,
      follow: function (finder) { selectedBox = finder; }
    };
  }

  function documentPage(main) {
    var panel = document.getElementById("panel");
    var scan = document.querySelector(".scan");
    var zoom = scan && scan.querySelector(".page") ? scanZoom(scan) : null;
    var fields = [], current = -1, busy = false;
    var picked = [];  // words clicked for the field being added: {rect, page}

    function boxesOf(name) {
      return all(document, ".field-box").filter(function (b) { return b.getAttribute("data-field") === name; });
    }
    function selected() { return current >= 0 ? fields[current] : null; }
    if (zoom) zoom.follow(function () { var li = selected(); return li ? boxesOf(li.dataset.field)[0] : null; });

    function select(index, scroll) {
      if (!fields.length) { current = -1; return; }
      current = Math.max(0, Math.min(fields.length - 1, index));
      var li = fields[current];
      var name = li.dataset.field;
      fields.forEach(function (f) { f.classList.toggle("selected", f === li); });
      all(document, ".field-box").forEach(function (b) {
        var on = b.getAttribute("data-field") === name;
        b.classList.toggle("selected", on);
        if (on && b.parentNode) b.parentNode.appendChild(b);  // drawn on top
      });
      if (scroll !== false) {
        li.scrollIntoView({ block: "nearest" });
        var box = boxesOf(name)[0];
        if (box && scan) box.scrollIntoView({ block: "center", inline: "center" });
      }
    }
    function indexOf(name) {
      for (var i = 0; i < fields.length; i++) if (fields[i].dataset.field === name) return i;
      return -1;
    }

    function valueOf(li) { return li.querySelector("textarea.value"); }
    function startEdit(li) {
      li = li || selected(); if (!li) return;
      var input = valueOf(li);
      picking(false);  // editing a field ends picking words for a new one
      li.classList.add("editing"); li.classList.remove("rejecting");
      input.readOnly = false; input.focus(); input.select();
    }
    function stopEdit(li) {
      var input = valueOf(li);
      input.value = input.dataset.shown; input.readOnly = true; fitHeight(input);
      li.classList.remove("editing", "refused");
      var refusal = li.querySelector(".refusal"); refusal.hidden = true; refusal.textContent = "";
      input.blur();
    }
    function startReject() {
      var li = selected(); if (!li) return;
      li.classList.add("rejecting");
      li.querySelector(".reason-row input").focus();
    }

    /* Decisions in place: the form goes by fetch; the answer is the fresh panel (the scan stays),
       the next document's address once this one is settled, or the reason a value was refused,
       shown beside its input with the typed text kept. */
    function send(form, submitter) {
      if (busy) return;
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      var field = data.get("field"), action = data.get("action");
      if (field && action === "correct") drafts.keep(field, String(data.get("value") || ""));
      busy = true; panel.classList.add("busy");
      fetch(form.getAttribute("action"), {  // form.action may name its "action" buttons
        method: "POST",
        body: new URLSearchParams(data),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (answer) {
        busy = false; panel.classList.remove("busy");
        answered(answer.status, answer.body, field, action);
      }, function () {
        busy = false; panel.classList.remove("busy");
        // No answer we can read: send the form the plain way (the server answers with a page).
        if (submitter && submitter.name) {
          var carried = document.createElement("input");
          carried.type = "hidden"; carried.name = submitter.name; carried.value = submitter.value;
          form.appendChild(carried);
        }
        form.submit();
      });
    }

    function answered(status, body, field, action) {
      if (status === 401 && body.login_url) { window.location.href = body.login_url; return; }
      if (body.location) { window.location.href = body.location; return; }
      if (body.panel !== undefined) {
        if (field && action === "correct" && status < 300) drafts.forget(field);
        replacePanel(body);
        return;
      }
      if (body.message) { refuse(body.field, body.message); return; }
      if (body.error && body.error.code === "invalid_character") {
        // Refused by the app before any route (a NUL, a control character): said in Vietnamese.
        refuse(field, main.dataset.invalidCharacter || body.error.message);
        return;
      }
      window.location.reload();
    }

    function refuse(name, message) {
      var at = name ? indexOf(name) : -1;
      var li = at >= 0 ? fields[at] : null;
      var note = li ? li.querySelector(".refusal") : document.getElementById("refusal-add");
      if (!note) { window.alert(message); return; }
      note.textContent = message; note.hidden = false;
      if (li) {
        if (current !== at) select(at, false);
        li.classList.add("refused", "editing");
        var input = valueOf(li); input.readOnly = false; input.focus();
        if (!input.getAttribute("aria-describedby").match(/refusal-/)) {
          input.setAttribute("aria-describedby", input.getAttribute("aria-describedby") + " " + note.id);
        }
      } else {
        document.getElementById("add-value").focus();
      }
    }

    function replacePanel(body) {
      var top = panel.scrollTop;
      panel.innerHTML = body.panel;
      redrawBoxes(body.boxes || []);
      picking(false);
      bind();
      var at = body.selected ? indexOf(body.selected) : -1;
      select(at >= 0 ? at : 0, false);
      panel.scrollTop = top;
      var li = selected();
      if (li) { li.scrollIntoView({ block: "nearest" }); li.focus({ preventScroll: true }); }
      var box = li ? boxesOf(li.dataset.field)[0] : null;
      if (box) box.scrollIntoView({ block: "nearest", inline: "nearest" });
    }

    function redrawBoxes(boxes) {
      all(document, ".field-box").forEach(function (b) { b.parentNode.removeChild(b); });
      boxes.forEach(function (f) {
        var svg = document.querySelector("#page-" + f.page + " svg.overlay");
        if (!svg) return;
        var r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        r.setAttribute("class", "field-box"); r.setAttribute("data-field", f.name);
        r.setAttribute("x", f.box[0] - 4); r.setAttribute("y", f.box[1] - 4);
        r.setAttribute("width", f.box[2] + 8); r.setAttribute("height", f.box[3] + 8); r.setAttribute("rx", 4);
        svg.appendChild(r);
      });
    }

    /* Adding a missing field: pick its name, click words on the scan; their text fills the value
       and their union box (one page) becomes its provenance. */
    function picking(on) {
      if (!scan) return;
      scan.classList.toggle("picking", on);
      var note = scan.querySelector(".pick-note"); if (note) note.hidden = !on;
      if (!on) {
        picked.forEach(function (p) { p.rect.classList.remove("picked"); });
        picked = [];
      }
    }
    function pick(rect) {
      var page = rect.closest(".page").dataset.number;
      var at = -1;
      for (var i = 0; i < picked.length; i++) if (picked[i].rect === rect) at = i;
      if (at >= 0) { picked.splice(at, 1); rect.classList.remove("picked"); }
      else if (!picked.length || picked[0].page === page) { picked.push({ rect: rect, page: page }); rect.classList.add("picked"); }
      var value = document.getElementById("add-value");
      if (!value) return;
      value.value = picked.map(function (p) { return p.rect.getAttribute("data-text"); }).join(" ");
      fitHeight(value);
      var box = null;
      picked.forEach(function (p) {
        var x = +p.rect.getAttribute("x"), y = +p.rect.getAttribute("y");
        var r = x + (+p.rect.getAttribute("width")), b = y + (+p.rect.getAttribute("height"));
        box = box ? [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], r), Math.max(box[3], b)] : [x, y, r, b];
      });
      document.getElementById("add-page").value = picked.length ? picked[0].page : "";
      document.getElementById("add-box").value = box ? [box[0], box[1], box[2] - box[0], box[3] - box[1]].map(Math.round).join(",") : "";
      var count = document.getElementById("add-words");
      if (count) count.textContent = picked.length ? picked.length + " chữ đã chọn trên trang " + picked[0].page : "";
    }
    function startAdd() {
      var form = document.getElementById("add-field"); if (!form) return;
      form.classList.add("active");
      picking(true);
      var name = document.getElementById("add-name");
      name.focus(); form.scrollIntoView({ block: "nearest" });
    }

    function bind() {
      fields = all(panel, ".field[data-field]");
      fields.forEach(function (li, i) {
        li.tabIndex = -1;
        var input = valueOf(li);
        input.readOnly = !li.classList.contains("editing");
        fitHeight(input);
        li.addEventListener("click", function () { if (current !== i) select(i, false); });
        input.addEventListener("mousedown", function (ev) {
          // A click on a value starts editing it, the whole value selected: typing replaces it.
          if (input.readOnly && li.querySelector("button[value=correct]")) {
            ev.preventDefault(); select(i, false); startEdit(li);
          }
        });
        input.addEventListener("input", function () { fitHeight(input); });
        input.addEventListener("keydown", function (ev) {
          if (input.readOnly) return;
          if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); li.querySelector("form").requestSubmit(li.querySelector("button[value=correct]")); }
          else if (ev.key === "Escape") { ev.preventDefault(); stopEdit(li); li.focus({ preventScroll: true }); }
          ev.stopPropagation();
        });
        var reason = li.querySelector(".reason-row input");
        reason.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") {
            ev.preventDefault();
            if (reason.value.trim()) li.querySelector("form").requestSubmit(li.querySelector("button[value=reject]"));
          } else if (ev.key === "Escape") { ev.preventDefault(); li.classList.remove("rejecting"); reason.blur(); }
          ev.stopPropagation();
        });
        var correct = li.querySelector("button[value=correct]");
        if (correct) correct.addEventListener("click", function (ev) {
          if (input.readOnly) { ev.preventDefault(); select(i, false); startEdit(li); }
        });
        var reject = li.querySelector("button[value=reject]");
        if (reject) reject.addEventListener("click", function (ev) {
          if (!reason.value.trim()) { ev.preventDefault(); select(i, false); startReject(); }
        });
      });
      all(panel, "form[method=post]").forEach(function (form) {
        form.addEventListener("submit", function (ev) { ev.preventDefault(); send(form, ev.submitter); });
      });
      all(panel, ".conflicts input[name=value]").forEach(function (other) {
        other.addEventListener("keydown", function (ev) {  // Enter saves this value, not "keep"
          if (ev.key === "Enter") { ev.preventDefault(); other.form.requestSubmit(other.form.querySelector("button[value=value]")); }
        });
      });
      var retype = document.getElementById("retype-type");
      if (retype) retype.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { ev.preventDefault(); if (retype.value) retype.form.requestSubmit(); }
        else if (ev.key === "Escape") { ev.preventDefault(); retype.blur(); }
        ev.stopPropagation();
      });
      var add = document.getElementById("add-field");
      if (add) {
        var name = document.getElementById("add-name"), value = document.getElementById("add-value");
        function limits() {
          var option = name.options[name.selectedIndex];
          if (option && option.dataset.max) value.maxLength = +option.dataset.max;
          value.placeholder = option && option.dataset.hint ? option.dataset.hint : "";
        }
        limits();
        name.addEventListener("change", function () { limits(); picking(true); });
        add.addEventListener("focusin", function () { add.classList.add("active"); picking(true); });
        name.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") { ev.preventDefault(); if (value.value.trim()) add.requestSubmit(); else value.focus(); }
          else if (ev.key === "Escape") { ev.preventDefault(); picking(false); add.classList.remove("active"); name.blur(); }
          ev.stopPropagation();
        });
        value.addEventListener("input", function () { fitHeight(value); });
        value.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); add.requestSubmit(); }
          else if (ev.key === "Escape") { ev.preventDefault(); picking(false); add.classList.remove("active"); value.blur(); }
          ev.stopPropagation();
        });
      }
      var refused = panel.querySelector(".field.refused");
      if (refused) { select(indexOf(refused.dataset.field), true); var r = valueOf(refused); r.readOnly = false; r.focus(); }
    }

    if (scan) {
      scan.addEventListener("click", function (ev) {
        var target = ev.target;
        if (!target.classList) return;
        if (scan.classList.contains("picking") && target.classList.contains("word")) { pick(target); return; }
        if (target.classList.contains("field-box")) {
          var at = indexOf(target.getAttribute("data-field"));
          if (at >= 0) select(at);
        }
      });
    }

    function submitForm(id) {
      var form = document.getElementById(id);
      if (form) form.requestSubmit();
    }

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typingIn(ev.target) || nativeKey(ev)) return;
      var k = ev.key;
      var handled = true;
      if (k === "j" || k === "ArrowDown") select(current + 1);
      else if (k === "k" || k === "ArrowUp") select(current - 1);
      else if (k === "a" || k === "Enter") {
        var li = selected();
        var accept = li ? li.querySelector("button[value=accept]") : null;
        if (accept) li.querySelector("form").requestSubmit(accept); else handled = false;
      }
      else if (k === "e" || k === "F2") startEdit();
      else if (k === "r") startReject();
      else if (k === "c") submitForm("accept-confident");
      else if (k === "A") submitForm("accept-document");
      else if (k === "R") { var r = document.getElementById("document-reason"); if (r) { r.focus(); r.scrollIntoView({ block: "center" }); } }
      else if (k === "t") startAdd();
      else if (k === "d") { var t = document.getElementById("retype-type"); if (t) { t.focus(); t.scrollIntoView({ block: "center" }); } }
      else if (k === "l") submitForm("later");
      else if (k === "n") window.location.href = main.dataset.next;
      else if (k === "p") window.location.href = main.dataset.previous;
      else if (k === "q") window.location.href = document.getElementById("queue-link").href;
      else if (zoom && (k === "+" || k === "=")) zoom.command("in");
      else if (zoom && (k === "-" || k === "_")) zoom.command("out");
      else if (zoom && k === "0") zoom.command("fit");
      else if (zoom && k === "z") zoom.command("field");
      else if (k === "Escape" && scan && scan.classList.contains("picking")) picking(false);
      else handled = false;
      if (handled) ev.preventDefault();
    });

    bind();
    var start = indexOf(main.dataset.selected);
    if (!panel.querySelector(".field.refused")) select(start >= 0 ? start : 0, !document.getElementById("action-error"));

    var restored = drafts.take();
    if (restored) {
      var j = indexOf(restored.name);
      if (j >= 0) {
        select(j); startEdit(fields[j]);
        var typed = valueOf(fields[j]);
        typed.value = restored.value; typed.setSelectionRange(typed.value.length, typed.value.length);
        fitHeight(typed);
        var note = document.createElement("div");
        note.id = "draft-restored"; note.className = "alert ok"; note.setAttribute("role", "status");
        note.textContent = "Phiên làm việc đã hết hạn trước khi giá trị bạn nhập được lưu. Giá trị đó " +
          "được giữ lại ở đây nhưng chưa được lưu: kiểm tra rồi nhấn Enter để lưu, Esc để bỏ.";
        fields[j].insertBefore(note, fields[j].firstChild);
      }
    }
  }

  function queuePage() {
    var rows = all(document, ".queue-row");
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
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typingIn(ev.target) || nativeKey(ev)) return;
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
