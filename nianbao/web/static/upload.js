// Upload with progress: files go one at a time to the JSON API (same session and CSRF token as the form),
// so the bar moves per byte and per file, and each stored report appears with its link as soon as it is parsed.
// Without JavaScript the form posts to /upload and the page lists the stored reports.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var labels = JSON.parse(document.getElementById("upload-labels").textContent);
  var csrf = form.querySelector('input[name="csrf"]').value;
  var bar = document.getElementById("bar"), text = document.getElementById("progress-text");
  var rows = document.getElementById("result-rows");

  function cell(tr, value, cls) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    td.textContent = value == null ? "" : String(value);
    tr.appendChild(td);
    return td;
  }
  function addRow(item) {
    var tr = document.createElement("tr");
    var td = cell(tr, "");
    var a = document.createElement("a");
    a.href = item.url; a.textContent = item.name; td.appendChild(a);
    cell(tr, item.organ); cell(tr, item.year); cell(tr, item.template); cell(tr, item.errors, "n");
    rows.appendChild(tr);
  }
  function addFailure(name, message) {
    var tr = document.createElement("tr"); tr.className = "has-errors";
    cell(tr, name); var td = cell(tr, labels.failed + ": " + message); td.colSpan = 4;
    rows.appendChild(tr);
  }
  function send(file, index, total, done) {
    var fd = new FormData();
    fd.append("files", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/reports");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = (index + e.loaded / e.total * 0.9) / total;
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = { error: xhr.statusText }; }
      if (xhr.status === 201) body.items.forEach(addRow); else addFailure(file.name, body.error || xhr.status);
      done();
    };
    xhr.onerror = function () { addFailure(file.name, "network"); done(); };
    xhr.send(fd);
  }
  form.addEventListener("submit", function (e) {
    var files = Array.prototype.slice.call(document.getElementById("files").files);
    if (!files.length) return;
    e.preventDefault();
    document.getElementById("progress").hidden = false;
    document.getElementById("results").hidden = false;
    var i = 0;
    (function next() {
      text.textContent = i + " / " + files.length;
      bar.value = i / files.length;
      if (i >= files.length) { form.dataset.done = "1"; return; }
      send(files[i], i, files.length, function () { i += 1; next(); });
    })();
  });
})();
