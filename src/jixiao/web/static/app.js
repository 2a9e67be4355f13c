/* jixiao web: small behaviours on top of server-rendered pages and htmx. No outside requests. */
(function () {
  "use strict";

  function highlightLine(n, scroll) {
    var row = document.getElementById("L" + n);
    if (!row) { return false; }
    document.querySelectorAll("tr.hl").forEach(function (el) { el.classList.remove("hl"); });
    row.classList.add("hl");
    if (scroll) { row.scrollIntoView({ block: "center" }); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var close = target.closest("[data-close]");
    if (close) { close.parentElement.remove(); return; }
    if (target.closest("form, button, input, select, textarea, details")) { return; }
    var holder = target.closest("[data-line]");
    if (holder && document.getElementById("L" + holder.getAttribute("data-line"))) {
      event.preventDefault();
      var n = holder.getAttribute("data-line");
      highlightLine(n, true);
      history.replaceState(null, "", "#L" + n);
      document.querySelectorAll("li.finding.active").forEach(function (el) { el.classList.remove("active"); });
      var item = target.closest("li.finding");
      if (item) { item.classList.add("active"); }
    }
  });

  function fromHash() {
    var match = /^#L(\d+)$/.exec(location.hash);
    if (match) { highlightLine(match[1], true); }
  }

  /* a header checkbox ticks every checkbox of its name on the page (批量处理 of a list) */
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-check-all")) { return; }
    var name = box.getAttribute("data-check-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name.replace(/"/g, "") + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });

  /* a form that destroys something asks first: data-confirm holds the question */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  /* htmx: keep the caret where it was after the form body is replaced; clear old messages on success */
  var focused = null;
  document.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focused = active && active.name ? active.name : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (!focused) { return; }
    var again = document.querySelector('#form-body [name="' + focused.replace(/"/g, "") + '"]');
    if (again) { again.focus(); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status >= 200 && xhr.status < 300) {
      var flash = document.getElementById("flash");
      if (flash) { flash.innerHTML = ""; }
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showFlash("无法连接服务器，修改未保存，请稍后重试", "error");
  });

  function showFlash(message, level) {
    var flash = document.getElementById("flash");
    if (!flash) { return; }
    var div = document.createElement("div");
    div.className = "alert alert-" + level;
    div.setAttribute("role", "alert");
    div.textContent = message;
    flash.innerHTML = "";
    flash.appendChild(div);
  }

  /* import: one request per file, with its own progress bar and its own result */
  function sizeText(bytes) {
    if (bytes >= 1048576) { return (bytes / 1048576).toFixed(1) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function setupImport() {
    var form = document.getElementById("import-form");
    if (!form) { return; }
    var list = document.getElementById("upload-list");
    var limit = parseInt(form.getAttribute("data-limit"), 10);
    form.addEventListener("submit", function (event) {
      var input = form.querySelector('input[type="file"]');
      if (!input.files.length) { return; }
      event.preventDefault();
      list.innerHTML = "";
      var queue = [];
      Array.prototype.forEach.call(input.files, function (file) {
        var li = document.createElement("li");
        li.className = "upload";
        var name = document.createElement("span");
        name.className = "name";
        name.textContent = file.name + "（" + sizeText(file.size) + "）";
        var bar = document.createElement("progress");
        bar.max = 100; bar.value = 0;
        var status = document.createElement("span");
        status.className = "status";
        status.textContent = "等待上传";
        li.appendChild(name); li.appendChild(bar); li.appendChild(status);
        list.appendChild(li);
        if (file.size > limit) {
          li.classList.add("failed");
          bar.remove();
          status.textContent = "文件过大（" + sizeText(file.size) + "），单个文件不能超过 " + sizeText(limit) + "，未上传";
          return;
        }
        queue.push({ file: file, li: li, bar: bar, status: status });
      });
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      (function next() {
        var job = queue.shift();
        if (!job) { button.disabled = false; input.value = ""; return; }
        var data = new FormData();
        data.append("files", job.file, job.file.name);
        var token = form.querySelector('input[name="csrf_token"]').value;
        var department = form.querySelector('input[name="department"]');
        if (department && department.value) { data.append("department", department.value); }
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-CSRF-Token", token);
        job.status.textContent = "上传中";
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) { job.bar.value = Math.round(e.loaded / e.total * 100); }
        };
        xhr.upload.onload = function () { job.bar.value = 100; job.status.textContent = "正在读取和审核…"; };
        xhr.onload = function () {
          var message = "导入失败（" + xhr.status + "）";
          var ok = false, link = null;
          try {
            var body = JSON.parse(xhr.responseText);
            if (body.results && body.results.length) {
              var r = body.results[0];
              ok = r.ok; message = r.message;
              if (r.document_id) { link = "/documents/" + r.document_id; }
            } else if (body.detail) { message = body.detail; }
          } catch (err) { /* the status text stays */ }
          job.li.classList.add(ok ? "ok" : "failed");
          job.bar.remove();
          job.status.textContent = message;
          if (link) {
            var a = document.createElement("a");
            a.href = link; a.textContent = "查看";
            job.li.appendChild(a);
          }
          next();
        };
        xhr.onerror = function () {
          job.li.classList.add("failed");
          job.status.textContent = "上传中断（网络错误或文件过大），未保存";
          next();
        };
        xhr.send(data);
      })();
    });
  }

  function setupCharts() {
    if (typeof window.echarts === "undefined") { return; }
    var charts = [];
    document.querySelectorAll(".echart").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-option"));
      if (!source) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(JSON.parse(source.textContent));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    document.documentElement.setAttribute("data-charts", String(charts.length));
  }

  document.addEventListener("DOMContentLoaded", function () {
    fromHash();
    setupImport();
    setupCharts();
  });
  window.addEventListener("hashchange", fromHash);
})();
