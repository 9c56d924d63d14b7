// Live progress of a run or import job (subsidies/job_page.html); no inline script (CSP).
(function () {
  var box = document.getElementById("job");
  if (box.dataset.finished === "1") { return; }
  function text(id, value) { document.getElementById(id).textContent = value; }
  function show(state) {
    var bar = document.getElementById("job-bar");
    bar.value = state.percent;
    text("job-percent", state.percent + "%");
    text("job-stage", state.stage + (state.total && !state.finished ? "(" + state.done + "/" + state.total + ")" : ""));
    text("job-status", state.status_label + (state.result.summary ? ":" + state.result.summary : ""));
    if (!state.finished) { return false; }
    var done = document.getElementById("job-finished");
    done.textContent = state.message; done.hidden = false;
    if (state.status !== "done") { document.getElementById("job-progress").hidden = true; }
    var status = document.getElementById("job-status");
    if (state.status === "failed") { status.className = "errornote"; }
    var list = document.getElementById("job-messages");
    (state.result.messages || []).forEach(function (m) {
      var li = document.createElement("li"); li.textContent = m; list.appendChild(li);
    });
    if (state.result.url) {
      var a = document.createElement("a"); a.href = state.result.url; a.textContent = state.result.link_label || "查看测算结果";
      document.getElementById("job-link").appendChild(a);
    }
    var table = document.getElementById("job-errors"), body = table.querySelector("tbody");
    state.errors.forEach(function (e) {
      var tr = document.createElement("tr");
      [e.line === null ? "" : e.line, e.column, e.message].forEach(function (v) {
        var td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.hidden = state.errors.length === 0;
    return true;
  }
  function poll() {
    fetch(box.dataset.api, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (state) { if (!show(state)) { setTimeout(poll, 1000); } })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
